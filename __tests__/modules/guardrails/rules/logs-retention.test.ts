import { logsRetention } from "../../../../modules/guardrails/rules/logs-retention";
import { check, resource } from "../fixtures";

const group = (config: Record<string, unknown>) => resource("aws_cloudwatch_log_group", "logs", { name: "/proximate/x", ...config });

describe("LOGS-RETENTION", () => {
  test("compliant with a retention period", () => {
    expect(check(logsRetention, [group({ retention_in_days: 30 })])).toEqual({ status: "compliant", note: "30 days" });
  });

  test("non-compliant when unset or 0 (never expire)", () => {
    expect(check(logsRetention, [group({})])).toEqual({ status: "non-compliant", problem: "retention_in_days is unset" });
    expect(check(logsRetention, [group({ retention_in_days: 0 })])).toEqual({ status: "non-compliant", problem: "retention_in_days is 0" });
  });
});
