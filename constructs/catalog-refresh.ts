import { Fn } from "cdktf";
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { KmsKeyPolicy } from "@cdktf/provider-aws/lib/kms-key-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaInvocation } from "@cdktf/provider-aws/lib/lambda-invocation";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { NIGHTLY_SCHEDULE, refreshDefinition, SCHEDULE_TIMEZONE, type IndexerTarget } from "../modules/catalog-pipeline";
import type { RefreshSizing } from "../modules/catalog/sizing";
import { policy, serviceTrust, type PolicyStatement } from "../modules/iam";
import type { CatalogIndexerTask } from "./catalog-indexer-task";
import { suppress } from "./guardrails";

/** Properties of a {@link CatalogRefresh}. */
export interface CatalogRefreshProps {
  readonly namePrefix: string;
  readonly region: string;
  readonly fileSystemId: string;
  readonly fileSystemArn: string;
  /** The account that owns the file system (its data repository tasks are `arn:aws:fsx:<region>:<account>:task/<id>`). */
  readonly fileSystemOwnerId: string;
  /** Data repository paths (`s3://...`) of the file system's associations: what the import task imports. */
  readonly repositoryPaths: readonly string[];
  readonly indexer: LambdaFunction;
  /** The indexer's role (allowed to start this pipeline once after deployment). */
  readonly indexerRole: IamRole;
  readonly indexerEvent: Readonly<Record<string, unknown>>;
  /** Runner and timeouts, sized from the Region's datasets (`sizeRefresh`). */
  readonly sizing: RefreshSizing;
  /** The indexer's Fargate task: required when `sizing.runner` is `fargate`. */
  readonly task?: CatalogIndexerTask;
  /**
   * Email subscribed to the failure topic.
   * @default none: subscribe to the topic yourself
   */
  readonly alarmEmail?: string;
  /** @default 30 */
  readonly logRetentionDays?: number;
}

/**
 * The Region's nightly pipeline: an EventBridge Scheduler schedule at 00:00 UTC starts a Step
 * Functions state machine that imports the datasets' metadata into Lustre, polls the import,
 * and rebuilds the Region's catalog; failed or timed-out runs raise a CloudWatch alarm to an
 * encrypted SNS topic. Right after deployment the indexer is invoked once to start the same
 * pipeline, so the first catalog does not wait for midnight.
 */
