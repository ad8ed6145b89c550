/**
 * npm run plan-review -- [--out DIR] [--offline|--online] [--allow-destroy] [--jobs N]
 * Stacks of one deploy wave are planned in parallel (`--jobs`, default 2).
 *
 * Synthesizes the app (PROXIMATE_CONFIG or cdktf.json), then for every stack in dependency order
 * runs terraform init, validate and plan, and writes `<out>/plan-review.md` and its JSON twin
 * `<out>/plan-review.json` (per stack: the summary and the `terraform show -json` document), and
 * ends the Markdown with the monthly cost estimate of the synthesized topology (npm run cost).
 *
 * Online (AWS credentials in the environment, or --online): plans against the real backends.
 * Offline (no credentials, e.g. pull requests from forks, or --offline): local backend, provider
 * checks skipped, remote-state inputs from placeholder fixtures; the report says so.
 * Exits 3 when a stateful resource would be replaced or destroyed, unless --allow-destroy.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { offlineFiles } from "../../modules/review/offline";
import { costSection } from "../cost/cost";
import { PlanDocument, renderReview, StackPlanSummary, summarizePlan } from "../../modules/review/plan-summary";
import { deployWaves, Manifest } from "../../modules/review/stack-graph";
import { StackJson } from "../../modules/terraform/tftest";
import { mapLimit, runCommand } from "../lib/run";
import { terraformEnv } from "../lib/terraform-env";

interface Options {
  readonly out: string;
  readonly jobs: number;
  readonly mode: "online" | "offline";
  readonly allowDestroy: boolean;
}

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: npm run plan-review -- [--out DIR] [--offline|--online] [--allow-destroy]\n`);
  process.exit(2);
}

function hasCredentials(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE || env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI);
}

function parseArgs(argv: readonly string[]): Options {
  let out = "cdktf.out";
  let mode: "online" | "offline" | undefined;
  let allowDestroy = false;
  let jobs = 2;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--out") {
      out = argv[++i] ?? usage("--out: got nothing; allowed: a directory");
    } else if (arg === "--offline" || arg === "--online") {
      mode = arg === "--offline" ? "offline" : "online";
    } else if (arg === "--jobs") {
      jobs = Number(argv[++i]);
      if (!Number.isInteger(jobs) || jobs < 1) {
        usage(`--jobs: got ${JSON.stringify(argv[i])}; allowed: a whole number of at least 1`);
      }
    } else if (arg === "--allow-destroy") {
      allowDestroy = true;
    } else {
      usage(`${arg}: not an option of plan-review`);
    }
  }
  return { out: resolve(out), jobs, mode: mode ?? (hasCredentials(process.env) ? "online" : "offline"), allowDestroy };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const projectDir = resolve(__dirname, "..", "..");
  const env = terraformEnv(projectDir);

  // Synthesize into a fresh directory first; replace the output only when synth succeeds.
  const synthDir = mkdtempSync(join(tmpdir(), "proximate-review-synth-"));
  const synth = spawnSync(process.execPath, [join(projectDir, "scripts", "app.js")], { cwd: projectDir, env: { ...env, CDKTF_OUTDIR: synthDir }, stdio: "inherit" });
  if (synth.status !== 0) {
    process.stderr.write("plan-review: synth failed; nothing was written\n");
    process.exit(synth.status ?? 1);
  }
  rmSync(options.out, { recursive: true, force: true });
  mkdirSync(dirname(options.out), { recursive: true });
  cpSync(synthDir, options.out, { recursive: true });
  rmSync(synthDir, { recursive: true, force: true });

  const manifest = JSON.parse(readFileSync(join(options.out, "manifest.json"), "utf8")) as Manifest;
  const waves = deployWaves(manifest);
  const readStack = (name: string): StackJson => {
    const entry = manifest.stacks[name];
    if (entry === undefined) {
      throw new Error(`stack ${name} is not in the manifest`);
    }
    return JSON.parse(readFileSync(join(options.out, entry.synthesizedStackPath), "utf8")) as StackJson;
  };
  const scratch = mkdtempSync(join(tmpdir(), "proximate-review-"));
  const summaries: StackPlanSummary[] = [];
  const plans: Record<string, unknown> = {};
  let failed = false;
  try {
    const planStack = async (stack: string): Promise<StackPlanSummary | undefined> => {
      const started = Date.now();
      const source = join(options.out, dirname(manifest.stacks[stack].synthesizedStackPath));
      const dir = join(scratch, stack);
      cpSync(source, dir, { recursive: true });
      rmSync(join(dir, ".terraform"), { recursive: true, force: true });
      if (options.mode === "offline") {
        const files = offlineFiles(readStack(stack), (upstream) => readStack(upstream).output ?? {}, "fixtures").files;
        for (const [file, content] of Object.entries(files)) {
          mkdirSync(dirname(join(dir, file)), { recursive: true });
          writeFileSync(join(dir, file), JSON.stringify(content, null, 1));
        }
      }
      const steps: [string, string[]][] = [
        ["init", ["init", "-input=false", "-no-color", ...(options.mode === "offline" ? ["-reconfigure"] : [])]],
        ["validate", ["validate", "-no-color"]],
        ["plan", ["plan", "-input=false", "-no-color", "-lock=false", "-out=plan.tfplan"]],
        ["show", ["show", "-json", "-no-color", "plan.tfplan"]],
      ];
      let document: PlanDocument | undefined;
      for (const [name, args] of steps) {
        const result = await runCommand("terraform", args, { cwd: dir, env });
        if (result.code !== 0) {
          process.stderr.write(`plan-review: ${stack}: terraform ${name} failed:\n${result.stderr || result.stdout}\n`);
          return undefined;
        }
        if (name === "show") {
          document = JSON.parse(result.stdout) as PlanDocument;
        }
      }
      if (document === undefined) {
        return undefined;
      }
      const summary = summarizePlan(stack, document);
      plans[stack] = { summary, plan: document };
      process.stdout.write(
        `${stack.padEnd(24)} +${summary.counts.add} ~${summary.counts.change} ±${summary.counts.replace} -${summary.counts.destroy}  ${((Date.now() - started) / 1000).toFixed(1)}s\n`,
      );
      return summary;
    };
    for (const wave of waves) {
      const results = await mapLimit(wave, options.jobs, planStack);
      for (const result of results) {
        if (result === undefined) {
          failed = true;
        } else {
          summaries.push(result);
        }
      }
      if (failed) {
        break;
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const topology = process.env.PROXIMATE_CONFIG ? `PROXIMATE_CONFIG=${process.env.PROXIMATE_CONFIG}` : "cdktf.json context.proximate";
  const context = { mode: options.mode, topology, waves };
  writeFileSync(join(options.out, "plan-review.md"), `${renderReview(context, summaries)}\n${costSection(options.out)}`);
  writeFileSync(join(options.out, "plan-review.json"), JSON.stringify({ ...context, stacks: plans }, null, 1));
  process.stdout.write(`plan-review (${options.mode}): ${summaries.length} of ${waves.flat().length} stacks planned; report in ${join(options.out, "plan-review.md")}\n`);
  if (failed) {
    process.exit(1);
  }
  const dangerous = summaries.flatMap((s) => s.dangerous);
  if (dangerous.length > 0 && !options.allowDestroy) {
    process.stderr.write(`plan-review: ${dangerous.length} stateful resource(s) would be replaced or destroyed (see the report); rerun with --allow-destroy to accept\n`);
    process.exit(3);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
