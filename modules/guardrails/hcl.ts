/**
 * Reads the literal part of Terraform expression text, as cdktf renders `Fn.jsonencode({...})`:
 * `${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Resource" = aws_s3_bucket.b.arn}]})}`.
 * Object and tuple constructors, quoted templates, numbers, booleans and null become JSON
 * values; any other expression (a reference, a function call, a conditional) becomes the
 * opaque string `${<expression>}`, the form references take everywhere else in the
 * synthesized JSON. Template strings keep their interpolations verbatim: `"${x.arn}/*"`
 * reads as `${x.arn}/*`.
 */

/** A value read from expression text. */
export type HclValue = string | number | boolean | null | readonly HclValue[] | { readonly [key: string]: HclValue };

/** Thrown for text that is not a well-formed expression (unbalanced brackets or quotes). */
export class HclSyntaxError extends Error {
  constructor(message: string, text: string, position: number) {
    super(`${message} at offset ${position} of ${JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text)}`);
    this.name = "HclSyntaxError";
  }
}

const DELIMITERS = new Set([",", "}", "]", ")"]);
const NUMBER = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_-]*/y;
const ESCAPES: Readonly<Record<string, string>> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\" };
/** A run of template characters with no special meaning. */
const PLAIN_RUN = /[^"\\$%]+/y;
const SPACE_RUN = /\s*/y;

class Parser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parseAll(): HclValue {
    const value = this.value(false);
    this.skipSpace();
    if (this.pos !== this.text.length) {
      throw this.error("unexpected text after the expression");
    }
    return value;
  }

  private error(message: string): HclSyntaxError {
    return new HclSyntaxError(message, this.text, this.pos);
  }

  private skipSpace(): void {
    SPACE_RUN.lastIndex = this.pos;
    SPACE_RUN.exec(this.text);
    this.pos = SPACE_RUN.lastIndex;
  }

  /** Skips white space; true when it held a line break (which ends an object attribute). */
  private skipSpaceSawNewline(): boolean {
    const start = this.pos;
    this.skipSpace();
    return this.text.slice(start, this.pos).includes("\n");
  }

  /**
   * A value; a literal followed by more expression text (an operator) is opaque as a whole.
   * In an object, a line break also ends the value (HCL attributes may be newline-separated).
   */
  private value(inObject: boolean): HclValue {
    this.skipSpace();
    const start = this.pos;
    const literal = this.literal();
    if (literal !== undefined) {
      const end = this.pos;
      const newline = this.skipSpaceSawNewline();
      if (this.pos >= this.text.length || DELIMITERS.has(this.text[this.pos]) || (inObject && newline)) {
        this.pos = end;
        return literal.value;
      }
    }
    this.pos = start;
    return this.opaque(inObject);
  }

  private literal(): { value: HclValue } | undefined {
    const char = this.text[this.pos];
    if (char === "{") {
      return { value: this.object() };
    }
    if (char === "[") {
      return this.tuple();
    }
    if (char === '"') {
      return { value: this.template() };
    }
    NUMBER.lastIndex = this.pos;
    const number = NUMBER.exec(this.text);
    if (number !== null) {
      this.pos += number[0].length;
      return { value: Number(number[0]) };
    }
    IDENTIFIER.lastIndex = this.pos;
    const word = IDENTIFIER.exec(this.text);
    if (word !== null && ["true", "false", "null"].includes(word[0])) {
      const after = this.text[this.pos + word[0].length];
      if (after === undefined || !/[.[(]/.test(after)) {
        this.pos += word[0].length;
        return { value: word[0] === "null" ? null : word[0] === "true" };
      }
    }
    return undefined;
  }

  private object(): { [key: string]: HclValue } {
    this.pos++; // {
    const out: { [key: string]: HclValue } = {};
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === "}") {
        this.pos++;
        return out;
      }
      const key = this.key();
      this.skipSpace();
      const separator = this.text[this.pos];
      if (separator !== "=" && separator !== ":") {
        throw this.error(`expected "=" or ":" after object key ${JSON.stringify(key)}`);
      }
      this.pos++;
      out[key] = this.value(true);
      const newline = this.skipSpaceSawNewline();
      if (this.text[this.pos] === ",") {
        this.pos++;
      } else if (this.text[this.pos] !== "}" && !newline) {
        throw this.error('expected "," or "}" in object');
      }
    }
  }

  private key(): string {
    const char = this.text[this.pos];
    if (char === '"') {
      return this.template();
    }
    if (char === "(") {
      const start = this.pos;
      this.skipBalanced();
      return `\${${this.text.slice(start, this.pos)}}`;
    }
    IDENTIFIER.lastIndex = this.pos;
    const word = IDENTIFIER.exec(this.text);
    if (word === null) {
      throw this.error("expected an object key");
    }
    this.pos += word[0].length;
    return word[0];
  }

  /** `[a, b]`; a `for` expression is not a literal. */
  private tuple(): { value: HclValue } | undefined {
    const start = this.pos;
    this.pos++; // [
    this.skipSpace();
    if (/^for\s/.test(this.text.slice(this.pos, this.pos + 4))) {
      this.pos = start;
      return undefined;
    }
    const out: HclValue[] = [];
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === "]") {
        this.pos++;
        return { value: out };
      }
      out.push(this.value(false));
      this.skipSpace();
      if (this.text[this.pos] === ",") {
        this.pos++;
      } else if (this.text[this.pos] !== "]") {
        throw this.error('expected "," or "]" in tuple');
      }
    }
  }

  /** A quoted template: escapes decoded, `$${` and `%%{` unescaped, interpolations kept verbatim. */
  private template(): string {
    this.pos++; // opening quote
    let out = "";
    for (;;) {
      if (this.pos >= this.text.length) {
        throw this.error("unterminated string");
      }
      PLAIN_RUN.lastIndex = this.pos;
      const run = PLAIN_RUN.exec(this.text);
      if (run !== null) {
        out += run[0];
        this.pos += run[0].length;
        continue;
      }
      const char = this.text[this.pos];
      if (char === '"') {
        this.pos++;
        return out;
      }
      if (char === "\\") {
        const next = this.text[this.pos + 1];
        if (next === "u" || next === "U") {
          const width = next === "u" ? 4 : 8;
          const hex = this.text.slice(this.pos + 2, this.pos + 2 + width);
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) {
            throw this.error("bad unicode escape");
          }
          out += String.fromCodePoint(parseInt(hex, 16));
          this.pos += 2 + width;
        } else if (next !== undefined && ESCAPES[next] !== undefined) {
          out += ESCAPES[next];
          this.pos += 2;
        } else {
          throw this.error(`unknown escape \\${next ?? ""}`);
        }
        continue;
      }
      if ((char === "$" || char === "%") && this.text[this.pos + 1] === char && this.text[this.pos + 2] === "{") {
        out += `${char}{`;
        this.pos += 3;
        continue;
      }
      if ((char === "$" || char === "%") && this.text[this.pos + 1] === "{") {
        const start = this.pos;
        this.pos++;
        this.skipBalanced();
        out += this.text.slice(start, this.pos);
        continue;
      }
      out += char;
      this.pos++;
    }
  }

  /** Skips a bracketed group starting at the current bracket, strings included. */
  private skipBalanced(): void {
    const open = this.text[this.pos];
    const close = open === "(" ? ")" : open === "[" ? "]" : "}";
    this.pos++;
    for (;;) {
      if (this.pos >= this.text.length) {
        throw this.error(`unbalanced "${open}"`);
      }
      const char = this.text[this.pos];
      if (char === close) {
        this.pos++;
        return;
      }
      if (char === '"') {
        this.template();
      } else if (char === "(" || char === "[" || char === "{") {
        this.skipBalanced();
      } else if (char === ")" || char === "]" || char === "}") {
        throw this.error(`unexpected "${char}"`);
      } else {
        this.pos++;
      }
    }
  }

  /** Any expression up to the next delimiter at this level (or line break in an object), as `${<text>}`. */
  private opaque(inObject: boolean): string {
    const start = this.pos;
    while (this.pos < this.text.length) {
      const char = this.text[this.pos];
      if (DELIMITERS.has(char) || (inObject && char === "\n")) {
        break;
      }
      if (char === '"') {
        this.template();
      } else if (char === "(" || char === "[" || char === "{") {
        this.skipBalanced();
      } else {
        this.pos++;
      }
    }
    const expression = this.text.slice(start, this.pos).trim();
    if (expression === "") {
      throw this.error("expected a value");
    }
    return `\${${expression}}`;
  }
}

