import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { FsxDataRepositoryAssociation } from "@cdktf/provider-aws/lib/fsx-data-repository-association";
import { FsxLustreFileSystem } from "@cdktf/provider-aws/lib/fsx-lustre-file-system";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { LustreMount } from "../modules/compute/user-data";
import { DatasetConfig } from "../modules/config/schema";
import { FLOW_ROLE_TAG, LUSTRE_PORTS } from "../modules/network/ports";

/** How long FSx may take to create or delete one data repository association. */
export const DRA_TIMEOUT = "30m";

/** The data repository path of a dataset's association: its `s3://bucket[/prefix]` without a trailing slash. */
function repositoryPath(s3Uri: string): string {
  return s3Uri.replace(/\/$/, "");
}

/** Properties of a {@link LustreFileSystem}. */
export interface LustreFileSystemProps {
  readonly namePrefix: string;
  readonly vpc: Vpc;
  /** The file system's subnet (PERSISTENT_2 lives in one zone). */
  readonly subnet: Subnet;
  /** PERSISTENT_2 capacity: 1200, 2400 or n x 2400 GiB. */
  readonly storageCapacityGiB: number;
  /** 125, 250, 500 or 1000 MB/s per TiB. */
  readonly throughputMBpsPerTiB: number;
  /** One data repository association per dataset (at most 8). */
  readonly datasets: readonly DatasetConfig[];
  /** Where clients mount the file system. @default "/fsx" */
  readonly mountPoint?: string;
  /** @default 30 */
  readonly logRetentionDays?: number;
}

/**
 * FSx for Lustre (PERSISTENT_2, LZ4) linked to the Region's public datasets by one data
 * repository association per dataset. FSx handles one association request at a time, so each
 * association depends on the previous one; each may take up to 30 minutes. No metadata is
 * imported on creation: with `batch_import_meta_data_on_create` the association stays CREATING
 * until its import of every object's metadata ends, and the provider waits for AVAILABLE, so a
 * bucket of tens of millions of objects would hold the deploy for hours. The Region's catalog
 * pipeline imports instead: its first run, started at deploy (constructs/catalog-refresh.ts),
 * imports everything, and every night imports what changed, with timeouts sized from the
 * datasets (modules/catalog/sizing.ts). Public buckets send no events, so imports are tasks.
 */
export class LustreFileSystem extends Construct {
  public readonly fileSystem: FsxLustreFileSystem;
  public readonly securityGroup: SecurityGroup;
  public readonly associations: ReadonlyMap<string, FsxDataRepositoryAssociation>;
  /** The associations' data repository paths (`s3://bucket[/prefix]`), in dataset order: what import tasks take. */
  public readonly repositoryPaths: readonly string[];
  public readonly mount: LustreMount;

  constructor(scope: Construct, id: string, props: LustreFileSystemProps) {
    super(scope, id);
    if (props.datasets.length < 1 || props.datasets.length > 8) {
      throw new Error(`LustreFileSystem ${id}: datasets: got ${props.datasets.length}; allowed: 1 to 8 data repository associations`);
    }
    this.securityGroup = new SecurityGroup(this, "sg", {
      name: `${props.namePrefix}-lustre`,
      // No apostrophe: EC2 accepts only a-z A-Z 0-9 spaces ._-:/()#,@[]+=&;{}!$* in descriptions
      // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html).
      description: "FSx for Lustre: 988 and 1018-1023 from the clients of the Region only",
      vpcId: props.vpc.id,
      tags: { Name: `${props.namePrefix}-lustre`, [FLOW_ROLE_TAG]: "lustre" },
    });
    this.allowClient("self", this.securityGroup);
    for (const range of LUSTRE_PORTS) {
      new VpcSecurityGroupEgressRule(this, `to-self-${range.from}`, {
        securityGroupId: this.securityGroup.id,
        description: `Lustre ${range.from}-${range.to} between file servers`,
        ipProtocol: "tcp",
        fromPort: range.from,
        toPort: range.to,
        referencedSecurityGroupId: this.securityGroup.id,
      });
    }
    const logs = new CloudwatchLogGroup(this, "logs", {
      // FSx requires log groups named /aws/fsx/...
      name: `/aws/fsx/${props.namePrefix}`,
      retentionInDays: props.logRetentionDays ?? 30,
    });
    this.fileSystem = new FsxLustreFileSystem(this, "Default", {
      deploymentType: "PERSISTENT_2",
      storageType: "SSD",
      storageCapacity: props.storageCapacityGiB,
      perUnitStorageThroughput: props.throughputMBpsPerTiB,
      dataCompressionType: "LZ4",
      fileSystemTypeVersion: "2.15",
      subnetIds: [props.subnet.id],
      securityGroupIds: [this.securityGroup.id],
      logConfiguration: { level: "WARN_ERROR", destination: logs.arn },
      tags: { Name: props.namePrefix },
    });
    const associations = new Map<string, FsxDataRepositoryAssociation>();
    const repositoryPaths: string[] = [];
    let previous: FsxDataRepositoryAssociation | undefined;
    for (const dataset of props.datasets) {
      const association: FsxDataRepositoryAssociation = new FsxDataRepositoryAssociation(this, `dataset-${dataset.name}`, {
        fileSystemId: this.fileSystem.id,
        fileSystemPath: dataset.path,
        dataRepositoryPath: repositoryPath(dataset.s3),
        // The first pipeline run imports (see the class comment); https://docs.aws.amazon.com/fsx/latest/LustreGuide/importing-files-dra.html
        batchImportMetaDataOnCreate: false,
        deleteDataInFilesystem: false,
        timeouts: { create: DRA_TIMEOUT, delete: DRA_TIMEOUT, update: DRA_TIMEOUT },
        tags: { Name: `${props.namePrefix}-${dataset.name}`, Dataset: dataset.name },
        dependsOn: previous ? [previous] : undefined,
        // FSx cannot change this after creation (UpdateDataRepositoryAssociation has no such field):
        // associations created with an import on create keep it instead of being replaced.
        lifecycle: { ignoreChanges: ["batch_import_meta_data_on_create"] },
      });
      associations.set(dataset.name, association);
      repositoryPaths.push(repositoryPath(dataset.s3));
      previous = association;
    }
    this.associations = associations;
    this.repositoryPaths = repositoryPaths;
    this.mount = {
      dnsName: this.fileSystem.dnsName,
      mountName: this.fileSystem.mountName,
      mountPoint: props.mountPoint ?? "/fsx",
      datasetPaths: props.datasets.map((dataset) => dataset.path),
    };
  }

  /**
   * Admits a client security group (worker hosts, the data host) on 988 and 1018-1023: the
   * file system accepts no other source. Clients are added after they exist, since their launch
   * templates need this file system's DNS and mount names.
   */
  public allowClient(name: string, group: SecurityGroup): void {
    for (const range of LUSTRE_PORTS) {
      new VpcSecurityGroupIngressRule(this, `from-${name}-${range.from}`, {
        securityGroupId: this.securityGroup.id,
        description: `Lustre ${range.from}-${range.to} from ${name}`,
        ipProtocol: "tcp",
        fromPort: range.from,
        toPort: range.to,
        referencedSecurityGroupId: group.id,
      });
    }
  }
}
