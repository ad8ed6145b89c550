/**
 * The deploy rehearsal's report (cdktf.out/rehearsal.json and rehearsal.md): per phase the commands
 * run and their wall time, per stack what was applied, re-planned, added and destroyed, the moto
 * shims in use, what the rehearsal shortens, and every failure.
 */

/** Outputs a user needs, by the role of the Region they belong to (checked after every deploy). */
export const REQUIRED_OUTPUTS = {
  client: ["notebook-name", "notebook-url", "notebook-open-command", "dask-scheduler", "dashboard-url", "dashboard-access", "catalog-endpoint"],
  worker: ["dask-pool", "datasets", "data-host-session"],
} as const;

export interface PhaseCommand {
  readonly command: string;
  readonly seconds: number;
  readonly exit: number;
  readonly log: string;
}

export interface Phase {
  readonly name: string;
  readonly commands: PhaseCommand[];
  ok: boolean;
  /** What the cross-stack wiring check found. */
  wiring?: string;
  /** `npm run outputs` as printed. */
  outputs?: string;
  /** Resources the journey created that exist after the destroy (expected: the state bucket, service-linked roles). */
  remaining?: string[];
}

export interface StackFigures {
  readonly stack: string;
  /** Resources created (or changed) by the default deploy. */
  applied?: number;
  deploySeconds?: number;
  /** Changes the re-plan after the default deploy found (0 expected). */
  replanned?: number;
  grownAdded?: number;
  grownChanged?: number;
  grownDestroyed?: number;
  growSeconds?: number;
  replannedGrown?: number;
  destroyed?: number;
  destroySeconds?: number;
}

export interface RehearsalReport {
  readonly startedAt: string;
  seconds?: number;
  readonly phases: Phase[];
  readonly stacks: Record<string, StackFigures>;
  shims: string[];
  moto: string;
  readonly shortened: readonly string[];
  readonly failures: string[];
  /** Requests the emulator failed with a 5xx (operations it lacks). */
  emulatorFailures?: number;
  /** Terraform lock files (use_lockfile) written to the emulated state bucket. */
  lockfileWrites?: number;
  ok: boolean;
}

function cell(value: number | undefined): string {
  return value === undefined ? "" : String(value);
}

function minutes(seconds: number | undefined): string {
  if (seconds === undefined) {
    return "";
  }
  return seconds >= 60 ? `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s` : `${Math.round(seconds)} s`;
}

/** The Markdown report. */
export function renderRehearsal(report: RehearsalReport): string {
  const lines: string[] = [];
  lines.push(`# Deploy rehearsal: ${report.ok ? "passed" : "FAILED"}`);
  lines.push("");
  lines.push(`Started ${report.startedAt}, ${minutes(report.seconds)} in all. Emulated AWS: moto ${report.moto}.`);
  if (report.failures.length > 0) {
    lines.push("");
    lines.push("## Failures");
    lines.push("");
    report.failures.forEach((f) => lines.push(`- ${f}`));
  }
  lines.push("");
  lines.push("## Commands (the README's, in a scratch copy of the project)");
  lines.push("");
  lines.push("| phase | command | exit | wall time |");
  lines.push("| --- | --- | --- | --- |");
  for (const phase of report.phases) {
    for (const c of phase.commands) {
      lines.push(`| ${phase.name} | \`${c.command}\` | ${c.exit} | ${minutes(c.seconds)} |`);
    }
  }
  for (const phase of report.phases) {
    if (phase.wiring) {
      lines.push("");
      lines.push(`Cross-stack wiring after the ${phase.name} deploy: ${phase.wiring}.`);
    }
  }
  const stacks = Object.values(report.stacks).sort((a, b) => a.stack.localeCompare(b.stack));
  if (stacks.length > 0) {
    lines.push("");
    lines.push("## Per stack");
    lines.push("");
    lines.push("| stack | applied | deploy time | re-plan changes | grow: added / changed / destroyed | grow time | re-plan after grow | destroyed | destroy time |");
    lines.push("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    const sum = (key: keyof StackFigures) => stacks.reduce((total, s) => total + ((s[key] as number | undefined) ?? 0), 0);
    for (const s of stacks) {
      const grow = s.grownAdded === undefined ? "" : `${s.grownAdded} / ${s.grownChanged ?? 0} / ${s.grownDestroyed ?? 0}`;
      lines.push(
        `| ${s.stack} | ${cell(s.applied)} | ${minutes(s.deploySeconds)} | ${cell(s.replanned)} | ${grow} | ${minutes(s.growSeconds)} | ${cell(s.replannedGrown)} | ${cell(s.destroyed)} | ${minutes(s.destroySeconds)} |`,
      );
    }
    lines.push(
      `| **total** | ${sum("applied")} | | ${sum("replanned")} | ${sum("grownAdded")} / ${sum("grownChanged")} / ${sum("grownDestroyed")} | | ${sum("replannedGrown")} | ${sum("destroyed")} | |`,
    );
  }
  for (const phase of report.phases) {
    if (phase.outputs) {
      lines.push("");
      lines.push(`## \`npm run outputs\` after the ${phase.name} deploy`);
      lines.push("");
      lines.push("```");
      lines.push(phase.outputs.trimEnd());
      lines.push("```");
    }
    if (phase.remaining) {
      lines.push("");
      lines.push("## Left in the account after `cdktf destroy '*'` (expected: the state bucket and the service-linked roles)");
      lines.push("");
      phase.remaining.forEach((r) => lines.push(`- ${r}`));
    }
  }
  lines.push("");
  lines.push("## The emulator");
  lines.push("");
  lines.push(`moto ${report.moto}, extended by ${report.shims.length} shims (scripts/rehearse/moto_shims/), each reproducing an AWS behaviour moto lacks:`);
  lines.push("");
  report.shims.forEach((s) => lines.push(`- \`${s}\``));
  lines.push("");
  lines.push(`Requests the emulator failed (5xx): ${report.emulatorFailures ?? "?"}; Terraform lock files written: ${report.lockfileWrites ?? "?"}.`);
  lines.push("");
  lines.push("## Shortened");
  lines.push("");
  report.shortened.forEach((s) => lines.push(`- ${s}`));
  lines.push("");
  return lines.join("\n");
}
