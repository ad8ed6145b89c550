import { showValue } from "../errors";

/**
 * Errors of the catalog indexer. Each one names the field or the object it is about, shows the
 * value received and, for input, says what is allowed.
 */

/** Bad input: a flag, an event field or a dataset setting. */
export class CatalogInputError extends Error {
  /** Field name as the caller knows it: `--region`, `datasets[0].s3`, `OPENSEARCH_ENDPOINT`. */
  public readonly field: string;
  public readonly value: unknown;
  public readonly allowed: string;

  constructor(field: string, value: unknown, problem: string, allowed: string) {
    super(`${field}: got ${showValue(value)}: ${problem}; allowed: ${allowed}`);
    this.name = "CatalogInputError";
    this.field = field;
    this.value = value;
    this.allowed = allowed;
  }
}

/** Keys that do not arrive in S3 order (UTF-8 byte order, no duplicates). */
export class KeyOrderError extends Error {
  constructor(previous: string, key: string) {
    super(
      `key ${JSON.stringify(key)} arrived after ${JSON.stringify(previous)}: keys must be unique and in S3 order ` +
        "(UTF-8 byte order, e.g. `LC_ALL=C sort`)",
    );
    this.name = "KeyOrderError";
  }
}

/** One or more items of a bulk request were rejected by OpenSearch. */
export class BulkIndexError extends Error {
  /** Number of rejected items in the request. */
  public readonly failed: number;
  /** The first rejected items: document id, HTTP status and OpenSearch's reason. */
  public readonly failures: readonly { readonly id: string; readonly status: number; readonly reason: string }[];

  /** How often the rejected items were sent (1 unless they were throttled and retried). */
  public readonly attempts: number;

  constructor(index: string, failures: readonly { id: string; status: number; reason: string }[], failed: number, attempts = 1) {
    const first = failures[0];
    const detail = first === undefined ? "" : `; first: id ${JSON.stringify(first.id)} status ${first.status}: ${first.reason}`;
    const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
    super(`bulk into index ${index}: ${failed} item${failed === 1 ? "" : "s"} rejected${tries}${detail}`);
    this.attempts = attempts;
    this.name = "BulkIndexError";
    this.failed = failed;
    this.failures = failures;
  }
}
