import { Construct } from "constructs";
import { TransitHub } from "../constructs/transit-hub";
import { VpcNetwork } from "../constructs/vpc-network";
import { RegionPlan } from "../modules/config/topology";
import { stackName } from "../modules/naming";
import { RegionStack, RegionStackProps } from "./region-stack";

/** Properties of a {@link NetworkStack}. */
export interface NetworkStackProps extends RegionStackProps {
  readonly plan: RegionPlan;
}

/**
 * Wave 1, one per Region, independent of every other stack: the Region's VPC and its Transit
 * Gateway, with VPC routes to every other Region's CIDR already pointing at the gateway.
 */
export class NetworkStack extends RegionStack {
  public readonly plan: RegionPlan;
  public readonly network: VpcNetwork;
  public readonly hub: TransitHub;

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
