import { list } from "../config";
import { compliant, GuardrailRule, nonCompliant, notApplicable, ResourceView } from "../types";

/** AWS managed policies that grant a whole service (`...FullAccess`) or everything. */
const BROAD_MANAGED_POLICY = /^arn:aws[a-z-]*:iam::aws:policy\/(?:[^/]+\/)*([^/]*FullAccess[^/]*|AdministratorAccess)$/;

function policyArns(resource: ResourceView): readonly unknown[] {
  switch (resource.type) {
    case "aws_iam_role":
      return list(resource.config.managed_policy_arns);
    case "aws_iam_role_policy_attachments_exclusive":
      return list(resource.config.policy_arns);
    default:
      return list(resource.config.policy_arn);
  }
}

/** IAM: no AWS managed *FullAccess (or AdministratorAccess) policy is attached. */
export const iamNoFullAccessManaged: GuardrailRule = {
  id: "IAM-NO-FULL-ACCESS-MANAGED",
  description: "No AWS managed *FullAccess or AdministratorAccess policy is attached (policy attachments, managed_policy_arns).",
  resourceTypes: [
    "aws_iam_role_policy_attachment",
    "aws_iam_policy_attachment",
    "aws_iam_user_policy_attachment",
    "aws_iam_group_policy_attachment",
    "aws_iam_role_policy_attachments_exclusive",
    "aws_iam_role",
  ],
  fix: "Replace it with an inline or customer managed policy naming the actions and resources needed (constructs/ecs-roles.ts shows the pattern).",
  check(resource) {
    const arns = policyArns(resource);
    if (arns.length === 0) {
      return notApplicable("attaches no managed policy");
    }
    const broad = arns.filter((arn): arn is string => typeof arn === "string" && BROAD_MANAGED_POLICY.test(arn));
    return broad.length === 0 ? compliant() : nonCompliant(`attaches ${broad.join(", ")}`);
  },
};
