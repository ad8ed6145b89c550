import { checkName, NAME_TARGETS, nameRule, nameTargetsOf } from "../../aws/names";
import { isExpression } from "../refs";
import { compliant, GuardrailRule, nonCompliant, notApplicable } from "../types";

/**
 * Names: every named argument fits the length and character rules of the AWS API it becomes
 * (from the service's API model, or its API reference where the model is silent; see
 * modules/aws/names.ts). `name_prefix` arguments leave room for Terraform's 26-character suffix.
 */
export const awsNames: GuardrailRule = {
  id: "AWS-NAMES",
  description: "Every resource name (and name_prefix, with Terraform's 26-character suffix) fits the length and pattern of its AWS API member.",
  resourceTypes: [...new Set(NAME_TARGETS.map((target) => target.type))],
  fix: "Shorten the name (a shorter topology name, or a shorter suffix in the construct) or drop the characters AWS refuses; the config validator should have refused the input that led here.",
  check(resource) {
    const problems: string[] = [];
    const checked: string[] = [];
    for (const target of nameTargetsOf(resource.type)) {
      const value = resource.config[target.attribute];
      if (typeof value !== "string" || isExpression(value)) {
        continue;
      }
      const problem = checkName(target, value);
      checked.push(target.attribute);
      if (problem !== undefined) {
        problems.push(`${target.attribute} ${JSON.stringify(value)} ${problem} (${target.service} ${target.operation} ${target.member}; ${nameRule(target).doc})`);
      }
    }
    if (problems.length > 0) {
      return nonCompliant(problems.join("; "));
    }
    return checked.length > 0 ? compliant(checked.join(", ")) : notApplicable("no literal name");
  },
};
