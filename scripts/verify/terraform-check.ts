/**
 * Offline Terraform verification of synthesized stacks:
 *   tsx scripts/verify/terraform-check.ts [--jobs N] [--only REGEX] [synth dir ...]   (default: cdktf.out)
 *
 * For every stack in each synth dir's manifest: copy its JSON to a scratch directory,
 * `terraform init -backend=false`, `terraform validate` (the real AWS provider schema), and
 * `terraform test` with a generated test file (mock AWS provider, remote state overridden;
 * see modules/terraform/tftest.ts). A stack without assertions, a test count other than the
 * generated runs, or any failure fails the check. The last line reads `N passed, M failed`.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { generateStackTest, StackJson } from "../../modules/terraform/tftest";
import { mapLimit, runCommand } from "../lib/run";
import { terraformEnv } from "../lib/terraform-env";

interface Manifest {
  readonly stacks: Record<string, { readonly synthesizedStackPath: string }>;
}

interface StackOutcome {
  readonly synthDir: string;
  readonly stack: string;
  readonly passed: number;
  readonly failed: number;
  readonly assertions: number;
  readonly seconds: number;
  readonly problems: readonly string[];
}

const RUNS_PER_STACK = 2;

/**
 * `terraform test` destroys what its apply run created; resources guarded by
 * `prevent_destroy` are tested in a scratch copy without the guard. The guard itself is asserted
 * by the jest tests on the synthesized JSON. (The state bucket, the guarded resource, is no
 * longer a stack of the app: `npm run bootstrap` applies it.)
 */
function liftPreventDestroy(stack: StackJson): StackJson {
  const copy = JSON.parse(JSON.stringify(stack)) as StackJson;
  for (const resources of Object.values(copy.resource ?? {})) {
    for (const body of Object.values(resources)) {
      const lifecycle = body.lifecycle as { prevent_destroy?: boolean } | undefined;
      if (lifecycle?.prevent_destroy) {
        delete lifecycle.prevent_destroy;
      }
    }
  }
  return copy;
}

/** Terraform echoes the offending JSON line (the whole stack) in diagnostics: keep reports short. */
function trimOutput(text: string): string {
  return text
    .split("\n")
    .map((line) => (line.length > 240 ? `${line.slice(0, 237)}...` : line))
    .join("\n");
}

