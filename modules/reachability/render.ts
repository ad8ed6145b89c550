/** The proof as text: the flow matrix, the exposure check and a summary line. */
import { TopologyVerdict } from "./verify";
import { textTable as table } from "../text-table";

/** Counts of rows per status. */
export function summarize(verdict: TopologyVerdict): { pass: number; fail: number; notDeployed: number; exposed: number; allowedExposures: number } {
  return {
    pass: verdict.rows.filter((row) => row.status === "pass").length,
    fail: verdict.rows.filter((row) => row.status === "fail").length,
    notDeployed: verdict.rows.filter((row) => row.status === "not-deployed").length,
    exposed: verdict.exposures.filter((exposure) => !exposure.allowed).length,
    allowedExposures: verdict.exposures.filter((exposure) => exposure.allowed).length,
  };
}

/** The matrix (flow, source, destination, ports, result), then exposure, then the summary. */
export function renderVerdict(verdict: TopologyVerdict): string {
  const counts = summarize(verdict);
  const lines = [
    `Topology: client Region ${verdict.clientRegion ?? "unknown (no scheduler security group)"}; worker Regions ${verdict.workerRegions.join(", ") || "none"}; CIDRs ${verdict.topologyCidrs.join(", ")}`,
    "",
    ...table(
      ["FLOW", "SOURCE", "DESTINATION", "PORTS", "RESULT"],
      verdict.rows.map((row) => [
        row.flow,
        row.source,
        row.destination,
        row.ports,
        row.status === "pass" ? "pass" : row.status === "fail" ? `FAIL at ${row.hop ?? "?"}: ${row.detail}` : `not deployed (${row.detail}); checked once its security groups exist`,
      ]),
    ),
    "",
    "Exposure (ingress from outside the topology's CIDRs):",
  ];
  if (verdict.exposures.length === 0) {
    lines.push(`  none: every ingress rule admits only ${verdict.topologyCidrs.join(", ")} or security groups`);
  } else {
    for (const exposure of verdict.exposures) {
      lines.push(`  ${exposure.allowed ? "allowed" : "FAIL"}: ${exposure.rule} admits ${exposure.admits} into ${exposure.group}${exposure.role ? ` (${exposure.role})` : ""}: ${exposure.note}`);
    }
  }
  lines.push(
    "",
    `${counts.pass} pass, ${counts.fail} fail, ${counts.notDeployed} not deployed; ${counts.exposed} exposed ingress rule${counts.exposed === 1 ? "" : "s"}${counts.allowedExposures > 0 ? ` (${counts.allowedExposures} allowed: public dashboard)` : ""}: ${verdict.ok ? "topology OK" : "topology FAILS"}`,
  );
  return `${lines.join("\n")}\n`;
}
