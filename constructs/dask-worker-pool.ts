import { Fn, ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { FLOW_ROLE_TAG } from "../modules/network/ports";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { EcsCapacityProvider } from "@cdktf/provider-aws/lib/ecs-capacity-provider";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsClusterCapacityProviders } from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { datasetHealthCheck, NANNY_PORTS, SCHEDULER_PORT, WORKER_ENVIRONMENT, WORKER_PORTS, workerCommand } from "../modules/compute/dask";
import { datasetMountPaths, ecsInstanceUserData, LUSTRE_MOUNT_POINT, LustreMount } from "../modules/compute/user-data";
import { ALARM_PERIOD_SECONDS, DESIRED_TASKS_METRIC, POOL_DIMENSION, SCALING_ENV, STEP_COOLDOWN_SECONDS, stepAdjustments } from "../modules/compute/scaling";
import { PoolPlan } from "../modules/config/topology";
import { datasetReadStatements, PolicyStatement, serviceTrust } from "../modules/iam";
import { poolName } from "../modules/naming";
import { LUSTRE_PORTS } from "../modules/network/ports";
import { EcsTaskRoles } from "./ecs-roles";

/** SSM parameter of the ECS-optimised Amazon Linux 2023 AMI, resolved by EC2 at launch. */
export const ECS_AMI_PARAMETER = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id";

/** Properties of a {@link DaskWorkerPool}. */
export interface DaskWorkerPoolProps {
  readonly namePrefix: string;
  readonly region: string;
  readonly vpc: Vpc;
  readonly vpcCidr: string;
  readonly subnets: readonly Subnet[];
  /** The client Region's CIDR: the scheduler and the notebook connect from there. */
  readonly clientCidr: string;
  /** Every worker Region's CIDR keyed by Region (this one included): workers exchange data directly. */
  readonly workerCidrs: Readonly<Record<string, string>>;
  /** DNS name of the scheduler, e.g. `scheduler.proximate.internal`. */
  readonly schedulerAddress: string;
  readonly imageUri: string;
  readonly repositoryArnPattern: string;
  readonly pool: PoolPlan;
  /** S3 URIs of the Region's datasets: the workers may read them and nothing else. */
  readonly datasetUris: readonly string[];
  /**
   * The Region's Lustre file system: mounted on every instance and bind-mounted read-only into
   * the workers at the same path.
   * @default none: workers read the datasets from S3
   */
  readonly lustre?: LustreMount;
  /**
   * What must exist before any host boots: the file system's data repository associations (a
   * host that finds a dataset path missing does not join the cluster).
   * @default none
   */
  readonly dataDependencies?: readonly ITerraformDependable[];
  /** @default 30 */
  readonly logRetentionDays?: number;
  /**
   * Demand scaling (`pool.scaling` "demand"): the CloudWatch namespace the scheduler publishes
   * the pool's desired task count to, and the worker preload that sets ECS task scale-in
   * protection (scripts/cluster/worker_protection.py).
   * @default none: CPU target tracking (`pool.scaling` "cpu")
   */
  readonly demandScaling?: { readonly namespace: string; readonly protectionCode: string };
}

/**
 * A Region's pool of Dask workers: an ECS cluster on EC2 capacity (Lustre cannot be mounted
 * on Fargate) from a launch template with the ECS-optimised AL2023 AMI (resolved from SSM at
 * launch, no AMI data source), IMDSv2 only and an encrypted root volume; an Auto Scaling group
 * (min 0) behind a capacity provider with managed scaling and managed termination protection;
 * and an ECS service of workers that each advertise the Region's pool resource with a quantity
 * equal to their threads.
 *
 * Scaling (`pool.scaling`): `demand` follows the desired task count the scheduler publishes to
 * CloudWatch (an alarm invoking an ExactCapacity step policy), with workers protecting their
 * ECS tasks from scale-in until the scheduler has drained them; `cpu` is the fallback target
 * tracking of average CPU. The constructor reads as the concerns it wires: security groups,
 * capacity, task definition, service, scaling.
 */
