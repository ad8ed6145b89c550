import { Construct } from "constructs";
import { Route53ZoneAssociation } from "@cdktf/provider-aws/lib/route53-zone-association";
import { TransitPeeringRequest } from "../constructs/transit-peering-request";
import { stackName } from "../modules/naming";
import { NetworkStack } from "./network-stack";
import { RegionStack, RegionStackProps } from "./region-stack";

/** Properties of a {@link PeeringStack}. */
export interface PeeringStackProps extends RegionStackProps {
  /** This Region's network stack. */
  readonly local: NetworkStack;
  /** Network stacks of the Regions this Region requests peerings to. */
  readonly peers: readonly NetworkStack[];
  /**
   * The client Region's network stack, whose private DNS namespace (the scheduler's name) this
   * worker Region's VPC is associated with.
   */
  readonly client: NetworkStack;
}

/**
 * Wave 2, in every worker Region: the peering attachments from this Region's Transit Gateway
 * to each peer's (peer ids arrive as cross-stack references), and the association of this
 * Region's VPC with the client Region's private DNS zone, so `scheduler.<namespace>` resolves
 * here.
 */
export class PeeringStack extends RegionStack {
  public readonly requests: ReadonlyMap<string, TransitPeeringRequest>;
  public readonly dnsAssociation: Route53ZoneAssociation;

  constructor(scope: Construct, props: PeeringStackProps) {
    super(scope, stackName("peering", props.region), props);
    const requests = new Map<string, TransitPeeringRequest>();
    for (const peer of props.peers) {
      requests.set(
        peer.region,
        new TransitPeeringRequest(this, `to-${peer.region}`, {
          namePrefix: this.namePrefix,
          transitGatewayId: props.local.hub.transitGateway.id,
          peerRegion: peer.region,
          peerTransitGatewayId: peer.hub.transitGateway.id,
        }),
      );
    }
    this.requests = requests;
    const namespace = props.client.namespace;
    if (namespace === undefined) {
      throw new Error(`${props.client.node.id} holds no DNS namespace: pass the client Region's network stack`);
    }
    this.dnsAssociation = new Route53ZoneAssociation(this, "scheduler-dns", {
      zoneId: namespace.hostedZone,
      vpcId: props.local.network.vpc.id,
      vpcRegion: props.region,
    });
  }
}
