import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import fc from "fast-check";
import { compareKeys } from "../../../modules/catalog/keys";
import { CatalogPipeline } from "../../../modules/catalog/dataset-documents";
import { resolveDatasets } from "../../../modules/catalog/dataset";
import { createS3Client, listDirectoryPages, listObjectPages } from "../../../modules/catalog/s3-listing";
import { s3ListingSource } from "../../../modules/catalog/s3-source";
import { discoverShards } from "../../../modules/catalog/shards";
import { startStandIn } from "../../../scripts/catalog/s3-standin";
import { allObjects, bucketFromKeys, cmip6Bucket, era5Bucket, listBucket, type ListRequest } from "../../../scripts/catalog/synthetic-bucket";

/** S3's ListObjectsV2 semantics, by brute force over every key. */
function expectedPage(keys: readonly string[], request: ListRequest, after: string | undefined) {
  const entries: { kind: "key" | "prefix"; value: string }[] = [];
  for (const key of [...new Set(keys)].sort(compareKeys)) {
    if (!key.startsWith(request.prefix) || (after !== undefined && compareKeys(key, after) <= 0)) {
      continue;
    }
    const cut = request.delimiter === undefined ? -1 : key.indexOf(request.delimiter, request.prefix.length);
    if (cut === -1) {
      entries.push({ kind: "key", value: key });
      continue;
    }
    const common = key.slice(0, cut + request.delimiter!.length);
    if (entries[entries.length - 1]?.value !== common) {
      entries.push({ kind: "prefix", value: common });
    }
  }
  return entries;
}

const key = fc.array(fc.constantFrom("a", "b", "a-b", "a.b", "é", "z", "", "0"), { minLength: 1, maxLength: 4 }).map((parts) => parts.join("/"));

describe("synthetic buckets", () => {
  test("list with S3's semantics: prefix, delimiter, start-after, max-keys, continuation", () => {
    fc.assert(
      fc.property(
        fc.array(key, { minLength: 1, maxLength: 40 }),
        fc.constantFrom("", "a", "a/", "a/b/", "b"),
        fc.option(fc.constant("/"), { nil: undefined }),
        fc.option(key, { nil: undefined }),
        fc.integer({ min: 1, max: 5 }),
        (keys, prefix, delimiter, startAfter, maxKeys) => {
          const bucket = bucketFromKeys("bucket", keys);
          const request: ListRequest = { prefix, maxKeys, ...(delimiter === undefined ? {} : { delimiter }) };
          const expected = expectedPage(keys, request, startAfter);
          const got: { kind: "key" | "prefix"; value: string }[] = [];
          let token: string | undefined;
          let first = true;
          for (let guard = 0; guard < 100; guard++) {
            const page = listBucket(bucket, { ...request, ...(first && startAfter !== undefined ? { startAfter } : {}), ...(token === undefined ? {} : { continuationToken: token }) });
            first = false;
            const entries = [...page.contents.map((o) => ({ kind: "key" as const, value: o.key })), ...page.commonPrefixes.map((p) => ({ kind: "prefix" as const, value: p }))].sort((a, b) => compareKeys(a.value, b.value));
            expect(entries.length).toBeLessThanOrEqual(maxKeys);
            got.push(...entries);
            if (!page.isTruncated) {
              break;
            }
            expect(entries.length).toBe(maxKeys);
            token = page.nextContinuationToken;
          }
          expect(got).toEqual(expected);
        },
      ),
      { numRuns: 400 },
    );
  });

  test.each([
    ["cmip6", cmip6Bucket(300_000)],
    ["era5", era5Bucket(150_000)],
  ] as const)("the %s bucket holds the objects it announces, in S3 order", (_, bucket) => {
    let count = 0;
    let previous = "";
    let outOfOrder = 0;
    let inDataset = 0;
    const prefix = bucket.datasetUri.replace(/^s3:\/\/[^/]+\/?/, "");
    for (const object of allObjects(bucket)) {
      if (compareKeys(previous, object.key) >= 0) {
        outOfOrder += 1;
      }
      previous = object.key;
      count += 1;
      if (object.key.startsWith(prefix === "" ? "" : `${prefix}/`)) {
        inDataset += 1;
      }
    }
    expect(outOfOrder).toBe(0);
    expect(count).toBe(bucket.objects);
    expect(inDataset).toBe(bucket.datasetObjects);
  });
});

