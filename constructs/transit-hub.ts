import { Construct } from "constructs";
import { Ec2TransitGateway } from "@cdktf/provider-aws/lib/ec2-transit-gateway";
import { Ec2TransitGatewayRouteTable } from "@cdktf/provider-aws/lib/ec2-transit-gateway-route-table";
import { Ec2TransitGatewayRouteTableAssociation } from "@cdktf/provider-aws/lib/ec2-transit-gateway-route-table-association";
import { Ec2TransitGatewayRouteTablePropagation } from "@cdktf/provider-aws/lib/ec2-transit-gateway-route-table-propagation";
import { Ec2TransitGatewayVpcAttachment } from "@cdktf/provider-aws/lib/ec2-transit-gateway-vpc-attachment";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";

/** Properties of a {@link TransitHub}. */
export interface TransitHubProps {
  /** Prefix of resource names, e.g. `proximate-us-east-1`. */
  readonly namePrefix: string;
  /** Amazon-side ASN: unique across peered gateways. */
  readonly amazonSideAsn: number;
  readonly vpc: Vpc;
  /** Subnets the VPC attachment places its interfaces in (one per zone). */
  readonly attachmentSubnets: readonly Subnet[];
  /** Route tables (keyed by zone) that get a route to every `remoteCidrs` entry through the gateway. */
  readonly routeTables: readonly { readonly zone: string; readonly table: RouteTable }[];
  /** Other Regions' CIDR blocks, keyed by Region name (keys become construct ids). */
  readonly remoteCidrs: Readonly<Record<string, string>>;
}

/**
 * A Region's Transit Gateway with its own route table (default association and propagation
 * off, so only routes we declare exist), the VPC attachment associated with and propagating
 * into that table, and VPC routes to every other Region's CIDR through the gateway.
 */
export class TransitHub extends Construct {
  public readonly transitGateway: Ec2TransitGateway;
  public readonly routeTable: Ec2TransitGatewayRouteTable;
  public readonly vpcAttachment: Ec2TransitGatewayVpcAttachment;

  constructor(scope: Construct, id: string, props: TransitHubProps) {
    super(scope, id);
    this.transitGateway = new Ec2TransitGateway(this, "Default", {
      description: `${props.namePrefix} hub for cross-Region Dask traffic`,
      amazonSideAsn: props.amazonSideAsn,
      autoAcceptSharedAttachments: "disable",
      defaultRouteTableAssociation: "disable",
      defaultRouteTablePropagation: "disable",
      dnsSupport: "enable",
      vpnEcmpSupport: "disable",
      tags: { Name: props.namePrefix },
    });
    this.routeTable = new Ec2TransitGatewayRouteTable(this, "route-table", {
      transitGatewayId: this.transitGateway.id,
      tags: { Name: props.namePrefix },
    });
    this.vpcAttachment = new Ec2TransitGatewayVpcAttachment(this, "vpc-attachment", {
      transitGatewayId: this.transitGateway.id,
      vpcId: props.vpc.id,
      subnetIds: props.attachmentSubnets.map((subnet) => subnet.id),
      dnsSupport: "enable",
      transitGatewayDefaultRouteTableAssociation: false,
      transitGatewayDefaultRouteTablePropagation: false,
      tags: { Name: props.namePrefix },
    });
    new Ec2TransitGatewayRouteTableAssociation(this, "vpc-association", {
      transitGatewayAttachmentId: this.vpcAttachment.id,
      transitGatewayRouteTableId: this.routeTable.id,
    });
    new Ec2TransitGatewayRouteTablePropagation(this, "vpc-propagation", {
      transitGatewayAttachmentId: this.vpcAttachment.id,
      transitGatewayRouteTableId: this.routeTable.id,
    });
    for (const [region, cidr] of Object.entries(props.remoteCidrs)) {
      props.routeTables.forEach(({ zone, table }) => {
        new Route(this, `to-${region}-${zone}`, {
          routeTableId: table.id,
          destinationCidrBlock: cidr,
          transitGatewayId: this.transitGateway.id,
          dependsOn: [this.vpcAttachment],
        });
      });
    }
  }
}
