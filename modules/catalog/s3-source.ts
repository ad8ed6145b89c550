import type { S3Client } from "@aws-sdk/client-s3";
import { compareKeys } from "./keys";
import { listDirectoryPages, listObjectPages } from "./s3-listing";
import type { DirectoryListingPage, ListingSource, Shard } from "./shards";
import type { ObjectEntry } from "./types";

/** A `ListingSource` over one bucket with the S3 client; counts the ListObjectsV2 requests it sends. */
export interface S3ListingSource extends ListingSource {
  /** ListObjectsV2 requests sent so far (discovery and shards). */
  readonly requests: number;
}

/** The later of two optional keys in S3 order. */
function later(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) {
    return b;
  }
  return b === undefined || compareKeys(a, b) >= 0 ? a : b;
}

/** Lists shards of `bucket` with `client` (see `shards.ts`). */
export function s3ListingSource(client: S3Client, bucket: string): S3ListingSource {
  let requests = 0;
  const onRequest = () => {
    requests += 1;
  };
  return {
    get requests() {
      return requests;
    },
    directory(prefix: string, signal?: AbortSignal): AsyncIterable<DirectoryListingPage> {
      return listDirectoryPages(client, { bucket, prefix }, { onRequest, ...(signal === undefined ? {} : { signal }) });
    },
    async *pages(shard: Shard, resumeAfter: string | undefined, signal?: AbortSignal): AsyncIterable<readonly ObjectEntry[]> {
      const from = later(shard.after, resumeAfter);
      if (shard.flat === true) {
        for await (const page of listDirectoryPages(client, { bucket, prefix: shard.prefix }, { onRequest, ...(signal === undefined ? {} : { signal }) })) {
          const objects = from === undefined ? page.objects : page.objects.filter((object) => compareKeys(object.key, from) > 0);
          if (objects.length > 0) {
            yield objects;
          }
        }
        return;
      }
      yield* listObjectPages(
        client,
        { bucket, prefix: shard.prefix },
        { onRequest, ...(from === undefined ? {} : { after: from }), ...(shard.upTo === undefined ? {} : { upTo: shard.upTo }), ...(signal === undefined ? {} : { signal }) },
      );
    },
  };
}
