/** Identity policies (what a principal may do) held by IAM resources. */
import { blocks } from "./config";
import { readPolicyArgument, Statement } from "./policy";
import { nonCompliant, notApplicable, ResourceView, RuleResult, StackView } from "./types";

/** Resource types that carry identity policies. */
export const IDENTITY_POLICY_TYPES = ["aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy", "aws_iam_role"] as const;

/** The readable statements of a resource's identity policies, or the first reason one cannot be read. */
export type IdentityPolicies =
  | { readonly statements: readonly { readonly where: string; readonly statement: Statement }[] }
  | { readonly error: string };

/** One Allow statement of an identity policy and where it was found (`policy`, `inline_policy <name>`). */
export interface AllowStatement {
  readonly where: string;
  readonly statement: Statement;
}

/**
 * The Allow statements an IAM rule checks, or the result when there is nothing to check: an
 * unreadable policy is non-compliant (it must be readable at synth time), no policy at all is
 * not applicable.
 */
export function allowStatements(resource: ResourceView, stack: StackView): { readonly allows: readonly AllowStatement[] } | { readonly result: RuleResult } {
  const read = identityPolicies(resource, stack);
  if ("error" in read) {
    return { result: nonCompliant(`${read.error}; a policy must be readable at synth time to be checked`) };
  }
  if (read.statements.length === 0) {
    return { result: notApplicable("no identity policy") };
  }
  return { allows: read.statements.filter(({ statement }) => statement.effect === "Allow") };
}

/** Reads are cached per resource configuration: two IAM rules read the same documents. */
const cache = new WeakMap<object, IdentityPolicies>();

/**
 * `policy` of the policy resources; `inline_policy[].policy` of a role (its trust policy,
 * `assume_role_policy`, grants nothing and is not read).
 */
export function identityPolicies(resource: ResourceView, stack: StackView): IdentityPolicies {
  let read = cache.get(resource.config);
  if (read === undefined) {
    read = readIdentityPolicies(resource, stack);
    cache.set(resource.config, read);
  }
  return read;
}

function readIdentityPolicies(resource: ResourceView, stack: StackView): IdentityPolicies {
  const documents =
    resource.type === "aws_iam_role"
      ? blocks(resource.config.inline_policy).map((inline, index) => ({ where: `inline_policy ${String(inline.name ?? index + 1)}`, value: inline.policy }))
      : [{ where: "policy", value: resource.config.policy }];
  const statements: { where: string; statement: Statement }[] = [];
  for (const document of documents) {
    const read = readPolicyArgument(document.value, stack);
    if ("error" in read) {
      return { error: `${document.where} ${read.error}` };
    }
    statements.push(...read.statements.map((statement) => ({ where: document.where, statement })));
  }
  return { statements };
}
