/**
 * npm run verify:edge-configs -- [--jobs N] [--only REGEX] [--keep DIR]
 *
 * Every config at the edges of what the validator accepts (modules/config/generate.ts
 * `edgeConfigs`) must be accepted by the validator, synthesize (the guardrails, AWS's own
 * constraints included, fail synth on a violation), leave no non-compliant guardrail finding,
 * pass the reachability proof and, once it exists, the IAM proof (scripts/verify/iam.ts), and
 * pass `terraform validate` against the real AWS provider schema.
 *
 * terraform validate runs once per edge config on a bundle of all its stacks
 * (modules/terraform/bundle.ts): one provider schema load instead of one per stack. Before the
 * configs, a planted error in a bundle must be reported, proving the bundle still fails on a bad
 * argument of any stack. Prints one line per config and `N passed, M failed` last.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { EdgeConfig, edgeConfigs } from "../../modules/config/generate";
import { validateConfig } from "../../modules/config/validate";
import { formatProblem } from "../../modules/errors";
import { loadSynthOutput } from "../../modules/reachability/synth-output";
import { verifyTopology } from "../../modules/reachability/verify";
import { createHash } from "node:crypto";
import { AWS_REGIONS } from "../../modules/config/regions";
import { Bundle, bundleStacks, normalizedForValidation, plantError, stackOfDiagnostic } from "../../modules/terraform/bundle";
import { mapLimit, runCommand } from "../lib/run";
import { terraformEnv } from "../lib/terraform-env";

const projectDir = resolve(__dirname, "../..");
/** The date the end-of-support guardrail judges against in this check (fixed: the run is reproducible). */
const TODAY = "2026-11-30";

interface Outcome {
  readonly id: string;
  readonly problems: string[];
  readonly stacks: number;
  readonly validated: number;
  readonly warnings: number;
  readonly seconds: number;
}

function option(argv: readonly string[], name: string): string | undefined {
  const index = argv.indexOf(name);
  return index >= 0 ? argv[index + 1] : undefined;
}

function tail(text: string, lines = 12): string {
  return text.trim().split("\n").slice(-lines).map((line) => (line.length > 300 ? `${line.slice(0, 297)}...` : line)).join("\n");
}

/** The stacks of a synth output (manifest order) with their JSON. */
function readStacks(out: string): { name: string; json: Record<string, unknown>; dir: string }[] {
  const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as { stacks: Record<string, { synthesizedStackPath: string }> };
  return Object.entries(manifest.stacks).map(([name, entry]) => {
    const path = join(out, entry.synthesizedStackPath);
    return { name, json: JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>, dir: join(path, "..") };
  });
}

/** Writes the bundle (and every stack's assets) to `dir`, then init + validate. Returns the problems. */
async function validateBundle(bundleJson: Record<string, unknown>, bundle: Bundle, assetDirs: readonly string[], dir: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "bundle.tf.json"), JSON.stringify(bundleJson));
  for (const assets of assetDirs) {
    cpSync(assets, join(dir, "assets"), { recursive: true });
  }
  const init = await runCommand("terraform", ["init", "-backend=false", "-input=false", "-no-color"], { cwd: dir, env });
  if (init.code !== 0) {
    return [`terraform init failed:\n${tail(init.stdout + init.stderr)}`];
  }
  const validate = await runCommand("terraform", ["validate", "-json", "-no-color"], { cwd: dir, env });
  let result: { valid?: boolean; diagnostics?: { severity: string; summary: string; detail?: string; address?: string; snippet?: { context?: string; code?: string } }[] };
  try {
    result = JSON.parse(validate.stdout);
  } catch {
    return [`terraform validate printed no JSON:\n${tail(validate.stdout + validate.stderr)}`];
  }
  return (result.diagnostics ?? [])
    .filter((d) => d.severity === "error")
    .map((d) => {
      const where = stackOfDiagnostic(bundle, `${d.address ?? ""} ${d.snippet?.context ?? ""} ${d.detail ?? ""}`);
      return `terraform validate${where ? ` (stack ${where})` : ""}: ${d.summary}${d.detail ? `: ${d.detail.slice(0, 300)}` : ""}`;
    });
}

/** A stack to validate: which config and stack it is, its JSON and its assets directory. */
interface FreshStack {
  readonly name: string;
  readonly json: Record<string, unknown>;
  readonly dir: string;
}

