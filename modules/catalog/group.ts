import { KeyOrderError } from "./errors";
import { compareKeys, shapeStoreRoot, zmetadataDir, zmetadataHorizon } from "./keys";
import type { CatalogUnit, ObjectEntry } from "./types";

/** Options of the grouper. */
export interface GrouperOptions {
  /**
   * Most undecided units held at once (see `UnitGrouper`). Past it the oldest one is emitted as
   * it stands, which keeps memory bounded on adversarial layouts. Default 10,000.
   */
  readonly maxPending?: number;
}

/** A unit being built: one object, or a store collecting every object below its prefix. */
class Pending {
  public objectCount = 0;
  public sizeBytes = 0;
  public sizeKnown = true;
  public lastModified = -Infinity;
  public datesKnown = true;

  /**
   * For a store: the smallest key after every key below `path` (`path` with its final `/`
   * replaced by `0`), or null for a store at the bucket root (every key is below it); null for
   * an object, which is never open. For keys
   * at or after `path` in S3 order, `key < below` is the same as `key.startsWith(path)`, and much
   * faster on long keys; `exact` marks paths with characters where UTF-16 and UTF-8 order differ,
   * for which `startsWith` is used instead.
   */
  public readonly below: string | null;
  public readonly exact: boolean;

  constructor(
    public readonly kind: "object" | "store",
    /** Object key, or store prefix ending with `/`. */
    public readonly path: string,
    /** See `zmetadataHorizon`: the unit is undecided until the listing moves past this key. */
    public horizon: string | null,
  ) {
    this.below = kind === "object" || path === "" ? null : `${path.slice(0, -1)}0`;
    this.exact = kind === "store" && /[\ud800-\uffff]/.test(path);
  }

  add(entry: ObjectEntry): void {
    this.objectCount += 1;
    if (entry.size === null) {
      this.sizeKnown = false;
    } else {
      this.sizeBytes += entry.size;
    }
    if (entry.lastModified === null) {
      this.datesKnown = false;
    } else if (entry.lastModified > this.lastModified) {
      this.lastModified = entry.lastModified;
    }
  }

  merge(other: Pending): void {
    this.objectCount += other.objectCount;
    this.sizeBytes += other.sizeBytes;
    this.sizeKnown = this.sizeKnown && other.sizeKnown;
    this.datesKnown = this.datesKnown && other.datesKnown;
    this.lastModified = Math.max(this.lastModified, other.lastModified);
  }

  toUnit(): CatalogUnit {
    const sizeBytes = this.sizeKnown ? this.sizeBytes : null;
    const lastModified = this.datesKnown && this.objectCount > 0 ? this.lastModified : null;
    if (this.kind === "object") {
      return { kind: "object", key: this.path, sizeBytes, lastModified };
    }
    return { kind: "store", prefix: this.path, objectCount: this.objectCount, sizeBytes, lastModified };
  }
}

/**
 * Groups a key-ordered stream of objects into dataset units with bounded memory.
 *
 * A unit is a Zarr store (every object below a directory that holds `.zmetadata`, or below a
 * CMIP6 DRS version directory or a `*.zarr` directory; the outermost store wins) or a single
 * object. Because S3 lists keys in UTF-8 byte order, a store's objects are contiguous: the
 * store is complete as soon as a key falls outside its prefix. The only look-ahead needed is
 * for objects that sort before their directory's `.zmetadata` (`.zattrs`, `.zgroup`): they
 * wait in a small queue until the listing passes the place where `.zmetadata` would be.
 *
 * Directory markers (keys ending with `/`) are not data and are skipped. Units are emitted in
 * key order through the callback given to the constructor.
 */
export class UnitGrouper {
  /** Units held, from `head` on; slots before `head` are emptied as their units are emitted. */
  private readonly queue: (Pending | undefined)[] = [];
  private head = 0;
  private open: Pending | null = null;
  private previous: string | null = null;
  private readonly maxPending: number;

  /**
   * @param prefix the dataset prefix (empty or ending with `/`); every key must start with it.
   * @param emit receives each unit once it is complete.
   */
  constructor(
    private readonly prefix: string,
    private readonly emit: (unit: CatalogUnit) => void,
    options: GrouperOptions = {},
  ) {
    this.maxPending = Math.max(2, options.maxPending ?? 10_000);
  }

  /** Adds the next object; keys must be unique, in S3 order and below the dataset prefix. */
  push(entry: ObjectEntry): void {
    const key = entry.key;
    const previous = this.previous;
    if (previous !== null && !(previous < key) && compareKeys(previous, key) >= 0) {
      throw new KeyOrderError(previous, key);
    }
    this.previous = key;
    if (key.endsWith("/")) {
      return;
    }
    const open = this.open;
    if (open !== null) {
      // key > previous >= open.path, so "below the store" is one comparison.
      if (open.below === null || (open.exact ? key.startsWith(open.path) : key < open.below)) {
        open.add(entry);
        return;
      }
      this.open = null;
    }
    if (!key.startsWith(this.prefix)) {
      throw new Error(`key ${JSON.stringify(key)} is outside the dataset prefix ${JSON.stringify(this.prefix)}`);
    }
    this.place(entry);
    this.flush(key);
    if (this.queue.length - this.head > this.maxPending && this.queue[this.head] !== this.open) {
      this.emitHead();
    }
  }

  /** Ends the stream: emits every unit still held. */
  finish(): void {
    this.open = null;
    while (this.head < this.queue.length) {
      this.emitHead();
    }
  }

  /** Number of units held, waiting to be emitted (for tests and memory checks). */
  get pending(): number {
    return this.queue.length - this.head;
  }

  private place(entry: ObjectEntry): void {
    const prefixLength = this.prefix.length;
    const key = entry.key;
    const storeDir = zmetadataDir(key, prefixLength);
    let item: Pending;
    if (storeDir !== null) {
      item = new Pending("store", storeDir, null);
      // Objects of this directory that sorted before its .zmetadata are at the tail of the queue.
      const absorbed: Pending[] = [];
      while (this.queue.length > this.head && this.queue[this.queue.length - 1]!.path.startsWith(storeDir)) {
        absorbed.push(this.queue.pop()!);
      }
      for (const other of absorbed) {
        item.merge(other);
      }
    } else {
      const root = shapeStoreRoot(key, prefixLength);
      item = root === null ? new Pending("object", key, null) : new Pending("store", root, null);
    }
    item.add(entry);
    item.horizon = zmetadataHorizon(item.path, prefixLength);
    if (item.kind === "store") {
      this.open = item;
    }
    this.queue.push(item);
  }

  /** Emits, in order, the units known to be complete now that the listing has reached `key`. */
  private flush(key: string): void {
    while (this.head < this.queue.length) {
      const item = this.queue[this.head]!;
      if (item === this.open || (item.horizon !== null && !(item.horizon < key))) {
        return;
      }
      this.emitHead();
    }
  }

  private emitHead(): void {
    const item = this.queue[this.head]!;
    // An emitted unit must not stay reachable until the next compaction: its path may be a slice
    // of a whole listing page, which it would keep in memory with it.
    this.queue[this.head] = undefined;
    this.head += 1;
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    this.emit(item.toUnit());
  }
}
