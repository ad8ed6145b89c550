import { Construct } from "constructs";
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
}

/**
 * Wave 2, in every Region that requests at least one peering: the peering attachments from
 * this Region's Transit Gateway to each peer's (peer ids arrive as cross-stack references).
 */
export class PeeringStack extends RegionStack {
  public readonly requests: ReadonlyMap<string, TransitPeeringRequest>;

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
  }
}
