import type { Client } from "@opensearch-project/opensearch";
import { BulkIndexError } from "../../../modules/catalog/errors";
import { createOpenSearchClient, openSearchCatalogApi } from "../../../modules/catalog/opensearch";
import { checkBulkItems, refreshRegionCatalog, type RegionDataset } from "../../../modules/catalog/refresh";
import { resolveDatasets } from "../../../modules/catalog/dataset";
import type { DatasetContext, ObjectEntry } from "../../../modules/catalog/types";
import { ShardListingError } from "../../../modules/catalog/indexing";
import { CMIP6_KEYS, ERA5_KEYS, cmip6Dataset, era5Dataset, readEntries } from "../../fixtures/catalog/fixtures";
import { memorySource } from "../../fixtures/catalog/memory-source";
import { startFakeOpenSearch, type FakeOpenSearch } from "../../fixtures/catalog/fake-opensearch";

const NEW_INDEX = "catalog_us-east-1_20250301060000000";
const OLD_INDEX = "catalog_us-east-1_20250228060000000";
const KILLED_RUN = "catalog_us-east-1_20250227060000000";
const NOW = () => new Date(Date.UTC(2025, 2, 1, 6));

let fake: FakeOpenSearch;
let client: Client;

async function start(seed: Parameters<typeof startFakeOpenSearch>[0] = {}) {
  fake = await startFakeOpenSearch(seed);
  client = createOpenSearchClient({ node: fake.url, signing: null, requestTimeoutMs: 5_000 });
  return openSearchCatalogApi(client);
}

function pagesOf(entries: readonly ObjectEntry[], size = 5): () => AsyncIterable<readonly ObjectEntry[]> {
  return async function* pages() {
    for (let i = 0; i < entries.length; i += size) {
      yield entries.slice(i, i + size);
    }
  };
}

function era5(entries = readEntries(ERA5_KEYS)): RegionDataset {
  return { dataset: era5Dataset(), pages: pagesOf(entries) };
}

/** The request sequence with bulk calls collapsed, e.g. `PUT /idx`, `POST /idx/_bulk x3`. */
function sequence(calls: readonly string[]): string[] {
  const out: string[] = [];
  for (const call of calls) {
    const last = out[out.length - 1];
    if (last !== undefined && last.split(" x")[0] === call) {
      const count = last.includes(" x") ? Number(last.split(" x")[1]) : 1;
      out[out.length - 1] = `${call} x${count + 1}`;
    } else {
      out.push(call);
    }
  }
  return out;
}

