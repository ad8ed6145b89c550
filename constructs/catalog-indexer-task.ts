import { AssetType, Fn, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcrPullThroughCacheRule } from "@cdktf/provider-aws/lib/ecr-pull-through-cache-rule";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import {
  AWS_CLI_IMAGE,
  BUNDLE_MOUNT,
  EVENT_VARIABLE,
  FETCH_CONTAINER,
  fetchBundleCommand,
  INDEXER_CONTAINER,
  indexerCommand,
  INDEXER_NODE_OPTIONS,
  NODE_IMAGE,
  type PublicImage,
  TASK_CPU,
  TASK_MEMORY_MIB,
} from "../modules/catalog/runner";
import { PULL_THROUGH_PREFIX } from "../modules/compute/images";
import { policy } from "../modules/iam";
import { fitName } from "../modules/naming";
import { EcsTaskRoles } from "./ecs-roles";
import { SecureBucket } from "./secure-bucket";

/** Properties of a {@link CatalogIndexerTask}. */
export interface CatalogIndexerTaskProps {
  readonly namePrefix: string;
  readonly region: string;
  /** Private subnets the task runs in (no public IP; ECR, S3 and Logs through endpoints). */
  readonly subnets: readonly Subnet[];
  /** The indexer's security group (HTTPS to the catalog and to AWS APIs only). */
  readonly securityGroup: SecurityGroup;
  /** The indexer role: the task role (its trust admits ecs-tasks.amazonaws.com), admitted by the catalog domain. */
  readonly role: IamRole;
  /** The indexer bundle, `index.js` (the Lambda's code, unzipped). */
  readonly bundleFile: string;
  /** The event the indexer runs: `{ region, mount, datasets }`. */
  readonly event: Readonly<Record<string, unknown>>;
  /** `https://<endpoint>` of the catalog domain. */
  readonly openSearchEndpoint: string;
  /** The client Region (the domain's, for SigV4). */
  readonly openSearchRegion: string;
  /**
   * The Region's pull-through cache rule for ECR Public, when another construct already has one
   * (a Region holds one rule per prefix).
   * @default a rule of its own, prefix `ecr-public`
   */
  readonly publicImageCache?: EcrPullThroughCacheRule;
  /** @default 30 */
  readonly logRetentionDays?: number;
}

/**
 * The catalog indexer as an ECS Fargate task, for datasets too large for Lambda's 900 s: the
 * nightly state machine starts it and waits for it (`ecs:runTask.sync`). It runs the Lambda's
 * bundle with the official Node.js image; an AWS CLI container first copies the bundle from an
 * encrypted bucket into a volume the two containers share (see modules/catalog/runner.ts).
 */
export class CatalogIndexerTask extends Construct {
  public readonly cluster: EcsCluster;
  public readonly taskDefinition: EcsTaskDefinition;
  public readonly executionRole: IamRole;
  public readonly taskRole: IamRole;
  public readonly logGroup: CloudwatchLogGroup;
  public readonly bundleBucket: SecureBucket;
  /** Policies this task adds to the shared indexer role: deploy-time runs of that role wait for them. */
  public readonly rolePolicies: readonly IamRolePolicy[];
  /** Subnet ids and security group ids for the task's awsvpc network configuration. */
  public readonly subnetIds: readonly string[];
  public readonly securityGroupIds: readonly string[];
  /** Name of the container whose exit code is the run's outcome. */
  public readonly containerName = INDEXER_CONTAINER;