/** Stacks already queued for validation in this run, by their Region-normalised configuration (see normalizedForValidation). */
const validatedShapes = new Map<string, string>();

/**
 * Synthesizes one edge config and runs everything but terraform validate; returns the stacks whose
 * Region-normalised configuration no earlier stack of the run had (they are validated in bundles
 * shared by several configs, so the provider schema is loaded a few times, not once per config).
 */
async function checkConfig(edge: EdgeConfig, scratch: string, env: NodeJS.ProcessEnv, iamProof: string | undefined): Promise<{ outcome: Outcome; fresh: FreshStack[] }> {
  const started = Date.now();
  const problems: string[] = [];
  const base = join(scratch, edge.id);
  mkdirSync(base, { recursive: true });
  const done = (fresh: FreshStack[] = [], stacks = 0, warnings = 0) => ({
    outcome: { id: edge.id, problems, stacks, validated: fresh.length, warnings, seconds: (Date.now() - started) / 1000 },
    fresh,
  });
  const verdict = validateConfig(edge.config);
  if (!verdict.ok) {
    problems.push(`the validator refuses it:\n  ${verdict.problems.map(formatProblem).join("\n  ")}`);
    return done();
  }
  const configPath = join(base, "config.json");
  writeFileSync(configPath, JSON.stringify(edge.config, null, 2));
  const out = join(base, "cdktf.out");
  const synth = await runCommand(process.execPath, [join(projectDir, "scripts/app.js")], {
    cwd: projectDir,
    env: { ...env, PROXIMATE_CONFIG: configPath, CDKTF_OUTDIR: out, PROXIMATE_TODAY: TODAY },
  });
  if (synth.code !== 0) {
    problems.push(`synth failed:\n${tail(synth.stderr + synth.stdout)}`);
    return done();
  }
  const report = JSON.parse(readFileSync(join(out, "guardrails.json"), "utf8")) as { totals: Record<string, number>; findings: { status: string; rule: string; stack: string; address: string; reason: string }[] };
  for (const finding of report.findings.filter((f) => f.status === "non-compliant")) {
    problems.push(`guardrail ${finding.rule} ${finding.stack} ${finding.address}: ${finding.reason}`);
  }
  const reachability = verifyTopology(loadSynthOutput(out));
  if (!reachability.ok) {
    problems.push("the reachability proof fails (npm run verify:topology -- <synth dir> shows the flows)");
  }
  if (iamProof !== undefined) {
    const iam = await runCommand(process.execPath, [join(projectDir, "node_modules/tsx/dist/cli.mjs"), iamProof, out], { cwd: projectDir, env });
    if (iam.code !== 0) {
      problems.push(`the IAM proof fails:\n${tail(iam.stdout + iam.stderr)}`);
    }
  }
  const stacks = readStacks(out);
  const fresh = stacks.filter((stack) => {
    const key = createHash("sha256").update(normalizedForValidation(stack.json, AWS_REGIONS)).digest("hex");
    if (validatedShapes.has(key)) {
      return false;
    }
    validatedShapes.set(key, `${edge.id}/${stack.name}`);
    return true;
  });
  return done(
    fresh.map((stack) => ({ name: `${edge.id}/${stack.name}`, json: stack.json, dir: stack.dir })),
    stacks.length,
    report.totals.warning ?? 0,
  );
}

/** Splits stacks into at most `count` bundles of similar size (by resource count). */
function partition(stacks: readonly FreshStack[], count: number): FreshStack[][] {
  const size = (s: FreshStack) => Object.values((s.json.resource ?? {}) as Record<string, object>).reduce((n, byName) => n + Object.keys(byName).length, 0);
  const bins: { total: number; stacks: FreshStack[] }[] = Array.from({ length: Math.max(1, count) }, () => ({ total: 0, stacks: [] }));
  for (const stack of [...stacks].sort((a, b) => size(b) - size(a))) {
    const bin = bins.reduce((min, b) => (b.total < min.total ? b : min));
    bin.stacks.push(stack);
    bin.total += size(stack);
  }
  return bins.map((b) => b.stacks).filter((b) => b.length > 0);
}

