/**
 * The README's figures, rendered from machine-readable results (no I/O here: the script
 * scripts/readme/figures.ts gathers the inputs). A README block is the text between
 * `<!-- figures:<name> -->` and `<!-- /figures:<name> -->`; `npm run readme:figures` rewrites
 * every block, `-- --check` fails when one differs from what these functions render, so a hand
 * edit of a figure is caught.
 *
 * Two kinds of inputs:
 * - computed from the code at render time (deterministic): the cost estimate of the default and
 *   the four-worker topologies, the IAM proof's counts, the guardrails' counts;
 * - saved by a benchmark run in docs/figures/<bench>.json ({@link SavedFigures}): timings that
 *   vary by machine and cannot be re-measured on every check (synth, npm test, bench:catalog,
 *   bench:scaling, bench:proximity).
 */
import type { Estimate } from "../cost/estimate";

/** A benchmark's saved result, as docs/figures/<bench>.json holds it. */
export interface SavedFigures {
  /** The command that measured it, e.g. `npm run bench:catalog`. */
  readonly command: string;
  /** When (YYYY-MM-DD). */
  readonly measuredOn: string;
  /** On what machine, under what load. */
  readonly machine: string;
  /**
   * Where the lines come from: `the bench's output` when the bench wrote the file, or the
   * document the figures were first published in (a one-time seed).
   */
  readonly source: string;
  /** The bench's JSON lines, in the bench's own shape. */
  readonly lines: readonly Record<string, unknown>[];
}

/** Thrown when a README lacks a block's markers or a saved result lacks a figure. */
export class FiguresError extends Error {}

const START = (name: string) => `<!-- figures:${name} -->`;
const END = (name: string) => `<!-- /figures:${name} -->`;

/** Names of the figure blocks a text holds, in order. */
export function blockNames(text: string): string[] {
  return [...text.matchAll(/<!-- figures:([a-z0-9-]+) -->/g)].map((m) => m[1]!);
}

/** The current content of a block (between the marker lines, without them). */
export function blockContent(text: string, name: string): string {
  const start = text.indexOf(START(name));
  const end = text.indexOf(END(name));
  if (start === -1 || end === -1 || end < start) {
    throw new FiguresError(`README block ${name}: markers ${START(name)} ... ${END(name)} not found (or out of order)`);
  }
  return text.slice(start + START(name).length, end).replace(/^\n/, "").replace(/\n$/, "");
}

/** The text with every given block's content replaced; fails on a block the text lacks. */
export function replaceBlocks(text: string, blocks: Readonly<Record<string, string>>): string {
  let out = text;
  for (const [name, content] of Object.entries(blocks)) {
    blockContent(out, name); // fails when missing
    const start = out.indexOf(START(name)) + START(name).length;
    const end = out.indexOf(END(name));
    out = `${out.slice(0, start)}\n${content.trimEnd()}\n${out.slice(end)}`;
  }
  return out;
}

/** Names of the blocks whose content differs from the rendering; blocks in the text that nothing renders count too. */
export function staleBlocks(text: string, blocks: Readonly<Record<string, string>>): string[] {
  const stale = Object.entries(blocks)
    .filter(([name, content]) => blockContent(text, name) !== content.trimEnd())
    .map(([name]) => name);
  const unknown = blockNames(text).filter((name) => !(name in blocks)).map((name) => `${name} (no renderer)`);
  return [...stale, ...unknown];
}

const usd = (value: number) => `$${Math.round(value).toLocaleString("en-US")}`;
const usdCents = (value: number) => `$${value.toFixed(2)}`;
const int = (value: number) => Math.round(value).toLocaleString("en-US");
const seconds = (value: number) => `${Number(value.toPrecision(2))} s`;

function num(line: Record<string, unknown>, path: string, what: string): number {
  const value = path.split(".").reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], line);
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new FiguresError(`${what}: ${path}: got ${JSON.stringify(value)}; allowed: a number`);
  }
  return value;
}

function provenance(saved: SavedFigures): string {
  return `<sub>Measured ${saved.measuredOn} with \`${saved.command}\` (${saved.machine}); source: ${saved.source}.</sub>`;
}

/** A range `a-b` of values (or one value), formatted. */
function range(values: readonly number[], format: (v: number) => string): string {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return format(lo) === format(hi) ? format(lo) : `${format(lo)}-${format(hi)}`.replace(/ s-/, "-").replace(/-\$/, "-");
}

