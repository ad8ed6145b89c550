import { isReadOnlyAction } from "../actions";
import { allowStatements, IDENTITY_POLICY_TYPES } from "../identity-policies";
import { describeStatement } from "../policy";
import { compliant, GuardrailRule, nonCompliant } from "../types";

/** IAM: writes name the resources they write to. */
export const iamNoWildcardResource: GuardrailRule = {
  id: "IAM-NO-WILDCARD-RESOURCE",
  description: 'No identity policy allows a write action (anything but Get/List/Describe/... reads) on Resource "*" or with NotResource.',
  resourceTypes: IDENTITY_POLICY_TYPES,
  fix: 'Name the resources (ARNs, or ARN patterns of one service and account). If the action accepts only "*", suppress the rule on the construct with a written reason.',
  check(resource, { stack }) {
    const read = allowStatements(resource, stack);
    if ("result" in read) {
      return read.result;
    }
    const reads: string[] = [];
    for (const { where, statement } of read.allows) {
      const everything = statement.resources.includes("*") || statement.notResources.length > 0;
      if (!everything) {
        continue;
      }
      const writes = statement.notActions.length > 0 ? ["NotAction"] : statement.actions.filter((action) => !isReadOnlyAction(action));
      if (writes.length > 0) {
        return nonCompliant(`${where} ${describeStatement(statement)} allows ${writes.join(", ")} on every resource`);
      }
      reads.push(...statement.actions);
    }
    return reads.length > 0 ? compliant(`read-only actions on "*": ${[...new Set(reads)].join(", ")}`) : compliant();
  },
};
