import { BulkIndexError } from "./errors";
import { catalogAlias, catalogIndexName, catalogIndexPattern, catalogIndexPrefix } from "./mapping";
import { BulkBatcher, bulkSubset, type BulkBody, type BulkLimits } from "./ndjson";
import { catalogDocuments, type PipelineCounts } from "./pipeline";
import type { DatasetContext, ObjectEntry } from "./types";

/** One item of a bulk response, as the indexer needs it. */
export interface BulkItemResult {
  readonly id: string;
  readonly status: number;
  /** OpenSearch's `error.type: error.reason` when the item was rejected. */
  readonly error?: string;
}

/**
 * What the refresh needs from OpenSearch. `openSearchCatalogApi` implements it with the official
 * client; tests may implement it directly.
 */
export interface CatalogIndexApi {
  /** Creates `index` with the catalog settings and mapping; fails if it exists. */
  createIndex(index: string): Promise<void>;
  /** Sends one NDJSON bulk body into `index`; returns one result per item, in order. */
  bulk(index: string, ndjson: string): Promise<readonly BulkItemResult[]>;
  /** Makes everything indexed so far searchable. */
  refresh(index: string): Promise<void>;
  /** Indices the alias points at now; empty when the alias does not exist. */
  aliasTargets(alias: string): Promise<readonly string[]>;
  /** In one atomic `_aliases` call: removes `alias` from `remove` and adds it to `add`. */
  swapAlias(alias: string, add: string, remove: readonly string[]): Promise<void>;
  /** Names of the existing indices whose name starts with `prefix`. */
  listIndices(prefix: string): Promise<readonly string[]>;
  /** Deletes indices; missing ones are not an error. */
  deleteIndices(indices: readonly string[]): Promise<void>;
}

/**
 * How bulk requests that OpenSearch throttles (HTTP 429, `es_rejected_execution_exception`: the
 * write queue is full) are retried. Only the throttled documents are sent again, after an
 * exponentially growing wait; any other rejection fails the run at once.
 */
