/**
 * npm run cost -- [synth dir] [--markdown | --json]
 *
 * Prints the monthly cost estimate of a synthesized topology (modules/cost): per Region and
 * component, the idle part and the price of one more worker-host hour, with the data transfer
 * unit prices. Without a directory it synthesizes the app first, into a temporary directory
 * (cdktf.out is left alone), for the topology PROXIMATE_CONFIG selects, as `cdktf synth` does.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { estimateCost, Estimate, MissingPriceError, StackJson, UnclassifiedTypeError } from "../../modules/cost/estimate";
import { renderMarkdown, renderText } from "../../modules/cost/render";

const projectDir = resolve(__dirname, "..", "..");

/** Every stack of a synth output directory, by manifest order. */
export function readSynthStacks(dir: string): StackJson[] {
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { stacks: Record<string, { synthesizedStackPath: string }> };
  return Object.entries(manifest.stacks).map(([name, stack]) => ({ name, json: JSON.parse(readFileSync(join(dir, stack.synthesizedStackPath), "utf8")) }));
}

/** The estimate of a synth output directory. */
export function estimateOf(dir: string): Estimate {
  return estimateCost(readSynthStacks(dir));
}

/**
 * The plan review's cost section: the estimate as Markdown, or why there is none (a Region or
 * type the price table does not cover), never an empty section.
 */
export function costSection(dir: string): string {
  try {
    return renderMarkdown(estimateOf(dir));
  } catch (error) {
    if (error instanceof MissingPriceError || error instanceof UnclassifiedTypeError) {
      return `## Cost estimate\n\nNo estimate: ${error.message}\n`;
    }
    throw error;
  }
}

/** Which topology the environment selects, in words. */
export function topologyName(): string {
  return process.env.PROXIMATE_CONFIG ? `PROXIMATE_CONFIG=${process.env.PROXIMATE_CONFIG}` : "the default topology (cdktf.json context.proximate)";
}

function main(): void {
  const args = process.argv.slice(2);
  const given = args.find((arg) => !arg.startsWith("--"));
  let dir = given ? resolve(given) : undefined;
  let scratch: string | undefined;
  try {
    if (dir === undefined) {
      scratch = mkdtempSync(join(tmpdir(), "proximate-cost-"));
      dir = join(scratch, "out");
      const synth = spawnSync(process.execPath, [join(projectDir, "scripts", "app.js")], { cwd: projectDir, env: { ...process.env, CDKTF_OUTDIR: dir }, stdio: ["ignore", "ignore", "inherit"] });
      if (synth.status !== 0) {
        process.exit(synth.status ?? 1);
      }
    }
    const estimate = estimateOf(dir);
    const topology = given ? `the synth output in ${given}` : topologyName();
    if (args.includes("--json")) {
      process.stdout.write(`${JSON.stringify({ topology, ...estimate }, null, 1)}\n`);
    } else if (args.includes("--markdown")) {
      process.stdout.write(renderMarkdown(estimate));
    } else {
      process.stdout.write(renderText(estimate, topology));
    }
  } catch (error) {
    if (error instanceof MissingPriceError || error instanceof UnclassifiedTypeError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  } finally {
    if (scratch !== undefined) {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
}

if (require.main === module) {
  main();
}
