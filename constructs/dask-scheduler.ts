import { Construct } from "constructs";
import { FLOW_ROLE_TAG } from "../modules/network/ports";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { ServiceDiscoveryService } from "@cdktf/provider-aws/lib/service-discovery-service";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { DASHBOARD_PORT, NANNY_PORTS, SCHEDULER_ENVIRONMENT, SCHEDULER_PORT, schedulerCommand, WORKER_PORTS } from "../modules/compute/dask";
import { SCALING_ENV, SchedulerScalingSettings } from "../modules/compute/scaling";
import { suppress } from "./guardrails/suppress";
import { DashboardLoadBalancer } from "./dashboard-load-balancer";
import { EcsTaskRoles } from "./ecs-roles";

/** Properties of a {@link DaskScheduler}. */
export interface DaskSchedulerProps {
  readonly namePrefix: string;
  readonly region: string;
  readonly vpc: Vpc;
  readonly subnets: readonly Subnet[];
  /** The client Region's CIDR (the notebook connects from there). */
  readonly clientCidr: string;
  /** Worker Regions' CIDRs keyed by Region: workers connect to 8786 and the scheduler to their ports. */
  readonly workerCidrs: Readonly<Record<string, string>>;
  /** Cloud Map namespace id; the scheduler registers as `scheduler.<namespace>`. */
  readonly namespaceId: string;
  readonly imageUri: string;
  readonly repositoryArnPattern: string;
  /** Fargate CPU units. @default 1024 */
  readonly cpu?: number;
  /** Fargate memory, MiB. @default 4096 */
  readonly memoryMiB?: number;
  /** The dashboard's load balancer: the only source allowed to reach 8787. */
  readonly dashboard: DashboardLoadBalancer;
  /** @default 30 */
  readonly logRetentionDays?: number;
  /**
   * Demand scaling of the worker pools: the settings and source of the scheduler's scaling
   * preload (scripts/cluster/scheduler_scaling.py), which publishes each pool's desired task
   * count to CloudWatch in the pool's Region.
   * @default none: no pool scales on demand (the scheduler runs plain `dask scheduler`)
   */
  readonly scaling?: { readonly settings: SchedulerScalingSettings; readonly code: string };
}

/**
 * The Dask scheduler as a Fargate service of one task: `dask scheduler` on 8786 with the
 * dashboard on 8787, registered in Cloud Map as `scheduler.<namespace>` (resolvable in every
 * Region) and behind the dashboard load balancer. Security groups name each flow: 8786 from
 * the client and every worker CIDR, 8787 only from the load balancer.
 */
