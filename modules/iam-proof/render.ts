/** The IAM proof as text: per principal, its calls and their verdicts; then the policy checks, unused grants and a summary line. */
import { CallVerdict } from "./evaluate";
import { IamVerdict } from "./verify";
import { Statement } from "./statements";
import { textTable as table } from "../text-table";

/** `stack address#index Sid`: the short name of a statement in the matrix. */
export function shortStatement(statement: Statement): string {
  const { source } = statement;
  const name = source.stack === "aws" ? (source.name ?? source.address) : `${source.stack}/${source.address.replace(/_[0-9A-F]{8}$/, "")}`;
  return `${name}#${statement.index}${statement.sid !== undefined ? ` ${statement.sid}` : ""}`;
}

function shortArn(arn: string): string {
  return arn.replace(/^arn:aws[a-z-]*:/, "").replace(/:123456789012:/, ":").replace(/^s3:::/, "s3:::");
}

function result(verdict: CallVerdict): string {
  if (verdict.allowed) {
    const statements = [...new Set(verdict.resources.flatMap((resource) => resource.allowedBy).map(shortStatement))];
    return `allow (${statements.join(", ")})`;
  }
  const denied = verdict.resources.filter((resource) => !resource.allowed);
  return `DENIED: ${denied.map((resource) => resource.reason).join("; ")}`;
}

/** The whole report. */
export function renderIamVerdict(verdict: IamVerdict): string {
  const lines: string[] = [`IAM proof: ${verdict.sources.iamData}; AWS-managed policies from ${verdict.sources.managedPolicies}; account 123456789012 is symbolic`, ""];
  for (const { principal, calls } of verdict.principals) {
    const denied = calls.filter((call) => !call.allowed).length;
    lines.push(`${principal.name} [${principal.region}] ${calls.length} call${calls.length === 1 ? "" : "s"}${denied > 0 ? `, ${denied} DENIED` : ""}`);
    if (calls.length > 0) {
      lines.push(
        ...table(
          ["  ACTION", "RESOURCE", "RESULT"],
          calls.map((call) => [`  ${call.call.action}`, call.call.resources.map((resource) => shortArn(resource.arn)).join(", "), result(call)]),
        ),
      );
    }
    lines.push("");
  }
  if (verdict.problems.length > 0) {
    lines.push("Not modelled (each fails the proof):");
    verdict.problems.forEach((problem) => lines.push(`  FAIL ${problem.principal}: ${problem.problem}`));
    lines.push("");
  }
  if (verdict.unreached.length > 0) {
    lines.push("Calls in code this deployment never makes (their resource comes only from inputs, and no input names one):");
    verdict.unreached.forEach((call) => lines.push(`  ${call.principal}: ${call.problem}`));
    lines.push("");
  }
  lines.push("Policy checks (AWS's Service Authorization Reference):");
  if (verdict.findings.length === 0) {
    lines.push("  every action exists, every resource matches a resource type of its actions, required resource types are covered, every condition key exists");
  }
  for (const finding of verdict.findings) {
    lines.push(`  ${finding.severity === "error" ? "FAIL" : "warn"} [${finding.check}] ${finding.where}: ${finding.problem}`);
  }
  lines.push("", "Least privilege (grants no call uses):");
  if (verdict.unused.length === 0) {
    lines.push("  none");
  }
  for (const grant of verdict.unused) {
    lines.push(`  ${grant.excessive ? "FAIL" : "unused"} ${grant.kind} ${grant.pattern} in ${grant.statement} (${grant.holders.join(", ")})`);
  }
  for (const policy of verdict.managed) {
    lines.push(`  AWS-managed ${policy.policy} (${policy.holders.join(", ")}): ${policy.usedActions.length} action${policy.usedActions.length === 1 ? "" : "s"} used (${policy.usedActions.join(", ") || "none"}) of ${policy.grantedPatterns} granted patterns`);
  }
  const c = verdict.counts;
  lines.push(
    "",
    `${c.principals} principals, ${c.calls} calls: ${c.allowed} allowed, ${c.denied} denied; ${c.findings} policy error${c.findings === 1 ? "" : "s"}, ${c.warnings} warning${c.warnings === 1 ? "" : "s"}; ${c.unused} unused grant${c.unused === 1 ? "" : "s"} (${c.excessive} excessive); ${c.problems} not modelled: ${verdict.ok ? "IAM OK" : "IAM FAILS"}`,
  );
  return `${lines.join("\n")}\n`;
}
