import { CREATE_TIME_CHECKS, CreateTimeCheck, MANAGED_POLICY_ACTIONS } from "../../aws/create-time-checks";
import { actionMatches } from "../actions";
import { block, list } from "../config";
import { dependencyClosure, resourceAt, roleKey, rolePolicies } from "../dependencies";
import { readPolicyArgument } from "../policy";
import { parseReference, refersTo } from "../refs";
import { compliant, GuardrailRule, nonCompliant, notApplicable, ResourceView, RuleResult, StackView } from "../types";

function requireAll(resource: ResourceView, stack: StackView, needed: readonly ResourceView[], what: string, check: CreateTimeCheck): RuleResult {
  if (needed.length === 0) {
    return compliant(`${what}: none in this stack (earlier stacks deploy first)`);
  }
  const closure = dependencyClosure(resource, stack);
  const missing = needed.filter((policy) => !closure.has(policy.address));
  return missing.length > 0
    ? nonCompliant(`is created without waiting for ${missing.map((p) => p.address).join(", ")} (${what}): ${check.why}`)
    : compliant(`waits for ${needed.map((p) => p.address).join(", ")}`);
}

/** True when the policy (inline document or managed attachment) grants one of `actions`. */
function grants(policy: ResourceView, stack: StackView, actions: readonly string[]): boolean {
  if (policy.type === "aws_iam_role_policy_attachment") {
    const managed = MANAGED_POLICY_ACTIONS[String(policy.config.policy_arn)];
    // An unknown managed or customer policy may grant anything: wait for it.
    return managed === undefined || managed.some((action) => actions.some((wanted) => actionMatches(action, wanted)));
  }
  const read = readPolicyArgument(policy.config.policy, stack);
  if ("error" in read) {
    return true;
  }
  return read.statements.some((s) => s.effect === "Allow" && s.actions.some((pattern) => actions.some((wanted) => actionMatches(pattern, wanted))));
}

function roleOf(value: unknown, stack: StackView, actions?: readonly string[]): ResourceView[] | RuleResult {
  const key = roleKey(value);
  if (key === undefined) {
    return nonCompliant(`its role ${JSON.stringify(value)} is not a reference to an aws_iam_role, so its policies cannot be found`);
  }
  const policies = rolePolicies(stack, key);
  return actions === undefined ? policies : policies.filter((policy) => grants(policy, stack, actions));
}

/**
 * IAM before use: a resource whose creation AWS checks against a role's (or a resource
 * policy's) permissions waits for those policies in Terraform's graph (depends_on or a
 * reference, directly or transitively). The table of such resources, with the AWS doc of each
 * check, is modules/aws/create-time-checks.ts.
 */
export const iamBeforeUse: GuardrailRule = {
  id: "IAM-BEFORE-USE",
  description:
    "A resource whose creation AWS checks against permissions (VPC Lambda, logging state machine, flow log, deploy-time invocation, notebook with lifecycle, OpenSearch log publishing, ALB access logs) depends on the policies that grant them.",
  resourceTypes: [...new Set(CREATE_TIME_CHECKS.map((check) => check.type))],
  fix: "Add the policies (aws_iam_role_policy / _attachment of the role, the log resource policy, the bucket policy) to the resource's dependsOn; for a deploy-time call, also retry AccessDenied (IAM is eventually consistent and AWS documents no fixed delay).",
  check(resource, { stack }) {
    const check = CREATE_TIME_CHECKS.find((c) => c.type === resource.type && c.applies(resource.config));
    if (check === undefined) {
      return notApplicable("no create-time permission check applies");
    }
    const need = check.need;
    switch (need.kind) {
      case "role-policies": {
        const policies = roleOf(resource.config[need.roleAttribute], stack, need.actions);
        const what = need.actions === undefined ? "the policies of its role" : `the policies of its role granting ${need.actions.join(", ")}`;
        return Array.isArray(policies) ? requireAll(resource, stack, policies, what, check) : policies;
      }
      case "function-role-policies": {
        const ref = parseReference(resource.config.function_name);
        const fn = ref !== undefined && !ref.data ? resourceAt(stack, `${ref.type}.${ref.name}`) : undefined;
        if (fn === undefined || fn.type !== "aws_lambda_function") {
          return nonCompliant(`invokes ${JSON.stringify(resource.config.function_name)}, not a function of this stack, so its role's policies cannot be found`);
        }
        const policies = roleOf(fn.config.role, stack);
        return Array.isArray(policies) ? requireAll(resource, stack, policies, `the policies of ${fn.address}'s role`, check) : policies;
      }
      case "log-resource-policy": {
        const policies = stack.resources("aws_cloudwatch_log_resource_policy").filter((policy) => {
          const read = readPolicyArgument(policy.config.policy_document, stack);
          return "statements" in read && read.statements.some((s) => JSON.stringify(s.principal ?? "").includes(need.servicePrincipal));
        });
        if (policies.length === 0) {
          return nonCompliant(`no CloudWatch Logs resource policy of this stack admits ${need.servicePrincipal}: ${check.why}`);
        }
        return requireAll(resource, stack, policies, `the log resource policy for ${need.servicePrincipal}`, check);
      }
      case "access-log-bucket-policy": {
        const bucketRef = parseReference(block(resource.config.access_logs)?.bucket);
        const bucket = bucketRef !== undefined && !bucketRef.data ? resourceAt(stack, `${bucketRef.type}.${bucketRef.name}`) : undefined;
        if (bucket === undefined) {
          return compliant("the access-log bucket is not in this stack (deployed earlier)");
        }
        const policies = stack.resources("aws_s3_bucket_policy").filter((policy) => list(policy.config.bucket).some((b) => refersTo(b, bucket)));
        return requireAll(resource, stack, policies, `the bucket policy of ${bucket.address}`, check);
      }
    }
  },
};