/** Parses expression text (the inside of `${...}`) into a value; throws {@link HclSyntaxError}. */
export function parseHclExpression(text: string): HclValue {
  return new Parser(text).parseAll();
}

const JSONENCODE_PREFIX = "${jsonencode(";
const JSONENCODE_SUFFIX = ")}";

/** A JSON document read from a synthesized argument, or why it could not be read. */
export type DocumentRead = { readonly document: unknown } | { readonly error: string };

/**
 * Reads a JSON document argument (an IAM or resource policy) as synthesized: a JSON string
 * literal, or `${jsonencode(<expression>)}` with a literal object inside. Anything else (a
 * reference to a data source, a file() call) cannot be read at synth time.
 */
export function readJsonArgument(value: unknown): DocumentRead {
  if (typeof value !== "string") {
    return value !== null && typeof value === "object" ? { document: value } : { error: `is ${JSON.stringify(value)}, not a JSON document` };
  }
  const text = value.trim();
  if (text.startsWith("{") || text.startsWith("[")) {
    try {
      return { document: JSON.parse(text) };
    } catch (error) {
      return { error: `is not valid JSON (${(error as Error).message})` };
    }
  }
  if (text.startsWith(JSONENCODE_PREFIX) && text.endsWith(JSONENCODE_SUFFIX)) {
    try {
      const inner = parseHclExpression(text.slice(JSONENCODE_PREFIX.length, text.length - JSONENCODE_SUFFIX.length));
      if (typeof inner === "string" && inner.startsWith("${")) {
        return { error: `is jsonencode of an expression (${inner}), not of a literal document` };
      }
      return { document: inner };
    } catch (error) {
      return { error: `cannot be read: ${(error as Error).message}` };
    }
  }
  return { error: `is an expression (${text.length > 100 ? `${text.slice(0, 97)}...` : text}) whose value is known only at apply time` };
}
