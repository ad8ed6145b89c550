import { CreateServiceLinkedRoleCommand, GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { ServiceLinkedRole } from "../../modules/aws/service-linked-roles";

/** What {@link ensureServiceLinkedRoles} did for one role. */
export interface RoleOutcome {
  readonly role: ServiceLinkedRole;
  readonly action: "present" | "created";
}

function errorName(error: unknown): string {
  return (error as { name?: string }).name ?? "";
}

/**
 * Ensures each service-linked role exists in the account: GetRole, and CreateServiceLinkedRole
 * only when it is missing (an account holds one of each; creating one that exists fails with
 * "has been taken in this account", which another caller racing us can also cause: that counts
 * as present). Idempotent.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateServiceLinkedRole.html
 */
export async function ensureServiceLinkedRoles(iam: IAMClient, roles: readonly ServiceLinkedRole[]): Promise<RoleOutcome[]> {
  const outcomes: RoleOutcome[] = [];
  for (const role of roles) {
    try {
      await iam.send(new GetRoleCommand({ RoleName: role.roleName }));
      outcomes.push({ role, action: "present" });
      continue;
    } catch (error) {
      if (errorName(error) !== "NoSuchEntityException" && errorName(error) !== "NoSuchEntity") {
        throw new Error(`iam:GetRole ${role.roleName}: ${(error as Error).message}`);
      }
    }
    try {
      await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: role.serviceName }));
      outcomes.push({ role, action: "created" });
    } catch (error) {
      if (/has been taken in this account/i.test((error as Error).message)) {
        outcomes.push({ role, action: "present" });
      } else {
        throw new Error(`iam:CreateServiceLinkedRole ${role.serviceName} (${role.roleName}): ${(error as Error).message}`);
      }
    }
  }
  return outcomes;
}
