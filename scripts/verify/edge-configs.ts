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

/** Stacks already validated in this run, by their Region-normalised configuration (see normalizedForValidation). */
const validatedShapes = new Map<string, string>();

async function checkConfig(edge: EdgeConfig, scratch: string, env: NodeJS.ProcessEnv, iamProof: string | undefined): Promise<Outcome> {
  const started = Date.now();
  const problems: string[] = [];
  const base = join(scratch, edge.id);
  mkdirSync(base, { recursive: true });
  const done = (stacks = 0, validated = 0, warnings = 0): Outcome => ({ id: edge.id, problems, stacks, validated, warnings, seconds: (Date.now() - started) / 1000 });
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
  // Validate each stack whose Region-normalised configuration no earlier stack of this run had.
  const fresh = stacks.filter((stack) => {
    const key = createHash("sha256").update(normalizedForValidation(stack.json, AWS_REGIONS)).digest("hex");
    if (validatedShapes.has(key)) {
      return false;
    }
    validatedShapes.set(key, `${edge.id}/${stack.name}`);
    return true;
  });
  if (fresh.length > 0) {
    const bundle = bundleStacks(fresh);
    const assets = fresh.map((s) => join(s.dir, "assets")).filter((dir) => existsSync(dir));
    problems.push(...(await validateBundle(bundle.json, bundle, assets, join(base, "validate"), env)));
  }
  return done(stacks.length, fresh.length, report.totals.warning ?? 0);
}

/** Proves the bundle reports a bad argument: plants one in the default topology's bundle. */
async function selfTest(scratch: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  mkdirSync(join(scratch, "self-test"), { recursive: true });
  const out = join(scratch, "self-test", "cdktf.out");
  const synth = await runCommand(process.execPath, [join(projectDir, "scripts/app.js")], { cwd: projectDir, env: { ...env, CDKTF_OUTDIR: out, PROXIMATE_TODAY: TODAY } });
  if (synth.code !== 0) {
    return [`self-test: synth of the default topology failed:\n${tail(synth.stderr)}`];
  }
  const stacks = readStacks(out);
  const bundle = bundleStacks(stacks);
  const planted = plantError(bundle);
  const problems = await validateBundle(planted.json, bundle, stacks.map((s) => join(s.dir, "assets")).filter(existsSync), join(scratch, "self-test", "validate"), env);
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
    const self = await selfTest(scratch, env);
    if (self.length > 0) {
      failed++;
      process.stdout.write(`FAIL bundle self-test\n  ${self.join("\n  ")}\n`);
    } else {
      passed++;
      process.stdout.write("ok   bundle self-test: a planted bad argument is reported with its stack\n");
    }
    const outcomes = await mapLimit(configs, jobs, async (edge) => {
      const outcome = await checkConfig(edge, scratch, env, iamProof);
      const line = `${outcome.problems.length === 0 ? "ok  " : "FAIL"} ${edge.id}: ${outcome.stacks} stacks synthesized, ${outcome.validated} validated (the rest equal a validated one), ${outcome.warnings} warnings, ${outcome.seconds.toFixed(1)} s (${edge.why})`;
      process.stdout.write(`${line}${outcome.problems.length > 0 ? `\n  ${outcome.problems.join("\n  ")}` : ""}\n`);
      if (keep === undefined) rmSync(join(scratch, edge.id), { recursive: true, force: true });
      return outcome;
    });
    for (const outcome of outcomes) {
      if (outcome.problems.length === 0) passed++;
      else failed++;
    }
    const stacks = outcomes.reduce((sum, o) => sum + o.stacks, 0);
    const validated = outcomes.reduce((sum, o) => sum + o.validated, 0);
    process.stdout.write(
      `${configs.length} configs, ${stacks} stacks synthesized, ${validated} distinct stacks validated with terraform validate (one bundle per config), ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
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
