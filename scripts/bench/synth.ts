/**
 * npm run bench:synth: synth wall time and peak RSS of the app (`node scripts/app.js`,
 * the command cdktf synth runs, without the CLI's own overhead) for the default topology and
 * generated topologies of 1, 2, 5 and 10 worker Regions; the median of several runs each.
 *   tsx scripts/bench/synth.ts [--runs N] [--save]
 * Prints one JSON line per topology and a summary line with the growth per resource; `--save`
 * also writes them to docs/figures/synth.json (the README's figures, npm run readme:figures).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { generateConfig } from "../../modules/config/generate";
import { saveFigures } from "../readme/save";

const projectDir = resolve(__dirname, "..", "..");

interface Run {
  readonly seconds: number;
  readonly maxRssMiB: number;
  readonly stacks: number;
  readonly resources: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function countResources(outdir: string): { stacks: number; resources: number } {
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, { synthesizedStackPath: string }> };
  let resources = 0;
  for (const entry of Object.values(manifest.stacks)) {
    const stack = JSON.parse(readFileSync(join(outdir, entry.synthesizedStackPath), "utf8")) as { resource?: Record<string, Record<string, unknown>> };
    for (const byName of Object.values(stack.resource ?? {})) {
      resources += Object.keys(byName).length;
    }
  }
  return { stacks: Object.keys(manifest.stacks).length, resources };
}

function synthOnce(configFile: string | undefined): Run {
  const scratch = mkdtempSync(join(tmpdir(), "proximate-bench-"));
  const report = join(scratch, "report.json");
  const outdir = join(scratch, "out");
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir, PROXIMATE_BENCH_REPORT: report };
    delete env.PROXIMATE_CONFIG;
    if (configFile !== undefined) {
      env.PROXIMATE_CONFIG = configFile;
    }
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ["-r", join(__dirname, "rss-reporter.cjs"), "scripts/app.js"], { cwd: projectDir, env, encoding: "utf8" });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (result.status !== 0) {
      throw new Error(`synth failed (${result.status}): ${result.stderr}`);
    }
    const { maxRssKiB } = JSON.parse(readFileSync(report, "utf8")) as { maxRssKiB: number };
    return { seconds, maxRssMiB: maxRssKiB / 1024, ...countResources(outdir) };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function main(): void {
  const runsArg = process.argv.indexOf("--runs");
  const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 5;
  if (!Number.isInteger(runs) || runs < 1) {
    process.stderr.write(`--runs: got ${JSON.stringify(process.argv[runsArg + 1])}; allowed: a whole number of at least 1\n`);
    process.exit(2);
  }
  const scratch = mkdtempSync(join(tmpdir(), "proximate-bench-configs-"));
  const topologies: { name: string; file?: string }[] = [{ name: "default" }];
  for (const workers of [1, 2, 5, 10]) {
    const file = join(scratch, `workers-${workers}.json`);
    writeFileSync(file, JSON.stringify(generateConfig(workers)));
    topologies.push({ name: `workers-${workers}`, file });
  }
  synthOnce(undefined); // warm the tsx cache and the file system cache
  const rows: (Run & { topology: string })[] = [];
  const printed: Record<string, unknown>[] = [];
  for (const topology of topologies) {
    const samples = Array.from({ length: runs }, () => synthOnce(topology.file));
    const row = {
      topology: topology.name,
      seconds: Number(median(samples.map((s) => s.seconds)).toFixed(3)),
      maxRssMiB: Number(median(samples.map((s) => s.maxRssMiB)).toFixed(1)),
      stacks: samples[0].stacks,
      resources: samples[0].resources,
    };
    rows.push(row);
    printed.push({ bench: "synth", runs, ...row });
    process.stdout.write(`${JSON.stringify({ bench: "synth", runs, ...row })}\n`);
  }
  rmSync(scratch, { recursive: true, force: true });
  const one = rows.find((r) => r.topology === "workers-1");
  const ten = rows.find((r) => r.topology === "workers-10");
  const def = rows.find((r) => r.topology === "default");
  if (one && ten && def) {
    const perResourceMs = ((ten.seconds - one.seconds) / (ten.resources - one.resources)) * 1000;
    const summary = {
      bench: "synth-summary",
      msPerResource: Number(perResourceMs.toFixed(2)),
      fixedSeconds: Number((one.seconds - (perResourceMs / 1000) * one.resources).toFixed(3)),
      targets: { defaultUnder1_5s: def.seconds < 1.5, defaultUnder250MiB: def.maxRssMiB < 250, tenWorkersUnder3s: ten.seconds < 3 },
    };
    printed.push(summary);
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  }
  if (process.argv.includes("--save")) {
    process.stderr.write(`figures saved to ${saveFigures("synth", "npm run bench:synth", printed)}\n`);
  }
}

main();