export interface BulkRetry {
  /** Attempts per bulk body, the first included (default 6: waits of 1, 2, 4, 8 and 16 s). */
  readonly attempts?: number;
  /** Wait before the first retry in milliseconds; doubles on each further retry (default 1,000). */
  readonly baseDelayMs?: number;
  /** Longest wait between two attempts in milliseconds (default 30,000). */
  readonly maxDelayMs?: number;
  /** How to wait (default: a timer). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** One dataset of the Region and where its objects come from. */
export interface RegionDataset {
  readonly dataset: DatasetContext;
  /** Opens the dataset's key-ordered object pages (an S3 listing, a keys file); called once. */
  readonly pages: () => AsyncIterable<readonly ObjectEntry[]>;
}

/** Options of `refreshRegionCatalog`. */
export interface RefreshOptions {
  readonly api: CatalogIndexApi;
  /** The Region whose alias `catalog-<region>` is refreshed. */
  readonly region: string;
  /** Every dataset of the Region: the new index holds exactly these. */
  readonly datasets: readonly RegionDataset[];
  readonly bulk?: BulkLimits;
  /** Retries of throttled bulk requests (defaults in `BulkRetry`). */
  readonly retry?: BulkRetry;
  /** Clock for the index name (default: the system clock). */
  readonly now?: () => Date;
  /** Accept a dataset with no objects (default false: an empty dataset fails the run). */
  readonly allowEmptyDataset?: boolean;
  /** Receives progress events. */
  readonly log?: (event: Readonly<Record<string, unknown>>) => void;
}

/** Counts of one dataset in a refresh. */
export interface DatasetRefreshCounts extends PipelineCounts {
  readonly name: string;
}

/** Outcome of a successful refresh. */
export interface RefreshResult {
  readonly alias: string;
  /** The new index the alias now points at. */
  readonly index: string;
  /** Indices the alias pointed at before the swap. */
  readonly previous: readonly string[];
  /** Old indices deleted after the swap (previous targets and leftovers of killed runs). */
  readonly deleted: readonly string[];
  /** Old indices that could not be deleted (the next run retries them), with the reason. */
  readonly notDeleted: readonly { readonly index: string; readonly error: string }[];
  readonly datasets: readonly DatasetRefreshCounts[];
  readonly documents: number;
  /** Bulk requests sent, retries included. */
  readonly bulkRequests: number;
  /** Documents sent again because OpenSearch throttled them (0 on an unhurried domain). */
  readonly retriedDocuments: number;
}

/**
 * Rebuilds a Region's catalog: one new index `catalog_<region>_<timestamp>` holding every dataset
 * of the Region, filled with bulk requests, refreshed, then put behind the alias
 * `catalog-<region>` by one atomic `_aliases` call (remove old + add new). Only after the swap are
 * the old indices deleted, together with leftovers of earlier runs that were killed before they
 * could clean up. Readers therefore always see a complete catalog, and objects deleted from S3
 * disappear at the next run.
 *
 * If anything fails before the swap (listing, grouping, a rejected bulk item, the swap itself),
 * the new index is deleted and the error is rethrown: the alias and the indices behind it are
 * untouched.
 */
export async function refreshRegionCatalog(options: RefreshOptions): Promise<RefreshResult> {
  const { api, region } = options;
  const log = options.log ?? (() => undefined);
  const alias = catalogAlias(region);
  const index = catalogIndexName(region, (options.now ?? (() => new Date()))());

  await api.createIndex(index);
  log({ event: "index-created", index });
  let previous: readonly string[];
  let indexed: Pick<RefreshResult, "datasets" | "documents" | "bulkRequests" | "retriedDocuments">;
  try {
    indexed = await indexDatasets(api, index, options, log);
    await api.refresh(index);
    previous = (await api.aliasTargets(alias)).filter((name) => name !== index);
    await api.swapAlias(alias, index, previous);
    log({ event: "alias-swapped", alias, index, previous });
  } catch (error) {
    await deleteHalfBuilt(api, index, error, log);
    throw error;
  }

  const old = await oldIndices(api, region, index, previous, log);
  const deleted: string[] = [];
  const notDeleted: { index: string; error: string }[] = [];
  if (old.length > 0) {
    try {
      await api.deleteIndices(old);
      deleted.push(...old);
    } catch (error) {
      notDeleted.push(...old.map((name) => ({ index: name, error: String(error) })));
    }
  }
  log({ event: "old-indices-deleted", deleted, notDeleted });
  return { alias, index, previous, deleted, notDeleted, ...indexed };
}

async function indexDatasets(api: CatalogIndexApi, index: string, options: RefreshOptions, log: NonNullable<RefreshOptions["log"]>) {
  const batcher = new BulkBatcher(options.bulk);
  const datasets: DatasetRefreshCounts[] = [];
  const sender = new BulkSender(api, index, options.retry ?? {}, log);
  let documents = 0;
  const send = async (body: BulkBody | null): Promise<void> => {
    if (body !== null) {
      await sender.send(body);
      documents += body.documents;
    }
  };
  for (const { dataset, pages } of options.datasets) {
    let counts: PipelineCounts = { objects: 0, documents: 0 };
    for await (const batch of catalogDocuments(pages(), dataset, (done) => {
      counts = done;
    })) {
      for (const document of batch) {
        await send(batcher.add(document));
      }
    }
    if (counts.documents === 0 && options.allowEmptyDataset !== true) {
      throw new Error(
        `dataset ${dataset.name}: no objects under s3://${dataset.bucket}/${dataset.prefix}; ` +
          "refusing to replace the catalog with an empty dataset (check the dataset's s3 URI)",
      );
    }
    datasets.push({ name: dataset.name, ...counts });
    log({ event: "dataset-indexed", dataset: dataset.name, ...counts });
  }
  await send(batcher.take());
  return { datasets, documents, bulkRequests: sender.requests, retriedDocuments: sender.retriedDocuments };
}

const THROTTLED = 429;

/** The HTTP status of a failed OpenSearch call (the official client's `ResponseError`), if any. */
function errorStatus(error: unknown): number | undefined {
  const meta = (error as { meta?: { statusCode?: unknown } } | null)?.meta;
  const status = meta?.statusCode ?? (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === "number" ? status : undefined;
}

/** Sends bulk bodies, resending throttled documents with exponential backoff (`BulkRetry`). */
class BulkSender {
  requests = 0;
  retriedDocuments = 0;
  private readonly attempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly api: CatalogIndexApi,
    private readonly index: string,
    retry: BulkRetry,
    private readonly log: NonNullable<RefreshOptions["log"]>,
  ) {
    this.attempts = Math.max(1, retry.attempts ?? 6);
    this.baseDelayMs = Math.max(0, retry.baseDelayMs ?? 1_000);
    this.maxDelayMs = Math.max(this.baseDelayMs, retry.maxDelayMs ?? 30_000);
    this.sleep = retry.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async send(body: BulkBody): Promise<void> {
    let pending = body;
    for (let attempt = 1; ; attempt += 1) {
      const throttled = await this.attempt(pending, attempt);
      if (throttled === null) {
        return;
      }
      const delayMs = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
      this.log({ event: "bulk-throttled", index: this.index, attempt, documents: throttled.documents, retryInMs: delayMs });
      this.retriedDocuments += throttled.documents;
      pending = throttled;
      await this.sleep(delayMs);
    }
  }

  /** One request: null when every document landed, else the body of the throttled ones to resend. */
  private async attempt(body: BulkBody, attempt: number): Promise<BulkBody | null> {
    const last = attempt >= this.attempts;
    let items: readonly BulkItemResult[];
    try {
      this.requests += 1;
      items = await this.api.bulk(this.index, body.ndjson);
    } catch (error) {
      if (errorStatus(error) === THROTTLED && !last) {
        return body;
      }
      throw error;
    }
    const throttled = items.flatMap((item, position) => (item.status === THROTTLED ? [position] : []));
    if (throttled.length === 0 || last || items.length !== body.documents) {
      checkBulkItems(this.index, body.documents, items, throttled.length > 0 ? this.attempts : undefined);
      return null;
    }
    // Any other rejection fails the run now; only the throttled documents are worth resending.
    const others = items.filter((item) => item.status !== THROTTLED);
    checkBulkItems(this.index, others.length, others);
    return bulkSubset(body, throttled);
  }
}

/**
 * Throws `BulkIndexError` unless every item of a bulk response succeeded; `attempts`, when given,
 * is how often the rejected items were sent.
 */
export function checkBulkItems(index: string, sent: number, items: readonly BulkItemResult[], attempts?: number): void {
  const failures = items.filter((item) => item.error !== undefined || item.status < 200 || item.status > 299);
  if (failures.length > 0) {
    throw new BulkIndexError(
      index,
      failures.slice(0, 5).map((item) => ({ id: item.id, status: item.status, reason: item.error ?? "no error given" })),
      failures.length,
      attempts,
    );
  }
  if (items.length !== sent) {
    throw new Error(`bulk into index ${index}: sent ${sent} documents but the response has ${items.length} items`);
  }
}

async function deleteHalfBuilt(api: CatalogIndexApi, index: string, cause: unknown, log: NonNullable<RefreshOptions["log"]>) {
  try {
    await api.deleteIndices([index]);
    log({ event: "half-built-index-deleted", index, cause: String(cause) });
  } catch (error) {
    log({ event: "half-built-index-not-deleted", index, cause: String(cause), error: String(error) });
  }
}

/** The previous alias targets, plus indices of this Region older than the new one (killed runs). */
async function oldIndices(
  api: CatalogIndexApi,
  region: string,
  index: string,
  previous: readonly string[],
  log: NonNullable<RefreshOptions["log"]>,
) {
  const pattern = catalogIndexPattern(region);
  const old = new Set(previous);
  try {
    for (const name of await api.listIndices(catalogIndexPrefix(region))) {
      if (pattern.test(name) && name < index) {
        old.add(name);
      }
    }
  } catch (error) {
    // Listing only finds leftovers of killed runs: the previous targets are deleted regardless.
    log({ event: "leftover-listing-failed", error: String(error) });
  }
  old.delete(index);
  return [...old];
}
