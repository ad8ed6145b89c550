import type { BulkRetry, LogEvent } from "./bulk-sender";
import { indexDatasets, type Concurrency, type IndexingResult, type RegionDataset, type ShardRetry } from "./indexing";
import { catalogAlias, catalogIndexName, catalogIndexPattern, catalogIndexPrefix } from "./mapping";
import type { BulkLimits } from "./ndjson";

export { checkBulkItems, type BulkRetry } from "./bulk-sender";
export type { DatasetRefreshCounts, RegionDataset } from "./indexing";

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
  /** Shards listed and bulk requests sent at once (defaults in `Concurrency`). */
  readonly concurrency?: Concurrency;
  /** Retries of a shard whose listing fails (defaults in `ShardRetry`). */
  readonly shardRetry?: ShardRetry;
  /** Clock for the index name (default: the system clock). */
  readonly now?: () => Date;
  /** Accept a dataset with no objects (default false: an empty dataset fails the run). */
  readonly allowEmptyDataset?: boolean;
  /** Receives progress events. */
  readonly log?: LogEvent;
}

/** Outcome of a successful refresh. */
export interface RefreshResult extends IndexingResult {
  readonly alias: string;
  /** The new index the alias now points at. */
  readonly index: string;
  /** Indices the alias pointed at before the swap. */
  readonly previous: readonly string[];
  /** Old indices deleted after the swap (previous targets and leftovers of killed runs). */
  readonly deleted: readonly string[];
  /** Old indices that could not be deleted (the next run retries them), with the reason. */
  readonly notDeleted: readonly { readonly index: string; readonly error: string }[];
}

/**
 * Rebuilds a Region's catalog: one new index `catalog_<region>_<timestamp>` holding every dataset
 * of the Region, filled with bulk requests, refreshed, then put behind the alias
 * `catalog-<region>` by one atomic `_aliases` call (remove old + add new). Only after the swap are
 * the old indices deleted, together with leftovers of earlier runs that were killed before they
 * could clean up. Readers therefore always see a complete catalog, and objects deleted from S3
 * disappear at the next run.
 *
 * The index is filled by `indexDatasets`: every dataset in shards listed in parallel, with
 * bounded bulk requests (see `indexing.ts`). The swap happens only once every shard of every
 * dataset has finished. If anything fails before the swap (a shard's listing after its retries,
 * grouping, a rejected bulk item, the swap itself), the new index is deleted and the error is
 * rethrown: the alias and the indices behind it are untouched.
 */
export async function refreshRegionCatalog(options: RefreshOptions): Promise<RefreshResult> {
  const { api, region } = options;
  const log = options.log ?? (() => undefined);
  const alias = catalogAlias(region);
  const index = catalogIndexName(region, (options.now ?? (() => new Date()))());

  await api.createIndex(index);
  log({ event: "index-created", index });
  let previous: readonly string[];
  let indexed: IndexingResult;
  try {
    indexed = await indexDatasets(api, index, { ...options, log });
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

async function deleteHalfBuilt(api: CatalogIndexApi, index: string, cause: unknown, log: LogEvent) {
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
  log: LogEvent,
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
