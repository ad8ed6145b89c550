import { evaluateResource, violationMessage } from "../../../modules/guardrails/engine";
import { RULES } from "../../../modules/guardrails/registry";
import { GuardrailRule } from "../../../modules/guardrails/types";
import { DEFAULT_OPTIONS, resource, stack } from "./fixtures";

describe("evaluateResource", () => {
  test("runs only the rules of the resource's type", () => {
    const group = resource("aws_cloudwatch_log_group", "logs", { retention_in_days: 7 });
    const outcomes = evaluateResource(group, { stack: stack(group), options: DEFAULT_OPTIONS }, RULES);
    // AWS-SERVICE-LINKED-ROLES applies to every type ("*").
    expect(outcomes.map((o) => [o.rule.id, o.result.status])).toEqual([
      ["LOGS-RETENTION", "compliant"],
      ["AWS-NAMES", "not-applicable"],
      ["AWS-SERVICE-LINKED-ROLES", "compliant"],
    ]);
  });

  test("a rule that throws is a non-compliant finding, not a pass", () => {
    const broken: GuardrailRule = {
      id: "BROKEN",
      description: "throws",
      resourceTypes: ["aws_vpc"],
      fix: "fix the rule",
      check: () => {
        throw new Error("boom");
      },
    };
    const vpc = resource("aws_vpc", "vpc", {});
    expect(evaluateResource(vpc, { stack: stack(vpc), options: DEFAULT_OPTIONS }, [broken])[0].result).toEqual({ status: "non-compliant", problem: "the check failed: boom" });
  });
});

describe("violationMessage", () => {
  test("names the rule, the address, the stack, the problem, the fix and how to suppress", () => {
    const rule = RULES.find((r) => r.id === "LOGS-RETENTION") as GuardrailRule;
    expect(violationMessage(rule, resource("aws_cloudwatch_log_group", "logs", {}), "pool-us-east-1", "retention_in_days is unset")).toBe(
      "[LOGS-RETENTION] aws_cloudwatch_log_group.logs in stack pool-us-east-1 (test/logs): retention_in_days is unset. " +
        `Fix: ${rule.fix} To accept the risk instead: suppress(<construct>, "LOGS-RETENTION", "<written reason>") from constructs/guardrails.`,
    );
  });
});
