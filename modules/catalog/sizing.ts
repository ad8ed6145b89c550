/**
 * Sizing of a worker Region's nightly catalog refresh from its datasets: where the indexer runs
 * (Lambda, capped at 900 s, or an ECS Fargate task, not capped) and every timeout of the
 * pipeline (the metadata import's poll, the indexer run, the state machine). Plain data and
 * arithmetic; `modules/config` applies it to the topology, the constructs synthesize it.
 */
import { knownDataset } from "./known-datasets";

/** Where the indexer runs. */
export type IndexerRunner = "lambda" | "fargate";

/** The planning figures; each says where it comes from. */
export const SIZING = {
  /**
   * Keys per second one indexer run plans on: one vCPU listing in parallel at S3's latency.
   * `npm run bench:catalog` measures 204,000-229,000 keys/s end to end for 20 million keys on
   * this project's 2-core test machine, at 5.5-6.2 µs of the indexer's CPU per key, i.e. over
   * 160,000 keys/s per vCPU once CPU-bound (see modules/catalog/README.md); planning at about a
   * sixth of that leaves room for slower S3 pages, a busy domain and a shared vCPU.
   */
  listingKeysPerSecond: 25_000,
  /** Lambda's hard limit per invocation (https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html). */
  lambdaTimeoutSeconds: 900,
  /** Share of Lambda's 900 s a run may plan to use; the rest is margin. */
  lambdaBudgetShare: 0.5,
  /**
   * Objects per second FSx for Lustre imports metadata at. AWS publishes no figure for
   * IMPORT_METADATA_FROM_REPOSITORY tasks; this is a deliberately low assumption, to be
   * replaced by the durations the first runs log (`DescribeDataRepositoryTasks` start and end).
   */
  importObjectsPerSecond: 1_000,
  /**
   * Objects assumed for a dataset whose count is neither configured nor known: a large dataset
   * (it runs on Fargate; its first import is budgeted about 6 hours).
   */
  unknownDatasetObjects: 20_000_000,
  /** Provisioning a Fargate task and pulling its two images through the pull-through cache. */
  fargateStartSeconds: 300,
  /** Shortest budgets, whatever the dataset. */
  minimumRunnerSeconds: 900,
  minimumImportSeconds: 1_800,
  /**
   * Most polls of one import: keeps a run far below Step Functions' 25,000 history events per
   * execution (a poll is 3 states, about 10 events) (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html).
   */
  maxPolls: 500,
} as const;

/** The largest Region (objects over all its datasets) the Lambda runner is planned for. */
export const LAMBDA_MAX_OBJECTS = SIZING.lambdaTimeoutSeconds * SIZING.lambdaBudgetShare * SIZING.listingKeysPerSecond;

/** A dataset as sizing sees it. */
export interface SizedDataset {
  readonly name: string;
  readonly s3: string;
  /** Configured object count, if any. */
  readonly expectedObjects?: number;
}

/** What the sizing decided for a Region. */
export interface RefreshSizing {
  readonly runner: IndexerRunner;
  /** Objects the plan is for: configured or known counts, unknown datasets at `SIZING.unknownDatasetObjects`. */
  readonly plannedObjects: number;
  /** Each dataset's count and where it came from. */
  readonly datasets: readonly { readonly name: string; readonly objects: number; readonly from: "config" | "known" | "unknown" }[];
  /** Budget of the metadata import's poll loop. */
  readonly importSeconds: number;
  /** Wait between two polls of the import. */
  readonly pollSeconds: number;
  /** Timeout of one indexer run (the Task state's TimeoutSeconds). */
  readonly runnerSeconds: number;
  /** Indexer runs the state machine makes at most (the first plus its retries). */
  readonly runnerAttempts: number;
  /** Wait before the state machine retries a failed indexer run. */
  readonly runnerRetrySeconds: number;
  /** The state machine's TimeoutSeconds: import, every indexer attempt, margin. */
  readonly pipelineSeconds: number;
}

/** How the runner is chosen: `auto` follows the datasets' size. */
export type RunnerChoice = IndexerRunner | "auto";

function minutes(seconds: number): number {
  return Math.ceil(seconds / 60) * 60;
}

/** Each dataset's object count: configured, else known (`known-datasets.ts`), else unknown. */
export function datasetObjects(dataset: SizedDataset): { objects: number; from: "config" | "known" | "unknown" } {
  if (dataset.expectedObjects !== undefined) {
    return { objects: dataset.expectedObjects, from: "config" };
  }
  const known = knownDataset(dataset.s3);
  return known === undefined ? { objects: SIZING.unknownDatasetObjects, from: "unknown" } : { objects: known.objects, from: "known" };
}

/**
 * Sizes a Region's refresh. `auto` runs on Lambda when every dataset's count is configured or
 * known and together they fit `LAMBDA_MAX_OBJECTS`, on Fargate otherwise.
 */
export function sizeRefresh(datasets: readonly SizedDataset[], choice: RunnerChoice = "auto"): RefreshSizing {
  const counted = datasets.map((dataset) => ({ name: dataset.name, ...datasetObjects(dataset) }));
  const plannedObjects = counted.reduce((sum, dataset) => sum + dataset.objects, 0);
  const known = counted.every((dataset) => dataset.from !== "unknown");
  const runner: IndexerRunner = choice !== "auto" ? choice : known && plannedObjects <= LAMBDA_MAX_OBJECTS ? "lambda" : "fargate";

  const importSeconds = minutes(Math.max(SIZING.minimumImportSeconds, plannedObjects / SIZING.importObjectsPerSecond + 600));
  const pollSeconds = Math.min(600, Math.max(60, Math.ceil(importSeconds / SIZING.maxPolls)));
  // Lambda stops itself at 900 s; the state's own timeout only has to be later.
  const runnerSeconds =
    runner === "lambda"
      ? SIZING.lambdaTimeoutSeconds + 60
      : minutes(Math.max(SIZING.minimumRunnerSeconds, (2 * plannedObjects) / SIZING.listingKeysPerSecond + SIZING.fargateStartSeconds));
  const runnerAttempts = runner === "lambda" ? 3 : 2;
  const runnerRetrySeconds = 120;
  const pipelineSeconds = minutes(importSeconds + runnerAttempts * runnerSeconds + (runnerAttempts - 1) * 4 * runnerRetrySeconds + 600);
  return { runner, plannedObjects, datasets: counted, importSeconds, pollSeconds, runnerSeconds, runnerAttempts, runnerRetrySeconds, pipelineSeconds };
}
