/**
 * References between resources as they appear in synthesized Terraform JSON:
 * `${aws_s3_bucket.bucket.id}`, `${data.aws_iam_policy_document.doc.json}`,
 * `${data.terraform_remote_state.cross-stack-reference-input-net.outputs.vpc_id}`.
 */

/** A whole-string reference to one attribute of a resource or data source. */
export interface Reference {
  /** True for `data.<type>.<name>...`. */
  readonly data: boolean;
  readonly type: string;
  readonly name: string;
  /** The first attribute after the name, e.g. `id`, `arn`, `outputs`. */
  readonly attribute: string;
  /** What follows the attribute (`.x`, `[0]`), empty for most references. */
  readonly rest: string;
}

const REFERENCE = /^\$\{(data\.)?([A-Za-z][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)\.([A-Za-z_][A-Za-z0-9_-]*)((?:\.[A-Za-z_][A-Za-z0-9_-]*|\[[^\]\s]+\])*)\}$/;

/** The reference a value consists of, or undefined (a literal, or an expression mixing text). */
export function parseReference(value: unknown): Reference | undefined {
  if (typeof value !== "string" || !value.startsWith("${")) {
    return undefined;
  }
  const match = REFERENCE.exec(value);
  if (match === null) {
    return undefined;
  }
  return { data: match[1] !== undefined, type: match[2], name: match[3], attribute: match[4], rest: match[5] };
}

/** True when `value` is an unresolved Terraform expression (it contains `${`). */
export function isExpression(value: unknown): boolean {
  return typeof value === "string" && value.includes("${");
}

/** True when `value` references the resource `type.name` (optionally only the given attributes). */
export function refersTo(value: unknown, target: { readonly type: string; readonly name: string }, attributes?: readonly string[]): boolean {
  const ref = parseReference(value);
  return ref !== undefined && !ref.data && ref.type === target.type && ref.name === target.name && (attributes === undefined || attributes.includes(ref.attribute));
}

/** Every string in a nested value (lists of ids, blocks), depth first. */
export function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") {
    out.push(value);
  } else if (Array.isArray(value)) {
    value.forEach((item) => stringsIn(item, out));
  } else if (value !== null && typeof value === "object") {
    Object.values(value).forEach((item) => stringsIn(item, out));
  }
  return out;
}
