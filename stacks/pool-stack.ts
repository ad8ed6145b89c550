import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { DaskWorkerPool } from "../constructs/dask-worker-pool";
import { DataHost } from "../constructs/data-host";
import { ImageCache } from "../constructs/image-cache";
import { LustreFileSystem } from "../constructs/lustre-file-system";
import { RegionPlan } from "../modules/config/topology";
import { ClusterCode, metricNamespace } from "../modules/compute/scaling";
import { poolName, stackName } from "../modules/naming";
import { NetworkStack } from "./network-stack";
import { RegionStack, RegionStackProps } from "./region-stack";

/** Properties of a {@link PoolStack}. */
export interface PoolStackProps extends RegionStackProps {
  readonly plan: RegionPlan;
  /** This worker Region's network stack. */
  readonly network: NetworkStack;
  /** The workers' task protection preload (scripts/cluster/worker_protection.py). */
  readonly clusterCode: ClusterCode;
}

/**
 * Worker Region, slow: the Region's FSx for Lustre file system with one data repository
 * association per dataset, its Dask worker pool (mounting the file system) and its data host. Depends only on the
 * Region's own network stack, so worker Regions deploy in parallel with each other and with
 * the client Region's slow stacks; the scheduler is found by its DNS name at run time.
 */
export class PoolStack extends RegionStack {
  public readonly workers: DaskWorkerPool;
  public readonly dataHost?: DataHost;
  public readonly images: ImageCache;
  public readonly lustre: LustreFileSystem;

  constructor(scope: Construct, props: PoolStackProps) {
    super(scope, stackName("pool", props.plan.region), props);
    const { topology, plan } = props;
    if (plan.workers === undefined || plan.lustre === undefined) {
      throw new Error(`${plan.region} is not a worker Region`);
    }
    const vpc = props.network.network;
    const datasetUris = plan.datasets.map((d) => d.s3);
    this.images = new ImageCache(this, "images", { region: plan.region, image: topology.daskImage });
    this.lustre = new LustreFileSystem(this, "lustre", {
      namePrefix: this.namePrefix,
      vpc: vpc.vpc,
      subnet: vpc.privateSubnets[0],
      storageCapacityGiB: plan.lustre.storageCapacityGiB,
      throughputMBpsPerTiB: plan.lustre.throughputMBpsPerTiB,
      datasets: plan.datasets,
      mountPoint: plan.lustre.mountPoint,
      logRetentionDays: topology.logRetentionDays,
    });
    this.workers = new DaskWorkerPool(this, "workers", {
      namePrefix: this.namePrefix,
      region: plan.region,
      vpc: vpc.vpc,
      vpcCidr: plan.cidr,
      subnets: vpc.privateSubnets,
      clientCidr: topology.client.cidr,
      workerCidrs: Object.fromEntries(topology.workers.map((w) => [w.region, w.cidr])),
      schedulerAddress: topology.schedulerDnsName,
      imageUri: this.images.imageUri,
      repositoryArnPattern: this.images.repositoryArnPattern,
      pool: plan.workers,
      datasetUris,
      lustre: this.lustre.mount,
      dataDependencies: [...this.lustre.associations.values()],
      logRetentionDays: topology.logRetentionDays,
      demandScaling: plan.workers.scaling === "demand" ? { namespace: metricNamespace(topology.name), protectionCode: props.clusterCode.workerProtection } : undefined,
    });
    this.lustre.allowClient("worker-hosts", this.workers.instanceSecurityGroup);
    if (plan.dataHost) {
      this.dataHost = new DataHost(this, "data-host", {
        namePrefix: this.namePrefix,
        vpc: vpc.vpc,
        vpcCidr: plan.cidr,
        subnet: vpc.privateSubnets[0],
        datasetUris,
        lustre: this.lustre.mount,
        dataDependencies: [...this.lustre.associations.values()],
      });
      this.lustre.allowClient("data-host", this.dataHost.securityGroup);
    }

    new TerraformOutput(this, "dask-pool", {
      description: `Dask resource of this Region's workers: client.compute(..., resources={"${poolName(plan.region)}": 1})`,
      value: poolName(plan.region),
    });
    new TerraformOutput(this, "datasets", {
      description: "Datasets on the Region's Lustre file system, as the workers see them",
      value: plan.datasets.map((d) => `${this.lustre.mount.mountPoint ?? "/fsx"}${d.path} <- ${d.s3}`).join(", "),
    });
    if (this.dataHost !== undefined) {
      // https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-sessions-start.html
      new TerraformOutput(this, "data-host-session", {
        description: "Shell on the Region's data host (SSM Session Manager; needs the Session Manager plugin)",
        value: `aws ssm start-session --region ${plan.region} --target ${this.dataHost.instance.id}`,
      });
    }
  }
}
