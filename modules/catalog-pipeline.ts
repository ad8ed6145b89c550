/**
 * The nightly refresh of one worker Region, as an Amazon States Language definition (plain
 * data; values may be Terraform tokens): import the datasets' metadata into Lustre from S3,
 * poll until the import ends (FSx emits no completion event), then rebuild the Region's catalog
 * on the runner the datasets need (Lambda or a Fargate task). Timeouts and the poll interval
 * come from `sizeRefresh` (modules/catalog/sizing.ts).
 */

/**
 * Where the indexer runs (see modules/catalog/sizing.ts): the Lambda function, invoked with the
 * Region's event, or an ECS Fargate task, started and awaited (`ecs:runTask.sync`).
 */
export type IndexerTarget =
  | {
      readonly kind: "lambda";
      readonly functionArn: string;
      /** The indexer's event: `{ region, mount, datasets }`. */
      readonly event: Readonly<Record<string, unknown>>;
    }
  | {
      readonly kind: "fargate";
      readonly clusterArn: string;
      readonly taskDefinitionArn: string;
      readonly subnetIds: readonly string[];
      readonly securityGroupIds: readonly string[];
      /** The container whose exit code is the run's outcome. */
      readonly containerName: string;
    };

/** Inputs of {@link refreshDefinition}. */
export interface RefreshDefinitionInput {
  readonly fileSystemId: string;
  /**
   * Data repository paths (`s3://bucket[/prefix]`) of the Region's data repository associations:
   * the S3 side, not the file system side. For `IMPORT_METADATA_FROM_REPOSITORY` tasks,
   * CreateDataRepositoryTask takes "paths in the Amazon S3 bucket [...] in the format
   * s3://bucket-name/prefix"; a file system path such as `/era5` fails the task.
   * https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateDataRepositoryTask.html
   */
  readonly repositoryPaths: readonly string[];
  readonly indexer: IndexerTarget;
  /** @default 60 */
  readonly pollSeconds?: number;
  /** Timeout of one indexer run. @default 960 (Lambda's 900 s and a minute) */
  readonly indexerTimeoutSeconds?: number;
  /** Indexer runs at most: the first and its retries after a task failure. @default 3 */
  readonly indexerAttempts?: number;
  /** @default 4 hours */
  readonly timeoutSeconds?: number;
}

const API_RETRY = {
  ErrorEquals: ["States.TaskFailed", "Fsx.InternalServerErrorException", "Fsx.ServiceLimitExceededException"],
  IntervalSeconds: 30,
  BackoffRate: 2,
  MaxAttempts: 5,
};

/** CreateDataRepositoryTask takes at most 100 paths (botocore `DataRepositoryTaskPaths`, max 100). */
export const MAX_TASK_PATHS = 100;

const S3_PATH = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/;

/** The import task's `Paths`, checked: S3 URIs only (tokens pass through), 1 to 100 of them. */
function checkedRepositoryPaths(paths: readonly string[]): readonly string[] {
  if (paths.length < 1 || paths.length > MAX_TASK_PATHS) {
    throw new Error(`repositoryPaths: got ${paths.length} paths; allowed: 1 to ${MAX_TASK_PATHS} (CreateDataRepositoryTask Paths)`);
  }
  for (const path of paths) {
    if (!path.includes("${") && !S3_PATH.test(path)) {
      throw new Error(`repositoryPaths: got "${path}": is not an S3 path; allowed: s3://bucket-name[/prefix], the data repository path of an association (import tasks take S3 paths)`);
    }
  }
  return paths;
}