/** Proves a bundle reports a bad argument of one of its stacks: plants one and validates. */
async function selfTest(stacks: readonly FreshStack[], scratch: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const sample = stacks.slice(0, 2);
  if (sample.length === 0) {
    return ["self-test: no stack to test with"];
  }
  const bundle = bundleStacks(sample);
  const planted = plantError(bundle);
  const assets = sample.map((s) => join(s.dir, "assets")).filter((dir) => existsSync(dir));
  const problems = await validateBundle(planted.json, bundle, assets, join(scratch, "validate", "self-test"), env);
  const stack = stackOfDiagnostic(bundle, planted.address);
  const reported = problems.some((p) => p.includes(`stack ${stack}`) && p.includes("proximate_planted_error"));
  return reported ? [] : [`self-test: a bundle with an unknown argument on ${planted.address} (stack ${stack}) was not reported; got: ${problems.join("; ") || "valid"}`];
}

async function main(argv: readonly string[]): Promise<number> {
  const jobs = Number(option(argv, "--jobs") ?? "2");
  const only = option(argv, "--only");
  const keep = option(argv, "--keep");
  const scratch = keep ?? mkdtempSync(join(tmpdir(), "proximate-edge-"));
  const env = terraformEnv(projectDir);
  const iamScript = join(projectDir, "scripts/verify/iam.ts");
  const iamProof = existsSync(iamScript) ? iamScript : undefined;
  const started = Date.now();
  const configs = edgeConfigs().filter((edge) => only === undefined || new RegExp(only).test(edge.id));
  process.stdout.write(`edge configs: ${configs.length}; IAM proof: ${iamProof ? "scripts/verify/iam.ts" : "not present yet (skipped)"}\n`);
  let passed = 0;
  let failed = 0;
  try {
    const checked = await mapLimit(configs, jobs, async (edge) => {
      const result = await checkConfig(edge, scratch, env, iamProof);
      const o = result.outcome;
      const line = `${o.problems.length === 0 ? "ok  " : "FAIL"} ${edge.id}: ${o.stacks} stacks synthesized (${o.validated} distinct to validate), ${o.warnings} warnings, ${o.seconds.toFixed(1)} s (${edge.why})`;
      process.stdout.write(`${line}${o.problems.length > 0 ? `\n  ${o.problems.join("\n  ")}` : ""}\n`);
      return result;
    });
    const outcomes = checked.map((c) => c.outcome);
    // terraform validate: the distinct stacks of every config, in a few bundles validated in parallel.
    const fresh = checked.flatMap((c) => c.fresh);
    const bundles = partition(fresh, Math.max(jobs, Math.ceil(fresh.length / 150)));
    const validateStarted = Date.now();
    const validateProblems = await mapLimit(bundles, jobs, async (stacks) => {
      const bundle = bundleStacks(stacks);
      const assets = [...new Set(stacks.map((s) => join(s.dir, "assets")))].filter((dir) => existsSync(dir));
      return validateBundle(bundle.json, bundle, assets, join(scratch, "validate", String(bundles.indexOf(stacks))), env);
    });
    for (const problem of validateProblems.flat()) {
      const config = /stack ([^/ ]+)\//.exec(problem)?.[1];
      const outcome = outcomes.find((o) => o.id === config) ?? outcomes[0];
      outcome.problems.push(problem);
      process.stdout.write(`FAIL ${outcome.id}: ${problem}\n`);
    }
    for (const outcome of outcomes) {
      if (outcome.problems.length === 0) passed++;
      else failed++;
    }
    const self = await selfTest(fresh, scratch, env);
    if (self.length > 0) {
      failed++;
      process.stdout.write(`FAIL bundle self-test\n  ${self.join("\n  ")}\n`);
    } else {
      passed++;
      process.stdout.write("ok   bundle self-test: a planted bad argument in a bundle is reported with its stack\n");
    }
    process.stdout.write(`terraform validate: ${fresh.length} distinct stacks in ${bundles.length} bundles, ${((Date.now() - validateStarted) / 1000).toFixed(0)} s, ${validateProblems.flat().length} errors\n`);
    if (keep === undefined) for (const edge of configs) rmSync(join(scratch, edge.id), { recursive: true, force: true });
    const stacks = outcomes.reduce((sum, o) => sum + o.stacks, 0);
    const validated = outcomes.reduce((sum, o) => sum + o.validated, 0);
    process.stdout.write(
      `${configs.length} configs, ${stacks} stacks synthesized, ${validated} distinct stacks validated with terraform validate (the others equal one of them up to Region names of the same shape), ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
    );
  } finally {
    if (keep === undefined) rmSync(scratch, { recursive: true, force: true });
  }
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 2;
  },
);
