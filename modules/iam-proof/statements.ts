/**
 * Policy statements with concrete values and where they come from. Documents are read from
 * the synthesized argument (a JSON string or `${jsonencode({...})}`, see ../guardrails/hcl.ts),
 * every Terraform reference in them is made concrete (./terraform.ts), and list fields are
 * normalised to arrays.
 */
import { readJsonArgument } from "../guardrails/hcl";
import { TerraformValues, UnresolvedValue } from "./terraform";

/** Where a policy document comes from. */
export interface PolicySource {
  /** The stack that holds it; `aws` for documents AWS supplies (managed policies, defaults). */
  readonly stack: string;
  /** `type.name` of the resource that holds it, or the managed policy's ARN. */
  readonly address: string;
  /** The policy's name (inline policy name, managed policy name), when it has one. */
  readonly name?: string;
  /** What kind of document this is. */
  readonly kind: "identity" | "managed" | "resource" | "trust" | "default";
  /** Why AWS applies a document nobody wrote here (default and AWS-managed documents). */
  readonly note?: string;
}

/** `Principal` normalised: `*`, and lists per principal type. */
export interface Principals {
  readonly all: boolean;
  readonly aws: readonly string[];
  readonly service: readonly string[];
  readonly federated: readonly string[];
  readonly canonicalUser: readonly string[];
}

/** One statement, every value concrete. */
export interface Statement {
  readonly source: PolicySource;
  /** Position in its document, from 1. */
  readonly index: number;
  readonly sid?: string;
  readonly effect: "Allow" | "Deny";
  /** Exactly one of actions / notActions is set (AWS requires one). */
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  readonly resources?: readonly string[];
  readonly notResources?: readonly string[];
  readonly principal?: Principals;
  readonly notPrincipal?: Principals;
  /** operator -> key -> values */
  readonly condition?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

/** A document that could not be read, with why. */
export interface PolicyProblem {
  readonly source: PolicySource;
  readonly problem: string;
}

function strings(value: unknown): string[] {
  if (value === undefined || value === null) {
    return [];
  }
  return (Array.isArray(value) ? value : [value]).map((item) => (typeof item === "string" ? item : JSON.stringify(item)));
}

function principals(value: unknown): Principals | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (value === "*") {
    return { all: true, aws: [], service: [], federated: [], canonicalUser: [] };
  }
  const record = (value !== null && typeof value === "object" ? value : {}) as Record<string, unknown>;
  const aws = strings(record.AWS);
  return {
    all: aws.includes("*"),
    aws: aws.filter((item) => item !== "*"),
    service: strings(record.Service),
    federated: strings(record.Federated),
    canonicalUser: strings(record.CanonicalUser),
  };
}

function condition(value: unknown): Record<string, Record<string, string[]>> | undefined {
  if (value === undefined || value === null || typeof value !== "object") {
    return undefined;
  }
  const out: Record<string, Record<string, string[]>> = {};
  for (const [operator, block] of Object.entries(value as Record<string, unknown>)) {
    out[operator] = {};
    for (const [key, values] of Object.entries((block ?? {}) as Record<string, unknown>)) {
      out[operator][key] = strings(values).map((item) => (typeof item === "string" ? item : String(item)));
    }
  }
  return out;
}

/** Statements of a parsed, concrete policy document. */
export function statementsOf(document: unknown, source: PolicySource): { readonly statements: Statement[] } | { readonly problem: string } {
  if (document === null || typeof document !== "object" || Array.isArray(document)) {
    return { problem: "is not a policy document (a JSON object with Statement)" };
  }
  const raw = (document as Record<string, unknown>).Statement;
  const items = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const statements: Statement[] = [];
  for (const [offset, item] of items.entries()) {
    if (item === null || typeof item !== "object" || Array.isArray(item)) {
      return { problem: `has a Statement[${offset}] that is not an object` };
    }
    const s = item as Record<string, unknown>;
    if (s.Effect !== "Allow" && s.Effect !== "Deny") {
      return { problem: `Statement[${offset}].Effect is ${JSON.stringify(s.Effect)}; allowed: "Allow" or "Deny"` };
    }
    statements.push({
      source,
      index: offset + 1,
      ...(typeof s.Sid === "string" && s.Sid !== "" ? { sid: s.Sid } : {}),
      effect: s.Effect,
      ...(s.Action !== undefined ? { actions: strings(s.Action) } : {}),
      ...(s.NotAction !== undefined ? { notActions: strings(s.NotAction) } : {}),
      ...(s.Resource !== undefined ? { resources: strings(s.Resource) } : {}),
      ...(s.NotResource !== undefined ? { notResources: strings(s.NotResource) } : {}),
      ...(s.Principal !== undefined ? { principal: principals(s.Principal) } : {}),
      ...(s.NotPrincipal !== undefined ? { notPrincipal: principals(s.NotPrincipal) } : {}),
      ...(s.Condition !== undefined ? { condition: condition(s.Condition) } : {}),
    });
  }
  return { statements };
}

/**
 * Reads a synthesized policy argument of a resource in `stack` and makes it concrete. Returns
 * the problem (a sentence fragment about the argument) when it cannot.
 */
export function readPolicy(values: TerraformValues, stack: string, argument: unknown, source: PolicySource): { readonly statements: Statement[] } | { readonly problem: string } {
  const read = readJsonArgument(argument);
  if ("error" in read) {
    return { problem: read.error };
  }
  let document: unknown;
  try {
    document = values.resolveDeep(stack, read.document);
  } catch (error) {
    if (error instanceof UnresolvedValue) {
      return { problem: `cannot be made concrete: ${error.message}` };
    }
    throw error;
  }
  return statementsOf(document, source);
}

/** `stack address (name) statement 2 Sid Logs`: how reports name a statement. */
export function describeStatement(statement: Statement): string {
  const { source } = statement;
  const where = source.stack === "aws" ? source.address : `${source.stack} ${source.address}`;
  const name = source.name !== undefined && !source.address.endsWith(source.name) ? ` (${source.name})` : "";
  return `${where}${name} statement ${statement.index}${statement.sid !== undefined ? ` Sid ${statement.sid}` : ""}`;
}
