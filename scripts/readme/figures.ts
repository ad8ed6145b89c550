/**
 * npm run readme:figures -- [--check] [--default-out DIR] [--four-out DIR] [--bench-synth]
 *
 * Rewrites the README's figure blocks (`<!-- figures:<name> -->` ... `<!-- /figures:<name> -->`)
 * from machine-readable results (modules/readme/figures.ts renders them):
 * - computed now from the code: `cost` (the estimate of the default topology and of the generated
 *   four-worker topology, as `npm run cost` computes it), `iam` (the IAM proof's counts of both,
 *   as `npm run verify:iam`), `guardrails` (cdktf.out/guardrails.json of the default synth);
 * - saved by benchmark runs in docs/figures/<bench>.json: `synth` (bench:synth), `test`
 *   (npm test), `catalog` (bench:catalog), `scaling` (bench:scaling), `proximity`
 *   (bench:proximity). Refresh one with its bench's `--save`; `--bench-synth` reruns
 *   bench:synth here (about a minute).
 * Both topologies are synthesized into a temporary directory unless `--default-out` and
 * `--four-out` name synth outputs (npm test passes its own). `--check` writes nothing and exits 1
 * when a block differs from its rendering (a hand edit, or figures not refreshed).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { generateConfig } from "../../modules/config/generate";
import { verifyIam } from "../../modules/iam-proof/verify";
import { loadSynthOutput } from "../../modules/reachability/synth-output";
import {
  GuardrailsReport,
  renderCatalog,
  renderCost,
  renderGuardrails,
  renderIam,
  renderProximity,
  renderScaling,
  renderSynth,
  renderTest,
  replaceBlocks,
  SavedFigures,
  staleBlocks,
} from "../../modules/readme/figures";
import { estimateOf } from "../cost/cost";
import { FIGURES_DIR } from "./save";

const projectDir = resolve(__dirname, "..", "..");
const README = join(projectDir, "README.md");
const USAGE = "usage: npm run readme:figures -- [--check] [--default-out DIR] [--four-out DIR] [--bench-synth]";

interface Options {
  readonly check: boolean;
  readonly benchSynth: boolean;
  readonly defaultOut?: string;
  readonly fourOut?: string;
}

function fail(message: string, code = 2): never {
  process.stderr.write(`readme:figures: ${message}\n`);
  process.exit(code);
}

function parseArgs(argv: readonly string[]): Options {
  let check = false;
  let benchSynth = false;
  let defaultOut: string | undefined;
  let fourOut: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--check") {
      check = true;
    } else if (arg === "--bench-synth") {
      benchSynth = true;
    } else if (arg === "--default-out" || arg === "--four-out") {
      const dir = argv[++i] ?? fail(`${arg}: got nothing; allowed: a synth output directory\n${USAGE}`);
      if (arg === "--default-out") {
        defaultOut = resolve(dir);
      } else {
        fourOut = resolve(dir);
      }
    } else {
      fail(`${arg}: not an option; allowed: --check, --default-out DIR, --four-out DIR, --bench-synth\n${USAGE}`);
    }
  }
  if (check && benchSynth) {
    fail(`--check and --bench-synth: give at most one (a check writes nothing)\n${USAGE}`);
  }
  return { check, benchSynth, defaultOut, fourOut };
}

function synth(outdir: string, configFile?: string): void {
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir };
  delete env.PROXIMATE_CONFIG;
  if (configFile !== undefined) {
    env.PROXIMATE_CONFIG = configFile;
  }
  const run = spawnSync(process.execPath, [join(projectDir, "scripts", "app.js")], { cwd: projectDir, env, stdio: ["ignore", "ignore", "inherit"] });
  if (run.status !== 0) {
    fail(`synth${configFile ? ` of ${configFile}` : ""} failed (exit ${run.status})`, 1);
  }
}

function saved(bench: string): SavedFigures {
  const file = join(FIGURES_DIR, `${bench}.json`);
  try {
    return JSON.parse(readFileSync(file, "utf8")) as SavedFigures;
  } catch (error) {
    return fail(`${file}: ${(error as Error).message}; run the bench with --save`);
  }
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  if (options.benchSynth) {
    const bench = spawnSync(process.execPath, [join(projectDir, "node_modules", "tsx", "dist", "cli.mjs"), join(projectDir, "scripts", "bench", "synth.ts"), "--save"], { cwd: projectDir, stdio: "inherit" });
    if (bench.status !== 0) {
      fail(`bench:synth failed (exit ${bench.status})`, 1);
    }
  }
  const scratch = mkdtempSync(join(tmpdir(), "proximate-readme-"));
  try {
    let defaultOut = options.defaultOut;
    let fourOut = options.fourOut;
    if (defaultOut === undefined) {
      defaultOut = join(scratch, "out-default");
      synth(defaultOut);
    }
    if (fourOut === undefined) {
      const config = join(scratch, "four-workers.json");
      writeFileSync(config, JSON.stringify(generateConfig(4)));
      fourOut = join(scratch, "out-four");
      synth(fourOut, config);
    }
    const topologies = [
      { name: "default (2 worker Regions)", dir: defaultOut },
      { name: "4 worker Regions", dir: fourOut },
    ];
    const iam = topologies.map(({ name, dir }) => {
      const verdict = verifyIam(loadSynthOutput(dir), { projectDir });
      return { name, counts: verdict.counts, ok: verdict.ok };
    });
    const blocks: Record<string, string> = {
      cost: renderCost(topologies.map(({ name, dir }) => ({ name, estimate: estimateOf(dir) }))),
      iam: renderIam(iam),
      guardrails: renderGuardrails(JSON.parse(readFileSync(join(defaultOut, "guardrails.json"), "utf8")) as GuardrailsReport),
      synth: renderSynth(saved("synth")),
      test: renderTest(saved("test")),
      catalog: renderCatalog(saved("catalog")),
      scaling: renderScaling(saved("scaling")),
      proximity: renderProximity(saved("proximity")),
    };
    const readme = readFileSync(README, "utf8");
    if (options.check) {
      const stale = staleBlocks(readme, blocks);
      if (stale.length > 0) {
        process.stderr.write(`README.md: figure blocks differ from their sources: ${stale.join(", ")}; run \`npm run readme:figures\` (never edit a block by hand)\n`);
        process.exit(1);
      }
      process.stdout.write(`README.md: ${Object.keys(blocks).length} figure blocks match their sources\n`);
      return;
    }
    const updated = replaceBlocks(readme, blocks);
    if (updated !== readme) {
      writeFileSync(README, updated);
    }
    process.stdout.write(`README.md: ${Object.keys(blocks).length} figure blocks ${updated === readme ? "already current" : "rewritten"}\n`);
  } catch (error) {
    fail((error as Error).message, 1);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main();
