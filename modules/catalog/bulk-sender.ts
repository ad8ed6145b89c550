import { BulkIndexError } from "./errors";
import { bulkSubset, type BulkBody } from "./ndjson";
import type { BulkItemResult, CatalogIndexApi } from "./refresh";

/** Progress events (one JSON object each). */
export type LogEvent = (event: Readonly<Record<string, unknown>>) => void;

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

const THROTTLED = 429;

/** The HTTP status of a failed OpenSearch call (the official client's `ResponseError`), if any. */
function errorStatus(error: unknown): number | undefined {
  const meta = (error as { meta?: { statusCode?: unknown } } | null)?.meta;
  const status = meta?.statusCode ?? (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === "number" ? status : undefined;
}

/** Sends bulk bodies, resending throttled documents with exponential backoff (`BulkRetry`). */
export class BulkSender {
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
    private readonly log: LogEvent,
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

