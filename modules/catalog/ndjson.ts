import { createHash } from "crypto";
import type { CatalogDocument } from "./types";

/** One document as one NDJSON line, newline included. */
export function toNdjsonLine(document: CatalogDocument): string {
  return `${JSON.stringify(document)}\n`;
}

/** OpenSearch refuses `_id`s longer than 512 bytes. */
const MAX_ID_BYTES = 512;

/**
 * The OpenSearch `_id` of a document: its `id`, or, when that is longer than OpenSearch allows,
 * `<dataset>:sha256:<hex of id>` (the full `id` stays in the document).
 */
export function openSearchId(document: CatalogDocument): string {
  const id = document.id;
  if (id.length * 3 <= MAX_ID_BYTES || Buffer.byteLength(id, "utf8") <= MAX_ID_BYTES) {
    return id;
  }
  return `${document.dataset}:sha256:${createHash("sha256").update(id, "utf8").digest("hex")}`;
}

/** Limits of one bulk request. */
export interface BulkLimits {
  /** Most documents per request (default 1,000). */
  readonly maxDocuments?: number;
  /** Most bytes of NDJSON per request (default 5,000,000, well under the 10 MB domain limit). */
  readonly maxBytes?: number;
}

/** A bulk request body ready to send: action and source lines, newline terminated. */
export interface BulkBody {
  readonly ndjson: string;
  readonly documents: number;
}

/**
 * Accumulates documents into bulk bodies (`{"index":{"_id":...}}` + source per document) that
 * stay within `BulkLimits`. `add` returns the full body when the next document would not fit; `take` returns what is left.
 */
export class BulkBatcher {
  private parts: string[] = [];
  private bytes = 0;
  private readonly maxDocuments: number;
  private readonly maxBytes: number;

  constructor(limits: BulkLimits = {}) {
    this.maxDocuments = Math.max(1, limits.maxDocuments ?? 1000);
    this.maxBytes = Math.max(1, limits.maxBytes ?? 5_000_000);
  }

  /** Adds a document; returns the previous batch, to send, when this one did not fit in it; otherwise null. */
  add(document: CatalogDocument): BulkBody | null {
    const line = `${JSON.stringify({ index: { _id: openSearchId(document) } })}\n${toNdjsonLine(document)}`;
    const bytes = Buffer.byteLength(line, "utf8");
    const full =
      this.parts.length >= this.maxDocuments || (this.parts.length > 0 && this.bytes + bytes > this.maxBytes)
        ? this.take()
        : null;
    this.parts.push(line);
    this.bytes += bytes;
    return full;
  }

  /** Returns the documents added since the last body, or null when there are none. */
  take(): BulkBody | null {
    if (this.parts.length === 0) {
      return null;
    }
    const body = { ndjson: this.parts.join(""), documents: this.parts.length };
    this.parts = [];
    this.bytes = 0;
    return body;
  }
}

/** The documents at `positions` of a bulk body (each document is an action line and a source line). */
export function bulkSubset(body: BulkBody, positions: readonly number[]): BulkBody {
  const lines = body.ndjson.split("\n");
  const ndjson = positions.map((position) => `${lines[2 * position]}\n${lines[2 * position + 1]}\n`).join("");
  return { ndjson, documents: positions.length };
}