describe("the S3 stand-in", () => {
  test("serves ListObjectsV2 to the SDK: pages of 1,000 keys, delimiters, errors", async () => {
    const bucket = era5Bucket(70_000);
    const standIn = await startStandIn({ buckets: [bucket], latencyMs: 1, bulkLatencyMs: 0 });
    const client = createS3Client({ region: "us-east-1", endpoint: standIn.s3, credentials: { accessKeyId: "a", secretAccessKey: "b" } });
    try {
      const keys: string[] = [];
      let pages = 0;
      for await (const page of listObjectPages(client, { bucket: "era5-pds", prefix: "" })) {
        pages += 1;
        expect(page.length).toBeLessThanOrEqual(1000);
        keys.push(...page.map((entry) => entry.key));
      }
      expect(keys).toEqual([...allObjects(bucket)].map((object) => object.key));
      expect(pages).toBe(Math.ceil(bucket.objects / 1000));
      const root: string[] = [];
      for await (const page of listDirectoryPages(client, { bucket: "era5-pds", prefix: "" })) {
        root.push(...page.objects.map((o) => o.key), ...page.prefixes);
      }
      expect(root.sort(compareKeys)).toEqual(["1979/", "QuickStart.ipynb", "README.txt", "zarr/"]);
      await expect(client.send(new ListObjectsV2Command({ Bucket: "no-such-bucket" }))).rejects.toThrow(/bucket does not exist/);
      expect(standIn.stats.listRequests).toBe(pages + 1);
    } finally {
      client.destroy();
      await standIn.close();
    }
  });
});

describe("sharded listing through the S3 client", () => {
  test("key ranges, flat shards and stores cover every key once and give the documents of one listing", async () => {
    const keys = [
      ...Array.from({ length: 2_500 }, (_, i) => `flat/object-${String(i).padStart(5, "0")}.nc`),
      ...Array.from({ length: 30 }, (_, i) => `flat/sub-${i}/x.zarr/${i % 3 === 0 ? ".zmetadata" : "0.0"}`),
      "flat/sub-3/x.zarr/.zattrs",
      "top.nc",
      ...Array.from({ length: 40 }, (_, i) => `zarr/2018/01/data/v${i}.zarr/${i % 2 === 0 ? ".zmetadata" : "v/0.0.0"}`),
    ];
    const bucket = bucketFromKeys("bucket", keys);
    const standIn = await startStandIn({ buckets: [bucket], latencyMs: 0, bulkLatencyMs: 0 });
    const client = createS3Client({ region: "us-east-1", endpoint: standIn.s3, credentials: { accessKeyId: "a", secretAccessKey: "b" } });
    try {
      const dataset = resolveDatasets([{ name: "data", s3: "s3://bucket", path: "/data" }], { region: "us-east-1", mount: "/fsx" })[0]!;
      const source = s3ListingSource(client, "bucket");
      const seen: string[] = [];
      const sharded: string[] = [];
      let shards = 0;
      for await (const shard of discoverShards(source, dataset, { maxChildren: 500, maxRanges: 8 })) {
        shards += 1;
        const pipeline = new CatalogPipeline(dataset);
        for await (const page of source.pages(shard, undefined)) {
          seen.push(...page.map((entry) => entry.key));
          sharded.push(...pipeline.push(page).map((d) => `${d.id} ${d.object_count}`));
        }
        sharded.push(...pipeline.finish().map((d) => `${d.id} ${d.object_count}`));
      }
      expect(shards).toBeGreaterThan(3);
      expect(seen.sort(compareKeys)).toEqual([...new Set(keys)].sort(compareKeys));
      expect(source.requests).toBe(standIn.stats.listRequests);
      const whole = new CatalogPipeline(dataset);
      const all: string[] = [];
      for await (const page of listObjectPages(client, { bucket: "bucket", prefix: "" })) {
        all.push(...whole.push(page).map((d) => `${d.id} ${d.object_count}`));
      }
      all.push(...whole.finish().map((d) => `${d.id} ${d.object_count}`));
      expect(sharded.sort()).toEqual(all.sort());
    } finally {
      client.destroy();
      await standIn.close();
    }
  });
});
