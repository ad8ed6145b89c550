/** The guardrail report written next to the synthesized stacks: guardrails.json and guardrails.md. */
import { GuardrailOptions, GuardrailRule, RuleStatus } from "./types";

/** A rule's verdict as reported: a non-compliant resource with a suppression is `suppressed`. */
export type FindingStatus = RuleStatus | "suppressed";

/** One rule on one resource. */
export interface Finding {
  readonly rule: string;
  readonly stack: string;
  /** `<type>.<name>` in the stack's cdk.tf.json. */
  readonly address: string;
  /** Construct path. */
  readonly path: string;
  readonly status: FindingStatus;
  /** The problem (non-compliant), the written reason (suppressed) or a note. */
  readonly reason: string;
}

/** A suppression as recorded on a construct, and how many findings it suppressed. */
export interface SuppressionEntry {
  readonly ruleId: string;
  readonly reason: string;
  /** Construct path the suppression was recorded on (it covers everything under it). */
  readonly path: string;
  readonly stack: string;
  readonly suppressedFindings: number;
}

/** Everything the report shows. */
export interface GuardrailReport {
  readonly options: GuardrailOptions;
  readonly rules: readonly GuardrailRule[];
  readonly findings: readonly Finding[];
  readonly suppressions: readonly SuppressionEntry[];
}

/** Name of the JSON report, referred to by the markdown one. */
export const REPORT_JSON_NAME = "guardrails.json";

const STATUSES: readonly FindingStatus[] = ["non-compliant", "warning", "suppressed", "compliant", "not-applicable"];

/** Findings per rule and status. */
export function countByRule(report: GuardrailReport): Map<string, Record<FindingStatus, number>> {
  const counts = new Map<string, Record<FindingStatus, number>>();
  for (const rule of report.rules) {
    counts.set(rule.id, { "non-compliant": 0, warning: 0, suppressed: 0, compliant: 0, "not-applicable": 0 });
  }
  for (const finding of report.findings) {
    const entry = counts.get(finding.rule);
    if (entry !== undefined) {
      entry[finding.status]++;
    }
  }
  return counts;
}

/** Findings per status across all rules. */
export function totals(report: GuardrailReport): Record<FindingStatus, number> {
  const out: Record<FindingStatus, number> = { "non-compliant": 0, warning: 0, suppressed: 0, compliant: 0, "not-applicable": 0 };
  for (const finding of report.findings) {
    out[finding.status]++;
  }
  return out;
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Problems first, then by stack, address and rule (code-unit order: stable and fast). */
function byPosition(a: Finding, b: Finding): number {
  return (
    STATUSES.indexOf(a.status) - STATUSES.indexOf(b.status) ||
    compareText(a.stack, b.stack) ||
    compareText(a.address, b.address) ||
    compareText(a.rule, b.rule)
  );
}

/** guardrails.json: options, rules, totals, every finding and every suppression. */
export function renderReportJson(report: GuardrailReport): string {
  return `${JSON.stringify(
    {
      version: 1,
      options: report.options,
      totals: totals(report),
      rules: report.rules.map((rule) => ({ id: rule.id, description: rule.description, resourceTypes: rule.resourceTypes, fix: rule.fix })),
      findings: [...report.findings].sort(byPosition),
      suppressions: report.suppressions,
    },
    null,
    2,
  )}\n`;
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** guardrails.md: totals, a table per rule, then every finding (rule, stack, address, status, reason). */
export function renderReportMarkdown(report: GuardrailReport): string {
  const total = totals(report);
  const lines = [
    "# Guardrails",
    "",
    `${report.findings.length} checks: ${total["non-compliant"]} non-compliant, ${total.warning} warnings, ${total.suppressed} suppressed, ${total.compliant} compliant, ${total["not-applicable"]} not applicable.`,
    `Public dashboard allowed: ${report.options.allowPublicDashboard ? "yes" : "no"}. State buckets: ${report.options.stateBuckets.join(", ") || "none"}. Judged on ${report.options.today}.` +
      (report.options.reportOnly.length > 0 ? ` Report-only rules (warnings, not errors): ${report.options.reportOnly.join(", ")}.` : ""),
    "",
    "## Rules",
    "",
    "| rule | non-compliant | warnings | suppressed | compliant | not applicable | requires |",
    "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
  ];
  for (const [id, counts] of countByRule(report)) {
    const rule = report.rules.find((r) => r.id === id);
    lines.push(`| ${id} | ${counts["non-compliant"]} | ${counts.warning} | ${counts.suppressed} | ${counts.compliant} | ${counts["not-applicable"]} | ${cell(rule?.description ?? "")} |`);
  }
  lines.push("", "## Suppressions", "");
  if (report.suppressions.length === 0) {
    lines.push("None.");
  } else {
    lines.push("| rule | stack | construct | findings suppressed | reason |", "| --- | --- | --- | ---: | --- |");
    for (const s of report.suppressions) {
      const unused = s.suppressedFindings === 0 ? " (unused: nothing under it violates the rule)" : "";
      lines.push(`| ${s.ruleId} | ${s.stack} | ${cell(s.path)} | ${s.suppressedFindings} | ${cell(s.reason)}${unused} |`);
    }
  }
  lines.push(
    "",
    "## Findings",
    "",
    `Every check except the ${total["not-applicable"]} not applicable ones (${REPORT_JSON_NAME} lists those too).`,
    "",
    "| rule | stack | address | status | reason |",
    "| --- | --- | --- | --- | --- |",
  );
  for (const f of [...report.findings].filter((finding) => finding.status !== "not-applicable").sort(byPosition)) {
    lines.push(`| ${f.rule} | ${f.stack} | ${cell(f.address)} | ${f.status} | ${cell(f.reason)} |`);
  }
  return `${lines.join("\n")}\n`;
}
