import { RULES } from "../../../modules/guardrails/registry";
import { GuardrailReport, renderReportJson, renderReportMarkdown } from "../../../modules/guardrails/report";

const report: GuardrailReport = {
  options: { allowPublicDashboard: false, stateBuckets: ["state-bucket"], today: "2026-11-30", reportOnly: [] },
  rules: RULES.filter((rule) => rule.id === "LOGS-RETENTION" || rule.id === "IAM-NO-WILDCARD-RESOURCE"),
  findings: [
    { rule: "LOGS-RETENTION", stack: "b", address: "aws_cloudwatch_log_group.x", path: "b/x", status: "compliant", reason: "30 days" },
    { rule: "IAM-NO-WILDCARD-RESOURCE", stack: "a", address: "aws_iam_role_policy.p", path: "a/p", status: "suppressed", reason: "log delivery needs * (problem: ...)" },
    { rule: "IAM-NO-WILDCARD-RESOURCE", stack: "a", address: "aws_iam_role.r", path: "a/r", status: "not-applicable", reason: "no identity policy" },
  ],
  suppressions: [{ ruleId: "IAM-NO-WILDCARD-RESOURCE", reason: "log delivery needs *", path: "a/p", stack: "a", suppressedFindings: 1 }],
};

describe("the guardrail report", () => {
  test("guardrails.json holds totals, rules, every finding (problems first) and the suppressions", () => {
    const json = JSON.parse(renderReportJson(report));
    expect(json.totals).toEqual({ "non-compliant": 0, warning: 0, suppressed: 1, compliant: 1, "not-applicable": 1 });
    expect(json.findings.map((f: { status: string }) => f.status)).toEqual(["suppressed", "compliant", "not-applicable"]);
    expect(json.suppressions).toEqual(report.suppressions);
    expect(json.rules.map((r: { id: string }) => r.id)).toEqual(["IAM-NO-WILDCARD-RESOURCE", "LOGS-RETENTION"]);
  });

  test("guardrails.md has a rules table, the suppressions and a findings table of rule, stack, address, status, reason", () => {
    const md = renderReportMarkdown(report);
    expect(md).toContain("3 checks: 0 non-compliant, 0 warnings, 1 suppressed, 1 compliant, 1 not applicable.");
    expect(md).toContain("| IAM-NO-WILDCARD-RESOURCE | a | a/p | 1 | log delivery needs * |");
    expect(md).toContain("| rule | stack | address | status | reason |");
    expect(md).toContain("| IAM-NO-WILDCARD-RESOURCE | a | aws_iam_role_policy.p | suppressed | log delivery needs * (problem: ...) |");
    expect(md).toContain("| LOGS-RETENTION | b | aws_cloudwatch_log_group.x | compliant | 30 days |");
    expect(md).not.toContain("aws_iam_role.r |");
  });

  test("guardrails.md marks a suppression that suppressed nothing as unused", () => {
    const md = renderReportMarkdown({ ...report, suppressions: [{ ...report.suppressions[0], suppressedFindings: 0 }] });
    expect(md).toContain("| 0 | log delivery needs * (unused: nothing under it violates the rule) |");
  });
});
