import { Construct } from "constructs";
import { ServiceDiscoveryPrivateDnsNamespace } from "@cdktf/provider-aws/lib/service-discovery-private-dns-namespace";
import { TransitHub } from "../constructs/transit-hub";
import { VpcEndpoints } from "../constructs/vpc-endpoints";
import { VpcNetwork } from "../constructs/vpc-network";
import { RegionPlan } from "../modules/config/topology";
import { stackName } from "../modules/naming";
import { RegionStack, RegionStackProps } from "./region-stack";

/** Properties of a {@link NetworkStack}. */
export interface NetworkStackProps extends RegionStackProps {
  readonly plan: RegionPlan;
}

/** Interface endpoints every Region needs: image pulls and logs. */
export const COMMON_ENDPOINTS = ["ecr.api", "ecr.dkr", "logs"] as const;
/** Interface endpoints of worker Regions, which have no NAT: ECS on EC2, SSM-managed hosts, the indexer starting its pipeline. */
export const WORKER_ENDPOINTS = ["ecs", "ecs-agent", "ecs-telemetry", "ssm", "ssmmessages", "ec2messages", "states"] as const;

/**
 * Wave 1, one per Region, independent of every other stack: the Region's VPC, its interface
 * endpoints and its Transit Gateway, with VPC routes to every other Region's CIDR already
 * pointing at the gateway. The client Region's also holds the private DNS namespace of the
 * scheduler, which the worker Regions associate with their VPCs.
 */
export class NetworkStack extends RegionStack {
  public readonly plan: RegionPlan;
  public readonly network: VpcNetwork;
  public readonly hub: TransitHub;
  public readonly endpoints: VpcEndpoints;
  /** The scheduler's private DNS namespace (client Region only). */
  public readonly namespace?: ServiceDiscoveryPrivateDnsNamespace;

  constructor(scope: Construct, props: NetworkStackProps) {
    super(scope, stackName("network", props.plan.region), props);
    this.plan = props.plan;
    this.network = new VpcNetwork(this, "vpc", {
      namePrefix: this.namePrefix,
      region: props.plan.region,
      cidr: props.plan.cidr,
      zones: props.plan.zones,
      privateSubnetCidrs: props.plan.subnets.private,
      publicSubnetCidrs: props.plan.subnets.public,
      egress: props.plan.egress,
      logRetentionDays: props.topology.logRetentionDays,
    });
    this.endpoints = new VpcEndpoints(this, "endpoints", {
      namePrefix: this.namePrefix,
      region: props.plan.region,
      vpc: this.network.vpc,
      vpcCidr: props.plan.cidr,
      subnets: this.network.privateSubnets,
      services: props.plan.role === "worker" ? [...COMMON_ENDPOINTS, ...WORKER_ENDPOINTS] : [...COMMON_ENDPOINTS],
    });
    if (props.plan.role === "client") {
      this.namespace = new ServiceDiscoveryPrivateDnsNamespace(this, "namespace", {
        name: props.topology.dnsNamespace,
        description: `${props.topology.name}: the Dask scheduler, resolvable from every Region`,
        vpc: this.network.vpc.id,
      });
    }
    const remoteCidrs: Record<string, string> = {};
    for (const other of props.topology.regions) {
      if (other.region !== props.plan.region) {
        remoteCidrs[other.region] = other.cidr;
      }
    }
    this.hub = new TransitHub(this, "tgw", {
      namePrefix: this.namePrefix,
      amazonSideAsn: props.plan.transitGatewayAsn,
      vpc: this.network.vpc,
      attachmentSubnets: this.network.privateSubnets,
      routeTables: props.plan.zones.map((zone, index) => ({ zone, table: this.network.privateRouteTables[index] })),
      remoteCidrs,
    });
  }
}