/** The cost block: idle monthly estimate per Region and the price of a worker-host hour, per topology. */
export function renderCost(topologies: readonly { readonly name: string; readonly estimate: Estimate }[]): string {
  const rows = topologies.map(({ name, estimate }) => {
    const perRegion = estimate.regions.map((region) => {
      const total = estimate.lines.filter((l) => l.region === region).reduce((sum, l) => sum + l.monthlyUsd, 0);
      return `${region} ${usd(total)}`;
    });
    const types = [...new Set(estimate.hostHours.map((h) => h.instanceType))];
    const hours = types.map((type) => `${type} ${range(estimate.hostHours.filter((h) => h.instanceType === type).map((h) => h.hourlyUsd), usdCents)}`);
    return `| ${name} | **${usd(estimate.fixedMonthlyUsd)}** | ${perRegion.join(", ")} | ${hours.join(", ")} |`;
  });
  const first = topologies[0]?.estimate;
  if (first === undefined) {
    throw new FiguresError("cost: no topology to render");
  }
  const components = new Map<string, number>();
  for (const line of first.lines) {
    const group = costGroup(line.component);
    components.set(group, (components.get(group) ?? 0) + line.monthlyUsd);
  }
  const biggest = [...components.entries()].sort((a, b) => b[1] - a[1]).map(([group, total]) => `${group} ${usd(total)}`);
  return [
    "| topology | idle, per month | per Region | one more worker host, per hour |",
    "| --- | --- | --- | --- |",
    ...rows,
    "",
    `Where the idle cost of the ${topologies[0]!.name} topology goes: ${biggest.join(", ")}.`,
    `Estimate: on-demand list prices in USD, ${first.hoursPerMonth} h a month, no tax, free tier, discounts or data transfer; price table compiled ${first.compiled}.`,
  ].join("\n");
}

/** Groups of cost components for the README's one-line breakdown. */
export function costGroup(component: string): string {
  const rules: [RegExp, string][] = [
    [/^Interface endpoint/, "interface endpoints"],
    [/^NAT gateway|^Public IPv4/, "NAT gateways"],
    [/^Transit Gateway/, "Transit Gateways"],
    [/^FSx/, "FSx for Lustre"],
    [/^Catalog domain/, "the catalog domain"],
    [/^Notebook/, "the notebook"],
    [/^Fargate/, "the scheduler (Fargate)"],
    [/load balancer/, "the dashboard load balancer"],
    [/^Data host/, "data hosts"],
    [/[Ww]orker host/, "worker hosts"],
  ];
  return rules.find(([pattern]) => pattern.test(component))?.[1] ?? "other (DNS, KMS keys, alarms)";
}

/** The IAM proof's counts (verifyIam's `counts`) per topology. */
export interface IamCounts {
  readonly principals: number;
  readonly calls: number;
  readonly allowed: number;
  readonly denied: number;
  readonly unused: number;
  readonly excessive: number;
  readonly problems: number;
}

export function renderIam(topologies: readonly { readonly name: string; readonly counts: IamCounts; readonly ok: boolean }[]): string {
  return [
    "| topology | principals | AWS calls | allowed | denied | unused grants (excessive) | cannot model | verdict |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ...topologies.map(({ name, counts, ok }) =>
      `| ${name} | ${counts.principals} | ${counts.calls} | ${counts.allowed} | ${counts.denied} | ${counts.unused} (${counts.excessive}) | ${counts.problems} | ${ok ? "IAM OK" : "FAILED"} |`,
    ),
  ].join("\n");
}

/** What cdktf.out/guardrails.json holds that the README shows. */
export interface GuardrailsReport {
  readonly totals: Readonly<Record<string, number>>;
  readonly rules: readonly { readonly id: string }[];
  readonly suppressions: readonly unknown[];
}

export function renderGuardrails(report: GuardrailsReport): string {
  const t = report.totals;
  return (
    `${report.rules.length} rules; on the default topology ${int(t.compliant ?? 0)} compliant checks, ` +
    `${t["non-compliant"] ?? 0} violations, ${t.warning ?? 0} warnings, ${report.suppressions.length} suppressions with their reasons ` +
    `(${t.suppressed ?? 0} resources), ${t["not-applicable"] ?? 0} not applicable.`
  );
}

/** bench:synth: default topology and 10 worker Regions, growth per resource. */
export function renderSynth(saved: SavedFigures): string {
  const row = (topology: string) => {
    const line = saved.lines.find((l) => l.topology === topology);
    if (line === undefined) {
      throw new FiguresError(`synth: no line for topology ${topology} in ${saved.command}'s figures`);
    }
    return line;
  };
  const def = row("default");
  const ten = row("workers-10");
  const summary = saved.lines.find((l) => l.bench === "synth-summary");
  const perResource = summary === undefined ? "" : `; ${num(summary, "msPerResource", "synth")} ms per resource`;
  return [
    `Synth (\`node scripts/app.js\`, median of ${num(def, "runs", "synth")} runs): default topology ${seconds(num(def, "seconds", "synth"))}, ` +
      `${Math.round(num(def, "maxRssMiB", "synth"))} MiB peak for ${int(num(def, "resources", "synth"))} resources in ${num(def, "stacks", "synth")} stacks; ` +
      `10 worker Regions ${seconds(num(ten, "seconds", "synth"))}, ${Math.round(num(ten, "maxRssMiB", "synth"))} MiB for ${int(num(ten, "resources", "synth"))} resources${perResource}.`,
    provenance(saved),
  ].join("\n");
}

