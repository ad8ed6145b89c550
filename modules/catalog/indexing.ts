/**
 * Filling one new catalog index from a Region's datasets, in parallel and in bounded memory:
 * every dataset is cut into shards (`shards.ts`), up to `shards` shards are listed at once (each
 * in S3 order, through its own grouper), and the documents go out in bulk requests, up to `bulk`
 * of them at once. A full bulk window pauses the listing (back-pressure), so memory is bounded by
 * the shards in flight, not by the number of keys.
 *
 * A shard whose listing fails is listed again, resuming after the last key at which every unit
 * read so far had been emitted (`Checkpoint`): no document is lost or sent twice, and the counts
 * stay exact. A shard failing every attempt, or any bulk failure, stops the whole run.
 */
import { BulkSender, type BulkRetry, type LogEvent } from "./bulk-sender";
import { CatalogPipeline, type Checkpoint, type PipelineCounts } from "./dataset-documents";
import { KeyOrderError } from "./errors";
import { BulkBatcher, type BulkBody, type BulkLimits } from "./ndjson";
import type { CatalogIndexApi } from "./refresh";
import { discoverShards, type DiscoveryOptions, type ListingSource, type Shard } from "./shards";
import type { CatalogDocument, DatasetContext, ObjectEntry } from "./types";

/** A dataset read as one key-ordered stream (a keys file, a single listing): one shard, no resume. */
export interface StreamedDataset {
  readonly dataset: DatasetContext;
  /** Opens the dataset's key-ordered object pages; called once. */
  readonly pages: () => AsyncIterable<readonly ObjectEntry[]>;
}

/** A dataset listed in shards, in parallel (see `shards.ts`). */
export interface ShardedDataset {
  readonly dataset: DatasetContext;
  readonly source: ListingSource;
  /** How the dataset is cut into shards. */
  readonly discovery?: Omit<DiscoveryOptions, "signal">;
}

/** One dataset of the Region and where its objects come from. */
export type RegionDataset = StreamedDataset | ShardedDataset;

/** How much runs at once. */
export interface Concurrency {
  /** Shards listed at once (each one ListObjectsV2 request in flight). @default 32 */
  readonly shards?: number;
  /** Bulk requests in flight. @default 4 */
  readonly bulk?: number;
}

