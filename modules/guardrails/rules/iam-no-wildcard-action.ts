import { isWildcardAction } from "../actions";
import { allowStatements, IDENTITY_POLICY_TYPES } from "../identity-policies";
import { describeStatement } from "../policy";
import { compliant, GuardrailRule, nonCompliant } from "../types";

/** IAM: identity policies name their actions. */
export const iamNoWildcardAction: GuardrailRule = {
  id: "IAM-NO-WILDCARD-ACTION",
  description: 'No identity policy allows the action "*" or "<service>:*", or uses NotAction in an Allow statement.',
  resourceTypes: IDENTITY_POLICY_TYPES,
  fix: 'List the actions the principal needs (e.g. "s3:GetObject"), or a verb prefix such as "s3:Get*".',
  check(resource, { stack }) {
    const read = allowStatements(resource, stack);
    if ("result" in read) {
      return read.result;
    }
    for (const { where, statement } of read.allows) {
      const wildcard = statement.actions.find(isWildcardAction);
      if (wildcard !== undefined) {
        return nonCompliant(`${where} ${describeStatement(statement)} allows ${JSON.stringify(wildcard)}`);
      }
      if (statement.notActions.length > 0) {
        return nonCompliant(`${where} ${describeStatement(statement)} allows everything except ${statement.notActions.join(", ")} (NotAction)`);
      }
    }
    return compliant();
  },
};
