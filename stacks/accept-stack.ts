import { Construct } from "constructs";
import { TransitPeeringAccepter } from "../constructs/transit-peering-accepter";
import { stackName } from "../modules/naming";
import { PeeringStack } from "./peering-stack";
import { RegionStack, RegionStackProps } from "./region-stack";

/** Properties of an {@link AcceptStack}. */
export interface AcceptStackProps extends RegionStackProps {
  /** Peering stacks of the Regions whose requests to this Region are accepted here. */
  readonly requesters: readonly PeeringStack[];
}

/** Wave 3, in every Region that accepts at least one peering: the accepters. */
export class AcceptStack extends RegionStack {
  public readonly accepters: ReadonlyMap<string, TransitPeeringAccepter>;

  constructor(scope: Construct, props: AcceptStackProps) {
    super(scope, stackName("accept", props.region), props);
    const accepters = new Map<string, TransitPeeringAccepter>();
    for (const requester of props.requesters) {
      const request = requester.requests.get(props.region);
      if (request === undefined) {
        throw new Error(`${requester.node.id} holds no peering request to ${props.region}`);
      }
      accepters.set(
        requester.region,
        new TransitPeeringAccepter(this, `from-${requester.region}`, {
          namePrefix: this.namePrefix,
          requesterRegion: requester.region,
          attachmentId: request.attachment.id,
        }),
      );
    }
    this.accepters = accepters;
  }
}
