import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Topology } from "../modules/config/topology";
import { emulatedBackendConfig } from "../modules/emulation/aws-endpoint";
import { pointProviderAtEmulator } from "./emulated-aws";

/** Where a stack keeps its Terraform state. */
export type StateLocation =
  | { readonly backend: "s3"; readonly bucket: string; readonly region: string; readonly keyPrefix: string }
  | { readonly backend: "local"; readonly directory: string }
  | { readonly backend: "cloud"; readonly organization: string; readonly project?: string; readonly workspacePrefix: string; readonly hostname: string };

/** Properties every Region stack shares. */
export interface RegionStackProps {
  readonly topology: Topology;
  /** The one Region this stack deploys into. */
  readonly region: string;
  readonly state: StateLocation;
  /**
   * Test-only: an emulated AWS API (`http://127.0.0.1:<port>`) that the provider, the S3
   * backend and the remote-state readers talk to, with fake credentials.
   * @default - AWS itself (nothing emulation-related is synthesized)
   */
  readonly awsEndpoint?: string;
}

/**
 * Base of every Proximate stack: one AWS provider for one Region, default tags that say
 * which topology, stack and Region a resource belongs to, and the stack's own state
 * (`<keyPrefix>/<stack>.tfstate` in S3 with native locking, or a local file).
 */
export abstract class RegionStack extends TerraformStack {
  public readonly topology: Topology;
  public readonly region: string;
  public readonly provider: AwsProvider;

  protected constructor(scope: Construct, name: string, props: RegionStackProps) {
    super(scope, name);
    this.topology = props.topology;
    this.region = props.region;
    this.provider = new AwsProvider(this, "aws", {
      region: props.region,
      allowedAccountIds: props.topology.allowedAccountIds ? [...props.topology.allowedAccountIds] : undefined,
      defaultTags: [
        {
          tags: {
            ...props.topology.tags,
            Project: props.topology.name,
            Stack: name,
            Region: props.region,
            ManagedBy: "proximate",
          },
        },
      ],
    });
    if (props.awsEndpoint !== undefined) {
      pointProviderAtEmulator(this, this.provider, props.awsEndpoint);
    }
    configureBackend(this, name, props.state, props.awsEndpoint);
  }

  /** Prefix of this stack's resource names: `<topology>-<region>`. */
  public get namePrefix(): string {
    return `${this.topology.name}-${this.region}`;
  }
}

/**
 * Points a stack at its state: S3 (encrypted, with Terraform's native lock file), a local file, or
 * its own Terraform Cloud workspace. With `awsEndpoint` (test-only) the S3 backend, and every
 * remote-state reader cdktf derives from it, uses the emulated S3.
 */
export function configureBackend(stack: TerraformStack, name: string, state: StateLocation, awsEndpoint?: string): void {
  if (state.backend === "s3") {
    const backend = new S3Backend(stack, {
      bucket: state.bucket,
      key: `${state.keyPrefix}/${name}.tfstate`,
      region: state.region,
      encrypt: true,
      ...(awsEndpoint !== undefined ? emulatedBackendConfig(awsEndpoint) : {}),
    });
    // Terraform 1.10+ native S3 locking; cdktf 0.21's S3BackendConfig has no field for it yet.
    backend.addOverride("use_lockfile", true);
  } else if (state.backend === "cloud") {
    new CloudBackend(stack, {
      organization: state.organization,
      hostname: state.hostname,
      workspaces: new NamedCloudWorkspace(`${state.workspacePrefix}${name}`, state.project),
    });
  } else {
    new LocalBackend(stack, { path: `${state.directory}/${name}.tfstate` });
  }
}
