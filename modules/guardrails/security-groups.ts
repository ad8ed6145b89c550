/** Security groups as the rules see them: which part of the system each guards. */
import { FLOW_ROLE_TAG } from "../network/ports";
import { referencedResource } from "./config";
import { ResourceView, StackView } from "./types";

/** Flow role of the public dashboard's load balancer. */
export const DASHBOARD_LB_ROLE = "dashboard-lb";

export const SECURITY_GROUP_TYPES = ["aws_security_group", "aws_default_security_group"] as const;

/** The flow-role tag of a security group, if set. */
export function flowRole(group: ResourceView): string | undefined {
  const tags = group.config.tags;
  if (tags !== null && typeof tags === "object") {
    const role = (tags as Record<string, unknown>)[FLOW_ROLE_TAG];
    return typeof role === "string" ? role : undefined;
  }
  return undefined;
}

/** The security group `value` (a `security_group_id`) references, if it is in the stack. */
export function securityGroupOf(stack: StackView, value: unknown): ResourceView | undefined {
  return referencedResource(stack, value, SECURITY_GROUP_TYPES);
}
