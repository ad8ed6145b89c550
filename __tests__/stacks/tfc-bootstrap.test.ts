import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { generateConfig } from "../../modules/config/generate";
import { ProximateConfig } from "../../modules/config/schema";
import { resolveTopology } from "../../modules/config/topology";
import { parseConfig } from "../../modules/config/validate";
import { Manifest, stackEdges } from "../../modules/review/stack-graph";
import { ensureIndexerBundle } from "../../scripts/lib/indexer-bundle";
import { readClusterCode } from "../../scripts/lib/cluster-code";
import { ensureNotebookBundle } from "../../scripts/lib/notebook-bundle";
import { synthesizeTfcBootstrap } from "../../stacks/tfc-bootstrap-stack";
import { buildTopology } from "../../stacks/topology";

const projectDir = join(__dirname, "..", "..");
const cloud = { backend: "cloud", organization: "weather-org", project: "Proximate" } as const;

/** Synthesizes the app in cloud mode plus its bootstrap, the way main.ts does. */
function synthCloud(config: ProximateConfig) {
  const outdir = mkdtempSync(join(tmpdir(), "proximate-cloud-"));
  try {
    const app = new App({ outdir, stackTraces: false });
    buildTopology(app, resolveTopology(parseConfig(config, "test")), {
      localStateDirectory: "/state",
      indexerArchive: ensureIndexerBundle(projectDir),
      notebookArchive: ensureNotebookBundle(projectDir),
      clusterCode: readClusterCode(projectDir),
    });
    app.synth();
    const bootstrapDir = synthesizeTfcBootstrap(outdir, { organization: "weather-org", project: "Proximate", workspacePrefix: "proximate-", hostname: "app.terraform.io", localStateDirectory: join(outdir, "terraform-state") });
    const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as Manifest;
    const read = (dir: string, stack: string) => JSON.parse(readFileSync(join(dir, "stacks", stack, "cdk.tf.json"), "utf8"));
    const stacks = new Map(Object.keys(manifest.stacks).map((name) => [name, read(outdir, name)]));
    return { manifest, bootstrap: read(bootstrapDir, "tfc-bootstrap"), stack: (name: string) => stacks.get(name) };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe.each([
  ["two worker Regions", 2],
  ["five worker Regions", 5],
])("Terraform Cloud mode, %s", (_name, workers) => {
  let result: ReturnType<typeof synthCloud>;
  beforeAll(() => {
    result = synthCloud({ ...generateConfig(workers), state: cloud });
  });

  test("every stack keeps its state in its own workspace and reads other stacks' outputs from theirs", () => {
    for (const stack of Object.keys(result.manifest.stacks)) {
      const json = result.stack(stack);
      expect(json.terraform.cloud).toEqual({ hostname: "app.terraform.io", organization: "weather-org", workspaces: { name: `proximate-${stack}`, project: "Proximate" } });
      for (const [source, remote] of Object.entries((json.data?.terraform_remote_state ?? {}) as Record<string, any>)) { // eslint-disable-line @typescript-eslint/no-explicit-any
        expect(remote).toMatchObject({ backend: "remote", config: { organization: "weather-org", workspaces: { name: `proximate-${source.replace("cross-stack-reference-input-", "")}` } } });
      }
    }
    expect(Object.keys(result.manifest.stacks)).not.toContain("state");
  });

  test("the bootstrap creates one workspace per stack", () => {
    const names = Object.values(result.bootstrap.resource.tfe_workspace as Record<string, { name: string }>).map((w) => w.name).sort();
    expect(names).toEqual(Object.keys(result.manifest.stacks).map((s) => `proximate-${s}`).sort());
  });

  test("one run trigger per edge of the manifest's stack graph, from the upstream workspace to the downstream one", () => {
    const triggers = Object.values(result.bootstrap.resource.tfe_run_trigger as Record<string, { workspace_id: string; sourceable_id: string }>).map(
      (t) => `${t.sourceable_id} -> ${t.workspace_id}`,
    );
    const expected = stackEdges(result.manifest).map((e) => `\${tfe_workspace.workspace-${e.from}.id} -> \${tfe_workspace.workspace-${e.to}.id}`);
    expect(triggers.sort()).toEqual(expected.sort());
    expect(triggers.length).toBeGreaterThan(workers * 3);
  });

  test("each workspace shares its state with exactly the stacks that read it", () => {
    const settings = result.bootstrap.resource.tfe_workspace_settings as Record<string, { workspace_id: string; remote_state_consumer_ids: string[]; global_remote_state: boolean }>;
    for (const stack of Object.keys(result.manifest.stacks)) {
      const entry = settings[`settings-${stack}`];
      expect(entry.global_remote_state).toBe(false);
      const consumers = stackEdges(result.manifest).filter((e) => e.from === stack).map((e) => `\${tfe_workspace.workspace-${e.to}.id}`);
      expect([...entry.remote_state_consumer_ids].sort()).toEqual(consumers.sort());
    }
  });

  test("the bootstrap uses the pinned prebuilt tfe provider and keeps its own state locally, at a path relative to its directory", () => {
    expect(result.bootstrap.terraform.required_providers.tfe).toEqual({ source: "hashicorp/tfe", version: "0.71.0" });
    // <outdir>/tfc-bootstrap/stacks/tfc-bootstrap -> <outdir>/terraform-state: moving the checkout keeps it valid.
    expect(result.bootstrap.terraform.backend).toEqual({ local: { path: "../../../terraform-state/tfc-bootstrap.tfstate" } });
  });
});
