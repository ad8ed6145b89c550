import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import type { S3Location } from "./dataset";
import type { ObjectEntry } from "./types";

/** Where to list from. */
export interface S3ClientOptions {
  /** Region of the buckets (the client follows redirects to another Region). */
  readonly region: string;
  /** Endpoint of an S3-compatible server (s3rver, MinIO), addressed path-style; default: AWS. */
  readonly endpoint?: string;
  /** Credentials; default: the AWS SDK default provider chain. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** An S3 client for listing dataset buckets. */
export function createS3Client(options: S3ClientOptions): S3Client {
  return new S3Client({
    region: options.region,
    followRegionRedirects: true,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint, forcePathStyle: true }),
    ...(options.credentials === undefined ? {} : { credentials: { ...options.credentials } }),
  });
}

/** Options of `listObjectPages`. */
export interface ListingOptions {
  /** Keys per ListObjectsV2 request, 1-1000 (default 1000, the S3 maximum). */
  readonly pageSize?: number;
  /** Aborts the listing between (and during) requests. */
  readonly signal?: AbortSignal;
}

/**
 * Lists every object below a bucket prefix with ListObjectsV2, one page at a time, in S3 key
 * order. Only the current page is held, so memory does not grow with the number of keys.
 */
export async function* listObjectPages(
  client: S3Client,
  location: S3Location,
  options: ListingOptions = {},
): AsyncGenerator<ObjectEntry[], void, undefined> {
  const pageSize = Math.min(1000, Math.max(1, options.pageSize ?? 1000));
  let token: string | undefined;
  do {
    options.signal?.throwIfAborted();
    const page = await client.send(
      new ListObjectsV2Command({
        Bucket: location.bucket,
        Prefix: location.prefix === "" ? undefined : location.prefix,
        MaxKeys: pageSize,
        ContinuationToken: token,
      }),
      { abortSignal: options.signal },
    );
    const entries: ObjectEntry[] = [];
    for (const object of page.Contents ?? []) {
      if (object.Key === undefined) {
        continue;
      }
      entries.push({
        key: object.Key,
        size: object.Size ?? null,
        lastModified: object.LastModified === undefined ? null : object.LastModified.getTime(),
      });
    }
    if (entries.length > 0) {
      yield entries;
    }
    if (page.IsTruncated === true && page.NextContinuationToken === undefined) {
      throw new Error(`listing s3://${location.bucket}/${location.prefix}: truncated page without NextContinuationToken`);
    }
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
}
