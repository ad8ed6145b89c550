/**
 * npm run outputs -- [--out DIR] [--json]
 *
 * What a user needs after `cdktf deploy '*'`, per Region: the notebook (name, URL, the command that
 * opens it), the Dask scheduler address, the dashboard and how to reach it privately, the catalog
 * endpoint, each worker Region's Dask pool, datasets and data host. Reads the stacks of the last
 * synth (cdktf.out, as `cdktf deploy` left it) and asks Terraform for each stack's outputs from
 * its state (`terraform output -json`, after `terraform init` when the stack was not initialised
 * here), so it works with every state backend. Stacks never deployed are skipped and listed.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { declaredOutputs, OutputValue, renderOutputs, StackOutputsJson } from "../../modules/rehearse/user-outputs";
import { mapLimit, runCommand } from "../lib/run";
import { terraformEnv } from "../lib/terraform-env";

interface Manifest {
  readonly stacks: Record<string, { readonly synthesizedStackPath: string }>;
}

function fail(message: string): never {
  process.stderr.write(`outputs: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let out = "cdktf.out";
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--out") {
      out = argv[++i] ?? fail("--out: got nothing; allowed: a synth output directory");
    } else if (argv[i] === "--json") {
      json = true;
    } else {
      fail(`${argv[i]}: not an option; allowed: --out DIR, --json`);
    }
  }
  const projectDir = resolve(__dirname, "..", "..");
  const outdir = resolve(projectDir, out);
  const manifestFile = join(outdir, "manifest.json");
  if (!existsSync(manifestFile)) {
    fail(`no ${manifestFile}: run \`npx cdktf deploy '*'\` (or \`npx cdktf synth\`) first`);
  }
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as Manifest;
  const env = terraformEnv(projectDir);
  const declared = Object.entries(manifest.stacks).flatMap(([stack, entry]) => {
    const stackJson = JSON.parse(readFileSync(join(outdir, entry.synthesizedStackPath), "utf8")) as StackOutputsJson;
    return declaredOutputs(stack, stackJson).map((output) => ({ ...output, dir: join(outdir, dirname(entry.synthesizedStackPath)) }));
  });
  const stacks = [...new Set(declared.map((d) => d.stack))];
  const notDeployed: string[] = [];
  const values = new Map<string, Record<string, { value: unknown }>>();
  await mapLimit(stacks, 2, async (stack) => {
    const dir = declared.find((d) => d.stack === stack)?.dir as string;
    if (!existsSync(join(dir, ".terraform"))) {
      const init = await runCommand("terraform", ["init", "-input=false", "-no-color"], { cwd: dir, env });
      if (init.code !== 0) {
        fail(`${stack}: terraform init failed:\n${init.stderr || init.stdout}`);
      }
    }
    const result = await runCommand("terraform", ["output", "-json", "-no-color"], { cwd: dir, env });
    if (result.code !== 0) {
      fail(`${stack}: terraform output failed:\n${result.stderr || result.stdout}`);
    }
    const outputs = JSON.parse(result.stdout || "{}") as Record<string, { value: unknown }>;
    if (Object.keys(outputs).length === 0) {
      notDeployed.push(stack);
    }
    values.set(stack, outputs);
  });
  const found: OutputValue[] = declared
    .filter((d) => values.get(d.stack)?.[d.name] !== undefined)
    .map(({ stack, region, name, description }) => ({ stack, region, name, description, value: values.get(stack)?.[name]?.value }));
  const clientRegion = found.find((o) => o.name === "dask-scheduler")?.region;
  if (json) {
    process.stdout.write(`${JSON.stringify({ outputs: found, notDeployed: notDeployed.sort() }, null, 1)}\n`);
    return;
  }
  process.stdout.write(renderOutputs(found, clientRegion));
  if (notDeployed.length > 0) {
    process.stdout.write(`not deployed (no outputs in their state): ${notDeployed.sort().join(", ")}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`outputs: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
