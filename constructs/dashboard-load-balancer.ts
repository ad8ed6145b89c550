import { Construct } from "constructs";
import { FLOW_ROLE_TAG } from "../modules/network/ports";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { DASHBOARD_PORT } from "../modules/compute/dask";
import { elbLogDeliveryPrincipal } from "../modules/network/elb-log-delivery";
import { fitName } from "../modules/naming";
import { SecureBucket } from "./secure-bucket";

/** Properties of a {@link DashboardLoadBalancer}. */
export interface DashboardLoadBalancerProps {
  readonly namePrefix: string;
  readonly region: string;
  readonly vpc: Vpc;
  readonly vpcCidr: string;
  /** Subnets of an internal load balancer (private) or a public one (public). */
  readonly subnets: readonly Subnet[];
  /** CIDRs allowed to open the dashboard (an internal load balancer). */
  readonly allowedCidrs: readonly string[];
  /**
   * Internet-facing, HTTPS only on 443 with `certificateArn`.
   * @default false: internal, HTTP on 80, reachable from `allowedCidrs` only
   */
  readonly public?: boolean;
  /** ACM certificate of the HTTPS listener (required when public). */
  readonly certificateArn?: string;
}

/**
 * The Dask dashboard's Application Load Balancer: internal by default, health-checked on the
 * dashboard's `/health` endpoint, access logs in an encrypted bucket that only the Region's
 * log delivery principal may write to. The scheduler registers its task in `targetGroup`.
 */
export class DashboardLoadBalancer extends Construct {
  public readonly loadBalancer: Lb;
  public readonly targetGroup: LbTargetGroup;
  public readonly securityGroup: SecurityGroup;
  public readonly listener: LbListener;
  public readonly accessLogs: SecureBucket;

  constructor(scope: Construct, id: string, props: DashboardLoadBalancerProps) {
    super(scope, id);
    const isPublic = props.public ?? false;
    if (isPublic && props.certificateArn === undefined) {
      throw new Error(`DashboardLoadBalancer ${id}: a public dashboard needs certificateArn (HTTPS only)`);
    }
    this.accessLogs = new SecureBucket(this, "access-logs", {
      // S3 bucket_prefix: at most 37 characters (63 less Terraform's 26-character suffix).
      bucketPrefix: fitName(props.namePrefix, "dash-logs-", 37),
      // Only access logs (and the test object Elastic Load Balancing writes when logging is
      // enabled): destroyed with the stack.
      // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
      forceDestroy: true,
      extraPolicyStatements: (bucketArn) => [
        {
          Sid: "LoadBalancerAccessLogs",
          Effect: "Allow",
          Principal: elbLogDeliveryPrincipal(props.region),
          Action: "s3:PutObject",
          Resource: `${bucketArn}/dashboard/AWSLogs/*`,
        },
      ],
    });
    this.securityGroup = new SecurityGroup(this, "sg", {
      name: `${props.namePrefix}-dashboard-lb`,
      description: "Dask dashboard load balancer",
      vpcId: props.vpc.id,
      tags: { Name: `${props.namePrefix}-dashboard-lb`, [FLOW_ROLE_TAG]: "dashboard-lb" },
    });
    const listenerPort = isPublic ? 443 : 80;
    const sources = isPublic ? ["0.0.0.0/0"] : props.allowedCidrs;
    sources.forEach((cidr) => {
      new VpcSecurityGroupIngressRule(this, `from-${cidr.replace(/[./]/g, "-")}`, {
        securityGroupId: this.securityGroup.id,
        description: isPublic ? "HTTPS to the public dashboard" : "Dashboard from inside the network",
        ipProtocol: "tcp",
        fromPort: listenerPort,
        toPort: listenerPort,
        cidrIpv4: cidr,
      });
    });
    new VpcSecurityGroupEgressRule(this, "to-dashboard", {
      securityGroupId: this.securityGroup.id,
      // No apostrophe: EC2 rule descriptions allow only a-z A-Z 0-9 spaces ._-:/()#,@[]+=;{}!$*
      // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html).
      description: "To the dashboard of the scheduler",
      ipProtocol: "tcp",
      fromPort: DASHBOARD_PORT,
      toPort: DASHBOARD_PORT,
      cidrIpv4: props.vpcCidr,
    });
    this.loadBalancer = new Lb(this, "Default", {
      // At most 32 characters, not ending with a hyphen (CreateLoadBalancer Name).
      name: fitName(props.namePrefix, "dash", 32),
      loadBalancerType: "application",
      internal: !isPublic,
      subnets: props.subnets.map((subnet) => subnet.id),
      securityGroups: [this.securityGroup.id],
      dropInvalidHeaderFields: true,
      accessLogs: { bucket: this.accessLogs.bucket.id, prefix: "dashboard", enabled: true },
      dependsOn: [this.accessLogs.policy],
    });
    this.targetGroup = new LbTargetGroup(this, "target", {
      name: fitName(props.namePrefix, "dash", 32),
      port: DASHBOARD_PORT,
      protocol: "HTTP",
      targetType: "ip",
      vpcId: props.vpc.id,
      healthCheck: { path: "/health", port: String(DASHBOARD_PORT), protocol: "HTTP", matcher: "200", interval: 30, healthyThreshold: 2, unhealthyThreshold: 3 },
    });
    this.listener = new LbListener(this, "listener", {
      loadBalancerArn: this.loadBalancer.arn,
      port: listenerPort,
      protocol: isPublic ? "HTTPS" : "HTTP",
      sslPolicy: isPublic ? "ELBSecurityPolicy-TLS13-1-2-2021-06" : undefined,
      certificateArn: isPublic ? props.certificateArn : undefined,
      defaultAction: [{ type: "forward", targetGroupArn: this.targetGroup.arn }],
    });
  }
}
