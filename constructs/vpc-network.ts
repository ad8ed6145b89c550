import { Fn } from "cdktf";
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";

/** Properties of a {@link VpcNetwork}. */
export interface VpcNetworkProps {
  /** Prefix of resource names, e.g. `proximate-us-east-1`. */
  readonly namePrefix: string;
  readonly region: string;
  readonly cidr: string;
  /** Availability zones, one private (and, with NAT egress, one public) subnet each. */
  readonly zones: readonly string[];
  /** Private subnet CIDRs, one per zone, in zone order. */
  readonly privateSubnetCidrs: readonly string[];
  /** Public subnet CIDRs, one per zone, in zone order (used only with `egress: "nat"`). */
  readonly publicSubnetCidrs: readonly string[];
  /**
   * `nat`: public subnets, an internet gateway and a NAT gateway per zone give the private
   * subnets outbound internet access. `none`: no public subnets; AWS services are reached
   * through VPC endpoints only.
   * @default "none"
   */
  readonly egress?: "nat" | "none";
  /** Retention of the VPC flow log group, in days. @default 30 */
  readonly logRetentionDays?: number;
}

/**
 * A Region's VPC: private subnets in every zone (one route table each), optional NAT egress,
 * VPC flow logs to CloudWatch Logs, a default security group with no rules, and an S3 gateway
 * endpoint on the private route tables (public datasets and ECR layers are read without NAT).
 */
export class VpcNetwork extends Construct {
  public readonly vpc: Vpc;
  public readonly privateSubnets: readonly Subnet[];
  public readonly privateRouteTables: readonly RouteTable[];
  public readonly publicSubnets: readonly Subnet[];
  public readonly flowLogGroup: CloudwatchLogGroup;
  public readonly s3Endpoint: VpcEndpoint;

  constructor(scope: Construct, id: string, props: VpcNetworkProps) {
    super(scope, id);
    if (props.privateSubnetCidrs.length !== props.zones.length || props.publicSubnetCidrs.length !== props.zones.length) {
      throw new Error(
        `VpcNetwork ${id}: privateSubnetCidrs (${props.privateSubnetCidrs.length}) and publicSubnetCidrs (${props.publicSubnetCidrs.length}) must list one CIDR per zone (${props.zones.length})`,
      );
    }
    const egress = props.egress ?? "none";

    this.vpc = new Vpc(this, "Default", {
      cidrBlock: props.cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: props.namePrefix },
    });

    // The default security group admits all traffic between its members; nothing should use it.
    new DefaultSecurityGroup(this, "default-sg", { vpcId: this.vpc.id, tags: { Name: `${props.namePrefix}-default-unused` } });

    let natGateways: NatGateway[] = [];
    const publicSubnets: Subnet[] = [];
    if (egress === "nat") {
      const igw = new InternetGateway(this, "igw", { vpcId: this.vpc.id, tags: { Name: props.namePrefix } });
      const publicTable = new RouteTable(this, "public", { vpcId: this.vpc.id, tags: { Name: `${props.namePrefix}-public` } });
      new Route(this, "public-default", { routeTableId: publicTable.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id });
      natGateways = props.zones.map((zone, index) => {
        const subnet = new Subnet(this, `public-${zone}`, {
          vpcId: this.vpc.id,
          availabilityZone: zone,
          cidrBlock: props.publicSubnetCidrs[index],
          mapPublicIpOnLaunch: false,
          tags: { Name: `${props.namePrefix}-public-${zone}`, Tier: "public" },
        });
        publicSubnets.push(subnet);
        new RouteTableAssociation(this, `public-${zone}-rt`, { subnetId: subnet.id, routeTableId: publicTable.id });
        const eip = new Eip(this, `nat-${zone}-eip`, { domain: "vpc", tags: { Name: `${props.namePrefix}-nat-${zone}` } });
        return new NatGateway(this, `nat-${zone}`, {
          allocationId: eip.allocationId,
          subnetId: subnet.id,
          tags: { Name: `${props.namePrefix}-${zone}` },
          dependsOn: [igw],
        });
      });
    }
    this.publicSubnets = publicSubnets;

    const privateSubnets: Subnet[] = [];
    const privateRouteTables: RouteTable[] = [];
    props.zones.forEach((zone, index) => {
      const subnet = new Subnet(this, `private-${zone}`, {
        vpcId: this.vpc.id,
        availabilityZone: zone,
        cidrBlock: props.privateSubnetCidrs[index],
        mapPublicIpOnLaunch: false,
        tags: { Name: `${props.namePrefix}-private-${zone}`, Tier: "private" },
      });
      const table = new RouteTable(this, `private-${zone}-rt`, {
        vpcId: this.vpc.id,
        tags: { Name: `${props.namePrefix}-private-${zone}` },
      });
      new RouteTableAssociation(this, `private-${zone}-rta`, { subnetId: subnet.id, routeTableId: table.id });
      if (egress === "nat") {
        new Route(this, `private-${zone}-default`, {
          routeTableId: table.id,
          destinationCidrBlock: "0.0.0.0/0",
          natGatewayId: natGateways[index].id,
        });
      }
      privateSubnets.push(subnet);
      privateRouteTables.push(table);
    });
    this.privateSubnets = privateSubnets;
    this.privateRouteTables = privateRouteTables;

    this.s3Endpoint = new VpcEndpoint(this, "s3", {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: privateRouteTables.map((table) => table.id),
      tags: { Name: `${props.namePrefix}-s3` },
    });

    this.flowLogGroup = new CloudwatchLogGroup(this, "flow-logs", {
      name: `/proximate/${props.namePrefix}/vpc-flow-logs`,
      retentionInDays: props.logRetentionDays ?? 30,
    });
    const flowLogRole = new IamRole(this, "flow-logs-role", {
      name: `${props.namePrefix}-flow-logs`,
      assumeRolePolicy: Fn.jsonencode({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    });
    const flowLogPolicy = new IamRolePolicy(this, "flow-logs-policy", {
      role: flowLogRole.id,
      name: "write-flow-logs",
      policy: Fn.jsonencode({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            Resource: [this.flowLogGroup.arn, `${this.flowLogGroup.arn}:*`],
          },
        ],
      }),
    });
    new FlowLog(this, "flow-log", {
      vpcId: this.vpc.id,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: this.flowLogGroup.arn,
      iamRoleArn: flowLogRole.arn,
      maxAggregationInterval: 60,
      // The service delivers with the role's permissions from the start: create the flow log after them.
      // https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html
      dependsOn: [flowLogPolicy],
    });
  }
}
