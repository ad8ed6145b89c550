import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { applyGuardrails, Guardrails, GuardrailsProps } from "../../../constructs/guardrails";
import { ProximateConfig } from "../../../modules/config/schema";
import { resolveTopology, Topology } from "../../../modules/config/topology";
import { parseConfig } from "../../../modules/config/validate";
import { ensureIndexerBundle } from "../../../scripts/lib/indexer-bundle";
import { readClusterCode } from "../../../scripts/lib/cluster-code";
import { ensureNotebookBundle } from "../../../scripts/lib/notebook-bundle";
import { buildTopology } from "../../../stacks/topology";

const projectDir = join(__dirname, "..", "..", "..");

/** The outcome of a synth with guardrails: the error synth threw (if any) and the report written. */
export interface GuardedSynth {
  readonly app: App;
  readonly outdir: string;
  readonly guardrails: Guardrails;
  readonly error?: Error;
  readonly reportJson: { totals: Record<string, number>; findings: { rule: string; stack: string; address: string; status: string; reason: string }[] };
  readonly reportMarkdown: string;
}

/** Synthesizes `app` with guardrails (report written in a finally, as main.ts does). */
export function synthWithGuardrails(app: App, props: GuardrailsProps): GuardedSynth {
  const guardrails = applyGuardrails(app, props);
  let error: Error | undefined;
  try {
    app.synth();
  } catch (thrown) {
    error = thrown as Error;
  } finally {
    guardrails.writeReport(app.outdir);
  }
  return {
    app,
    outdir: app.outdir,
    guardrails,
    error,
    reportJson: JSON.parse(readFileSync(join(app.outdir, "guardrails.json"), "utf8")),
    reportMarkdown: readFileSync(join(app.outdir, "guardrails.md"), "utf8"),
  };
}

/** A fresh app writing to a temporary directory. */
export function testApp(): App {
  return new App({ outdir: mkdtempSync(join(tmpdir(), "proximate-guardrails-")), stackTraces: false });
}

/** The whole topology of `config` (as main.ts builds it), synthesized with guardrails. */
export function synthTopology(config: ProximateConfig): GuardedSynth & { readonly topology: Topology } {
  const topology = resolveTopology(parseConfig(config, "test"));
  const app = testApp();
  buildTopology(app, topology, {
    localStateDirectory: "/state",
    indexerArchive: ensureIndexerBundle(projectDir),
    notebookArchive: ensureNotebookBundle(projectDir),
      clusterCode: readClusterCode(projectDir),
  });
  return { ...synthWithGuardrails(app, { allowPublicDashboard: topology.dashboard.public }), topology };
}

/** A bare stack with an AWS provider, for deliberately insecure resources. */
export class TestStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-2" });
  }
}
