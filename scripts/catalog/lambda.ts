/**
 * Entry points of the catalog indexer (bundled by `build.ts` into one `index.js`): the AWS Lambda
 * handler, and, when the bundle is run as a program (`node index.js`, the Fargate runner, see
 * modules/catalog/runner.ts), `runTask`, which reads the same event from `INDEXER_EVENT`. One
 * run rebuilds one Region's catalog index from all of the Region's datasets, listed in shards in
 * parallel (modules/catalog/indexing.ts):
 *
 *   event: { "region": "us-west-2", "mount": "/fsx",
 *            "datasets": [{ "name": "cmip6", "s3": "s3://cmip6-pds/CMIP6/ScenarioMIP/MOHC", "path": "/cmip6" }] }
 *
 * The same function starts its Region's nightly pipeline once right after deployment (a Terraform
 * `aws_lambda_invocation`), so the first catalog does not wait for midnight:
 *
 *   event: { "action": "start-pipeline", "stateMachineArn": "arn:aws:states:..." }
 *
 * Environment:
 * - `OPENSEARCH_ENDPOINT` (required): the catalog domain, `https://...es.amazonaws.com`.
 * - `OPENSEARCH_REGION`: Region of the domain for SigV4; default: parsed from the endpoint, else `AWS_REGION`.
 * - `OPENSEARCH_SIGNING`: `sigv4` (default) or `none` (a local, unsigned endpoint).
 * - `S3_ENDPOINT`: an S3-compatible endpoint (path-style) instead of AWS, for local runs.
 * - `INDEXER_EVENT` (task only): the event as JSON.
 */
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import {
  CatalogInputError,
  checkEndpoint,
  createOpenSearchClient,
  createS3Client,
  DEFAULT_MOUNT,
  domainRegion,
  openSearchCatalogApi,
  refreshRegionCatalog,
  resolveDatasets,
  s3ListingSource,
  type AwsCredentials,
  type DatasetSpec,
  type RefreshResult,
} from "../../modules/catalog";

/** The invocation event. */
export interface IndexerEvent {
  readonly region: string;
  readonly datasets: readonly DatasetSpec[];
  /** Lustre mount point on the workers; default `/fsx`. */
  readonly mount?: string;
}

/** What an invocation returns: the refresh (counts per dataset, what happened to the indices), its Region and duration. */
export interface IndexerResult extends Omit<RefreshResult, "bulkRequests"> {
  readonly region: string;
  readonly durationMs: number;
  /** ListObjectsV2 requests made (shard discovery and listing). */
  readonly listRequests: number;
}

/** What a `start-pipeline` invocation returns. */
export interface PipelineStarted {
  readonly action: "start-pipeline";
  readonly executionArn: string;
}

/** Starts a Step Functions execution and resolves to its ARN. */
export type StartExecution = (stateMachineArn: string) => Promise<string>;

const defaultStartExecution: StartExecution = async (stateMachineArn) => {
  const client = new SFNClient({});
  try {
    const started = await client.send(new StartExecutionCommand({ stateMachineArn, input: "{}" }));
    if (started.executionArn === undefined) {
      throw new Error(`StartExecution of ${stateMachineArn} returned no execution ARN`);
    }
    return started.executionArn;
  } finally {
    client.destroy();
  }
};

/**
 * How long `start-pipeline` keeps retrying AccessDenied. The first run is invoked right after
 * Terraform creates the role policy that allows states:StartExecution, and IAM is eventually
 * consistent: a new policy may take a while to take effect, during which calls are denied.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency
 * Bounded well inside the function's 900 s timeout, so a real denial still fails the apply.
 */
export const START_RETRY = { firstDelayMs: 2_000, maxDelayMs: 30_000, maxWaitMs: 300_000 } as const;

/** True for the errors a not-yet-propagated IAM policy produces (SDK v3 error names). */
export function isAccessDenied(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === "AccessDeniedException" || name === "AccessDenied";
}

/**
 * Starts the pipeline, retrying AccessDenied with exponential backoff (2 s doubling, at most
 * 30 s apart) until `START_RETRY.maxWaitMs` has passed; any other error, or AccessDenied after
 * that, is thrown.
 */
