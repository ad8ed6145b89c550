import { Testing } from "cdktf";
import { Construct } from "constructs";
import { TransitHub } from "../../constructs/transit-hub";
import { VpcNetwork } from "../../constructs/vpc-network";

function synth(): Record<string, Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return JSON.parse(
    Testing.synthScope((scope: Construct) => {
      const network = new VpcNetwork(scope, "vpc", {
        namePrefix: "p-eu-west-2",
        region: "eu-west-2",
        cidr: "10.0.0.0/16",
        zones: ["eu-west-2a", "eu-west-2b"],
        privateSubnetCidrs: ["10.0.0.0/18", "10.0.64.0/18"],
        publicSubnetCidrs: ["10.0.192.0/20", "10.0.208.0/20"],
      });
      new TransitHub(scope, "tgw", {
        namePrefix: "p-eu-west-2",
        amazonSideAsn: 64534,
        vpc: network.vpc,
        attachmentSubnets: network.privateSubnets,
        routeTables: [
          { zone: "eu-west-2a", table: network.privateRouteTables[0] },
          { zone: "eu-west-2b", table: network.privateRouteTables[1] },
        ],
        remoteCidrs: { "us-east-1": "10.1.0.0/16", "us-west-2": "10.2.0.0/16" },
      });
    }),
  ).resource;
}

describe("TransitHub", () => {
  const resources = synth();

  test("attaches the VPC to its own route table, associated and propagated", () => {
    const attachment = Object.values(resources.aws_ec2_transit_gateway_vpc_attachment)[0];
    expect(attachment.transit_gateway_default_route_table_association).toBe(false);
    expect(attachment.subnet_ids).toHaveLength(2);
    const [association] = Object.values(resources.aws_ec2_transit_gateway_route_table_association);
    const [propagation] = Object.values(resources.aws_ec2_transit_gateway_route_table_propagation);
    expect(association.transit_gateway_route_table_id).toBe(propagation.transit_gateway_route_table_id);
    expect(association.transit_gateway_attachment_id).toMatch(/aws_ec2_transit_gateway_vpc_attachment\./);
  });

  test("routes every other Region's CIDR from every private route table to the gateway, after the attachment", () => {
    const routes = Object.values(resources.aws_route);
    expect(routes.map((r) => `${r.destination_cidr_block} ${r.route_table_id}`).sort()).toEqual([
      "10.1.0.0/16 ${aws_route_table.vpc_private-eu-west-2a-rt_5AE36CFC.id}",
      "10.1.0.0/16 ${aws_route_table.vpc_private-eu-west-2b-rt_449923C4.id}",
      "10.2.0.0/16 ${aws_route_table.vpc_private-eu-west-2a-rt_5AE36CFC.id}",
      "10.2.0.0/16 ${aws_route_table.vpc_private-eu-west-2b-rt_449923C4.id}",
    ]);
    for (const route of routes) {
      expect(route.transit_gateway_id).toBe("${aws_ec2_transit_gateway.tgw.id}");
      expect(route.depends_on).toEqual([expect.stringMatching(/^aws_ec2_transit_gateway_vpc_attachment\./)]);
    }
  });
});
