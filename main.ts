import { isAbsolute, join, relative, resolve } from "node:path";
import { App } from "cdktf";
import { loadConfigSource } from "./modules/config/load";
import { resolveTopology, DEFAULTS } from "./modules/config/topology";
import { parseConfig } from "./modules/config/validate";
import { AWS_ENDPOINT_ENV, parseAwsEndpoint } from "./modules/emulation/aws-endpoint";
import { InputError } from "./modules/errors";
import { ensureIndexerBundle } from "./scripts/lib/indexer-bundle";
import { ensureNotebookBundle } from "./scripts/lib/notebook-bundle";
import { readClusterCode } from "./scripts/lib/cluster-code";
import { synthesizeTfcBootstrap } from "./stacks/tfc-bootstrap-stack";
import { buildTopology } from "./stacks/topology";

/**
 * The app: read the topology config (PROXIMATE_CONFIG or cdktf.json), validate it once, and
 * only then create the app, so that an invalid config writes nothing and a previous
 * cdktf.out stays intact. `PROXIMATE_AWS_ENDPOINT` (test-only) points every stack at an emulated
 * AWS API; unset, it changes nothing in the output.
 */
function main(): void {
  // cdktf records a full stack trace for every token it creates; with source maps on (tsx turns
  // them on) each trace is mapped back to TypeScript, which dominated synth time. Errors thrown
  // by the app still carry stacks, with positions in the transpiled code.
  process.setSourceMapsEnabled(false);
  const projectDir = process.cwd();
  let topology;
  let awsEndpoint;
  try {
    const source = loadConfigSource(process.env, projectDir);
    topology = resolveTopology(parseConfig(source.raw, source.description));
    awsEndpoint = parseAwsEndpoint(process.env[AWS_ENDPOINT_ENV]);
  } catch (error) {
    if (error instanceof InputError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const stateDirectory =
    topology.state.backend === "local" ? topology.state.directory ?? DEFAULTS.localStateDirectory : DEFAULTS.localStateDirectory;
  const app = new App();
  const stacks = buildTopology(app, topology, {
    localStateDirectory: fromStackDirectory(app.outdir, projectDir, stateDirectory),
    indexerArchive: ensureIndexerBundle(projectDir),
    notebookArchive: ensureNotebookBundle(projectDir),
    awsEndpoint,
    // End-of-support guardrails judge against today unless a run fixes the date (tests, reviews).
    today: process.env.PROXIMATE_TODAY,
    clusterCode: readClusterCode(projectDir),
  });
  try {
    app.synth();
  } finally {
    // guardrails.json / guardrails.md: every finding and suppression, also when synth fails.
    stacks.guardrails.writeReport(app.outdir);
  }
  if (topology.state.backend === "cloud") {
    // Workspaces and run triggers follow the stack graph cdktf just wrote to the manifest.
    synthesizeTfcBootstrap(app.outdir, {
      organization: topology.state.organization,
      project: topology.state.project,
      workspacePrefix: topology.state.workspacePrefix ?? `${topology.name}-`,
      hostname: topology.state.hostname ?? "app.terraform.io",
      localStateDirectory: resolve(projectDir, DEFAULTS.localStateDirectory),
    });
  }
}

/**
 * A local state directory as Terraform sees it from a stack's directory (`<outdir>/stacks/<stack>`,
 * the same depth for every stack): relative, so that moving the checkout keeps the paths valid.
 * An absolute directory in the config stays absolute.
 */
function fromStackDirectory(outdir: string, projectDir: string, directory: string): string {
  if (isAbsolute(directory)) {
    return directory;
  }
  return relative(join(resolve(projectDir, outdir), "stacks", "any-stack"), resolve(projectDir, directory));
}

main();