export class DaskScheduler extends Construct {
  public readonly cluster: EcsCluster;
  public readonly service: EcsService;
  public readonly taskDefinition: EcsTaskDefinition;
  public readonly securityGroup: SecurityGroup;
  public readonly discovery: ServiceDiscoveryService;
  public readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: DaskSchedulerProps) {
    super(scope, id);
    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/proximate/${props.namePrefix}/scheduler`,
      retentionInDays: props.logRetentionDays ?? 30,
    });
    const roles = new EcsTaskRoles(this, "roles", {
      namePrefix: `${props.namePrefix}-scheduler`,
      logGroup: this.logGroup,
      repositoryArnPattern: props.repositoryArnPattern,
      // PutMetricData has no resource-level permissions; the namespace condition is its scope:
      // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/iam-cw-condition-keys-namespace.html
      taskStatements: props.scaling
        ? [
            {
              Sid: "PublishPoolDemand",
              Effect: "Allow",
              Action: ["cloudwatch:PutMetricData"],
              Resource: "*",
              Condition: { StringEquals: { "cloudwatch:namespace": props.scaling.settings.namespace } },
            },
          ]
        : undefined,
    });
    if (props.scaling) {
      suppress(
        roles,
        "IAM-NO-WILDCARD-RESOURCE",
        `cloudwatch:PutMetricData acts on no resource type: AWS accepts only Resource "*"; the condition cloudwatch:namespace = ${props.scaling.settings.namespace} limits it to the pools' metrics`,
      );
    }
    const environment: Record<string, string> = {
      ...SCHEDULER_ENVIRONMENT,
      ...(props.scaling ? { [SCALING_ENV.settings]: JSON.stringify(props.scaling.settings), [SCALING_ENV.schedulerCode]: props.scaling.code } : {}),
    };

    this.securityGroup = new SecurityGroup(this, "sg", {
      name: `${props.namePrefix}-scheduler`,
      description: "Dask scheduler: 8786 from the topology, 8787 from the dashboard load balancer",
      vpcId: props.vpc.id,
      tags: { Name: `${props.namePrefix}-scheduler`, [FLOW_ROLE_TAG]: "scheduler" },
    });
    const sources: [string, string][] = [["client", props.clientCidr], ...Object.entries(props.workerCidrs)];
    for (const [name, cidr] of sources) {
      new VpcSecurityGroupIngressRule(this, `scheduler-from-${name}`, {
        securityGroupId: this.securityGroup.id,
        description: `Dask scheduler from ${name}`,
        ipProtocol: "tcp",
        fromPort: SCHEDULER_PORT,
        toPort: SCHEDULER_PORT,
        cidrIpv4: cidr,
      });
      new VpcSecurityGroupEgressRule(this, `workers-in-${name}`, {
        securityGroupId: this.securityGroup.id,
        description: `Dask worker ports in ${name}`,
        ipProtocol: "tcp",
        fromPort: WORKER_PORTS.from,
        toPort: WORKER_PORTS.to,
        cidrIpv4: cidr,
      });
      new VpcSecurityGroupEgressRule(this, `nannies-in-${name}`, {
        securityGroupId: this.securityGroup.id,
        description: `Dask nanny ports in ${name}`,
        ipProtocol: "tcp",
        fromPort: NANNY_PORTS.from,
        toPort: NANNY_PORTS.to,
        cidrIpv4: cidr,
      });
    }
    new VpcSecurityGroupIngressRule(this, "dashboard-from-lb", {
      securityGroupId: this.securityGroup.id,
      description: "Dask dashboard from its load balancer only",
      ipProtocol: "tcp",
      fromPort: DASHBOARD_PORT,
      toPort: DASHBOARD_PORT,
      referencedSecurityGroupId: props.dashboard.securityGroup.id,
    });
    new VpcSecurityGroupEgressRule(this, "https", {
      securityGroupId: this.securityGroup.id,
      description: "HTTPS to AWS APIs (ECR, CloudWatch Logs) through endpoints or NAT",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "0.0.0.0/0",
    });

    this.cluster = new EcsCluster(this, "cluster", {
      name: `${props.namePrefix}-scheduler`,
      setting: [{ name: "containerInsights", value: "enabled" }],
    });
    this.taskDefinition = new EcsTaskDefinition(this, "task", {
      family: `${props.namePrefix}-scheduler`,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: String(props.cpu ?? 1024),
      memory: String(props.memoryMiB ?? 4096),
      executionRoleArn: roles.executionRole.arn,
      taskRoleArn: roles.taskRole.arn,
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      // Plain JSON (with Terraform interpolations inside) so that readers of the synthesized stack,
      // such as the emulation, can parse the task definition without evaluating HCL.
      containerDefinitions: JSON.stringify([
        {
          name: "scheduler",
          image: props.imageUri,
          essential: true,
          command: schedulerCommand({ scalingPreload: props.scaling !== undefined }),
          environment: Object.entries(environment).map(([name, value]) => ({ name, value })),
          portMappings: [
            { containerPort: SCHEDULER_PORT, protocol: "tcp" },
            { containerPort: DASHBOARD_PORT, protocol: "tcp" },
          ],
          logConfiguration: {
            logDriver: "awslogs",
            options: { "awslogs-group": this.logGroup.name, "awslogs-region": props.region, "awslogs-stream-prefix": "scheduler" },
          },
        },
      ]),
    });
    this.discovery = new ServiceDiscoveryService(this, "discovery", {
      name: "scheduler",
      dnsConfig: { namespaceId: props.namespaceId, dnsRecords: [{ type: "A", ttl: 10 }], routingPolicy: "MULTIVALUE" },
      healthCheckCustomConfig: { failureThreshold: 1 },
    });
    this.service = new EcsService(this, "service", {
      name: "dask-scheduler",
      cluster: this.cluster.id,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: 1,
      launchType: "FARGATE",
      // One scheduler at a time: stop the old task before starting its replacement.
      deploymentMinimumHealthyPercent: 0,
      deploymentMaximumPercent: 100,
      healthCheckGracePeriodSeconds: 120,
      networkConfiguration: { subnets: props.subnets.map((s) => s.id), securityGroups: [this.securityGroup.id], assignPublicIp: false },
      serviceRegistries: { registryArn: this.discovery.arn },
      loadBalancer: [{ targetGroupArn: props.dashboard.targetGroup.arn, containerName: "scheduler", containerPort: DASHBOARD_PORT }],
      dependsOn: [props.dashboard.listener],
    });
  }
}
