/**
 * IAM wildcards: `*` matches any run of characters (also none), `?` any one character, in
 * Action (case-insensitive), Resource and the `*Like` condition operators (case-sensitive).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards
 */

const compiled = new Map<string, RegExp>();

/** True when `pattern` (with `*` and `?`) matches the whole of `value`. */
export function globMatches(pattern: string, value: string, ignoreCase = false): boolean {
  const cacheKey = `${ignoreCase ? "i" : "c"}${pattern}`;
  let regex = compiled.get(cacheKey);
  if (regex === undefined) {
    const source = pattern.replace(/[.+^${}()|[\]\\/]/g, "\\$&").replace(/\*/g, "[\\s\\S]*").replace(/\?/g, "[\\s\\S]");
    regex = new RegExp(`^${source}$`, ignoreCase ? "i" : "");
    compiled.set(cacheKey, regex);
  }
  return regex.test(value);
}

/** A pattern as a sequence of literal characters and wildcards (and ARN format variables). */
type Token =
  | { readonly kind: "star" }
  | { readonly kind: "one" }
  | { readonly kind: "char"; readonly char: string }
  /** `${Variable}` of an ARN format: any run of characters but `excluded`. */
  | { readonly kind: "var"; readonly excluded: string };

/**
 * Characters an ARN format variable cannot hold: a `:` separates ARN parts (except in the last
 * variable: S3 keys, log stream names), and a bucket name has no `/`.
 */
function excludedOf(name: string, last: boolean): string {
  return name === "BucketName" ? "/:" : last ? "" : ":";
}

function tokens(pattern: string, isFormat: boolean): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (isFormat && char === "$" && pattern[i + 1] === "{") {
      const end = pattern.indexOf("}", i);
      if (end > i) {
        out.push({ kind: "var", excluded: excludedOf(pattern.slice(i + 2, end), end === pattern.length - 1) });
        i = end;
        continue;
      }
    }
    out.push(!isFormat && char === "*" ? { kind: "star" } : !isFormat && char === "?" ? { kind: "one" } : { kind: "char", char });
  }
  return out;
}

/**
 * True when some string matches both patterns: a policy's Resource (with `*` and `?`) and an
 * ARN format of the reference, whose `${Variable}`s match a run of characters (see
 * {@link excludedOf}).
 */
export function patternsIntersect(policyPattern: string, arnFormat: string): boolean {
  const a = tokens(policyPattern, false);
  const b = tokens(arnFormat, true);
  const seen = new Set<number>();
  const width = b.length + 1;
  const stack: [number, number][] = [[0, 0]];
  while (stack.length > 0) {
    const [i, j] = stack.pop() as [number, number];
    const key = i * width + j;
    if (seen.has(key)) {
      continue;
    }
    seen.add(key);
    if (i === a.length && j === b.length) {
      return true;
    }
    const x = a[i];
    const y = b[j];
    if (x?.kind === "star") {
      stack.push([i + 1, j]);
      if (y !== undefined) {
        stack.push([i, j + 1]);
      }
    }
    if (y?.kind === "var") {
      stack.push([i, j + 1]);
      if (x !== undefined && x.kind !== "star" && (x.kind === "one" || (x.kind === "char" && !y.excluded.includes(x.char)))) {
        stack.push([i + 1, j]);
      }
    }
    if (x !== undefined && y !== undefined && x.kind !== "star" && y.kind === "char") {
      if (x.kind === "one" || (x.kind === "char" && x.char.toLowerCase() === y.char.toLowerCase())) {
        stack.push([i + 1, j + 1]);
      }
    }
  }
  return false;
}