describe("refreshRegionCatalog", () => {
  afterEach(async () => {
    await client.close();
    await fake.close();
  });

  it("creates, fills with NDJSON bulks, refreshes, then points the new alias at the index", async () => {
    const api = await start();
    const result = await refreshRegionCatalog({ api, region: "us-east-1", datasets: [era5()], bulk: { maxDocuments: 4 }, now: NOW });

    expect(sequence(fake.calls())).toEqual([
      `PUT /${NEW_INDEX}`,
      `POST /${NEW_INDEX}/_bulk x3`,
      `GET /${NEW_INDEX}/_refresh`,
      "GET /_alias/catalog-us-east-1",
      "POST /_aliases",
      "GET /_cat/indices/catalog_us-east-1_*",
    ]);
    expect(result).toMatchObject({
      alias: "catalog-us-east-1",
      index: NEW_INDEX,
      previous: [],
      deleted: [],
      documents: 11,
      bulkRequests: 3,
      datasets: [{ name: "era5", objects: 26, documents: 11 }],
    });
    expect([...fake.aliases.get("catalog-us-east-1")!]).toEqual([NEW_INDEX]);
    expect(fake.indices.get(NEW_INDEX)!.size).toBe(11);

    const create = JSON.parse(fake.requests[0]!.body);
    expect(create.mappings.dynamic).toBe("strict");
    expect(create.mappings.properties.last_modified).toEqual({ type: "date" });

    const bulks = fake.requests.filter((request) => request.path.endsWith("/_bulk"));
    expect(bulks.map((request) => request.headers["content-type"])).toEqual(Array(3).fill("application/x-ndjson"));
    const lines = bulks[0]!.body.split("\n");
    expect(lines).toHaveLength(9);
    expect(lines[8]).toBe("");
    expect(JSON.parse(lines[0]!)).toEqual({ index: { _id: "era5:2018/01/data/air_pressure_at_mean_sea_level.nc" } });
    expect(JSON.parse(lines[1]!)).toMatchObject({
      id: "era5:2018/01/data/air_pressure_at_mean_sea_level.nc",
      dataset: "era5",
      region: "us-east-1",
      pool: "pool-us-east-1",
      layout: "era5",
      format: "netcdf",
      year: 2018,
      month: 1,
      variable: "air_pressure_at_mean_sea_level",
      size_bytes: 1_073_856_391,
      last_modified: "2019-02-11T22:41:53.000Z",
    });
    expect(bulks.map((request) => request.body.split("\n").length - 1)).toEqual([8, 8, 6]);

    const swap = JSON.parse(fake.requests.find((request) => request.path === "/_aliases")!.body);
    expect(swap).toEqual({ actions: [{ add: { index: NEW_INDEX, alias: "catalog-us-east-1" } }] });
  });

  it("swaps the alias atomically, then deletes the previous index and leftovers of killed runs", async () => {
    const api = await start({
      indices: [OLD_INDEX, KILLED_RUN, "catalog_us-east-1_20990101000000000", "catalog_us-east-2_20250101000000000", "catalog_us-east-1_manual"],
      aliases: { "catalog-us-east-1": [OLD_INDEX] },
    });
    fake.indices.get(OLD_INDEX)!.set("era5:2017/12/main.nc", { id: "era5:2017/12/main.nc" });
    const withoutFebruary = readEntries(ERA5_KEYS).filter((entry) => !entry.key.startsWith("2018/02/"));
    const result = await refreshRegionCatalog({ api, region: "us-east-1", datasets: [era5(withoutFebruary)], now: NOW });

    expect(sequence(fake.calls())).toEqual([
      `PUT /${NEW_INDEX}`,
      `POST /${NEW_INDEX}/_bulk`,
      `GET /${NEW_INDEX}/_refresh`,
      "GET /_alias/catalog-us-east-1",
      "POST /_aliases",
      "GET /_cat/indices/catalog_us-east-1_*",
      `DELETE /${OLD_INDEX},${KILLED_RUN}`,
    ]);
    const swap = JSON.parse(fake.requests.find((request) => request.path === "/_aliases")!.body);
    expect(swap.actions).toEqual([{ remove: { index: OLD_INDEX, alias: "catalog-us-east-1" } }, { add: { index: NEW_INDEX, alias: "catalog-us-east-1" } }]);
    expect(result.previous).toEqual([OLD_INDEX]);
    expect(result.deleted).toEqual([OLD_INDEX, KILLED_RUN]);
    expect([...fake.aliases.get("catalog-us-east-1")!]).toEqual([NEW_INDEX]);
    expect([...fake.indices.keys()].sort()).toEqual(
      ["catalog_us-east-1_20990101000000000", "catalog_us-east-1_manual", "catalog_us-east-2_20250101000000000", NEW_INDEX].sort(),
    );
    const ids = [...fake.indices.get(NEW_INDEX)!.keys()];
    expect(ids).toHaveLength(8);
    expect(ids.some((id) => id.startsWith("era5:2018/02/") || id === "era5:2017/12/main.nc")).toBe(false);
  });

  it("puts every dataset of the Region into one index", async () => {
    const api = await start();
    const region = { region: "us-west-2", mount: "/fsx" };
    const [mohc, ncar] = resolveDatasets(
      [
        { name: "cmip6", s3: "s3://cmip6-pds/CMIP6/ScenarioMIP/MOHC", path: "/cmip6" },
        { name: "cmip6-ncar", s3: "s3://cmip6-pds/CMIP6/ScenarioMIP/NCAR", path: "/cmip6-ncar" },
      ],
      region,
    ) as [DatasetContext, DatasetContext];
    const entries = readEntries(CMIP6_KEYS);
    const result = await refreshRegionCatalog({
      api,
      region: "us-west-2",
      datasets: [
        { dataset: mohc, pages: pagesOf(entries.filter((e) => e.key.startsWith(mohc.prefix))) },
        { dataset: ncar, pages: pagesOf(entries.filter((e) => e.key.startsWith(ncar.prefix))) },
      ],
      now: NOW,
    });
    expect(result.datasets).toEqual([
      { name: "cmip6", objects: 46, documents: 3, shards: 1, resumedShards: 0 },
      { name: "cmip6-ncar", objects: 5, documents: 1, shards: 1, resumedShards: 0 },
    ]);
    const docs = [...fake.indices.get("catalog_us-west-2_20250301060000000")!.values()];
    // Datasets (and shards) are indexed in parallel: the order of arrival is not fixed.
    expect(docs.map((d) => d.lustre_path).sort()).toEqual([
      "/fsx/cmip6-ncar/CESM2/ssp370/r4i1p1f1/Omon/tos/gn/v20190514",
      "/fsx/cmip6/HadGEM3-GC31-LL/ssp245/r1i1p1f3/day/tasmax/gn/v20200114",
      "/fsx/cmip6/UKESM1-0-LL/ssp585/r1i1p1f2/Amon/pr/gn/v20190726",
      "/fsx/cmip6/UKESM1-0-LL/ssp585/r1i1p1f2/Amon/tas/gn/v20190726",
    ]);
    expect(docs.every((d) => d.pool === "pool-us-west-2" && d.layout === "cmip6")).toBe(true);
  });

  it("fails when a bulk item is rejected, deleting the new index and leaving the alias untouched", async () => {
    const api = await start({ indices: [OLD_INDEX], aliases: { "catalog-us-east-1": [OLD_INDEX] } });
    fake.bulkFailure = { id: /main\.nc$/, status: 400, type: "mapper_parsing_exception", reason: "failed to parse field [month]" };
    const run = refreshRegionCatalog({ api, region: "us-east-1", datasets: [era5()], bulk: { maxDocuments: 4 }, now: NOW });
    await expect(run).rejects.toThrow(BulkIndexError);
    await expect(run).rejects.toThrow(
      `bulk into index ${NEW_INDEX}: 1 item rejected; first: id "era5:2018/01/main.nc" status 400: mapper_parsing_exception: failed to parse field [month]`,
    );
    // Bulk requests run 4 at a time: the one in flight next to the rejected one may still be sent.
    expect(sequence(fake.calls()).join(" | ")).toMatch(new RegExp(`^PUT /${NEW_INDEX} \\| POST /${NEW_INDEX}/_bulk x[23] \\| DELETE /${NEW_INDEX}$`));
    expect([...fake.aliases.get("catalog-us-east-1")!]).toEqual([OLD_INDEX]);
    expect([...fake.indices.keys()]).toEqual([OLD_INDEX]);
  });

  it("resends only the throttled documents (429), waiting longer each time, and then succeeds", async () => {
    const api = await start({ indices: [OLD_INDEX], aliases: { "catalog-us-east-1": [OLD_INDEX] } });
    fake.bulkFailure = { id: /2018\/0[12]\//, status: 429, type: "es_rejected_execution_exception", reason: "rejected execution: write queue full", times: 2 };
    const waits: number[] = [];
    const events: Record<string, unknown>[] = [];
    const result = await refreshRegionCatalog({
      api,
      region: "us-east-1",
      datasets: [era5()],
      bulk: { maxDocuments: 4 },
      retry: { sleep: async (ms) => void waits.push(ms) },
      now: NOW,
      log: (event) => events.push({ ...event }),
    });
    const throttledIds = [...fake.indices.get(NEW_INDEX)!.keys()].filter((id) => /2018\/0[12]\//.test(id));
    expect(throttledIds.length).toBeGreaterThan(0);
    // Each throttled document was sent three times: twice rejected, then accepted.
    const bodies = fake.requests.filter((r) => r.path.endsWith("/_bulk")).map((r) => r.body);
    for (const id of throttledIds) {
      expect(bodies.filter((body) => body.includes(`"_id":${JSON.stringify(id)}`))).toHaveLength(3);
    }
    const retries = events.filter((event) => event.event === "bulk-throttled");
    expect(retries.map((event) => event.retryInMs)).toEqual(waits);
    expect(result).toMatchObject({ documents: 11, retriedDocuments: 2 * throttledIds.length, previous: [OLD_INDEX], deleted: [OLD_INDEX] });
    expect(result.bulkRequests).toBe(3 + retries.length);
    expect(new Set(waits)).toEqual(new Set([1_000, 2_000]));
    expect(fake.indices.get(NEW_INDEX)!.size).toBe(11);
    expect([...fake.aliases.get("catalog-us-east-1")!]).toEqual([NEW_INDEX]);
  });

  it("retries a bulk request the domain answers with HTTP 429, capping the wait", async () => {
    const api = await start();
    fake.bulkThrottle = 3;
    const waits: number[] = [];
    const result = await refreshRegionCatalog({
      api,
      region: "us-east-1",
      datasets: [era5()],
      retry: { baseDelayMs: 500, maxDelayMs: 1_500, sleep: async (ms) => void waits.push(ms) },
      now: NOW,
    });
    expect(waits).toEqual([500, 1_000, 1_500]);
    expect(result).toMatchObject({ documents: 11, bulkRequests: 4, retriedDocuments: 33 });
    expect(fake.indices.get(NEW_INDEX)!.size).toBe(11);
  });

  it("gives up on documents still throttled after the last attempt, leaving the alias untouched", async () => {
    const api = await start({ indices: [OLD_INDEX], aliases: { "catalog-us-east-1": [OLD_INDEX] } });
    fake.bulkFailure = { id: /main\.nc$/, status: 429, type: "es_rejected_execution_exception", reason: "rejected execution: write queue full" };
    const waits: number[] = [];
    const run = refreshRegionCatalog({
      api,
      region: "us-east-1",
      datasets: [era5()],
      retry: { attempts: 3, sleep: async (ms) => void waits.push(ms) },
      now: NOW,
    });
    await expect(run).rejects.toThrow(
      `bulk into index ${NEW_INDEX}: 2 items rejected after 3 attempts; first: id "era5:2018/01/main.nc" status 429: es_rejected_execution_exception: rejected execution: write queue full`,
    );
    expect(waits).toEqual([1_000, 2_000]);
    expect(sequence(fake.calls())).toEqual([`PUT /${NEW_INDEX}`, `POST /${NEW_INDEX}/_bulk x3`, `DELETE /${NEW_INDEX}`]);
    expect([...fake.aliases.get("catalog-us-east-1")!]).toEqual([OLD_INDEX]);
  });

  it("does not retry when a bulk response mixes throttled items with another rejection", async () => {
    const api = await start();
    const throttle = { status: 429, type: "es_rejected_execution_exception", reason: "queue full" };
    // The fake injects one failure kind; answer main.nc with 400 and everything else with 429.
    fake.bulkFailure = { id: /./, ...throttle };
    const waits: number[] = [];
    const real = api.bulk.bind(api);
    const mixed = {
      ...api,
      bulk: async (index: string, ndjson: string) =>
        (await real(index, ndjson)).map((item) =>
          item.id.endsWith("main.nc") ? { id: item.id, status: 400, error: "mapper_parsing_exception: bad month" } : item,
        ),
    };
    await expect(
      refreshRegionCatalog({ api: mixed, region: "us-east-1", datasets: [era5()], retry: { sleep: async (ms) => void waits.push(ms) }, now: NOW }),
    ).rejects.toThrow(/2 items rejected; first: id "era5:2018\/01\/main.nc" status 400: mapper_parsing_exception: bad month/);
    expect(waits).toEqual([]);
    expect(sequence(fake.calls())).toEqual([`PUT /${NEW_INDEX}`, `POST /${NEW_INDEX}/_bulk`, `DELETE /${NEW_INDEX}`]);
  });

  it("fails when the listing throws midway, deleting the new index and leaving the alias untouched", async () => {
    const api = await start({ indices: [OLD_INDEX], aliases: { "catalog-us-east-1": [OLD_INDEX] } });
    const entries = readEntries(ERA5_KEYS);
    const broken: RegionDataset = {
      dataset: era5Dataset(),
      pages: async function* pages() {
        yield entries.slice(0, 10);
        throw new Error("ListObjectsV2 era5-pds: socket hang up");
      },
    };
    const events: string[] = [];
    await expect(
      refreshRegionCatalog({ api, region: "us-east-1", datasets: [broken], bulk: { maxDocuments: 4 }, now: NOW, log: (event) => events.push(String(event.event)) }),
    ).rejects.toThrow("ListObjectsV2 era5-pds: socket hang up");
    expect(sequence(fake.calls())).toEqual([`PUT /${NEW_INDEX}`, `POST /${NEW_INDEX}/_bulk x2`, `DELETE /${NEW_INDEX}`]);
    expect([...fake.aliases.get("catalog-us-east-1")!]).toEqual([OLD_INDEX]);
    expect([...fake.indices.keys()]).toEqual([OLD_INDEX]);
    expect(events).toEqual(["index-created", "half-built-index-deleted"]);
  });

  it("fails when the alias swap is rejected, deleting the new index", async () => {
    const api = await start({ aliases: { "catalog-us-east-1": ["catalog_us-east-1_20250101000000000"] } });
    await expect(refreshRegionCatalog({ api, region: "us-east-1", datasets: [era5()], now: NOW })).rejects.toThrow(/index_not_found_exception/);
    expect(fake.calls().slice(-2)).toEqual(["POST /_aliases", `DELETE /${NEW_INDEX}`]);
    expect([...fake.aliases.get("catalog-us-east-1")!]).toEqual(["catalog_us-east-1_20250101000000000"]);
    expect(fake.indices.size).toBe(0);
  });

  it("fails when a dataset lists no objects, unless empty datasets are allowed", async () => {
    const api = await start({ indices: [OLD_INDEX], aliases: { "catalog-us-east-1": [OLD_INDEX] } });
    const empty = { dataset: era5Dataset(), pages: pagesOf([]) };
    await expect(refreshRegionCatalog({ api, region: "us-east-1", datasets: [empty], now: NOW })).rejects.toThrow(
      /dataset era5: no objects under s3:\/\/era5-pds\/; refusing to replace the catalog/,
    );
    expect([...fake.aliases.get("catalog-us-east-1")!]).toEqual([OLD_INDEX]);
    const result = await refreshRegionCatalog({ api, region: "us-east-1", datasets: [empty], now: NOW, allowEmptyDataset: true });
    expect(result).toMatchObject({ documents: 0, bulkRequests: 0, previous: [OLD_INDEX], deleted: [OLD_INDEX] });
  });
});

describe("refreshRegionCatalog over shards listed in parallel", () => {
  afterEach(async () => {
    await client.close();
    await fake.close();
  });

  /** Documents received by the fake in bulk requests, duplicates included. */
  function bulkDocumentsSent(): string[] {
    return fake.requests
      .filter((request) => request.path.endsWith("/_bulk"))
      .flatMap((request) => request.body.split("\n").filter((_, i) => i % 2 === 0).filter((line) => line !== ""))
      .map((line) => (JSON.parse(line) as { index: { _id: string } }).index._id);
  }

  it("indexes the same documents as one sequential listing, shard by shard", async () => {
    const entries = readEntries(CMIP6_KEYS);
    const api = await start();
    const source = memorySource(entries, 4);
    const sequential = await refreshRegionCatalog({ api, region: "us-west-2", datasets: [{ dataset: cmip6Dataset(), pages: pagesOf(entries.filter((e) => e.key.startsWith(cmip6Dataset().prefix))) }], now: () => new Date(Date.UTC(2025, 1, 1)) });
    const expected = [...fake.indices.get(sequential.index)!.entries()].sort();
    const result = await refreshRegionCatalog({ api, region: "us-west-2", datasets: [{ dataset: cmip6Dataset(), source, discovery: { targetShards: 64 } }], concurrency: { shards: 3, bulk: 2 }, bulk: { maxDocuments: 1 }, now: NOW });
    expect(result.datasets).toEqual([{ name: "cmip6", objects: 46, documents: 3, shards: 3, resumedShards: 0 }]);
    expect([...fake.indices.get(result.index)!.entries()].sort()).toEqual(expected);
    expect(source.calls.filter((call) => call.startsWith("pages "))).toHaveLength(3);
  });

  it("resumes a failed shard after its last complete unit: every document once, exact counts", async () => {
    const entries = readEntries(ERA5_KEYS);
    const api = await start({ indices: [OLD_INDEX], aliases: { "catalog-us-east-1": [OLD_INDEX] } });
    const source = memorySource(entries, 2);
    // The root's objects (QuickStart.ipynb) are a flat shard; 2018/ is expanded into months.
    source.failure = { shard: (shard) => shard.prefix === "2018/01/", afterPages: 2, times: 1, message: "read ECONNRESET" };
    const events: Record<string, unknown>[] = [];
    const waits: number[] = [];
    const result = await refreshRegionCatalog({
      api,
      region: "us-east-1",
      datasets: [{ dataset: era5Dataset(), source }],
      shardRetry: { sleep: async (ms) => void waits.push(ms) },
      now: NOW,
      log: (event) => events.push(event),
    });
    expect(result.datasets).toEqual([{ name: "era5", objects: 26, documents: 11, shards: expect.any(Number), resumedShards: 1 }]);
    expect(waits).toEqual([1000]);
    const resumed = source.calls.filter((call) => call.startsWith('pages {"prefix":"2018/01/"}'));
    // Four units were complete after two pages of two keys: the retry starts after the fourth key.
    expect(resumed).toEqual(['pages {"prefix":"2018/01/"} from -', 'pages {"prefix":"2018/01/"} from 2018/01/data/eastward_wind_at_100_metres.nc']);
    expect(events.find((event) => event.event === "shard-retry")).toMatchObject({ dataset: "era5", attempt: 1, error: "Error: read ECONNRESET" });
    const sent = bulkDocumentsSent();
    expect(new Set(sent).size).toBe(sent.length);
    expect(sent).toHaveLength(11);
    expect([...fake.aliases.get("catalog-us-east-1")!]).toEqual([NEW_INDEX]);
  });

  it("lists a shard again from its start when it fails inside its first unit (a Zarr store)", async () => {
    const api = await start();
    const source = memorySource(readEntries(ERA5_KEYS), 2);
    source.failure = { shard: (shard) => shard.prefix === "zarr/2018/01/data/air_temperature_at_2_metres.zarr/", afterPages: 3, times: 1 };
    const result = await refreshRegionCatalog({ api, region: "us-east-1", datasets: [{ dataset: era5Dataset(), source }], shardRetry: { sleep: async () => undefined }, now: NOW });
    expect(result.datasets[0]).toMatchObject({ objects: 26, documents: 11, resumedShards: 1 });
    expect(source.calls.filter((call) => call.includes("air_temperature_at_2_metres.zarr/"))).toEqual([
      'pages {"prefix":"zarr/2018/01/data/air_temperature_at_2_metres.zarr/"} from -',
      'pages {"prefix":"zarr/2018/01/data/air_temperature_at_2_metres.zarr/"} from -',
    ]);
    const store = fake.indices.get(NEW_INDEX)!.get("era5:zarr/2018/01/data/air_temperature_at_2_metres.zarr/");
    expect(store).toMatchObject({ object_count: 16 });
    const sent = bulkDocumentsSent();
    expect(sent).toHaveLength(11);
  });

  it("fails when a shard fails every attempt, deleting the new index and leaving the old alias live", async () => {
    const api = await start({ indices: [OLD_INDEX], aliases: { "catalog-us-east-1": [OLD_INDEX] } });
    const source = memorySource(readEntries(ERA5_KEYS), 2);
    source.failure = { shard: (shard) => shard.prefix === "zarr/2018/01/data/air_temperature_at_2_metres.zarr/", afterPages: 1, times: 9, message: "SlowDown" };
    const run = refreshRegionCatalog({
      api,
      region: "us-east-1",
      datasets: [{ dataset: era5Dataset(), source }],
      shardRetry: { attempts: 3, sleep: async () => undefined },
      now: NOW,
    });
    await expect(run).rejects.toThrow(ShardListingError);
    await expect(run).rejects.toThrow(/dataset era5: listing shard \{"prefix":"zarr\/2018\/01\/data\/air_temperature_at_2_metres\.zarr\/"\} failed 3 time\(s\): SlowDown/);
    expect([...fake.aliases.get("catalog-us-east-1")!]).toEqual([OLD_INDEX]);
    expect([...fake.indices.keys()]).toEqual([OLD_INDEX]);
    expect(fake.calls()).toContain(`DELETE /${NEW_INDEX}`);
    expect(fake.calls()).not.toContain("POST /_aliases");
  });

  it("fails when a bulk request fails, stopping the listings in flight, and leaves the old alias live", async () => {
    const api = await start({ indices: [OLD_INDEX], aliases: { "catalog-us-east-1": [OLD_INDEX] } });
    fake.bulkFailure = { id: /zarr/, status: 400, type: "mapper_parsing_exception", reason: "bad" };
    const source = memorySource(readEntries(ERA5_KEYS), 1);
    await expect(
      refreshRegionCatalog({ api, region: "us-east-1", datasets: [{ dataset: era5Dataset(), source }], bulk: { maxDocuments: 1 }, concurrency: { shards: 2, bulk: 1 }, now: NOW }),
    ).rejects.toThrow(BulkIndexError);
    expect([...fake.aliases.get("catalog-us-east-1")!]).toEqual([OLD_INDEX]);
    expect([...fake.indices.keys()]).toEqual([OLD_INDEX]);
  });
});

describe("checkBulkItems", () => {
  it("fails when the response has fewer items than documents sent", () => {
    expect(() => checkBulkItems("idx", 2, [{ id: "a", status: 201 }])).toThrow("bulk into index idx: sent 2 documents but the response has 1 items");
  });

  it("counts every rejected item, listing the first five", () => {
    const items = Array.from({ length: 7 }, (_, i) => ({ id: `d${i}`, status: 429, error: "es_rejected_execution_exception: queue full" }));
    try {
      checkBulkItems("idx", 7, items);
      throw new Error("expected a BulkIndexError");
    } catch (error) {
      expect(error).toBeInstanceOf(BulkIndexError);
      expect((error as BulkIndexError).failed).toBe(7);
      expect((error as BulkIndexError).failures).toHaveLength(5);
    }
  });
});