export class DaskWorkerPool extends Construct {
  public readonly cluster: EcsCluster;
  public readonly service: EcsService;
  public readonly taskDefinition: EcsTaskDefinition;
  public readonly launchTemplate: LaunchTemplate;
  public readonly autoScalingGroup: AutoscalingGroup;
  public readonly capacityProvider: EcsCapacityProvider;
  public readonly taskSecurityGroup: SecurityGroup;
  public readonly instanceSecurityGroup: SecurityGroup;
  public readonly scalingTarget: AppautoscalingTarget;
  public readonly logGroup: CloudwatchLogGroup;
  /** The container's command, as the task definition holds it. */
  public readonly command: readonly string[];
  /** The alarm on the scheduler's `DesiredTasks` metric (demand scaling only). */
  public readonly demandAlarm?: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: DaskWorkerPoolProps) {
    super(scope, id);
    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/proximate/${props.namePrefix}/workers`,
      retentionInDays: props.logRetentionDays ?? 30,
    });
    this.cluster = new EcsCluster(this, "cluster", {
      name: `${props.namePrefix}-workers`,
      setting: [{ name: "containerInsights", value: "enabled" }],
    });
    const roles = new EcsTaskRoles(this, "roles", {
      namePrefix: `${props.namePrefix}-worker`,
      logGroup: this.logGroup,
      repositoryArnPattern: props.repositoryArnPattern,
      taskStatements: [...datasetReadStatements(props.datasetUris), ...(props.demandScaling ? this.protectionStatements() : [])],
    });
    [this.taskSecurityGroup, this.instanceSecurityGroup] = this.securityGroups(props);
    const capacity = this.capacity(props);
    this.launchTemplate = capacity.launchTemplate;
    this.autoScalingGroup = capacity.autoScalingGroup;
    this.capacityProvider = capacity.capacityProvider;
    this.command = workerCommand(props.region, props.schedulerAddress, props.pool.sizing, { protectionPreload: props.demandScaling !== undefined });
    this.taskDefinition = this.workerTaskDefinition(props, roles);
    this.service = this.workerService(props, capacity.clusterCapacity);
    this.scalingTarget = new AppautoscalingTarget(this, "scaling-target", {
      serviceNamespace: "ecs",
      resourceId: `service/${this.cluster.name}/${this.service.name}`,
      scalableDimension: "ecs:service:DesiredCount",
      minCapacity: props.pool.minTasks,
      maxCapacity: props.pool.maxTasks,
    });
    if (props.demandScaling) {
      this.demandAlarm = this.demandScaling(props, props.demandScaling.namespace);
    } else {
      this.cpuScaling(props);
    }
  }

  /**
   * The worker preload sets and clears its task's scale-in protection through the ECS agent,
   * which calls ECS with the task role's credentials
   * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-scale-in-protection-endpoint.html).
   * Both actions act on the task resource `arn:aws:ecs:<region>:<account>:task/<cluster>/<id>`
   * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html).
   */
  private protectionStatements(): PolicyStatement[] {
    return [
      {
        Sid: "OwnTaskScaleInProtection",
        Effect: "Allow",
        Action: ["ecs:UpdateTaskProtection", "ecs:GetTaskProtection"],
        Resource: `${Fn.replace(this.cluster.arn, ":cluster/", ":task/")}/*`,
      },
    ];
  }

  /** Worker tasks (awsvpc: each task has its own interface) and container instances. */
  private securityGroups(props: DaskWorkerPoolProps): [SecurityGroup, SecurityGroup] {
    const taskSecurityGroup = new SecurityGroup(this, "task-sg", {
      name: `${props.namePrefix}-dask-workers`,
      description: "Dask workers: worker and nanny ports from the client and every worker Region",
      vpcId: props.vpc.id,
      tags: { Name: `${props.namePrefix}-dask-workers`, [FLOW_ROLE_TAG]: "workers" },
    });
    const peers: [string, string][] = [["client", props.clientCidr], ...Object.entries(props.workerCidrs)];
    for (const [name, cidr] of peers) {
      for (const [label, range] of [["worker", WORKER_PORTS], ["nanny", NANNY_PORTS]] as const) {
        new VpcSecurityGroupIngressRule(this, `${label}-from-${name}`, {
          securityGroupId: taskSecurityGroup.id,
          description: `Dask ${label} ports from ${name}`,
          ipProtocol: "tcp",
          fromPort: range.from,
          toPort: range.to,
          cidrIpv4: cidr,
        });
        new VpcSecurityGroupEgressRule(this, `${label}-to-${name}`, {
          securityGroupId: taskSecurityGroup.id,
          description: `Dask ${label} ports in ${name}`,
          ipProtocol: "tcp",
          fromPort: range.from,
          toPort: range.to,
          cidrIpv4: cidr,
        });
      }
    }
    new VpcSecurityGroupEgressRule(this, "to-scheduler", {
      securityGroupId: taskSecurityGroup.id,
      description: "Dask scheduler in the client Region",
      ipProtocol: "tcp",
      fromPort: SCHEDULER_PORT,
      toPort: SCHEDULER_PORT,
      cidrIpv4: props.clientCidr,
    });
    new VpcSecurityGroupEgressRule(this, "task-https", {
      securityGroupId: taskSecurityGroup.id,
      description: "HTTPS to S3 (gateway endpoint) and AWS APIs (interface endpoints)",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "0.0.0.0/0",
    });

    // Container instances: no inbound traffic at all; ECS agent, image layers and Lustre outbound.
    const instanceSecurityGroup = new SecurityGroup(this, "instance-sg", {
      name: `${props.namePrefix}-ecs-instances`,
      description: "Dask worker container instances: no inbound traffic",
      vpcId: props.vpc.id,
      tags: { Name: `${props.namePrefix}-ecs-instances`, [FLOW_ROLE_TAG]: "worker-hosts" },
    });
    new VpcSecurityGroupEgressRule(this, "instance-https", {
      securityGroupId: instanceSecurityGroup.id,
      description: "HTTPS to AWS APIs (interface endpoints) and S3 (gateway endpoint)",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "0.0.0.0/0",
    });
    LUSTRE_PORTS.forEach((range) => {
      new VpcSecurityGroupEgressRule(this, `instance-lustre-${range.from}`, {
        securityGroupId: instanceSecurityGroup.id,
        description: "FSx for Lustre in this VPC",
        ipProtocol: "tcp",
        fromPort: range.from,
        toPort: range.to,
        cidrIpv4: props.vpcCidr,
      });
    });
    return [taskSecurityGroup, instanceSecurityGroup];
  }

  /**
   * EC2 capacity: instance role and profile, launch template, an Auto Scaling group from 0
   * behind a capacity provider. Managed scaling follows the tasks ECS must place; managed
   * termination protection keeps instances that still run tasks, so hosts follow the tasks.
   */
  private capacity(props: DaskWorkerPoolProps) {
    const instanceRole = new IamRole(this, "instance-role", {
      name: `${props.namePrefix}-ecs-instance`,
      assumeRolePolicy: Fn.jsonencode(serviceTrust("ec2.amazonaws.com")),
    });
    for (const [name, arn] of [
      ["ecs", "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"],
      ["ssm", "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
    ]) {
      new IamRolePolicyAttachment(this, `instance-${name}`, { role: instanceRole.name, policyArn: arn });
    }
    const profile = new IamInstanceProfile(this, "instance-profile", { name: `${props.namePrefix}-ecs-instance`, role: instanceRole.name });
    const launchTemplate = new LaunchTemplate(this, "launch-template", {
      namePrefix: `${props.namePrefix}-workers-`,
      imageId: `resolve:ssm:${ECS_AMI_PARAMETER}`,
      instanceType: props.pool.sizing.instanceType,
      iamInstanceProfile: { arn: profile.arn },
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
      blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 40, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }],
      networkInterfaces: [{ associatePublicIpAddress: "false", deleteOnTermination: "true", securityGroups: [this.instanceSecurityGroup.id] }],
      monitoring: { enabled: true },
      userData: Fn.base64encode(
        ecsInstanceUserData(this.cluster.name, props.lustre, {
          agentReservedMemoryMiB: props.pool.sizing.agentReservedMemoryMiB,
          tasksMemoryMiB: props.pool.sizing.taskMemoryMiB * props.pool.sizing.tasksPerInstance,
        }),
      ),
      tagSpecifications: [{ resourceType: "instance", tags: { Name: `${props.namePrefix}-dask-worker-host` } }],
    });
    const autoScalingGroup = new AutoscalingGroup(this, "asg", {
      name: `${props.namePrefix}-workers`,
      minSize: props.pool.minInstances,
      maxSize: props.pool.maxInstances,
      vpcZoneIdentifier: props.subnets.map((subnet) => subnet.id),
      launchTemplate: { id: launchTemplate.id, version: "$Latest" },
      // The capacity provider's managed termination protection needs instances protected.
      protectFromScaleIn: true,
      // ...and protected instances are never terminated by lowering the capacity, so destroying the
      // group must force it: DeleteAutoScalingGroup refuses while instances remain, and the
      // provider's drain would wait out its timeout. Force-deleting terminates them with the group.
      // https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DeleteAutoScalingGroup.html
      forceDelete: true,
      tag: [{ key: "AmazonECSManaged", value: "true", propagateAtLaunch: true }],
      lifecycle: { ignoreChanges: ["desired_capacity"] },
      dependsOn: props.dataDependencies ? [...props.dataDependencies] : undefined,
    });
    const capacityProvider = new EcsCapacityProvider(this, "capacity", {
      name: `${props.namePrefix}-workers`,
      autoScalingGroupProvider: {
        autoScalingGroupArn: autoScalingGroup.arn,
        managedTerminationProtection: "ENABLED",
        managedScaling: { status: "ENABLED", targetCapacity: 100, minimumScalingStepSize: 1, maximumScalingStepSize: 4 },
      },
    });
    const clusterCapacity = new EcsClusterCapacityProviders(this, "cluster-capacity", {
      clusterName: this.cluster.name,
      capacityProviders: [capacityProvider.name],
      defaultCapacityProviderStrategy: [{ capacityProvider: capacityProvider.name, weight: 1, base: 0 }],
    });
    return { launchTemplate, autoScalingGroup, capacityProvider, clusterCapacity };
  }

  /** The worker task: the command, its environment (and preload), the read-only Lustre mount. */
  private workerTaskDefinition(props: DaskWorkerPoolProps, roles: EcsTaskRoles): EcsTaskDefinition {
    const sizing = props.pool.sizing;
    const environment: Record<string, string> = {
      ...WORKER_ENVIRONMENT,
      ...(props.demandScaling
        ? { [SCALING_ENV.protectionMinutes]: String(props.pool.protectionMinutes), [SCALING_ENV.workerCode]: props.demandScaling.protectionCode }
        : {}),
    };
    return new EcsTaskDefinition(this, "task", {
      family: `${props.namePrefix}-dask-worker`,
      requiresCompatibilities: ["EC2"],
      networkMode: "awsvpc",
      cpu: String(sizing.taskCpu),
      memory: String(sizing.taskMemoryMiB),
      executionRoleArn: roles.executionRole.arn,
      taskRoleArn: roles.taskRole.arn,
      volume: props.lustre ? [{ name: "lustre", hostPath: props.lustre.mountPoint ?? LUSTRE_MOUNT_POINT }] : undefined,
      // Plain JSON (with Terraform interpolations inside) so that readers of the synthesized stack,
      // such as the emulation, can parse the task definition without evaluating HCL.
      containerDefinitions: JSON.stringify([
        {
          name: "worker",
          image: props.imageUri,
          essential: true,
          command: this.command,
          environment: Object.entries(environment).map(([name, value]) => ({ name, value })),
          // awsvpc: every task has its own interface, so the pinned port ranges in the command
          // need no port mappings; the task security group names them.
          mountPoints: props.lustre ? [{ sourceVolume: "lustre", containerPath: props.lustre.mountPoint ?? LUSTRE_MOUNT_POINT, readOnly: true }] : [],
          healthCheck: props.lustre ? datasetHealthCheck(datasetMountPaths(props.lustre)) : undefined,
          ulimits: [{ name: "nofile", softLimit: 65536, hardLimit: 65536 }],
          stopTimeout: 60,
          logConfiguration: {
            logDriver: "awslogs",
            options: { "awslogs-group": this.logGroup.name, "awslogs-region": props.region, "awslogs-stream-prefix": "worker" },
          },
        },
      ]),
    });
  }

  /** The ECS service; its desired count belongs to Application Auto Scaling once deployed. */
  private workerService(props: DaskWorkerPoolProps, clusterCapacity: EcsClusterCapacityProviders): EcsService {
    return new EcsService(this, "service", {
      name: "dask-workers",
      cluster: this.cluster.id,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: props.pool.minTasks,
      capacityProviderStrategy: [{ capacityProvider: this.capacityProvider.name, weight: 1, base: 0 }],
      networkConfiguration: { subnets: props.subnets.map((s) => s.id), securityGroups: [this.taskSecurityGroup.id], assignPublicIp: false },
      lifecycle: { ignoreChanges: ["desired_count"] },
      dependsOn: [clusterCapacity],
    });
  }

  /**
   * Demand scaling: an alarm on the scheduler's `DesiredTasks` metric for this pool, always in
   * ALARM while data arrives (`>= 0`), invokes an ExactCapacity step policy whose steps map the
   * published count to a capacity; Auto Scaling actions repeat once a minute while the alarm
   * stays in ALARM (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-actions.html).
   * Missing data (no scheduler) leaves the alarm INSUFFICIENT_DATA: the count stays as it is.
   */
  private demandScaling(props: DaskWorkerPoolProps, namespace: string): CloudwatchMetricAlarm {
    const policy = new AppautoscalingPolicy(this, "demand-scaling", {
      name: `${props.namePrefix}-workers-demand`,
      policyType: "StepScaling",
      serviceNamespace: this.scalingTarget.serviceNamespace,
      resourceId: this.scalingTarget.resourceId,
      scalableDimension: this.scalingTarget.scalableDimension,
      stepScalingPolicyConfiguration: {
        adjustmentType: "ExactCapacity",
        cooldown: STEP_COOLDOWN_SECONDS,
        metricAggregationType: "Maximum",
        stepAdjustment: stepAdjustments(props.pool.maxTasks).map((step) => ({
          metricIntervalLowerBound: String(step.metricIntervalLowerBound),
          metricIntervalUpperBound: step.metricIntervalUpperBound === undefined ? undefined : String(step.metricIntervalUpperBound),
          scalingAdjustment: step.scalingAdjustment,
        })),
      },
    });
    return new CloudwatchMetricAlarm(this, "demand-alarm", {
      alarmName: `${props.namePrefix}-workers-demand`,
      alarmDescription: `Sets the ${poolName(props.region)} worker service to the task count the Dask scheduler publishes`,
      namespace,
      metricName: DESIRED_TASKS_METRIC,
      dimensions: { [POOL_DIMENSION]: poolName(props.region) },
      statistic: "Maximum",
      period: ALARM_PERIOD_SECONDS,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "missing",
      alarmActions: [policy.arn],
    });
  }

  /** Fallback (`pool.scaling` "cpu"): target tracking of the service's average CPU. */
  private cpuScaling(props: DaskWorkerPoolProps): void {
    new AppautoscalingPolicy(this, "cpu-scaling", {
      name: `${props.namePrefix}-workers-cpu`,
      policyType: "TargetTrackingScaling",
      serviceNamespace: this.scalingTarget.serviceNamespace,
      resourceId: this.scalingTarget.resourceId,
      scalableDimension: this.scalingTarget.scalableDimension,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: props.pool.cpuTargetPercent,
        scaleInCooldown: props.pool.scaleInCooldownSeconds,
        scaleOutCooldown: props.pool.scaleOutCooldownSeconds,
        predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
      },
    });
  }
}
