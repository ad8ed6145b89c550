import { Construct } from "constructs";
import { Ec2TransitGatewayPeeringAttachment } from "@cdktf/provider-aws/lib/ec2-transit-gateway-peering-attachment";

/** Properties of a {@link TransitPeeringRequest}. */
export interface TransitPeeringRequestProps {
  /** Prefix of resource names, e.g. `proximate-us-west-2`. */
  readonly namePrefix: string;
  /** This Region's Transit Gateway id. */
  readonly transitGatewayId: string;
  /** The peer Region (the accepter side). */
  readonly peerRegion: string;
  /** The peer Region's Transit Gateway id (a cross-stack reference). */
  readonly peerTransitGatewayId: string;
  /**
   * The peer's AWS account.
   * @default the account this stack deploys into
   */
  readonly peerAccountId?: string;
}

/**
 * Requests a Transit Gateway peering to another Region. The attachment stays in
 * `pendingAcceptance` until the peer Region accepts it with a {@link TransitPeeringAccepter};
 * routes over it are created only after that.
 */
export class TransitPeeringRequest extends Construct {
  public readonly attachment: Ec2TransitGatewayPeeringAttachment;
  public readonly peerRegion: string;

  constructor(scope: Construct, id: string, props: TransitPeeringRequestProps) {
    super(scope, id);
    this.peerRegion = props.peerRegion;
    this.attachment = new Ec2TransitGatewayPeeringAttachment(this, "Default", {
      transitGatewayId: props.transitGatewayId,
      peerRegion: props.peerRegion,
      peerTransitGatewayId: props.peerTransitGatewayId,
      peerAccountId: props.peerAccountId,
      tags: { Name: `${props.namePrefix}-to-${props.peerRegion}`, Side: "requester" },
    });
  }
}
