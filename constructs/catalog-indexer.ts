import { AssetType, Fn, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { INDEXER_LAMBDA_RUNTIME } from "../modules/aws/runtimes";
import { DatasetConfig } from "../modules/config/schema";
import { datasetListStatements, policy } from "../modules/iam";
import { FLOW_ROLE_TAG } from "../modules/network/ports";

/** Properties of a {@link CatalogIndexer}. */
export interface CatalogIndexerProps {
  readonly namePrefix: string;
  readonly region: string;
  readonly vpc: Vpc;
  readonly subnets: readonly Subnet[];
  /** Zip of the bundled handler (`index.js`, handler `index.handler`). */
  readonly codeArchive: string;
  /** The indexer's role (created by the identity stack, admitted by the catalog domain). */
  readonly role: IamRole;
  /** `https://<endpoint>` of the catalog domain. */
  readonly openSearchEndpoint: string;
  /** The catalog domain's ARN (the role may send HTTP requests to it). */
  readonly openSearchArn: string;
  /** The client Region (the domain's, for SigV4). */
  readonly openSearchRegion: string;
  /** The client Region's CIDR: HTTPS to the domain goes there over the Transit Gateway. */
  readonly clientCidr: string;
  /** The Region's datasets: the indexer lists them and nothing else. */
  readonly datasets: readonly DatasetConfig[];
  /**
   * Memory of the function: CPU comes with it, one vCPU at 1,769 MB
   * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html).
   * @default 1769: the indexer lists and groups at one vCPU's pace (modules/catalog/sizing.ts)
   */
  readonly memorySizeMiB?: number;
  /** @default 30 */
  readonly logRetentionDays?: number;
}

/**
 * The catalog indexer Lambda in the worker Region's VPC: lists the Region's datasets with the
 * AWS SDK (through the S3 gateway endpoint), builds one document per dataset unit and swaps the
 * Region's `catalog-<region>` alias in OpenSearch (SigV4-signed, over the Transit Gateway).
 */
export class CatalogIndexer extends Construct {
  public readonly function: LambdaFunction;
  public readonly securityGroup: SecurityGroup;
  public readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: CatalogIndexerProps) {
    super(scope, id);
    const functionName = `${props.namePrefix}-catalog-indexer`;
    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/aws/lambda/${functionName}`,
      retentionInDays: props.logRetentionDays ?? 30,
    });
    this.securityGroup = new SecurityGroup(this, "sg", {
      name: `${props.namePrefix}-indexer`,
      description: "Catalog indexer: HTTPS out only",
      vpcId: props.vpc.id,
      tags: { Name: `${props.namePrefix}-indexer`, [FLOW_ROLE_TAG]: "indexer" },
    });
    new VpcSecurityGroupEgressRule(this, "to-catalog", {
      securityGroupId: this.securityGroup.id,
      description: "HTTPS to the catalog domain in the client Region",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: props.clientCidr,
    });
    new VpcSecurityGroupEgressRule(this, "to-aws", {
      securityGroupId: this.securityGroup.id,
      description: "HTTPS to S3 (gateway endpoint) and AWS APIs (interface endpoints)",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "0.0.0.0/0",
    });
    const vpcAccess = new IamRolePolicyAttachment(this, "vpc-access", {
      role: props.role.name,
      // Network interfaces for a function in a VPC (AWS-managed, not a *FullAccess policy).
      policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
    });
    const rolePolicy = new IamRolePolicy(this, "policy", {
      role: props.role.id,
      name: "index-datasets",
      policy: Fn.jsonencode(
        policy(
          // The indexer only lists the datasets (ListObjectsV2); it reads no object.
          ...datasetListStatements(props.datasets.map((d) => d.s3)),
          {
            // GET, POST, PUT and DELETE are the methods its OpenSearch calls use (the IAM proof
            // derives them from the code); none is a HEAD.
            Sid: "WriteRegionCatalog",
            Effect: "Allow",
            Action: ["es:ESHttpGet", "es:ESHttpPost", "es:ESHttpPut", "es:ESHttpDelete"],
            Resource: `${props.openSearchArn}/*`,
          },
          { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${this.logGroup.arn}:*` },
        ),
      ),
    });
    const code = new TerraformAsset(this, "code", { path: props.codeArchive, type: AssetType.FILE });
    this.function = new LambdaFunction(this, "Default", {
      functionName,
      description: `Rebuilds catalog-${props.region} from the Region's datasets`,
      // nodejs20.x was deprecated on 2026-04-30; see INDEXER_LAMBDA_RUNTIME for the choice.
      // https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
      runtime: INDEXER_LAMBDA_RUNTIME.identifier,
      handler: "index.handler",
      filename: code.path,
      sourceCodeHash: Fn.filebase64sha256(code.path),
      role: props.role.arn,
      timeout: 900,
      memorySize: props.memorySizeMiB ?? 1769,
      architectures: ["x86_64"],
      vpcConfig: { subnetIds: props.subnets.map((s) => s.id), securityGroupIds: [this.securityGroup.id] },
      environment: {
        variables: { OPENSEARCH_ENDPOINT: props.openSearchEndpoint, OPENSEARCH_REGION: props.openSearchRegion },
      },
      loggingConfig: { logFormat: "Text", logGroup: this.logGroup.name },
      // CreateFunction with a VPC config checks that the role may create network interfaces
      // (AWSLambdaVPCAccessExecutionRole); IAM is eventually consistent, so the function is
      // created only after the role's attachment and policy exist.
      // https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions
      // https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency
      dependsOn: [this.logGroup, vpcAccess, rolePolicy],
    });
  }
}
