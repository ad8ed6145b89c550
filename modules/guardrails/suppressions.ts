/** Suppressions: a rule switched off for a construct (and everything under it), with a written reason. */
import { formatProblem } from "../errors";
import { RULE_IDS } from "./registry";

/** A validated suppression. */
export interface Suppression {
  readonly ruleId: string;
  /** Why the risk is accepted; shown in the report next to every finding it suppresses. */
  readonly reason: string;
}

/** Shortest reason accepted, in characters (after trimming): "ok" is not a reason. */
export const MIN_REASON_LENGTH = 10;

/**
 * Checks a suppression before it is recorded: the rule must exist and the reason must say
 * something. Throws an Error naming the construct, the field, the value and what is allowed.
 */
export function validateSuppression(where: string, ruleId: string, reason: string, ruleIds: readonly string[] = RULE_IDS): Suppression {
  if (!ruleIds.includes(ruleId)) {
    throw new Error(
      `suppress(${where}): ${formatProblem({ path: "ruleId", value: ruleId, message: "is not a guardrail rule", allowed: `one of ${ruleIds.join(", ")}`, rule: "suppression-rule" })}`,
    );
  }
  const trimmed = typeof reason === "string" ? reason.trim() : "";
  if (trimmed.length < MIN_REASON_LENGTH) {
    throw new Error(
      `suppress(${where}, "${ruleId}"): ${formatProblem({
        path: "reason",
        value: reason,
        message: trimmed.length === 0 ? "is empty" : "is too short to explain anything",
        allowed: `a written reason of at least ${MIN_REASON_LENGTH} characters saying why the risk is accepted`,
        rule: "suppression-reason",
      })}`,
    );
  }
  return { ruleId, reason: trimmed };
}