export async function startWithRetry(
  start: StartExecution,
  stateMachineArn: string,
  options: { readonly sleep?: (ms: number) => Promise<void>; readonly now?: () => number; readonly log?: (event: Readonly<Record<string, unknown>>) => void } = {},
): Promise<string> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const begun = now();
  let delay: number = START_RETRY.firstDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(stateMachineArn);
    } catch (error) {
      const waited = now() - begun;
      if (!isAccessDenied(error) || waited + delay > START_RETRY.maxWaitMs) {
        throw error;
      }
      options.log?.({ event: "start-pipeline-denied", attempt, retryInMs: delay, waitedMs: waited, message: error instanceof Error ? error.message : String(error) });
      await sleep(delay);
      delay = Math.min(delay * 2, START_RETRY.maxDelayMs);
    }
  }
}

/** What the handler takes from its surroundings; tests replace parts of it. */
export interface HandlerDependencies {
  /** Environment to read (default: `process.env` at invocation time). */
  readonly env?: NodeJS.ProcessEnv;
  /** Credentials for SigV4 signing (default: the AWS SDK default provider chain). */
  readonly getCredentials?: () => Promise<AwsCredentials>;
  /** Credentials for S3 (default: the default provider chain). */
  readonly s3Credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Clock for the index name. */
  readonly now?: () => Date;
  /** Progress events (default: one JSON line each on stdout, i.e. CloudWatch Logs). */
  readonly log?: (event: Readonly<Record<string, unknown>>) => void;
  /** Starts the pipeline for `start-pipeline` events (default: Step Functions StartExecution). */
  readonly startExecution?: StartExecution;
  /** Waits between retries of a denied start (default: a timer). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Milliseconds clock of the retry budget (default: `Date.now`). */
  readonly clock?: () => number;
}

const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]+$/;

/** Validates the event; errors name the field, e.g. `datasets[1].s3`. */
export function parseEvent(event: unknown): IndexerEvent {
  if (typeof event !== "object" || event === null || Array.isArray(event)) {
    throw new CatalogInputError("event", event, "is not an object", "{ region, datasets: [{ name, s3, path }], mount? }");
  }
  const record = event as Record<string, unknown>;
  const { region, datasets, mount } = record;
  if (typeof region !== "string") {
    throw new CatalogInputError("region", region, "is not a string", "a Region name such as us-east-1");
  }
  if (!Array.isArray(datasets) || datasets.length === 0) {
    throw new CatalogInputError("datasets", datasets, "is not a non-empty array", "[{ name, s3, path }, ...]");
  }
  datasets.forEach((dataset: unknown, index) => {
    if (typeof dataset !== "object" || dataset === null || Array.isArray(dataset)) {
      throw new CatalogInputError(`datasets[${index}]`, dataset, "is not an object", "{ name, s3, path }");
    }
  });
  if (mount !== undefined && typeof mount !== "string") {
    throw new CatalogInputError("mount", mount, "is not a string", "an absolute path such as /fsx");
  }
  return {
    region,
    datasets: datasets as DatasetSpec[],
    ...(mount === undefined ? {} : { mount }),
  };
}