async function checkStack(synthDir: string, manifest: Manifest, stack: string, scratch: string, env: NodeJS.ProcessEnv): Promise<StackOutcome> {
  const started = Date.now();
  const readStack = (name: string): StackJson => {
    const entry = manifest.stacks[name];
    if (entry === undefined) {
      throw new Error(`stack ${name} is not in ${synthDir}/manifest.json`);
    }
    return JSON.parse(readFileSync(join(synthDir, entry.synthesizedStackPath), "utf8")) as StackJson;
  };
  const problems: string[] = [];
  const json = readStack(stack);
  const generated = generateStackTest(stack, json, (upstream) => readStack(upstream).output ?? {});
  if (generated.planAssertions === 0 || generated.applyAssertions === 0) {
    problems.push(`no assertions generated (plan ${generated.planAssertions}, apply ${generated.applyAssertions})`);
  }
  const dir = join(scratch, stack);
  mkdirSync(join(dir, "tests"), { recursive: true });
  // Assets (Lambda bundles) sit beside the stack's JSON and are read at plan time.
  const assets = join(synthDir, dirname(manifest.stacks[stack].synthesizedStackPath), "assets");
  if (existsSync(assets)) {
    cpSync(assets, join(dir, "assets"), { recursive: true });
  }
  writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(liftPreventDestroy(json)));
  writeFileSync(join(dir, "tests", "proximate.tftest.json"), JSON.stringify(generated.test, null, 1));

  const init = await runCommand("terraform", ["init", "-backend=false", "-input=false", "-no-color"], { cwd: dir, env });
  let passed = 0;
  let failed = 0;
  if (init.code !== 0) {
    problems.push(`terraform init failed:\n${init.stderr || init.stdout}`);
  } else {
    const validate = await runCommand("terraform", ["validate", "-no-color", "-json"], { cwd: dir, env });
    const verdict = JSON.parse(validate.stdout || "{}") as { valid?: boolean; diagnostics?: { severity: string; summary: string; detail?: string; address?: string }[] };
    if (validate.code !== 0 || verdict.valid !== true) {
      const lines = (verdict.diagnostics ?? []).map((d) => `${d.severity}: ${d.summary}${d.address ? ` (${d.address})` : ""}${d.detail ? `: ${d.detail}` : ""}`);
      problems.push(`terraform validate failed:\n${lines.join("\n") || validate.stderr}`);
    }
    const test = await runCommand("terraform", ["test", "-no-color"], { cwd: dir, env });
    const summary = /(\d+) passed, (\d+) failed/.exec(test.stdout);
    passed = summary ? Number(summary[1]) : 0;
    failed = summary ? Number(summary[2]) : RUNS_PER_STACK;
    if (test.code !== 0 || passed !== RUNS_PER_STACK || failed !== 0) {
      problems.push(`terraform test: expected ${RUNS_PER_STACK} passed runs, got ${passed} passed, ${failed} failed:\n${trimOutput(test.stdout)}\n${trimOutput(test.stderr)}`);
      failed = Math.max(failed, RUNS_PER_STACK - passed);
    }
  }
  if (problems.length > 0 && failed === 0) {
    failed = 1;
  }
  return {
    synthDir,
    stack,
    passed,
    failed,
    assertions: generated.planAssertions + generated.applyAssertions,
    seconds: (Date.now() - started) / 1000,
    problems,
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let jobs = 2;
  let only: RegExp | undefined;
  const dirs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--jobs") {
      jobs = Number(args[++i]);
      if (!Number.isInteger(jobs) || jobs < 1) {
        process.stderr.write(`--jobs: got ${JSON.stringify(args[i])}; allowed: a whole number of at least 1\n`);
        process.exit(2);
      }
    } else if (args[i] === "--only") {
      try {
        only = new RegExp(args[++i]);
      } catch (error) {
        process.stderr.write(`--only: got ${JSON.stringify(args[i])}: ${(error as Error).message}; allowed: a regular expression over stack names\n`);
        process.exit(2);
      }
    } else {
      dirs.push(resolve(args[i]));
    }
  }
  if (dirs.length === 0) {
    dirs.push(resolve("cdktf.out"));
  }
  const projectDir = resolve(__dirname, "..", "..");
  const env = terraformEnv(projectDir);
  const scratch = mkdtempSync(join(tmpdir(), "proximate-tf-"));
  const outcomes: StackOutcome[] = [];
  try {
    for (const synthDir of dirs) {
      let manifest: Manifest;
      try {
        manifest = JSON.parse(readFileSync(join(synthDir, "manifest.json"), "utf8")) as Manifest;
      } catch (error) {
        process.stderr.write(`synth dir: got ${JSON.stringify(synthDir)}: has no readable manifest.json (${(error as Error).message}); allowed: a directory written by cdktf synth\n`);
        process.exit(2);
      }
      const stacks = Object.keys(manifest.stacks)
        .filter((name) => only === undefined || only.test(name))
        .sort();
      if (stacks.length === 0) {
        process.stderr.write(`${synthDir}: manifest lists no stacks\n`);
        process.exit(1);
      }
      const dirScratch = join(scratch, String(outcomes.length));
      const results = await mapLimit(stacks, jobs, (stack) => checkStack(synthDir, manifest, stack, dirScratch, env));
      for (const result of results) {
        const status = result.problems.length === 0 ? "ok  " : "FAIL";
        process.stdout.write(`${status} ${result.stack.padEnd(24)} ${String(result.assertions).padStart(4)} assertions  ${result.seconds.toFixed(1)}s  (${synthDir})\n`);
        for (const problem of result.problems) {
          process.stdout.write(`     ${problem.replace(/\n/g, "\n     ")}\n`);
        }
      }
      outcomes.push(...results);
    }
  } finally {
    if (!process.env.PROXIMATE_KEEP_SCRATCH) {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  const passed = outcomes.reduce((sum, o) => sum + o.passed, 0);
  const failed = outcomes.reduce((sum, o) => sum + o.failed, 0);
  const assertions = outcomes.reduce((sum, o) => sum + o.assertions, 0);
  process.stdout.write(`terraform: ${outcomes.length} stacks validated and tested, ${assertions} assertions\n`);
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
