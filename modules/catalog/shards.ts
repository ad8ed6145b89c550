/**
 * Sharding of a dataset's key space for parallel listing. A shard is a part of the key space that
 * is listed on its own, in S3 order, and grouped on its own: shards are drawn along directories
 * that are not Zarr stores, so that a dataset unit (a file, a whole store; see `group.ts`) never
 * spans two shards and grouping each shard alone gives exactly the units of one whole listing.
 *
 * Discovery lists directories with `Delimiter: "/"`, breadth first, following the dataset's
 * layout: ERA5 (`YYYY/MM/...`, `zarr/YYYY/MM/data/<variable>.zarr/`), CMIP6
 * (`CMIP6/<activity>/<institution>/<source>/<experiment>/<member>/<table>/<variable>/<grid>/<version>/`)
 * and any other layout alike, and stops at a bounded fan-out (`targetShards`). It never descends
 * into a store (a directory holding `.zmetadata`, a CMIP6 version directory, a `*.zarr`
 * directory) and never into an ERA5 NetCDF month (about 19 files: listing it is one request).
 */
import { compareKeys, shapeStoreRoot, ZMETADATA } from "./keys";
import type { DatasetContext, ObjectEntry } from "./types";

/** A part of a dataset's key space, listed and grouped on its own. */
export interface Shard {
  /** Every key of the shard starts with this directory prefix (empty, or ending with `/`). */
  readonly prefix: string;
  /** Only the objects directly in `prefix`, not below its subdirectories (a delimiter listing). */
  readonly flat?: boolean;
  /** Only keys after this one (exclusive). */
  readonly after?: string;
  /** Only keys up to and including this one. */
  readonly upTo?: string;
}

/** One page of a delimiter listing (see `listDirectoryPages`). */
export interface DirectoryListingPage {
  readonly objects: readonly ObjectEntry[];
  readonly prefixes: readonly string[];
}

/** The listing calls sharding needs; `s3ListingSource` implements them with the S3 client. */
export interface ListingSource {
  /** One directory level (`Delimiter: "/"`), page by page. */
  directory(prefix: string, signal?: AbortSignal): AsyncIterable<DirectoryListingPage>;
  /** The key-ordered object pages of a shard; `resumeAfter` skips keys up to it (a retry resuming). */
  pages(shard: Shard, resumeAfter: string | undefined, signal?: AbortSignal): AsyncIterable<readonly ObjectEntry[]>;
}

/** Options of `discoverShards`. */
export interface DiscoveryOptions {
  /**
   * Stop expanding directories once this many shards are known (listed or waiting). More shards
   * balance the parallel listing better; each expansion, and each shard, costs at least one
   * request, which small datasets notice.
   * @default 256
   */
  readonly targetShards?: number;
  /** Directories listed at once. @default 16 */
  readonly concurrency?: number;
  /**
   * A directory with more subdirectories or direct objects than this is not expanded further:
   * it becomes at most `maxRanges` key ranges of consecutive entries instead.
   * @default 1000
   */
  readonly maxChildren?: number;
  /** Most key ranges one large directory is cut into. @default 256 */
  readonly maxRanges?: number;
  /** Deepest directory level below the dataset prefix that is expanded. @default 12 */
  readonly maxDepth?: number;
  readonly signal?: AbortSignal;
}

/** What discovery learnt, for logs and the benchmark. */
export interface DiscoveryStats {
  /** Directories listed with a delimiter. */
  directoriesListed: number;
  shards: number;
}

/** True when a directory (ending with `/`) is a Zarr store, or inside one, by its path alone. */
export function isStoreByShape(directory: string, prefixLength: number): boolean {
  return shapeStoreRoot(`${directory}x`, prefixLength) !== null;
}

const ERA5_NETCDF_MONTH = /^\d{4}\/\d{2}\/$/;

/**
 * Whether discovery should list a directory to split it further: never a store (by shape), never
 * an ERA5 NetCDF month (`YYYY/MM/`: its 19 files are one request), anything else while the
 * fan-out is below its bound.
 */
export function worthExpanding(directory: string, dataset: DatasetContext): boolean {
  if (isStoreByShape(directory, dataset.prefix.length)) {
    return false;
  }
  return !ERA5_NETCDF_MONTH.test(directory);
}

/**
 * Evenly spaced boundaries over a stream of entries of unknown length, in bounded memory: keeps
 * every `stride`-th entry and, when more than `max` are kept, drops every other one and doubles
 * the stride.
 */
class Boundaries {
  private kept: string[] = [];
  private stride = 1;
  private seen = 0;

  constructor(private readonly max: number) {}

  add(entry: string): void {
    if (this.seen % this.stride === 0) {
      this.kept.push(entry);
      if (this.kept.length > this.max) {
        this.kept = this.kept.filter((_, i) => i % 2 === 0);
        this.stride *= 2;
      }
    }
    this.seen += 1;
  }

  get values(): readonly string[] {
    return this.kept;
  }
}

