import { Construct } from "constructs";
import { FLOW_ROLE_TAG } from "../modules/network/ports";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";

/** Properties of {@link VpcEndpoints}. */
export interface VpcEndpointsProps {
  readonly namePrefix: string;
  readonly region: string;
  readonly vpc: Vpc;
  /** The VPC's CIDR: the only source allowed to reach the endpoints. */
  readonly vpcCidr: string;
  readonly subnets: readonly Subnet[];
  /** Service short names, e.g. `ecr.api`, `logs`, `ssm`. */
  readonly services: readonly string[];
}

/**
 * Interface endpoints with private DNS, so private subnets reach AWS APIs (ECR, CloudWatch
 * Logs, ECS, SSM) without a NAT gateway; HTTPS from inside the VPC only.
 */
export class VpcEndpoints extends Construct {
  public readonly securityGroup: SecurityGroup;
  public readonly endpoints: ReadonlyMap<string, VpcEndpoint>;

  constructor(scope: Construct, id: string, props: VpcEndpointsProps) {
    super(scope, id);
    this.securityGroup = new SecurityGroup(this, "sg", {
      name: `${props.namePrefix}-endpoints`,
      description: "HTTPS from the VPC to interface endpoints",
      vpcId: props.vpc.id,
      tags: { Name: `${props.namePrefix}-endpoints`, [FLOW_ROLE_TAG]: "endpoints" },
    });
    new VpcSecurityGroupIngressRule(this, "https", {
      securityGroupId: this.securityGroup.id,
      description: "HTTPS from the VPC",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: props.vpcCidr,
    });
    const endpoints = new Map<string, VpcEndpoint>();
    for (const service of props.services) {
      endpoints.set(
        service,
        new VpcEndpoint(this, service, {
          vpcId: props.vpc.id,
          serviceName: `com.amazonaws.${props.region}.${service}`,
          vpcEndpointType: "Interface",
          privateDnsEnabled: true,
          subnetIds: props.subnets.map((subnet) => subnet.id),
          securityGroupIds: [this.securityGroup.id],
          tags: { Name: `${props.namePrefix}-${service}` },
        }),
      );
    }
    this.endpoints = endpoints;
  }
}
