import { buildDocument } from "./documents";
import { type GrouperOptions, UnitGrouper } from "./group";
import type { CatalogDocument, DatasetContext, ObjectEntry } from "./types";

/** Counts of one dataset's run through the pipeline. */
export interface PipelineCounts {
  /** Objects read (directory markers included). */
  readonly objects: number;
  /** Documents built. */
  readonly documents: number;
}

/**
 * The last point of a key-ordered stream at which every object read so far belonged to a unit
 * already emitted: listing may resume after `after` without losing or repeating a document.
 */
export interface Checkpoint {
  /** The last key read at that point; undefined before the first such point. */
  readonly after: string | undefined;
  /** Objects read up to and including `after`. */
  readonly objects: number;
  /** Documents emitted up to that point. */
  readonly documents: number;
}

/**
 * Parse, group and build documents for one dataset (or one shard of it), synchronously and page
 * by page: feed pages of key-ordered objects with `push`, then call `finish`. Each call returns
 * the documents completed by it, so memory is bounded by a page plus the grouper's small
 * look-ahead. `checkpoint` tells where a failed listing can resume.
 */
export class CatalogPipeline {
  private readonly grouper: UnitGrouper;
  private out: CatalogDocument[] = [];
  private objectCount = 0;
  private documentCount = 0;
  private safe: Checkpoint = { after: undefined, objects: 0, documents: 0 };

  constructor(
    private readonly dataset: DatasetContext,
    options: GrouperOptions = {},
  ) {
    this.grouper = new UnitGrouper(
      dataset.prefix,
      (unit) => {
        this.out.push(buildDocument(unit, this.dataset));
      },
      options,
    );
  }

  /** Adds a page of objects; returns the documents it completed. */
  push(entries: readonly ObjectEntry[]): CatalogDocument[] {
    const grouper = this.grouper;
    let safeAt = -1;
    let safeOut = 0;
    for (let i = 0; i < entries.length; i++) {
      grouper.push(entries[i]!);
      if (grouper.pending === 0) {
        safeAt = i;
        safeOut = this.out.length;
      }
    }
    if (safeAt >= 0) {
      // Every unit up to entries[safeAt] is complete: those documents are in `out` already.
      this.safe = {
        after: entries[safeAt]!.key,
        objects: this.objectCount + safeAt + 1,
        documents: this.documentCount + safeOut,
      };
    }
    this.objectCount += entries.length;
    return this.drain();
  }

  /** The last resumable point (see `Checkpoint`). */
  get checkpoint(): Checkpoint {
    return this.safe;
  }

  /** Units held back by the grouper. */
  get pending(): number {
    return this.grouper.pending;
  }

  /** Ends the dataset; returns the last documents. */
  finish(): CatalogDocument[] {
    this.grouper.finish();
    return this.drain();
  }

  /** Objects and documents so far. */
  get counts(): PipelineCounts {
    return { objects: this.objectCount, documents: this.documentCount };
  }

  private drain(): CatalogDocument[] {
    const documents = this.out;
    this.out = [];
    this.documentCount += documents.length;
    return documents;
  }
}

/**
 * Runs pages of objects through a `CatalogPipeline` and yields the documents page by page.
 * `onDone`, when given, receives the counts once the pages are exhausted.
 */
export async function* catalogDocuments(
  pages: AsyncIterable<readonly ObjectEntry[]> | Iterable<readonly ObjectEntry[]>,
  dataset: DatasetContext,
  onDone?: (counts: PipelineCounts) => void,
  options: GrouperOptions = {},
): AsyncGenerator<CatalogDocument[], void, undefined> {
  const pipeline = new CatalogPipeline(dataset, options);
  for await (const page of pages) {
    const documents = pipeline.push(page);
    if (documents.length > 0) {
      yield documents;
    }
  }
  const last = pipeline.finish();
  if (last.length > 0) {
    yield last;
  }
  onDone?.(pipeline.counts);
}