/** Cuts a directory into ranges at `boundaries` (entries in S3 order): (-, b1], (b1, b2], ..., (bn, -). */
function rangeShards(prefix: string, boundaries: readonly string[]): Shard[] {
  // The first boundary is the directory's first entry: cutting before it would make an empty range.
  const cuts = boundaries.slice(1);
  if (cuts.length === 0) {
    return [{ prefix }];
  }
  const shards: Shard[] = [{ prefix, upTo: cuts[0]! }];
  for (let i = 0; i < cuts.length; i++) {
    shards.push(i + 1 < cuts.length ? { prefix, after: cuts[i]!, upTo: cuts[i + 1]! } : { prefix, after: cuts[i]! });
  }
  return shards;
}

interface Expansion {
  readonly shards: Shard[];
  readonly children: string[];
}

async function expand(source: ListingSource, directory: string, options: Required<Omit<DiscoveryOptions, "signal">> & { signal?: AbortSignal }): Promise<Expansion> {
  let children: string[] | null = [];
  let objects = 0;
  let store = false;
  const boundaries = new Boundaries(options.maxRanges);
  const marker = `${directory}${ZMETADATA}`;
  for await (const page of source.directory(directory, options.signal)) {
    // Objects and subdirectories interleave in S3 order; boundaries are taken over both.
    let o = 0;
    let p = 0;
    while (o < page.objects.length || p < page.prefixes.length) {
      const object = page.objects[o];
      const prefix = page.prefixes[p];
      if (prefix === undefined || (object !== undefined && compareKeys(object.key, prefix) < 0)) {
        if (object!.key === marker) {
          store = true;
        }
        if (object!.key !== directory) {
          objects += 1;
        }
        boundaries.add(object!.key);
        o += 1;
      } else {
        if (children !== null) {
          children.push(prefix);
          if (children.length > options.maxChildren) {
            children = null;
          }
        }
        boundaries.add(prefix);
        p += 1;
      }
    }
  }
  if (store) {
    return { shards: [{ prefix: directory }], children: [] };
  }
  if (children === null || objects > options.maxChildren) {
    return { shards: rangeShards(directory, boundaries.values), children: [] };
  }
  return { shards: objects > 0 ? [{ prefix: directory, flat: true }] : [], children };
}

/**
 * Discovers the shards of a dataset, breadth first (see the module comment), and yields each
 * shard as soon as it is final, so listing can start while discovery goes on. Together the
 * shards cover every key below the dataset prefix exactly once.
 */
export async function* discoverShards(
  source: ListingSource,
  dataset: DatasetContext,
  options: DiscoveryOptions = {},
  stats: DiscoveryStats = { directoriesListed: 0, shards: 0 },
): AsyncGenerator<Shard, void, undefined> {
  const settings = {
    targetShards: Math.max(1, options.targetShards ?? 256),
    concurrency: Math.max(1, options.concurrency ?? 16),
    maxChildren: Math.max(1, options.maxChildren ?? 1000),
    maxRanges: Math.max(2, options.maxRanges ?? 256),
    maxDepth: Math.max(0, options.maxDepth ?? 12),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  if (isStoreByShape(dataset.prefix, dataset.prefix.length)) {
    // The dataset is one store (a CMIP6 version directory): one unit, one shard.
    stats.shards += 1;
    yield { prefix: dataset.prefix };
    return;
  }
  const base = dataset.prefix.split("/").length;
  const depthOf = (directory: string) => directory.split("/").length - base;
  const queue: string[] = [dataset.prefix];
  let head = 0;
  const running = new Map<Promise<void>, true>();
  const ready: Shard[] = [];
  let known = 1;
  let failure: unknown = null;

  const start = (directory: string) => {
    stats.directoriesListed += 1;
    const task: Promise<void> = expand(source, directory, settings).then(
      (expansion) => {
        known -= 1;
        ready.push(...expansion.shards);
        known += expansion.shards.length;
        for (const child of expansion.children) {
          if (worthExpanding(child, dataset) && depthOf(child) <= settings.maxDepth) {
            queue.push(child);
          } else {
            ready.push({ prefix: child });
          }
          known += 1;
        }
        running.delete(task);
      },
      (error: unknown) => {
        failure ??= error;
        running.delete(task);
      },
    );
    running.set(task, true);
  };

  for (;;) {
    while (failure === null && head < queue.length && running.size < settings.concurrency && known < settings.targetShards) {
      start(queue[head++]!);
    }
    while (ready.length > 0) {
      const shard = ready.shift()!;
      stats.shards += 1;
      yield shard;
    }
    if (failure !== null) {
      await Promise.allSettled(running.keys());
      throw failure;
    }
    if (running.size === 0) {
      // Listings that ended while shards were being yielded may have queued directories.
      if (head < queue.length && known < settings.targetShards) {
        continue;
      }
      break;
    }
    await Promise.race(running.keys());
  }
  // Directories left unexpanded (the fan-out bound was reached) are shards of their own.
  while (head < queue.length) {
    stats.shards += 1;
    yield { prefix: queue[head++]! };
  }
}

/** Every key of a shard, as a predicate (for tests and in-memory sources). */
export function inShard(shard: Shard, key: string): boolean {
  if (!key.startsWith(shard.prefix)) {
    return false;
  }
  if (shard.flat === true && key.indexOf("/", shard.prefix.length) !== -1) {
    return false;
  }
  if (shard.after !== undefined && compareKeys(key, shard.after) <= 0) {
    return false;
  }
  return shard.upTo === undefined || compareKeys(key, shard.upTo) <= 0;
}
