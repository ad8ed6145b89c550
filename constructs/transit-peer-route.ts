import { Construct } from "constructs";
import { Ec2TransitGatewayRoute } from "@cdktf/provider-aws/lib/ec2-transit-gateway-route";
import { Ec2TransitGatewayRouteTableAssociation } from "@cdktf/provider-aws/lib/ec2-transit-gateway-route-table-association";

/** Properties of a {@link TransitPeerRoute}. */
export interface TransitPeerRouteProps {
  /** This Region's Transit Gateway route table. */
  readonly routeTableId: string;
  /** The accepted peering attachment (read from the accepter, so the route waits for acceptance). */
  readonly attachmentId: string;
  /** The peer Region's CIDR block. */
  readonly peerCidr: string;
}

/**
 * One side of a peering's routing: the peering attachment is associated with this Region's
 * Transit Gateway route table (so traffic arriving from the peer is routed into the VPC) and
 * a static route sends the peer's CIDR over it. Peering attachments carry static routes only.
 */
export class TransitPeerRoute extends Construct {
  public readonly route: Ec2TransitGatewayRoute;
  public readonly association: Ec2TransitGatewayRouteTableAssociation;

  constructor(scope: Construct, id: string, props: TransitPeerRouteProps) {
    super(scope, id);
    this.association = new Ec2TransitGatewayRouteTableAssociation(this, "association", {
      transitGatewayAttachmentId: props.attachmentId,
      transitGatewayRouteTableId: props.routeTableId,
    });
    this.route = new Ec2TransitGatewayRoute(this, "Default", {
      transitGatewayRouteTableId: props.routeTableId,
      transitGatewayAttachmentId: props.attachmentId,
      destinationCidrBlock: props.peerCidr,
    });
  }
}