/** Builds a handler; `handler` below is the one Lambda calls. */
export function createHandler(dependencies: HandlerDependencies = {}): (event: unknown) => Promise<IndexerResult | PipelineStarted> {
  return async (event) => {
    if (typeof event === "object" && event !== null && (event as Record<string, unknown>).action !== undefined) {
      const { action, stateMachineArn } = event as Record<string, unknown>;
      if (action !== "start-pipeline") {
        throw new CatalogInputError("action", action, "is not a known action", "start-pipeline (or no action: index the Region)");
      }
      if (typeof stateMachineArn !== "string" || !STATE_MACHINE_ARN.test(stateMachineArn)) {
        throw new CatalogInputError("stateMachineArn", stateMachineArn, "is not a state machine ARN", "arn:aws:states:<region>:<account>:stateMachine:<name>");
      }
      const log = dependencies.log ?? ((entry) => console.log(JSON.stringify(entry)));
      const executionArn = await startWithRetry(dependencies.startExecution ?? defaultStartExecution, stateMachineArn, {
        ...(dependencies.sleep === undefined ? {} : { sleep: dependencies.sleep }),
        ...(dependencies.clock === undefined ? {} : { now: dependencies.clock }),
        log,
      });
      return { action: "start-pipeline", executionArn };
    }
    const started = Date.now();
    const env = dependencies.env ?? process.env;
    const log = dependencies.log ?? ((entry) => console.log(JSON.stringify(entry)));
    const input = parseEvent(event);
    const datasets = resolveDatasets(input.datasets, { region: input.region, mount: input.mount ?? DEFAULT_MOUNT });

    const endpointText = env.OPENSEARCH_ENDPOINT;
    if (endpointText === undefined || endpointText === "") {
      throw new CatalogInputError("OPENSEARCH_ENDPOINT", endpointText, "is not set", "the catalog domain endpoint, https://...");
    }
    const node = checkEndpoint(endpointText, "OPENSEARCH_ENDPOINT");
    const signing = env.OPENSEARCH_SIGNING ?? "sigv4";
    if (signing !== "sigv4" && signing !== "none") {
      throw new CatalogInputError("OPENSEARCH_SIGNING", signing, "is not a signing mode", "sigv4 or none");
    }
    const signingRegion = env.OPENSEARCH_REGION || domainRegion(node) || env.AWS_REGION || input.region;
    const s3Endpoint = env.S3_ENDPOINT || undefined;
    if (s3Endpoint !== undefined) {
      checkEndpoint(s3Endpoint, "S3_ENDPOINT");
    }

    const s3 = createS3Client({
      region: input.region,
      ...(s3Endpoint === undefined ? {} : { endpoint: s3Endpoint }),
      ...(dependencies.s3Credentials === undefined ? {} : { credentials: dependencies.s3Credentials }),
    });
    const client = createOpenSearchClient({
      node,
      signing:
        signing === "none"
          ? null
          : { region: signingRegion, ...(dependencies.getCredentials === undefined ? {} : { getCredentials: dependencies.getCredentials }) },
    });
    const sources = datasets.map((dataset) => s3ListingSource(s3, dataset.bucket));
    try {
      const result = await refreshRegionCatalog({
        api: openSearchCatalogApi(client),
        region: input.region,
        datasets: datasets.map((dataset, i) => ({ dataset, source: sources[i]! })),
        ...(dependencies.now === undefined ? {} : { now: dependencies.now }),
        log,
      });
      return {
        region: input.region,
        alias: result.alias,
        index: result.index,
        previous: result.previous,
        deleted: result.deleted,
        notDeleted: result.notDeleted,
        datasets: result.datasets,
        documents: result.documents,
        retriedDocuments: result.retriedDocuments,
        durationMs: Date.now() - started,
        listRequests: sources.reduce((sum, source) => sum + source.requests, 0),
      };
    } finally {
      s3.destroy();
      await client.close();
    }
  };
}

/** The Lambda handler (`index.handler` in the bundle). */
export const handler = createHandler();

/**
 * The Fargate runner's entry: runs the event in `INDEXER_EVENT` once and resolves to the exit
 * code (0: the new index is live; the state machine reads it). Progress and the result go to
 * stdout as JSON lines (the task's log group).
 */
export async function runTask(env: NodeJS.ProcessEnv = process.env, dependencies: HandlerDependencies = {}): Promise<number> {
  const log = dependencies.log ?? ((entry) => console.log(JSON.stringify(entry)));
  try {
    const text = env.INDEXER_EVENT;
    if (text === undefined || text === "") {
      throw new CatalogInputError("INDEXER_EVENT", text, "is not set", "the indexer event as JSON: { region, mount, datasets }");
    }
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch {
      throw new CatalogInputError("INDEXER_EVENT", text, "is not JSON", "the indexer event as JSON: { region, mount, datasets }");
    }
    const result = await createHandler({ ...dependencies, env, log })(parseEvent(event));
    log({ event: "refresh-done", ...result });
    return 0;
  } catch (error) {
    log({ event: "refresh-failed", error: error instanceof Error ? error.message : String(error) });
    return 1;
  }
}

if (require.main === module) {
  void runTask().then((code) => {
    process.exitCode = code;
  });
}