/** The state machine definition of the Region's nightly import and catalog refresh. */
export function refreshDefinition(input: RefreshDefinitionInput): Record<string, unknown> {
  return {
    Comment: "Import S3 metadata into FSx for Lustre, wait for it, then rebuild the Region's catalog index",
    TimeoutSeconds: input.timeoutSeconds ?? 4 * 3600,
    StartAt: "CheckRunning",
    States: {
      // A first run imports whole buckets for hours (the associations import nothing on create):
      // a nightly run that finds an earlier one still going leaves it alone instead of failing
      // beside it (FSx runs one data repository task at a time) and raising a false alarm.
      CheckRunning: {
        Type: "Task",
        Resource: "arn:aws:states:::aws-sdk:sfn:listExecutions",
        Parameters: { "StateMachineArn.$": "$$.StateMachine.Id", StatusFilter: "RUNNING", MaxResults: 2 },
        ResultSelector: { "Count.$": "States.ArrayLength($.Executions)" },
        ResultPath: "$.running",
        Retry: [{ ErrorEquals: ["States.TaskFailed"], IntervalSeconds: 10, BackoffRate: 2, MaxAttempts: 5 }],
        Next: "AlreadyRunning",
      },
      AlreadyRunning: {
        Type: "Choice",
        Choices: [{ Variable: "$.running.Count", NumericGreaterThan: 1, Next: "EarlierRunStillGoing" }],
        Default: "StartImport",
      },
      EarlierRunStillGoing: { Type: "Succeed", Comment: "Another execution of this pipeline is running: it refreshes the catalog" },
      StartImport: {
        Type: "Task",
        Resource: "arn:aws:states:::aws-sdk:fsx:createDataRepositoryTask",
        Parameters: {
          FileSystemId: input.fileSystemId,
          Type: "IMPORT_METADATA_FROM_REPOSITORY",
          Paths: checkedRepositoryPaths(input.repositoryPaths),
          Report: { Enabled: false },
        },
        ResultSelector: { "TaskId.$": "$.DataRepositoryTask.TaskId" },
        ResultPath: "$.import",
        Retry: [API_RETRY],
        Next: "WaitForImport",
      },
      WaitForImport: { Type: "Wait", Seconds: input.pollSeconds ?? 60, Next: "CheckImport" },
      CheckImport: {
        Type: "Task",
        Resource: "arn:aws:states:::aws-sdk:fsx:describeDataRepositoryTasks",
        Parameters: { "TaskIds.$": "States.Array($.import.TaskId)" },
        ResultSelector: { "Lifecycle.$": "$.DataRepositoryTasks[0].Lifecycle" },
        ResultPath: "$.status",
        Retry: [API_RETRY],
        Next: "ImportEnded",
      },
      ImportEnded: {
        Type: "Choice",
        Choices: [
          { Variable: "$.status.Lifecycle", StringEquals: "SUCCEEDED", Next: "RefreshCatalog" },
          { Variable: "$.status.Lifecycle", StringEquals: "FAILED", Next: "ImportFailed" },
          { Variable: "$.status.Lifecycle", StringEquals: "CANCELED", Next: "ImportFailed" },
        ],
        Default: "WaitForImport",
      },
      ...indexerStates(input),
      ImportFailed: { Type: "Fail", Error: "ImportFailed", Cause: "The FSx data repository task did not succeed: yesterday's catalog stays in place" },
    },
  };
}

/** The states that run the indexer, from `RefreshCatalog` on. */
function indexerStates(input: RefreshDefinitionInput): Record<string, unknown> {
  const target = input.indexer;
  const timeoutSeconds = input.indexerTimeoutSeconds ?? 960;
  const retries = Math.max(0, (input.indexerAttempts ?? 3) - 1);
  if (target.kind === "lambda") {
    return {
      RefreshCatalog: {
        Type: "Task",
        Resource: "arn:aws:states:::lambda:invoke",
        Parameters: { FunctionName: target.functionArn, Payload: target.event },
        TimeoutSeconds: timeoutSeconds,
        ResultSelector: { "Documents.$": "$.Payload.documents", "Index.$": "$.Payload.index" },
        ResultPath: "$.catalog",
        Retry: [
          { ErrorEquals: ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"], IntervalSeconds: 10, BackoffRate: 2, MaxAttempts: 6 },
          ...(retries > 0 ? [{ ErrorEquals: ["States.TaskFailed"], IntervalSeconds: 120, BackoffRate: 2, MaxAttempts: retries }] : []),
        ],
        End: true,
      },
    };
  }
  return {
    // Starts the task and waits until it stops (https://docs.aws.amazon.com/step-functions/latest/dg/connect-ecs.html);
    // on a timeout or a stopped execution Step Functions stops the task.
    RefreshCatalog: {
      Type: "Task",
      Resource: "arn:aws:states:::ecs:runTask.sync",
      Parameters: {
        Cluster: target.clusterArn,
        TaskDefinition: target.taskDefinitionArn,
        LaunchType: "FARGATE",
        PlatformVersion: "LATEST",
        NetworkConfiguration: { AwsvpcConfiguration: { Subnets: target.subnetIds, SecurityGroups: target.securityGroupIds, AssignPublicIp: "DISABLED" } },
        PropagateTags: "TASK_DEFINITION",
      },
      TimeoutSeconds: timeoutSeconds,
      ResultSelector: { "TaskArn.$": "$.TaskArn", "ExitCodes.$": `$.Containers[?(@.Name == '${target.containerName}')].ExitCode` },
      ResultPath: "$.catalog",
      Retry: retries > 0 ? [{ ErrorEquals: ["States.TaskFailed"], IntervalSeconds: 120, BackoffRate: 2, MaxAttempts: retries }] : [],
      Next: "IndexerExited",
    },
    // The alias moves only when the indexer has finished every shard; any other end leaves yesterday's catalog.
    IndexerExited: {
      Type: "Choice",
      Choices: [
        {
          And: [
            { Variable: "$.catalog.ExitCodes[0]", IsPresent: true },
            { Variable: "$.catalog.ExitCodes[0]", NumericEquals: 0 },
          ],
          Next: "CatalogRefreshed",
        },
      ],
      Default: "IndexerFailed",
    },
    CatalogRefreshed: { Type: "Succeed" },
    IndexerFailed: { Type: "Fail", Error: "IndexerFailed", Cause: "The indexer task did not exit with 0: yesterday's catalog stays in place (see the task's log group)" },
  };
}

/** Every night at 00:00 UTC (EventBridge Scheduler cron, evaluated in `scheduleTimezone`). */
export const NIGHTLY_SCHEDULE = "cron(0 0 * * ? *)";
export const SCHEDULE_TIMEZONE = "UTC";