/** npm test: wall time and the number of checks. */
export function renderTest(saved: SavedFigures): string {
  const line = saved.lines[0];
  if (line === undefined) {
    throw new FiguresError("test: no line in the saved figures");
  }
  const minutes = num(line, "seconds", "test") / 60;
  const passed = typeof line.passed === "number" ? `, ${int(line.passed)} checks passed` : "";
  return [`\`npm test\` takes about ${Math.round(minutes)} minutes on a 2-core machine${passed}.`, provenance(saved)].join("\n");
}

/** bench:catalog: the parallel listing at each size, and the sequential baseline. */
export function renderCatalog(saved: SavedFigures): string {
  const parallel = saved.lines.filter((l) => l.case === "parallel");
  if (parallel.length === 0) {
    throw new FiguresError("catalog: no `parallel` line in the saved figures");
  }
  const rows = [...parallel]
    .sort((a, b) => num(b, "keys", "catalog") - num(a, "keys", "catalog"))
    .map((l) =>
      `| ${String(l.layout).toUpperCase()} | ${int(num(l, "keys", "catalog"))} | ${int(num(l, "documents", "catalog"))} | ${seconds(num(l, "seconds", "catalog"))} | **${int(num(l, "keys_per_s", "catalog"))}** | ${Math.round(num(l, "peak_rss_mb", "catalog"))} MB |`,
    );
  const sequential = saved.lines.filter((l) => l.case === "sequential" && l.extrapolated !== true);
  const baseline = sequential.length === 0 ? [] : [`Sequential listing (the indexer before sharding): ${range(sequential.map((l) => num(l, "keys_per_s", "catalog")), int)} keys/s.`];
  return [
    "| layout | keys | documents | wall | keys/s | peak RSS |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
    ...baseline,
    provenance(saved),
  ].join("\n");
}

/** bench:scaling: one line per run; ranges over the runs. */
export function renderScaling(saved: SavedFigures): string {
  const runs = saved.lines;
  if (runs.length === 0) {
    throw new FiguresError("scaling: no run in the saved figures");
  }
  const all = (path: string) => runs.map((r) => num(r, path, "scaling"));
  const s = (v: number) => `${Number(v.toFixed(1))} s`;
  return [
    `From zero workers to the first task: ${range(all("from_zero.first_task_seconds"), s)}; ` +
      `a burst raised the desired count within ${range(all("burst.desired_rose_after_seconds"), s)}; ` +
      `${range(all("scale_in.tasks_stopped_during_computation"), String)} of ${range(all("burst.max_running"), String)} workers stopped during a computation with ` +
      `${range(all("scale_in.lost_keys"), String)} lost keys and ${range(all("scale_in.recomputed_tasks"), String)} recomputed tasks; ` +
      `idle to zero ${range(all("idle.empty_after_seconds"), s)} after the computation (idle time ${range(all("idle.idle_seconds"), s)}); ` +
      `woke again in ${range(all("wake_again.first_task_seconds"), s)} (${runs.length} run${runs.length === 1 ? "" : "s"}, emulation settings: publish every 2 s).`,
    provenance(saved),
  ].join("\n");
}

/** bench:proximity: inter-Region bytes, data-proximate against naive. */
export function renderProximity(saved: SavedFigures): string {
  const report = saved.lines[0];
  if (report === undefined) {
    throw new FiguresError("proximity: no report in the saved figures");
  }
  const mb = (bytes: number) => `${Number((bytes / 1e6).toPrecision(3))} MB`;
  const between = report.between_worker_regions_bytes as Record<string, number> | undefined;
  const betweenTotal = between === undefined ? undefined : Object.values(between).reduce((a, b) => a + b, 0);
  return [
    `Inter-Region bytes of the seed analysis: ${mb(num(report, "proximate.total", "proximity"))} data-proximate against ${mb(num(report, "naive.total", "proximity"))} with the raw data pulled to the client Region ` +
      `(**${Math.round(num(report, "ratio_naive_over_proximate", "proximity"))}x** less)` +
      `${betweenTotal === undefined ? "" : `, ${int(betweenTotal)} bytes between worker Regions`}.`,
    provenance(saved),
  ].join("\n");
}
