import { serviceLinkedRoleClass } from "../../aws/service-linked-roles";
import { compliant, GuardrailRule, nonCompliant } from "../types";

/**
 * Service-linked roles: they are account-wide and shared, so no stack creates one (creating one
 * that exists fails; destroying a topology would delete a role other workloads use); `npm run
 * bootstrap` ensures those of modules/aws/service-linked-roles.ts. Every resource type must be
 * classified there (needs a role, or why not), so a new type is never deployed to a fresh
 * account without its role.
 * Doc: https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html
 */
export const awsServiceLinkedRoles: GuardrailRule = {
  id: "AWS-SERVICE-LINKED-ROLES",
  description:
    "No stack creates aws_iam_service_linked_role (npm run bootstrap ensures them), and every resource type is classified in modules/aws/service-linked-roles.ts.",
  resourceTypes: ["*"],
  fix: "Remove the aws_iam_service_linked_role (add its role to SERVICE_LINKED_ROLES in modules/aws/service-linked-roles.ts for the bootstrap); for an unclassified type, add it to SERVICE_LINKED_ROLES or NO_SERVICE_LINKED_ROLE with the AWS doc that says so.",
  check(resource) {
    if (resource.type === "aws_iam_service_linked_role") {
      return nonCompliant(
        `creates the account-wide service-linked role for ${JSON.stringify(resource.config.aws_service_name ?? "?")} in a topology's state; npm run bootstrap ensures it instead`,
      );
    }
    if (!resource.type.startsWith("aws_")) {
      return compliant("not an AWS resource");
    }
    const cls = serviceLinkedRoleClass(resource.type);
    if (cls.kind === "needs") {
      return compliant(`needs ${cls.roles.map((role) => role.roleName).join(", ")} (npm run bootstrap)`);
    }
    if (cls.kind === "none") {
      return compliant(`no service-linked role: ${cls.why}`);
    }
    return nonCompliant(`${resource.type} is not classified: it may need a service-linked role a fresh account lacks`);
  },
};
