import { Testing } from "cdktf";
import { VpcNetwork, VpcNetworkProps } from "../../constructs/vpc-network";

const base: VpcNetworkProps = {
  namePrefix: "proximate-us-east-1",
  region: "us-east-1",
  cidr: "10.1.0.0/16",
  zones: ["us-east-1a", "us-east-1b"],
  privateSubnetCidrs: ["10.1.0.0/18", "10.1.64.0/18"],
  publicSubnetCidrs: ["10.1.192.0/20", "10.1.208.0/20"],
};

function synth(props: Partial<VpcNetworkProps> = {}): Record<string, Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return JSON.parse(Testing.synthScope((scope) => new VpcNetwork(scope, "vpc", { ...base, ...props }))).resource;
}

describe("VpcNetwork", () => {
  test("without egress: private subnets only, no internet or NAT gateway", () => {
    const resources = synth();
    expect(Object.values(resources.aws_subnet).map((s) => [s.cidr_block, s.availability_zone, s.map_public_ip_on_launch])).toEqual([
      ["10.1.0.0/18", "us-east-1a", false],
      ["10.1.64.0/18", "us-east-1b", false],
    ]);
    expect(resources.aws_internet_gateway).toBeUndefined();
    expect(resources.aws_nat_gateway).toBeUndefined();
    expect(resources.aws_route).toBeUndefined();
  });

  test("with NAT egress: a NAT gateway per zone and a default route from each private table", () => {
    const resources = synth({ egress: "nat" });
    expect(Object.keys(resources.aws_nat_gateway)).toHaveLength(2);
    const defaults = Object.values(resources.aws_route).filter((r) => r.destination_cidr_block === "0.0.0.0/0");
    expect(defaults.filter((r) => r.nat_gateway_id !== undefined)).toHaveLength(2);
    expect(defaults.filter((r) => r.gateway_id !== undefined)).toHaveLength(1);
    expect(Object.values(resources.aws_subnet).filter((s) => s.tags.Tier === "public").map((s) => s.cidr_block)).toEqual([
      "10.1.192.0/20",
      "10.1.208.0/20",
    ]);
  });

  test("logs every flow of the VPC to a log group with a retention period", () => {
    const resources = synth({ logRetentionDays: 90 });
    const flowLog = Object.values(resources.aws_flow_log)[0];
    expect(flowLog).toMatchObject({ traffic_type: "ALL", log_destination_type: "cloud-watch-logs" });
    expect(flowLog.vpc_id).toBe("${aws_vpc.vpc.id}");
    expect(Object.values(resources.aws_cloudwatch_log_group)[0].retention_in_days).toBe(90);
    expect(Object.values(resources.aws_iam_role)[0].assume_role_policy).toContain("vpc-flow-logs.amazonaws.com");
    // Delivery uses the role's policy from the start: the flow log waits for it.
    expect(flowLog.depends_on).toEqual([`aws_iam_role_policy.${Object.keys(resources.aws_iam_role_policy)[0]}`]);
  });

  test("locks the default security group and reaches S3 through a gateway endpoint", () => {
    const resources = synth();
    const sg = Object.values(resources.aws_default_security_group)[0];
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
    const endpoint = Object.values(resources.aws_vpc_endpoint)[0];
    expect(endpoint).toMatchObject({ service_name: "com.amazonaws.us-east-1.s3", vpc_endpoint_type: "Gateway" });
    expect(endpoint.route_table_ids).toHaveLength(2);
  });

  test("fails when the subnet lists do not match the zones", () => {
    expect(() => synth({ privateSubnetCidrs: ["10.1.0.0/18"] })).toThrow(/must list one CIDR per zone \(2\)/);
  });
});
