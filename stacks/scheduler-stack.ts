import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { DashboardLoadBalancer } from "../constructs/dashboard-load-balancer";
import { DaskScheduler } from "../constructs/dask-scheduler";
import { ImageCache } from "../constructs/image-cache";
import { SCHEDULER_PORT } from "../modules/compute/dask";
import { ClusterCode, schedulerScalingSettings } from "../modules/compute/scaling";
import { stackName } from "../modules/naming";
import { NetworkStack } from "./network-stack";
import { RegionStack, RegionStackProps } from "./region-stack";

/** Properties of a {@link SchedulerStack}. */
export interface SchedulerStackProps extends RegionStackProps {
  /** The client Region's network stack. */
  readonly network: NetworkStack;
  /** The scheduler's scaling preload (scripts/cluster/scheduler_scaling.py). */
  readonly clusterCode: ClusterCode;
}

/**
 * Client Region, slow: the Dask scheduler (Fargate), its Cloud Map name and the dashboard's
 * load balancer. Depends only on the client Region's network stack.
 */
export class SchedulerStack extends RegionStack {
  public readonly scheduler: DaskScheduler;
  public readonly dashboard: DashboardLoadBalancer;
  public readonly images: ImageCache;

  constructor(scope: Construct, props: SchedulerStackProps) {
    super(scope, stackName("scheduler", props.region), props);
    const topology = props.topology;
    const namespace = props.network.namespace;
    if (namespace === undefined) {
      throw new Error(`${props.network.node.id} holds no DNS namespace: the scheduler belongs in the client Region`);
    }
    this.images = new ImageCache(this, "images", { region: props.region, image: topology.daskImage });
    const vpc = props.network.network;
    this.dashboard = new DashboardLoadBalancer(this, "dashboard", {
      namePrefix: this.namePrefix,
      region: props.region,
      vpc: vpc.vpc,
      vpcCidr: topology.client.cidr,
      subnets: topology.dashboard.public ? vpc.publicSubnets : vpc.privateSubnets,
      allowedCidrs: [topology.client.cidr],
      public: topology.dashboard.public,
      certificateArn: topology.dashboard.certificateArn,
    });
    const scaling = schedulerScalingSettings(topology);
    this.scheduler = new DaskScheduler(this, "scheduler", {
      namePrefix: this.namePrefix,
      region: props.region,
      vpc: vpc.vpc,
      subnets: vpc.privateSubnets,
      clientCidr: topology.client.cidr,
      workerCidrs: Object.fromEntries(topology.workers.map((w) => [w.region, w.cidr])),
      namespaceId: namespace.id,
      imageUri: this.images.imageUri,
      repositoryArnPattern: this.images.repositoryArnPattern,
      cpu: topology.scheduler.cpu,
      memoryMiB: topology.scheduler.memoryMiB,
      dashboard: this.dashboard,
      logRetentionDays: topology.logRetentionDays,
      scaling: scaling && { settings: scaling, code: props.clusterCode.schedulerScaling },
    });

    // What a user needs after the deploy (`npm run outputs`).
    new TerraformOutput(this, "dask-scheduler", {
      description: "Dask scheduler address (resolves in every Region of the topology): Client(...)",
      value: `tcp://${topology.schedulerDnsName}:${SCHEDULER_PORT}`,
    });
    const publicDashboard = topology.dashboard.public;
    new TerraformOutput(this, "dashboard-url", {
      description: "Dask dashboard",
      value: `${publicDashboard ? "https" : "http"}://${this.dashboard.loadBalancer.dnsName}/status`,
    });
    new TerraformOutput(this, "dashboard-access", {
      description: "How to reach the dashboard",
      value: publicDashboard
        ? "internet-facing load balancer, HTTPS only (dashboard.public)"
        : `internal load balancer: only from inside the client VPC ${topology.client.cidr}, e.g. a terminal of the notebook instance ` +
          "(curl the URL), or your workstation over a VPN or Direct Connect into that VPC; nothing else can reach it",
    });
  }
}
