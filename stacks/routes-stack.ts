import { Construct } from "constructs";
import { TransitPeeringAccepter } from "../constructs/transit-peering-accepter";
import { TransitPeerRoute } from "../constructs/transit-peer-route";
import { stackName } from "../modules/naming";
import { NetworkStack } from "./network-stack";
import { RegionStack, RegionStackProps } from "./region-stack";

/** One accepted peering seen from this Region. */
export interface AcceptedPeering {
  readonly peerRegion: string;
  readonly peerCidr: string;
  /** The accepter of the peering (in this Region or in the peer's). */
  readonly accepter: TransitPeeringAccepter;
}

/** Properties of a {@link RoutesStack}. */
export interface RoutesStackProps extends RegionStackProps {
  readonly local: NetworkStack;
  readonly peerings: readonly AcceptedPeering[];
}

/**
 * Wave 4, one per Region: this Region's Transit Gateway routes to every peer CIDR over the
 * accepted peering attachments. The attachment id is read from the accepter, so these routes
 * are created only after acceptance, on both sides.
 */
export class RoutesStack extends RegionStack {
  public readonly routes: ReadonlyMap<string, TransitPeerRoute>;

  constructor(scope: Construct, props: RoutesStackProps) {
    super(scope, stackName("routes", props.region), props);
    const routes = new Map<string, TransitPeerRoute>();
    for (const peering of props.peerings) {
      routes.set(
        peering.peerRegion,
        new TransitPeerRoute(this, `to-${peering.peerRegion}`, {
          routeTableId: props.local.hub.routeTable.id,
          attachmentId: peering.accepter.accepter.transitGatewayAttachmentId,
          peerCidr: peering.peerCidr,
        }),
      );
    }
    this.routes = routes;
  }
}
