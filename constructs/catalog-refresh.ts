import { Fn } from "cdktf";
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaInvocation } from "@cdktf/provider-aws/lib/lambda-invocation";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { NIGHTLY_SCHEDULE, refreshDefinition, SCHEDULE_TIMEZONE } from "../modules/catalog-pipeline";
import { policy, serviceTrust } from "../modules/iam";
import { suppress } from "./guardrails";

/** Properties of a {@link CatalogRefresh}. */
export interface CatalogRefreshProps {
  readonly namePrefix: string;
  readonly region: string;
  readonly fileSystemId: string;
  readonly fileSystemArn: string;
  readonly paths: readonly string[];
  readonly indexer: LambdaFunction;
  /** The indexer's role (allowed to start this pipeline once after deployment). */
  readonly indexerRole: IamRole;
  readonly indexerEvent: Readonly<Record<string, unknown>>;
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
  public readonly alarms: readonly CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: CatalogRefreshProps) {
    super(scope, id);
    const machineRole = new IamRole(this, "machine-role", {
      name: `${props.namePrefix}-catalog-refresh`,
      assumeRolePolicy: Fn.jsonencode(serviceTrust("states.amazonaws.com")),
    });
    const logs = new CloudwatchLogGroup(this, "logs", {
      name: `/proximate/${props.namePrefix}/catalog-refresh`,
      retentionInDays: props.logRetentionDays ?? 30,
    });
    const machinePolicy = new IamRolePolicy(this, "machine-policy", {
      role: machineRole.id,
      name: "import-and-index",
      policy: Fn.jsonencode(
        policy(
          // CreateDataRepositoryTask authorizes the file system AND the task it creates (both
          // required resource types: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonfsx.html).
          // The task's id is AWS's and the account is not known at synth time: any task of the Region.
          { Sid: "StartImport", Effect: "Allow", Action: ["fsx:CreateDataRepositoryTask"], Resource: [props.fileSystemArn, `arn:aws:fsx:${props.region}:*:task/*`] },
          // DescribeDataRepositoryTasks has no resource-level permissions: AWS accepts only "*".
          { Sid: "PollImport", Effect: "Allow", Action: ["fsx:DescribeDataRepositoryTasks"], Resource: "*" },
          { Sid: "RefreshCatalog", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [props.indexer.arn, `${props.indexer.arn}:*`] },
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
        refreshDefinition({ fileSystemId: props.fileSystemId, paths: props.paths, indexerArn: props.indexer.arn, indexerEvent: props.indexerEvent }),
      ),
      loggingConfiguration: { logDestination: `${logs.arn}:*`, includeExecutionData: false, level: "ERROR" },
    });

    const schedulerRole = new IamRole(this, "schedule-role", {
      name: `${props.namePrefix}-catalog-schedule`,
      assumeRolePolicy: Fn.jsonencode(serviceTrust("scheduler.amazonaws.com")),
    });
    new IamRolePolicy(this, "schedule-policy", {
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
    });

    this.topic = new SnsTopic(this, "failures", { name: `${props.namePrefix}-catalog-refresh-failures`, kmsMasterKeyId: "alias/aws/sns" });
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

    const startPolicy = new IamRolePolicy(this, "indexer-starts-pipeline", {
      role: props.indexerRole.id,
      name: "start-first-refresh",
      policy: Fn.jsonencode(policy({ Effect: "Allow", Action: ["states:StartExecution"], Resource: this.stateMachine.arn })),
    });
    // Runs once when the pipeline is created (and again if it is replaced).
    new LambdaInvocation(this, "first-run", {
      functionName: props.indexer.functionName,
      input: Fn.jsonencode({ action: "start-pipeline", stateMachineArn: this.stateMachine.arn }),
      triggers: { stateMachine: this.stateMachine.arn },
      dependsOn: [startPolicy],
    });
  }
}
