import { Construct } from "constructs";
import { Ec2TransitGatewayPeeringAttachmentAccepter } from "@cdktf/provider-aws/lib/ec2-transit-gateway-peering-attachment-accepter";

/** Properties of a {@link TransitPeeringAccepter}. */
export interface TransitPeeringAccepterProps {
  /** Prefix of resource names, e.g. `proximate-eu-west-2`. */
  readonly namePrefix: string;
  /** The Region that requested the peering. */
  readonly requesterRegion: string;
  /** The peering attachment id, as created by the requester (a cross-stack reference). */
  readonly attachmentId: string;
}

/**
 * Accepts a Transit Gateway peering requested by another Region. Once accepted, the
 * attachment (same id on both sides) can carry static routes in both Regions.
 */
export class TransitPeeringAccepter extends Construct {
  public readonly accepter: Ec2TransitGatewayPeeringAttachmentAccepter;
  public readonly requesterRegion: string;

  constructor(scope: Construct, id: string, props: TransitPeeringAccepterProps) {
    super(scope, id);
    this.requesterRegion = props.requesterRegion;
    this.accepter = new Ec2TransitGatewayPeeringAttachmentAccepter(this, "Default", {
      transitGatewayAttachmentId: props.attachmentId,
      tags: { Name: `${props.namePrefix}-from-${props.requesterRegion}`, Side: "accepter" },
    });
  }
}
