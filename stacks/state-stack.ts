import { mkdirSync } from "node:fs";
import { join, relative } from "node:path";
import { App, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { applyGuardrails } from "../constructs/guardrails";
import { SecureBucket } from "../constructs/secure-bucket";
import { STATE_STACK } from "../modules/naming";
import { pointProviderAtEmulator } from "./emulated-aws";
import { configureBackend } from "./region-stack";

/** Properties of a {@link StateStack}. */
export interface StateStackProps {
  readonly topologyName: string;
  readonly bucket: string;
  readonly region: string;
  /** Directory of this stack's own (local) state file, as Terraform sees it from the stack's directory. */
  readonly localStateDirectory: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly allowedAccountIds?: readonly string[];
  /**
   * Drop the guard, for deliberate removal only (`npm run bootstrap -- --destroy`): no
   * `prevent_destroy`, and `force_destroy` so that Terraform deletes every state version with
   * the bucket.
   * @default false: the bucket refuses `terraform destroy`
   */
  readonly unguarded?: boolean;
  /**
   * Test-only: an emulated AWS API (PROXIMATE_AWS_ENDPOINT).
   * @default - AWS itself
   */
  readonly awsEndpoint?: string;
}

/**
 * Bootstrap: the S3 bucket every stack keeps its state in. Not a stack of the app (`cdktf deploy
 * '*'` and `cdktf destroy '*'` never see it): `npm run bootstrap` synthesizes it on its own and
 * applies it with local state (the bucket cannot hold the state of its own creation).
 */
export class StateStack extends TerraformStack {
  public readonly bucket: SecureBucket;

  constructor(scope: Construct, props: StateStackProps) {
    super(scope, STATE_STACK);
    const provider = new AwsProvider(this, "aws", {
      region: props.region,
      allowedAccountIds: props.allowedAccountIds ? [...props.allowedAccountIds] : undefined,
      defaultTags: [
        { tags: { ...props.tags, Project: props.topologyName, Stack: STATE_STACK, Region: props.region, ManagedBy: "proximate" } },
      ],
    });
    if (props.awsEndpoint !== undefined) {
      pointProviderAtEmulator(this, provider, props.awsEndpoint);
    }
    configureBackend(this, STATE_STACK, { backend: "local", directory: props.localStateDirectory });
    this.bucket = new SecureBucket(this, "bucket", {
      bucketName: props.bucket,
      versioned: true,
      preventDestroy: !props.unguarded,
      forceDestroy: props.unguarded,
    });
  }
}

/** Where {@link synthesizeStateBootstrap} writes, under an output directory. */
export const STATE_BOOTSTRAP_DIR = "bootstrap";

/**
 * Synthesizes the state bucket's stack on its own into `<outdir>/bootstrap` (its own manifest, so
 * the app's `cdktf deploy '*'` never touches it), checked by the same guardrails as the app.
 * `localStateDirectory` is absolute here; the stack refers to it relative to its own directory, so
 * the checkout can move. Returns the stack's directory.
 */
export function synthesizeStateBootstrap(
  outdir: string,
  props: Omit<StateStackProps, "localStateDirectory"> & { readonly localStateDirectory: string },
): string {
  const bootstrapDir = join(outdir, STATE_BOOTSTRAP_DIR);
  const stackDir = join(bootstrapDir, "stacks", STATE_STACK);
  mkdirSync(bootstrapDir, { recursive: true });
  const app = new App({ outdir: bootstrapDir, stackTraces: false });
  new StateStack(app, { ...props, localStateDirectory: relative(stackDir, props.localStateDirectory) || "." });
  const guardrails = applyGuardrails(app, { allowPublicDashboard: false, stateBuckets: [props.bucket] });
  try {
    app.synth();
  } finally {
    guardrails.writeReport(bootstrapDir);
  }
  return stackDir;
}
