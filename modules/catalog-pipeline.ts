/**
 * The nightly refresh of one worker Region, as an Amazon States Language definition (plain
 * data; values may be Terraform tokens): import the datasets' metadata into Lustre from S3,
 * poll until the import ends (FSx emits no completion event), then rebuild the Region's catalog.
 */

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
  readonly indexerArn: string;
  /** The indexer's event: `{ region, mount, datasets }`. */
  readonly indexerEvent: Readonly<Record<string, unknown>>;
  /** @default 60 */
  readonly pollSeconds?: number;
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
    StartAt: "StartImport",
    States: {
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
      RefreshCatalog: {
        Type: "Task",
        Resource: "arn:aws:states:::lambda:invoke",
        Parameters: { FunctionName: input.indexerArn, Payload: input.indexerEvent },
        ResultSelector: { "Documents.$": "$.Payload.documents", "Index.$": "$.Payload.index" },
        ResultPath: "$.catalog",
        Retry: [
          { ErrorEquals: ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"], IntervalSeconds: 10, BackoffRate: 2, MaxAttempts: 6 },
          { ErrorEquals: ["States.TaskFailed"], IntervalSeconds: 120, BackoffRate: 2, MaxAttempts: 2 },
        ],
        End: true,
      },
      ImportFailed: { Type: "Fail", Error: "ImportFailed", Cause: "The FSx data repository task did not succeed: yesterday's catalog stays in place" },
    },
  };
}

/** Every night at 00:00 UTC (EventBridge Scheduler cron, evaluated in `scheduleTimezone`). */
export const NIGHTLY_SCHEDULE = "cron(0 0 * * ? *)";
export const SCHEDULE_TIMEZONE = "UTC";
