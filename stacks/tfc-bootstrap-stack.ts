import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { App, LocalBackend, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { DataTfeProject } from "@cdktf/provider-tfe/lib/data-tfe-project";
import { TfeProvider } from "@cdktf/provider-tfe/lib/provider";
import { RunTrigger } from "@cdktf/provider-tfe/lib/run-trigger";
import { Workspace } from "@cdktf/provider-tfe/lib/workspace";
import { WorkspaceSettings } from "@cdktf/provider-tfe/lib/workspace-settings";
import { Manifest, stackEdges } from "../modules/review/stack-graph";

/** Name of the Terraform Cloud bootstrap stack (and of its output directory). */
export const TFC_BOOTSTRAP_STACK = "tfc-bootstrap";

/** Properties of a {@link TfcBootstrapStack}. */
export interface TfcBootstrapStackProps {
  /** The manifest of the synthesized app: its stacks become workspaces, its edges run triggers. */
  readonly manifest: Manifest;
  readonly organization: string;
  /** @default the organization's default project */
  readonly project?: string;
  readonly workspacePrefix: string;
  readonly hostname: string;
  /** Directory of this stack's own (local) state, as Terraform sees it from the stack's directory. */
  readonly localStateDirectory: string;
}

/**
 * Bootstrap of the Terraform Cloud mode: one workspace per stack of the app, each sharing its
 * state with exactly the stacks that read it, and a run trigger for every edge of the stack
 * graph (read from the synthesized manifest), so that applying a stack queues plans in the
 * stacks that read it. Its own state is local; apply it once (and after adding Regions).
 */
export class TfcBootstrapStack extends TerraformStack {
  public readonly workspaces: ReadonlyMap<string, Workspace>;
  public readonly triggers: readonly RunTrigger[];

  constructor(scope: Construct, props: TfcBootstrapStackProps) {
    super(scope, TFC_BOOTSTRAP_STACK);
    new TfeProvider(this, "tfe", { hostname: props.hostname });
    new LocalBackend(this, { path: `${props.localStateDirectory}/${TFC_BOOTSTRAP_STACK}.tfstate` });
    const project = props.project ? new DataTfeProject(this, "project", { name: props.project, organization: props.organization }) : undefined;
    const stacks = Object.keys(props.manifest.stacks).sort();
    const workspaces = new Map<string, Workspace>();
    for (const stack of stacks) {
      workspaces.set(
        stack,
        new Workspace(this, `workspace-${stack}`, {
          name: `${props.workspacePrefix}${stack}`,
          organization: props.organization,
          projectId: project?.id,
          description: `Proximate stack ${stack} (cdktf.out/stacks/${stack})`,
          tagNames: ["proximate", stack.replace(/-.*/, "")],
        }),
      );
    }
    const edges = stackEdges(props.manifest);
    const workspace = (stack: string): Workspace => {
      const found = workspaces.get(stack);
      if (found === undefined) {
        throw new Error(`manifest: stack "${stack}" is not one of the app's stacks`);
      }
      return found;
    };
    for (const stack of stacks) {
      const consumers = edges.filter((edge) => edge.from === stack).map((edge) => workspace(edge.to).id);
      new WorkspaceSettings(this, `settings-${stack}`, {
        workspaceId: workspace(stack).id,
        executionMode: "remote",
        globalRemoteState: false,
        remoteStateConsumerIds: consumers,
      });
    }
    this.triggers = edges.map(
      (edge) =>
        new RunTrigger(this, `trigger-${edge.from}-to-${edge.to}`, {
          workspaceId: workspace(edge.to).id,
          sourceableId: workspace(edge.from).id,
        }),
    );
    this.workspaces = workspaces;
  }
}

/**
 * Synthesizes the bootstrap from an app's synthesized output into `<outdir>/tfc-bootstrap`
 * (its own manifest, so `cdktf deploy '*'` of the app never touches it). `localStateDirectory` is
 * absolute here; the stack refers to it relative to its own directory, so the checkout can move.
 */
export function synthesizeTfcBootstrap(outdir: string, props: Omit<TfcBootstrapStackProps, "manifest">): string {
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as Manifest;
  const bootstrapDir = join(outdir, TFC_BOOTSTRAP_STACK);
  const app = new App({ outdir: bootstrapDir });
  const stackDir = join(bootstrapDir, "stacks", TFC_BOOTSTRAP_STACK);
  new TfcBootstrapStack(app, { ...props, manifest, localStateDirectory: relative(stackDir, props.localStateDirectory) });
  app.synth();
  return bootstrapDir;
}