export class CatalogRefresh extends Construct {
  public readonly stateMachine: SfnStateMachine;
  public readonly schedule: SchedulerSchedule;
  public readonly topic: SnsTopic;
  /** The customer managed key of the failure topic (CloudWatch alarms may use it, nothing else outside the account). */
  public readonly topicKey: KmsKey;
  public readonly alarms: readonly CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: CatalogRefreshProps) {
    super(scope, id);
    const machineRole = new IamRole(this, "machine-role", {
      name: `${props.namePrefix}-catalog-refresh`,
      assumeRolePolicy: Fn.jsonencode(serviceTrust("states.amazonaws.com")),
    });
    const logs = new CloudwatchLogGroup(this, "logs", {
      // Step Functions adds each logging log group to the account's CloudWatch Logs resource
      // policy, which is limited to 5120 characters per Region; names under /aws/vendedlogs/ are
      // covered by one wildcard and do not grow it (every topology and state machine of the
      // account shares that policy).
      // https://docs.aws.amazon.com/step-functions/latest/dg/bp-cwl.html
      name: `/aws/vendedlogs/states/${props.namePrefix}-catalog-refresh`,
      retentionInDays: props.logRetentionDays ?? 30,
    });
    const runner = indexerRunner(props);
    const machinePolicy = new IamRolePolicy(this, "machine-policy", {
      role: machineRole.id,
      name: "import-and-index",
      policy: Fn.jsonencode(
        policy(
          {
            Sid: "StartImport",
            Effect: "Allow",
            Action: ["fsx:CreateDataRepositoryTask"],
            // The action requires both resource types, the file system and the task it creates:
            // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonfsx.html
            Resource: [props.fileSystemArn, `arn:aws:fsx:${props.region}:${props.fileSystemOwnerId}:task/*`],
          },
          // DescribeDataRepositoryTasks has no resource-level permissions: AWS accepts only "*".
          { Sid: "PollImport", Effect: "Allow", Action: ["fsx:DescribeDataRepositoryTasks"], Resource: "*" },
          ...runner.statements,
          {
            Sid: "ExecutionLogs",
            Effect: "Allow",
            // CloudWatch Logs delivery for Step Functions is configured account-wide: AWS accepts only "*".
            Action: ["logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"],
            Resource: "*",
          },
        ),
      ),
    });
    suppress(
      machinePolicy,
      "IAM-NO-WILDCARD-RESOURCE",
      'CloudWatch Logs delivery for Step Functions (logs:CreateLogDelivery, UpdateLogDelivery, DeleteLogDelivery, PutResourcePolicy, ...) is account-wide: AWS accepts only Resource "*"',
    );
    this.stateMachine = new SfnStateMachine(this, "Default", {
      name: `${props.namePrefix}-catalog-refresh`,
      roleArn: machineRole.arn,
      definition: Fn.jsonencode(
        refreshDefinition({
          fileSystemId: props.fileSystemId,
          repositoryPaths: props.repositoryPaths,
          indexer: runner.target,
          pollSeconds: props.sizing.pollSeconds,
          indexerTimeoutSeconds: props.sizing.runnerSeconds,
          indexerAttempts: props.sizing.runnerAttempts,
          timeoutSeconds: props.sizing.pipelineSeconds,
        }),
      ),
      loggingConfiguration: { logDestination: `${logs.arn}:*`, includeExecutionData: false, level: "ERROR" },
      // CreateStateMachine with logging checks that the role may deliver logs ("The state machine
      // IAM Role is not authorized to access the Log Destination"): create it after the policy.
      // https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html#cloudwatch-iam-policy
      dependsOn: [machinePolicy],
    });

    // Its own ARN: a policy of its own, so that the state machine (whose creation checks the log
    // delivery grants above) never waits for it.
    const ownRunsPolicy = new IamRolePolicy(this, "machine-own-runs", {
      role: machineRole.id,
      name: "list-own-runs",
      policy: Fn.jsonencode(policy({ Sid: "ListOwnRuns", Effect: "Allow", Action: ["states:ListExecutions"], Resource: this.stateMachine.arn })),
    });

    const schedulerRole = new IamRole(this, "schedule-role", {
      name: `${props.namePrefix}-catalog-schedule`,
      assumeRolePolicy: Fn.jsonencode(serviceTrust("scheduler.amazonaws.com")),
    });
    const schedulePolicy = new IamRolePolicy(this, "schedule-policy", {
      role: schedulerRole.id,
      name: "start-refresh",
      policy: Fn.jsonencode(policy({ Effect: "Allow", Action: ["states:StartExecution"], Resource: this.stateMachine.arn })),
    });
    this.schedule = new SchedulerSchedule(this, "nightly", {
      name: `${props.namePrefix}-catalog-nightly`,
      description: "Nightly 00:00 UTC metadata import and catalog rebuild",
      scheduleExpression: NIGHTLY_SCHEDULE,
      scheduleExpressionTimezone: SCHEDULE_TIMEZONE,
      flexibleTimeWindow: { mode: "OFF" },
      target: { arn: this.stateMachine.arn, roleArn: schedulerRole.arn, input: "{}", retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 } },
      dependsOn: [schedulePolicy],
    });

    // CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key alias/aws/sns
    // (its key policy cannot be edited to admit cloudwatch.amazonaws.com): the topic gets a
    // customer managed key whose policy admits the alarms.
    // https://repost.aws/knowledge-center/cloudwatch-configure-alarm-sns
    // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
    this.topicKey = new KmsKey(this, "failures-key", {
      description: `${props.namePrefix} catalog refresh failure notifications`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    });
    this.topic = new SnsTopic(this, "failures", { name: `${props.namePrefix}-catalog-refresh-failures`, kmsMasterKeyId: this.topicKey.arn });
    if (props.alarmEmail !== undefined) {
      new SnsTopicSubscription(this, "email", { topicArn: this.topic.arn, protocol: "email", endpoint: props.alarmEmail });
    }
    this.alarms = (["ExecutionsFailed", "ExecutionsTimedOut"] as const).map(
      (metric) =>
        new CloudwatchMetricAlarm(this, `alarm-${metric.toLowerCase()}`, {
          alarmName: `${props.namePrefix}-catalog-refresh-${metric === "ExecutionsFailed" ? "failed" : "timed-out"}`,
          alarmDescription: `The nightly catalog refresh of ${props.region} did not complete (${metric}); yesterday's catalog is still served`,
          namespace: "AWS/States",
          metricName: metric,
          dimensions: { StateMachineArn: this.stateMachine.arn },
          statistic: "Sum",
          period: 3600,
          evaluationPeriods: 1,
          threshold: 1,
          comparisonOperator: "GreaterThanOrEqualToThreshold",
          treatMissingData: "notBreaching",
          alarmActions: [this.topic.arn],
        }),
    );
    // The account that owns the topic (no account lookup at plan time); the alarms act as
    // cloudwatch.amazonaws.com with these alarms as aws:SourceArn and this account as aws:SourceAccount.
    const account = this.topic.owner;
    const fromTheseAlarms = {
      StringEquals: { "aws:SourceAccount": account },
      ArnEquals: { "aws:SourceArn": this.alarms.map((alarm) => alarm.arn) },
    };
    new KmsKeyPolicy(this, "failures-key-policy", {
      keyId: this.topicKey.id,
      policy: Fn.jsonencode(
        policy(
          {
            // The default key policy statement: the account administers the key through IAM policies.
            // https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
            Sid: "AccountAdministersKey",
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${account}:root` },
            Action: ["kms:*"],
            Resource: "*",
          },
          {
            Sid: "AlarmsEncryptNotifications",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resource: "*",
            Condition: fromTheseAlarms,
          },
        ),
      ),
    });
    // The topic policy replaces SNS's default one: the alarms may publish, nothing else from
    // outside the account's IAM policies may.
    // https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger
    new SnsTopicPolicy(this, "failures-policy", {
      arn: this.topic.arn,
      policy: Fn.jsonencode(
        policy({
          Sid: "AlarmsPublish",
          Effect: "Allow",
          Principal: { Service: "cloudwatch.amazonaws.com" },
          Action: ["sns:Publish"],
          Resource: this.topic.arn,
          Condition: fromTheseAlarms,
        }),
      ),
    });

    const startPolicy = new IamRolePolicy(this, "indexer-starts-pipeline", {
      role: props.indexerRole.id,
      name: "start-first-refresh",
      policy: Fn.jsonencode(policy({ Effect: "Allow", Action: ["states:StartExecution"], Resource: this.stateMachine.arn })),
    });
    // Runs once when the pipeline is created (and again if it is replaced), after every policy the
    // run needs: the indexer's right to start the pipeline, the pipeline's own role policies, and
    // those the Fargate task adds to the indexer's role (the indexer function waits for its own). IAM is eventually consistent even after
    // these exist, so the start-pipeline action also retries AccessDenied for a bounded time.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency
    new LambdaInvocation(this, "first-run", {
      functionName: props.indexer.functionName,
      input: Fn.jsonencode({ action: "start-pipeline", stateMachineArn: this.stateMachine.arn }),
      triggers: { stateMachine: this.stateMachine.arn },
      dependsOn: [startPolicy, machinePolicy, ownRunsPolicy, ...(props.task?.rolePolicies ?? [])],
    });
  }
}

/**
 * What the state machine runs the indexer on, and the statements its role needs for it. For a
 * Fargate task with `.sync`, Step Functions runs, describes and stops the task and manages the
 * EventBridge rule it learns of the task's end from, and passes the task's two roles to ECS
 * (https://docs.aws.amazon.com/step-functions/latest/dg/ecs-iam.html).
 */
function indexerRunner(props: CatalogRefreshProps): { target: IndexerTarget; statements: PolicyStatement[] } {
  if (props.sizing.runner === "lambda") {
    return {
      target: { kind: "lambda", functionArn: props.indexer.arn, event: props.indexerEvent },
      // The machine invokes the unqualified function ARN, which IAM authorizes against that ARN
      // alone; a version or alias (`<arn>:*`) is never called, so it is not granted.
      // https://docs.aws.amazon.com/step-functions/latest/dg/lambda-iam.html
      statements: [{ Sid: "RefreshCatalog", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [props.indexer.arn] }],
    };
  }
  const task = props.task;
  if (task === undefined) {
    throw new Error(`CatalogRefresh ${props.region}: the Fargate runner needs the indexer task`);
  }
  // arn:aws:ecs:<region>:<account>:cluster/<name> -> ...:task/<name>/* and the account for the rule's ARN.
  const tasks = `${Fn.replace(task.cluster.arn, ":cluster/", ":task/")}/*`;
  const account = Fn.element(Fn.split(":", task.cluster.arn), 4);
  return {
    target: {
      kind: "fargate",
      clusterArn: task.cluster.arn,
      taskDefinitionArn: task.taskDefinition.arn,
      subnetIds: task.subnetIds,
      securityGroupIds: task.securityGroupIds,
      containerName: task.containerName,
    },
    statements: [
      {
        Sid: "RunIndexerTask",
        Effect: "Allow",
        Action: ["ecs:RunTask"],
        Resource: `${task.taskDefinition.arnWithoutRevision}:*`,
        Condition: { ArnEquals: { "ecs:cluster": task.cluster.arn } },
      },
      { Sid: "WatchIndexerTask", Effect: "Allow", Action: ["ecs:DescribeTasks", "ecs:StopTask"], Resource: tasks },
      {
        Sid: "TaskEndEvents",
        Effect: "Allow",
        Action: ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
        Resource: `arn:aws:events:${props.region}:${account}:rule/StepFunctionsGetEventsForECSTaskRule`,
      },
      {
        Sid: "PassTaskRoles",
        Effect: "Allow",
        Action: ["iam:PassRole"],
        Resource: [task.executionRole.arn, task.taskRole.arn],
        Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
      },
    ],
  };
}
