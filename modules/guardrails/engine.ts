/** Runs rules on one resource and words their verdicts. */
import { GuardrailRule, ResourceView, RuleContext, RuleResult } from "./types";

/** One rule's verdict on one resource. */
export interface Outcome {
  readonly rule: GuardrailRule;
  readonly result: RuleResult;
}

/**
 * Runs every rule that checks the resource's type. A rule that throws is a finding too
 * (non-compliant, with the exception's message), so a broken check never passes silently.
 */
export function evaluateResource(resource: ResourceView, context: RuleContext, rules: readonly GuardrailRule[]): Outcome[] {
  return rules
    .filter((rule) => rule.resourceTypes.includes(resource.type) || rule.resourceTypes.includes("*"))
    .map((rule) => {
      try {
        return { rule, result: rule.check(resource, context) };
      } catch (error) {
        return { rule, result: { status: "non-compliant", problem: `the check failed: ${(error as Error).message}` } };
      }
    });
}

/** The error a violation reports: rule, address, stack, what is wrong, how to fix it, how to suppress it. */
export function violationMessage(rule: GuardrailRule, resource: ResourceView, stack: string, problem: string): string {
  return (
    `[${rule.id}] ${resource.address} in stack ${stack} (${resource.path}): ${problem}. ` +
    `Fix: ${rule.fix} ` +
    `To accept the risk instead: suppress(<construct>, "${rule.id}", "<written reason>") from constructs/guardrails.`
  );
}