/** Retries of a shard whose listing fails (after the S3 client's own retries). */
export interface ShardRetry {
  /** Attempts per shard, the first included. @default 3 */
  readonly attempts?: number;
  /** Wait before the second attempt; doubles for each further one. @default 1000 */
  readonly baseDelayMs?: number;
  /** How to wait (default: a timer). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Counts of one dataset in a refresh. */
export interface DatasetRefreshCounts extends PipelineCounts {
  readonly name: string;
  /** Shards the dataset was listed in. */
  readonly shards: number;
  /** Shard attempts that failed and were resumed. */
  readonly resumedShards: number;
}

/** What filling the index did. */
export interface IndexingResult {
  readonly datasets: readonly DatasetRefreshCounts[];
  readonly documents: number;
  /** Bulk requests sent, retries included. */
  readonly bulkRequests: number;
  /** Documents sent again because OpenSearch throttled them (0 on an unhurried domain). */
  readonly retriedDocuments: number;
}

/** Options of `indexDatasets`. */
export interface IndexingOptions {
  readonly datasets: readonly RegionDataset[];
  readonly bulk?: BulkLimits;
  readonly retry?: BulkRetry;
  readonly concurrency?: Concurrency;
  readonly shardRetry?: ShardRetry;
  /** Accept a dataset with no objects (default false: an empty dataset fails the run). */
  readonly allowEmptyDataset?: boolean;
  readonly log?: LogEvent;
}

/** A shard failed every attempt. */
export class ShardListingError extends Error {
  constructor(
    public readonly dataset: string,
    public readonly shard: Shard,
    public readonly attempts: number,
    cause: unknown,
  ) {
    super(`dataset ${dataset}: listing shard ${JSON.stringify(shard)} failed ${attempts} time(s): ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "ShardListingError";
  }
}

/** A counting semaphore. */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(count: number) {
    this.free = count;
  }

  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next !== undefined) {
      next();
    } else {
      this.free += 1;
    }
  }
}

interface DatasetTally {
  objects: number;
  documents: number;
  shards: number;
  resumedShards: number;
}

/** The shards of every dataset in turn, as (dataset index, shard) pairs. */
async function* allShards(datasets: readonly RegionDataset[], signal: AbortSignal): AsyncGenerator<{ index: number; shard: Shard }> {
  for (let index = 0; index < datasets.length; index++) {
    const entry = datasets[index]!;
    if ("pages" in entry) {
      yield { index, shard: { prefix: entry.dataset.prefix } };
      continue;
    }
    for await (const shard of discoverShards(entry.source, entry.dataset, { ...entry.discovery, signal })) {
      yield { index, shard };
    }
  }
}

/**
 * Lists, groups and bulk-indexes every dataset into `index` (see the module comment). Throws on
 * the first failure, after every listing and bulk request in flight has ended.
 */
export async function indexDatasets(api: CatalogIndexApi, index: string, options: IndexingOptions): Promise<IndexingResult> {
  const log = options.log ?? (() => undefined);
  const shardSlots = Math.max(1, options.concurrency?.shards ?? 32);
  const bulkSlots = new Slots(Math.max(1, options.concurrency?.bulk ?? 4));
  const attempts = Math.max(1, options.shardRetry?.attempts ?? 3);
  const baseDelayMs = Math.max(0, options.shardRetry?.baseDelayMs ?? 1_000);
  const sleep = options.shardRetry?.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const controller = new AbortController();
  const signal = controller.signal;
  const batcher = new BulkBatcher(options.bulk);
  const sender = new BulkSender(api, index, options.retry ?? {}, log);
  const tallies: DatasetTally[] = options.datasets.map(() => ({ objects: 0, documents: 0, shards: 0, resumedShards: 0 }));
  const sending = new Set<Promise<void>>();
  let failure: { error: unknown } | null = null;

  const fail = (error: unknown) => {
    if (failure === null) {
      failure = { error };
      controller.abort(error);
    }
  };

  const send = async (body: BulkBody | null): Promise<void> => {
    if (body === null) {
      return;
    }
    await bulkSlots.acquire();
    if (failure !== null) {
      bulkSlots.release();
      throw failure.error;
    }
    const request: Promise<void> = sender
      .send(body)
      .catch(fail)
      .finally(() => {
        bulkSlots.release();
        sending.delete(request);
      });
    sending.add(request);
  };

  const emit = async (documents: readonly CatalogDocument[]): Promise<void> => {
    for (const document of documents) {
      await send(batcher.add(document));
    }
  };

  /** Lists one shard to the end, resuming after failures; returns its counts. */
  const runShard = async (entry: RegionDataset, shard: Shard): Promise<{ counts: Checkpoint; resumed: number }> => {
    let done: Checkpoint = { after: shard.after, objects: 0, documents: 0 };
    let resumed = 0;
    for (let attempt = 1; ; attempt += 1) {
      const pipeline = new CatalogPipeline(entry.dataset);
      try {
        const pages = "pages" in entry ? entry.pages() : entry.source.pages(shard, done.after === shard.after ? undefined : done.after, signal);
        for await (const page of pages) {
          signal.throwIfAborted();
          await emit(pipeline.push(page));
        }
        await emit(pipeline.finish());
        const counts = pipeline.counts;
        return { counts: { after: undefined, objects: done.objects + counts.objects, documents: done.documents + counts.documents }, resumed };
      } catch (error) {
        if (signal.aborted || error instanceof KeyOrderError || "pages" in entry) {
          throw error;
        }
        if (attempt >= attempts) {
          throw new ShardListingError(entry.dataset.name, shard, attempt, error);
        }
        const checkpoint = pipeline.checkpoint;
        done = { after: checkpoint.after ?? done.after, objects: done.objects + checkpoint.objects, documents: done.documents + checkpoint.documents };
        resumed += 1;
        const delayMs = baseDelayMs * 2 ** (attempt - 1);
        log({ event: "shard-retry", dataset: entry.dataset.name, shard, attempt, resumeAfter: done.after ?? null, retryInMs: delayMs, error: String(error) });
        await sleep(delayMs);
      }
    }
  };

  const shards = allShards(options.datasets, signal);
  const worker = async (): Promise<void> => {
    while (failure === null) {
      let next: IteratorResult<{ index: number; shard: Shard }>;
      try {
        next = await shards.next();
      } catch (error) {
        fail(error);
        return;
      }
      if (next.done === true) {
        return;
      }
      const { index: datasetIndex, shard } = next.value;
      try {
        const { counts, resumed } = await runShard(options.datasets[datasetIndex]!, shard);
        const tally = tallies[datasetIndex]!;
        tally.objects += counts.objects;
        tally.documents += counts.documents;
        tally.shards += 1;
        tally.resumedShards += resumed;
      } catch (error) {
        fail(error);
      }
    }
  };

  await Promise.all(Array.from({ length: shardSlots }, worker));
  await shards.return(undefined).catch(() => undefined);
  if (failure === null) {
    try {
      await send(batcher.take());
    } catch (error) {
      fail(error);
    }
  }
  await Promise.allSettled([...sending]);
  if (failure !== null) {
    throw (failure as { error: unknown }).error;
  }

  const datasets = options.datasets.map(({ dataset }, i): DatasetRefreshCounts => ({ name: dataset.name, ...tallies[i]! }));
  for (const counts of datasets) {
    const dataset = options.datasets.find((entry) => entry.dataset.name === counts.name)!.dataset;
    if (counts.documents === 0 && options.allowEmptyDataset !== true) {
      throw new Error(
        `dataset ${dataset.name}: no objects under s3://${dataset.bucket}/${dataset.prefix}; ` +
          "refusing to replace the catalog with an empty dataset (check the dataset's s3 URI)",
      );
    }
    log({ event: "dataset-indexed", dataset: counts.name, objects: counts.objects, documents: counts.documents, shards: counts.shards, resumedShards: counts.resumedShards });
  }
  return {
    datasets,
    documents: datasets.reduce((sum, counts) => sum + counts.documents, 0),
    bulkRequests: sender.requests,
    retriedDocuments: sender.retriedDocuments,
  };
}