  constructor(scope: Construct, id: string, props: CatalogIndexerTaskProps) {
    super(scope, id);
    const prefix = PULL_THROUGH_PREFIX["public.ecr.aws"];
    const cache =
      props.publicImageCache ??
      new EcrPullThroughCacheRule(this, "ecr-public", { ecrRepositoryPrefix: prefix, upstreamRegistryUrl: "public.ecr.aws" });
    const imageUri = (image: PublicImage) => `${cache.registryId}.dkr.ecr.${props.region}.amazonaws.com/${prefix}/${image.repository}:${image.tag}`;

    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/proximate/${props.namePrefix}/catalog-indexer-task`,
      retentionInDays: props.logRetentionDays ?? 30,
    });
    const roles = new EcsTaskRoles(this, "roles", {
      namePrefix: `${props.namePrefix}-indexer`,
      logGroup: this.logGroup,
      repositoryArnPattern: `arn:aws:ecr:${props.region}:${cache.registryId}:repository/${prefix}/*`,
      taskRole: props.role,
    });
    this.executionRole = roles.executionRole;
    this.taskRole = roles.taskRole;

    // S3 bucket_prefix: at most 37 characters (63 less Terraform's 26-character suffix), as the
    // notebook's and the dashboard's buckets (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
    this.bundleBucket = new SecureBucket(this, "bundle-bucket", { bucketPrefix: fitName(props.namePrefix, "indexer-", 37) });
    // Holds only the build output: destroy may empty it.
    this.bundleBucket.bucket.addOverride("force_destroy", true);
    const bundle = new TerraformAsset(this, "bundle", { path: props.bundleFile, type: AssetType.FILE });
    const key = `indexer/${bundle.assetHash}/index.js`;
    const object = new S3Object(this, "bundle-object", {
      bucket: this.bundleBucket.bucket.id,
      key,
      source: bundle.path,
      sourceHash: Fn.filemd5(bundle.path),
      contentType: "application/javascript",
    });
    const readBundle = new IamRolePolicy(this, "read-bundle", {
      role: props.role.id,
      name: "read-indexer-bundle",
      policy: Fn.jsonencode(policy({ Sid: "ReadBundle", Effect: "Allow", Action: ["s3:GetObject"], Resource: `${this.bundleBucket.bucket.arn}/indexer/*` })),
    });
    this.rolePolicies = [readBundle];

    this.cluster = new EcsCluster(this, "cluster", {
      name: `${props.namePrefix}-catalog-indexer`,
      setting: [{ name: "containerInsights", value: "enabled" }],
    });
    const logging = (streamPrefix: string) => ({
      logDriver: "awslogs",
      options: { "awslogs-group": this.logGroup.name, "awslogs-region": props.region, "awslogs-stream-prefix": streamPrefix },
    });
    this.taskDefinition = new EcsTaskDefinition(this, "task", {
      family: `${props.namePrefix}-catalog-indexer`,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: String(TASK_CPU),
      memory: String(TASK_MEMORY_MIB),
      executionRoleArn: this.executionRole.arn,
      taskRoleArn: this.taskRole.arn,
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      volume: [{ name: "bundle" }],
      // Plain JSON (with Terraform interpolations inside), like the scheduler's, for readers of the synthesized stack.
      containerDefinitions: JSON.stringify([
        {
          name: FETCH_CONTAINER,
          image: imageUri(AWS_CLI_IMAGE),
          essential: false,
          command: fetchBundleCommand(this.bundleBucket.bucket.bucket, key),
          environment: [{ name: "AWS_REGION", value: props.region }],
          mountPoints: [{ sourceVolume: "bundle", containerPath: BUNDLE_MOUNT, readOnly: false }],
          logConfiguration: logging("fetch-bundle"),
        },
        {
          name: INDEXER_CONTAINER,
          image: imageUri(NODE_IMAGE),
          essential: true,
          command: indexerCommand(),
          dependsOn: [{ containerName: FETCH_CONTAINER, condition: "SUCCESS" }],
          environment: [
            { name: EVENT_VARIABLE, value: JSON.stringify(props.event) },
            { name: "OPENSEARCH_ENDPOINT", value: props.openSearchEndpoint },
            { name: "OPENSEARCH_REGION", value: props.openSearchRegion },
            { name: "AWS_REGION", value: props.region },
            { name: "NODE_OPTIONS", value: INDEXER_NODE_OPTIONS },
          ],
          mountPoints: [{ sourceVolume: "bundle", containerPath: BUNDLE_MOUNT, readOnly: true }],
          readonlyRootFilesystem: true,
          logConfiguration: logging("indexer"),
        },
      ]),
      // A new bundle object is a new task definition revision (its key is in the command).
      dependsOn: [object],
    });
    this.subnetIds = props.subnets.map((subnet) => subnet.id);
    this.securityGroupIds = [props.securityGroup.id];
  }
}
