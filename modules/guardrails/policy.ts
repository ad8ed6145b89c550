/**
 * IAM and resource policies as the rules see them: read from the synthesized argument (a JSON
 * string, `${jsonencode({...})}`, or a reference to an `aws_iam_policy_document` data source
 * in the same stack) and normalised to a list of statements with array-valued fields.
 */
import { blocks, list } from "./config";
import { readJsonArgument } from "./hcl";
import { parseReference } from "./refs";
import { StackView } from "./types";

/** One policy statement; list fields are always arrays (empty when absent). */
export interface Statement {
  /** Position in the document, from 1, for messages. */
  readonly index: number;
  readonly sid?: string;
  readonly effect: string;
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  /** `Principal` as written (`"*"`, `{ AWS: [...] }`, `{ Service: "..." }`), undefined when absent. */
  readonly principal?: unknown;
  readonly notPrincipal?: unknown;
  /** `Condition` as written, undefined when absent. */
  readonly condition?: Readonly<Record<string, unknown>>;
}

/** A readable policy, or why it cannot be read at synth time. */
export type PolicyRead = { readonly statements: readonly Statement[] } | { readonly error: string };

const MAX_DOCUMENT_DEPTH = 4;

function strings(value: unknown): string[] {
  return list(value).map((item) => (typeof item === "string" ? item : JSON.stringify(item)));
}

function fromJson(document: unknown): PolicyRead {
  if (document === null || typeof document !== "object" || Array.isArray(document)) {
    return { error: "is not a policy document (a JSON object with Statement)" };
  }
  const raw = (document as Record<string, unknown>).Statement;
  const items = list(raw);
  const statements: Statement[] = [];
  for (const [offset, item] of items.entries()) {
    if (item === null || typeof item !== "object" || Array.isArray(item)) {
      return { error: `has a Statement[${offset}] that is not an object` };
    }
    const s = item as Record<string, unknown>;
    statements.push({
      index: offset + 1,
      sid: typeof s.Sid === "string" ? s.Sid : undefined,
      effect: typeof s.Effect === "string" ? s.Effect : String(s.Effect),
      actions: strings(s.Action),
      notActions: strings(s.NotAction),
      resources: strings(s.Resource),
      notResources: strings(s.NotResource),
      principal: s.Principal,
      notPrincipal: s.NotPrincipal,
      condition: s.Condition !== null && typeof s.Condition === "object" ? (s.Condition as Record<string, unknown>) : undefined,
    });
  }
  return { statements };
}

/** `principals { type = "AWS", identifiers = ["*"] }` blocks as a JSON `Principal`. */
function principalOf(value: unknown): unknown {
  const entries = blocks(value);
  if (entries.length === 0) {
    return undefined;
  }
  const principal: Record<string, string[]> = {};
  for (const entry of entries) {
    const type = String(entry.type);
    principal[type] = [...(principal[type] ?? []), ...strings(entry.identifiers)];
  }
  return principal;
}

/** `condition { test, variable, values }` blocks as a JSON `Condition`. */
function conditionOf(value: unknown): Record<string, Record<string, string[]>> | undefined {
  const entries = blocks(value);
  if (entries.length === 0) {
    return undefined;
  }
  const condition: Record<string, Record<string, string[]>> = {};
  for (const entry of entries) {
    const test = String(entry.test);
    condition[test] = { ...condition[test], [String(entry.variable)]: strings(entry.values) };
  }
  return condition;
}

function fromPolicyDocument(stack: StackView, name: string, depth: number): PolicyRead {
  const source = stack.dataSource("aws_iam_policy_document", name);
  if (source === undefined) {
    return { error: `references data.aws_iam_policy_document.${name}, which is not in stack ${stack.name}` };
  }
  const statements: Statement[] = [];
  for (const attribute of ["source_policy_documents", "override_policy_documents"]) {
    for (const included of list(source.config[attribute])) {
      const read = readPolicyArgument(included, stack, depth + 1);
      if ("error" in read) {
        return { error: `includes a document (${attribute}) that ${read.error}` };
      }
      statements.push(...read.statements);
    }
  }
  for (const s of blocks(source.config.statement)) {
    statements.push({
      index: statements.length + 1,
      sid: typeof s.sid === "string" ? s.sid : undefined,
      effect: typeof s.effect === "string" ? s.effect : "Allow",
      actions: strings(s.actions),
      notActions: strings(s.not_actions),
      resources: strings(s.resources),
      notResources: strings(s.not_resources),
      principal: principalOf(s.principals),
      notPrincipal: principalOf(s.not_principals),
      condition: conditionOf(s.condition),
    });
  }
  return { statements };
}

/**
 * Reads a policy argument. Returns `{ error }` (a sentence fragment about the argument) when
 * the document is only known at apply time, so that a rule can refuse what it cannot check.
 */
export function readPolicyArgument(value: unknown, stack: StackView, depth = 0): PolicyRead {
  if (depth > MAX_DOCUMENT_DEPTH) {
    return { error: `nests policy documents more than ${MAX_DOCUMENT_DEPTH} deep` };
  }
  const ref = parseReference(value);
  if (ref !== undefined && ref.data && ref.type === "aws_iam_policy_document" && ["json", "minified_json"].includes(ref.attribute)) {
    return fromPolicyDocument(stack, ref.name, depth);
  }
  const read = readJsonArgument(value);
  if ("error" in read) {
    return read;
  }
  return fromJson(read.document);
}

/** True for a principal that admits anyone: `"*"`, `{ AWS: "*" }` or `{ AWS: ["*", ...] }`. */
export function isPublicPrincipal(principal: unknown): boolean {
  if (principal === "*") {
    return true;
  }
  if (principal !== null && typeof principal === "object" && !Array.isArray(principal)) {
    return strings((principal as Record<string, unknown>).AWS).includes("*");
  }
  return false;
}

/** True when the statement has a non-empty Condition. */
export function hasCondition(statement: Statement): boolean {
  return statement.condition !== undefined && Object.keys(statement.condition).length > 0;
}

/** "statement 2 (Sid Logs)" */
export function describeStatement(statement: Statement): string {
  return statement.sid === undefined ? `statement ${statement.index}` : `statement ${statement.index} (Sid ${statement.sid})`;
}
