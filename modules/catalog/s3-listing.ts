import { ListObjectsV2Command, ListObjectsV2CommandOutput, S3Client } from "@aws-sdk/client-s3";
import type { S3Location } from "./dataset";
import { compareKeys } from "./keys";
import { useListingReader } from "./listing-reader";
import type { ObjectEntry } from "./types";

/** Where to list from. */
export interface S3ClientOptions {
  /** Region of the buckets (the client follows redirects to another Region). */
  readonly region: string;
  /** Endpoint of an S3-compatible server (s3rver, MinIO, the benchmark's stand-in), addressed path-style; default: AWS. */
  readonly endpoint?: string;
  /** Credentials; default: the AWS SDK default provider chain. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /**
   * How ListObjectsV2 responses are read: `listing` hands the `<Contents>` and `<CommonPrefixes>`
   * lists of successful responses to `listing-reader.ts` (about 8x less CPU per key) and the SDK
   * deserialises the rest; `sdk` leaves the whole response to the SDK. See `listing-reader.ts`.
   * @default "listing"
   */
  readonly reader?: "listing" | "sdk";
  /**
   * Requests in flight per client; the indexer lists up to this many shards at once.
   * @default 64
   */
  readonly maxSockets?: number;
}

/** An S3 client for listing dataset buckets (the official AWS SDK v3 client). */
export function createS3Client(options: S3ClientOptions): S3Client {
  const client = new S3Client({
    region: options.region,
    followRegionRedirects: true,
    requestHandler: { httpsAgent: { keepAlive: true, maxSockets: options.maxSockets ?? 64 }, httpAgent: { keepAlive: true, maxSockets: options.maxSockets ?? 64 } },
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint, forcePathStyle: true }),
    ...(options.credentials === undefined ? {} : { credentials: { ...options.credentials } }),
  });
  if ((options.reader ?? "listing") === "listing") {
    useListingReader(client);
  }
  return client;
}

/** Options of `listObjectPages`. */
export interface ListingOptions {
  /** Keys per ListObjectsV2 request, 1-1000 (default 1000, the S3 maximum). */
  readonly pageSize?: number;
  /** Only keys after this one (S3's `StartAfter`, exclusive). */
  readonly after?: string;
  /** Only keys up to and including this one; the listing stops at the first key past it. */
  readonly upTo?: string;
  /** Aborts the listing between (and during) requests. */
  readonly signal?: AbortSignal;
  /** Called once per ListObjectsV2 request sent. */
  readonly onRequest?: () => void;
}

/** One page of a delimiter listing: the objects directly in the directory and its subdirectories. */
export interface DirectoryPage {
  /** Objects directly below the prefix (the directory marker, a key equal to the prefix, included). */
  readonly objects: ObjectEntry[];
  /** Subdirectories, `<prefix><name>/`, in S3 order. */
  readonly prefixes: string[];
}

function entriesOf(contents: readonly { Key?: string; Size?: number; LastModified?: Date }[] | undefined): ObjectEntry[] {
  const entries: ObjectEntry[] = [];
  for (const object of contents ?? []) {
    if (object.Key === undefined) {
      continue;
    }
    entries.push({
      key: object.Key,
      size: object.Size ?? null,
      lastModified: object.LastModified === undefined ? null : object.LastModified.getTime(),
    });
  }
  return entries;
}

/** True when `key` comes after `bound` in S3 (UTF-8 byte) order. */
function after(key: string, bound: string): boolean {
  return compareKeys(key, bound) > 0;
}

/**
 * The ListObjectsV2 responses of one listing, following `NextContinuationToken` until the last
 * page (`StartAfter` only on the first request, as S3 ignores it once a token is sent).
 */
async function* listResponses(
  client: S3Client,
  location: S3Location,
  request: { readonly MaxKeys: number; readonly Delimiter?: string; readonly StartAfter?: string },
  options: Pick<ListingOptions, "signal" | "onRequest">,
  what: string,
): AsyncGenerator<ListObjectsV2CommandOutput, void, undefined> {
  let token: string | undefined;
  do {
    options.signal?.throwIfAborted();
    options.onRequest?.();
    const page = await client.send(
      new ListObjectsV2Command({
        Bucket: location.bucket,
        Prefix: location.prefix === "" ? undefined : location.prefix,
        Delimiter: request.Delimiter,
        MaxKeys: request.MaxKeys,
        ContinuationToken: token,
        StartAfter: token === undefined ? request.StartAfter : undefined,
      }),
      { abortSignal: options.signal },
    );
    yield page;
    if (page.IsTruncated === true && page.NextContinuationToken === undefined) {
      throw new Error(`listing s3://${location.bucket}/${location.prefix}${what}: truncated page without NextContinuationToken`);
    }
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
}

/**
 * Lists every object below a bucket prefix with ListObjectsV2, one page at a time, in S3 key
 * order, optionally only a key range of it (`after`, `upTo`). Only the current page is held, so
 * memory does not grow with the number of keys.
 */
export async function* listObjectPages(
  client: S3Client,
  location: S3Location,
  options: ListingOptions = {},
): AsyncGenerator<ObjectEntry[], void, undefined> {
  const pageSize = Math.min(1000, Math.max(1, options.pageSize ?? 1000));
  const upTo = options.upTo;
  for await (const page of listResponses(client, location, { MaxKeys: pageSize, StartAfter: options.after }, options, "")) {
    let entries = entriesOf(page.Contents);
    if (upTo !== undefined && entries.length > 0 && after(entries[entries.length - 1]!.key, upTo)) {
      entries = entries.filter((entry) => !after(entry.key, upTo));
      if (entries.length > 0) {
        yield entries;
      }
      return;
    }
    if (entries.length > 0) {
      yield entries;
    }
  }
}

/**
 * Lists one directory level with ListObjectsV2 and `Delimiter: "/"`: the objects directly below
 * `location.prefix` and its subdirectories (`CommonPrefixes`), page by page in S3 order.
 */
export async function* listDirectoryPages(
  client: S3Client,
  location: S3Location,
  options: Pick<ListingOptions, "signal" | "onRequest"> = {},
): AsyncGenerator<DirectoryPage, void, undefined> {
  for await (const page of listResponses(client, location, { MaxKeys: 1000, Delimiter: "/" }, options, " by directory")) {
    const prefixes = (page.CommonPrefixes ?? []).flatMap((entry) => (entry.Prefix === undefined ? [] : [entry.Prefix]));
    yield { objects: entriesOf(page.Contents), prefixes };
  }
}
