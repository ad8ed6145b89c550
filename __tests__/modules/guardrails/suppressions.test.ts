import { validateSuppression } from "../../../modules/guardrails/suppressions";

describe("validateSuppression", () => {
  test("accepts a known rule with a written reason (trimmed)", () => {
    expect(validateSuppression("app/x", "IAM-NO-WILDCARD-RESOURCE", "  Step Functions log delivery accepts only Resource *  ")).toEqual({
      ruleId: "IAM-NO-WILDCARD-RESOURCE",
      reason: "Step Functions log delivery accepts only Resource *",
    });
  });

  test("fails when the reason is empty, naming the construct, rule and what is allowed", () => {
    expect(() => validateSuppression("pool-us-east-1/workers", "S3-TLS-ONLY", "   ")).toThrow(
      'suppress(pool-us-east-1/workers, "S3-TLS-ONLY"): reason: got "   ": is empty; allowed: a written reason of at least 10 characters saying why the risk is accepted [suppression-reason]',
    );
  });

  test("fails when the reason says nothing", () => {
    expect(() => validateSuppression("a", "S3-TLS-ONLY", "ok")).toThrow('reason: got "ok": is too short to explain anything');
  });

  test("fails for an unknown rule, listing the rules", () => {
    expect(() => validateSuppression("a", "S3-TLS", "a long enough reason")).toThrow(/ruleId: got "S3-TLS": is not a guardrail rule; allowed: one of S3-ENCRYPTION, .*LOGS-RETENTION/);
  });
});
