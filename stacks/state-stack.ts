import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SecureBucket } from "../constructs/secure-bucket";
import { STATE_STACK } from "../modules/naming";
import { configureBackend } from "./region-stack";

/** Properties of a {@link StateStack}. */
export interface StateStackProps {
  readonly topologyName: string;
  readonly bucket: string;
  readonly region: string;
  /** Directory of this stack's own (local) state file. */
  readonly localStateDirectory: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly allowedAccountIds?: readonly string[];
}

/**
 * Bootstrap: the S3 bucket every other stack keeps its state in. Its own state is local (the
 * bucket cannot hold the state of its own creation); deploy it once before the rest.
 */
export class StateStack extends TerraformStack {
  public readonly bucket: SecureBucket;

  constructor(scope: Construct, props: StateStackProps) {
    super(scope, STATE_STACK);
    new AwsProvider(this, "aws", {
      region: props.region,
      allowedAccountIds: props.allowedAccountIds ? [...props.allowedAccountIds] : undefined,
      defaultTags: [
        { tags: { ...props.tags, Project: props.topologyName, Stack: STATE_STACK, Region: props.region, ManagedBy: "proximate" } },
      ],
    });
    configureBackend(this, STATE_STACK, { backend: "local", directory: props.localStateDirectory });
    this.bucket = new SecureBucket(this, "bucket", {
      bucketName: props.bucket,
      versioned: true,
      preventDestroy: true,
    });
  }
}
