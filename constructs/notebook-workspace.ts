import { AssetType, Fn, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { SagemakerNotebookInstance } from "@cdktf/provider-aws/lib/sagemaker-notebook-instance";
import { SagemakerNotebookInstanceLifecycleConfiguration } from "@cdktf/provider-aws/lib/sagemaker-notebook-instance-lifecycle-configuration";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { SCHEDULER_PORT } from "../modules/compute/dask";
import { DaskImage } from "../modules/compute/images";
import { notebookOnStart } from "../modules/compute/notebook-lifecycle";
import { policy } from "../modules/iam";
import { fitName } from "../modules/naming";
import { FLOW_ROLE_TAG } from "../modules/network/ports";
import { SecureBucket } from "./secure-bucket";

/** Properties of a {@link NotebookWorkspace}. */
export interface NotebookWorkspaceProps {
  readonly namePrefix: string;
  readonly region: string;
  readonly vpc: Vpc;
  readonly subnet: Subnet;
  /** The client Region's CIDR: the scheduler and the catalog domain are there. */
  readonly clientCidr: string;
  /** The notebook's role (from the identity stack; admitted by the catalog domain). */
  readonly role: IamRole;
  readonly image: DaskImage;
  /** Zip of the helper package and notebooks (scripts/lib/notebook-bundle.ts). */
  readonly bundleArchive: string;
  readonly schedulerDnsName: string;
  /**
   * Name of the catalog's OpenSearch domain (in this Region). The notebook resolves its
   * endpoint at run time (DescribeDomain), so this stack does not wait for the domain.
   */
  readonly catalogDomainName: string;
  /** @default "ml.t3.medium" */
  readonly instanceType?: string;
  /** @default 20 */
  readonly volumeSizeGiB?: number;
}

/**
 * Where scientists work: a SageMaker notebook instance in a private subnet (no direct internet
 * access, no root access, volume encrypted with its own KMS key) whose lifecycle configuration
 * installs the cluster image's Dask version, the `proximate` helper and the notebooks from an
 * encrypted bucket filled from this repository at deploy time. Its role reads that bundle, looks
 * up the catalog domain's endpoint and sends HTTP requests to the domain, nothing more.
 */
export class NotebookWorkspace extends Construct {
  public readonly instance: SagemakerNotebookInstance;
  public readonly lifecycle: SagemakerNotebookInstanceLifecycleConfiguration;
  public readonly bucket: SecureBucket;
  public readonly key: KmsKey;
  public readonly securityGroup: SecurityGroup;
  /** The on-start script, before base64 encoding. */
  public readonly onStartScript: string;

  constructor(scope: Construct, id: string, props: NotebookWorkspaceProps) {
    super(scope, id);
    this.key = new KmsKey(this, "key", {
      description: `${props.namePrefix} notebook volume and bundle`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    });
    // Holds only the bundle this stack uploads: destroyed with the stack.
    this.bucket = new SecureBucket(this, "bundle-bucket", { bucketPrefix: fitName(props.namePrefix, "notebook-", 37), kmsKeyArn: this.key.arn, forceDestroy: true });
    const bundle = new TerraformAsset(this, "bundle", { path: props.bundleArchive, type: AssetType.FILE });
    const objectKey = `bundles/${bundle.assetHash}.zip`;
    const object = new S3Object(this, "bundle-object", {
      bucket: this.bucket.bucket.id,
      key: objectKey,
      source: bundle.path,
      sourceHash: Fn.filemd5(bundle.path),
      serverSideEncryption: "aws:kms",
      kmsKeyId: this.key.arn,
    });

    this.securityGroup = new SecurityGroup(this, "sg", {
      name: `${props.namePrefix}-notebook`,
      description: "Notebook: Dask scheduler and HTTPS out, nothing in",
      vpcId: props.vpc.id,
      tags: { Name: `${props.namePrefix}-notebook`, [FLOW_ROLE_TAG]: "notebook" },
    });
    new VpcSecurityGroupEgressRule(this, "to-scheduler", {
      securityGroupId: this.securityGroup.id,
      description: "Dask scheduler",
      ipProtocol: "tcp",
      fromPort: SCHEDULER_PORT,
      toPort: SCHEDULER_PORT,
      cidrIpv4: props.clientCidr,
    });
    new VpcSecurityGroupEgressRule(this, "https", {
      securityGroupId: this.securityGroup.id,
      description: "HTTPS: the catalog domain and its API, S3, package index through NAT",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "0.0.0.0/0",
    });

    // The domain's ARN, from the notebook role's ARN (arn:<partition>:iam::<account>:role/...):
    // no data source, and no dependency on the catalog stack. Resource type `domain` of
    // es:DescribeDomain and es:ESHttp*: arn:${Partition}:es:${Region}:${Account}:domain/${DomainName}
    // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonopensearchservice.html).
    const roleArn = Fn.split(":", props.role.arn);
    const catalogArn = `arn:${Fn.element(roleArn, 1)}:es:${props.region}:${Fn.element(roleArn, 4)}:domain/${props.catalogDomainName}`;
    const rolePolicy = new IamRolePolicy(this, "policy", {
      role: props.role.id,
      name: "notebook",
      policy: Fn.jsonencode(
        policy(
          { Sid: "ReadBundle", Effect: "Allow", Action: ["s3:GetObject"], Resource: `${this.bucket.bucket.arn}/bundles/*` },
          { Sid: "DecryptBundle", Effect: "Allow", Action: ["kms:Decrypt"], Resource: this.key.arn },
          // boto3 opensearch.describe_domain (scripts/python/proximate/catalog.py) finds the endpoint.
          { Sid: "FindCatalog", Effect: "Allow", Action: ["es:DescribeDomain"], Resource: catalogArn },
          // The helper's searches are POSTs. GET and HEAD (the IAM proof reports them unused) are the
          // scientist's own read-only requests from the notebook: a document, `_cat/indices`, ping.
          { Sid: "QueryCatalog", Effect: "Allow", Action: ["es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost"], Resource: `${catalogArn}/*` },
          {
            // The lifecycle configuration's output goes to /aws/sagemaker/NotebookInstances, which
            // the first notebook in an account creates with this role (reported unused by the IAM
            // proof, which models our code, not SageMaker's agent).
            // https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateNotebookInstanceLifecycleConfig.html
            Sid: "NotebookLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: `arn:aws:logs:${props.region}:*:log-group:/aws/sagemaker/NotebookInstances:*`,
          },
        ),
      ),
    });

    this.onStartScript = notebookOnStart({
      image: props.image,
      bundleUri: `s3://${this.bucket.bucket.id}/${objectKey}`,
      schedulerAddress: `tcp://${props.schedulerDnsName}:${SCHEDULER_PORT}`,
      catalogDomain: props.catalogDomainName,
      catalogRegion: props.region,
    });
    this.lifecycle = new SagemakerNotebookInstanceLifecycleConfiguration(this, "lifecycle", {
      name: `${props.namePrefix}-notebook`,
      onStart: Fn.base64encode(this.onStartScript),
      dependsOn: [object],
    });
    this.instance = new SagemakerNotebookInstance(this, "Default", {
      name: `${props.namePrefix}-notebook`,
      instanceType: props.instanceType ?? "ml.t3.medium",
      roleArn: props.role.arn,
      subnetId: props.subnet.id,
      securityGroups: [this.securityGroup.id],
      directInternetAccess: "Disabled",
      rootAccess: "Disabled",
      kmsKeyId: this.key.id,
      volumeSize: props.volumeSizeGiB ?? 20,
      lifecycleConfigName: this.lifecycle.name,
      // Amazon Linux 2023 (NOTEBOOK_PLATFORM): AL2 notebook instances can be neither created nor
      // restarted since 2026-07-01. The AWS provider pinned here (5.100.0) validates
      // platform_identifier against the AL1/AL2 identifiers only and rejects "notebook-al2023-v1";
      // the attribute is optional and computed, and SageMaker's default platform is
      // notebook-al2023-v1 (CreateNotebookInstance), so it is left to that default.
      // https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateNotebookInstance.html
      // https://docs.aws.amazon.com/sagemaker/latest/dg/nbi-al2.html
      // The on-create/on-start scripts read the bundle with the role's policy: create the instance
      // after it (IAM is eventually consistent).
      // https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency
      dependsOn: [rolePolicy],
    });
  }
}
