import fc from "fast-check";
import { CatalogPipeline } from "../../../modules/catalog/dataset-documents";
import { resolveDatasets } from "../../../modules/catalog/dataset";
import { discoverShards, inShard, isStoreByShape, type DiscoveryOptions, type Shard } from "../../../modules/catalog/shards";
import type { CatalogDocument, DatasetContext, ObjectEntry } from "../../../modules/catalog/types";
import { memorySource, sortedEntries } from "../../fixtures/catalog/memory-source";

function dataset(s3: string): DatasetContext {
  return resolveDatasets([{ name: "data", s3, path: "/data" }], { region: "us-east-1", mount: "/fsx" })[0]!;
}

async function collect(shards: AsyncIterable<Shard>): Promise<Shard[]> {
  const out: Shard[] = [];
  for await (const shard of shards) {
    out.push(shard);
  }
  return out;
}

function documents(context: DatasetContext, entries: readonly ObjectEntry[]): CatalogDocument[] {
  const pipeline = new CatalogPipeline(context);
  return [...pipeline.push(entries), ...pipeline.finish()];
}

/** What a document says about its unit, independent of arrival order. */
function summary(document: CatalogDocument): string {
  return `${document.id} ${document.format} ${document.object_count} ${document.size_bytes}`;
}

/**
 * Checks that the shards partition the dataset's keys and that grouping every shard on its own
 * gives exactly the units of grouping the whole listing: no unit spans two shards.
 */
function checkShards(context: DatasetContext, entries: readonly ObjectEntry[], shards: readonly Shard[]): void {
  const inDataset = entries.filter((entry) => entry.key.startsWith(context.prefix));
  for (const entry of inDataset) {
    const owners = shards.filter((shard) => inShard(shard, entry.key));
    expect({ key: entry.key, owners: owners.length }).toEqual({ key: entry.key, owners: 1 });
  }
  const whole = documents(context, inDataset).map(summary).sort();
  const sharded = shards.flatMap((shard) => documents(context, inDataset.filter((entry) => inShard(shard, entry.key)))).map(summary).sort();
  expect(sharded).toEqual(whole);
}

const SEGMENTS = ["a", "b", "a-b", "a.b", "c.zarr", ".zattrs", ".zgroup", ".zmetadata", "0", "0.0", "x.nc", "main.nc", "-x", "z"];
const segment = fc.oneof(fc.constantFrom(...SEGMENTS), fc.stringMatching(/^[a-c.\-_0-9]{1,3}$/));
const genericKey = fc.array(segment, { minLength: 1, maxLength: 6 }).map((parts) => parts.join("/"));
const cmip6Key = fc
  .tuple(
    fc.constantFrom("ScenarioMIP", "CMIP"),
    fc.constantFrom("MOHC", "NCAR"),
    fc.constantFrom("UKESM1-0-LL", "HadGEM3-GC31-LL"),
    fc.constantFrom("ssp585", "ssp126"),
    fc.constantFrom("r1i1p1f2", "r2i1p1f2", "r10i1p1f2"),
    fc.constantFrom("Amon", "day"),
    fc.constantFrom("tas", "pr"),
    fc.constantFrom("v20190726", "v20200114"),
    fc.constantFrom(".zattrs", ".zgroup", ".zmetadata", "tas/.zarray", "tas/0.0.0", "tas/1.0.0", "lat/0", "time/.zattrs"),
  )
  .map(([activity, institution, source, experiment, member, table, variable, version, rest]) => `CMIP6/${activity}/${institution}/${source}/${experiment}/${member}/${table}/${variable}/gn/${version}/${rest}`);
const era5Key = fc.oneof(
  fc.tuple(fc.constantFrom("2018", "2019"), fc.constantFrom("01", "02", "12"), fc.constantFrom("main.nc", "data/tas.nc", "data/pr.nc")).map(([y, m, f]) => `${y}/${m}/${f}`),
  fc
    .tuple(fc.constantFrom("2018", "2019"), fc.constantFrom("01", "02"), fc.constantFrom("tas", "pr"), fc.constantFrom(".zattrs", ".zmetadata", "tas/0.0.0", "tas/1.0.0", "lat/0"))
    .map(([y, m, v, f]) => `zarr/${y}/${m}/data/${v}.zarr/${f}`),
  fc.constantFrom("QuickStart.ipynb", "README.txt"),
);
const discovery: fc.Arbitrary<DiscoveryOptions> = fc.record({
  targetShards: fc.integer({ min: 1, max: 40 }),
  concurrency: fc.integer({ min: 1, max: 4 }),
  maxChildren: fc.integer({ min: 1, max: 6 }),
  maxRanges: fc.integer({ min: 2, max: 5 }),
  maxDepth: fc.integer({ min: 0, max: 8 }),
});

describe("discoverShards", () => {
  test("shard boundaries never split a unit, and the shards cover every key once (generated layouts)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(genericKey, cmip6Key, era5Key), { minLength: 1, maxLength: 120 }),
        fc.constantFrom("", "a/", "CMIP6/", "CMIP6/ScenarioMIP/MOHC/", "zarr/"),
        fc.boolean(),
        discovery,
        fc.integer({ min: 1, max: 7 }),
        async (keys, prefix, markers, options, pageSize) => {
          // Directory markers (keys ending with /) as some tools write them.
          const withMarkers = markers ? [...keys, ...keys.map((key) => key.slice(0, key.lastIndexOf("/") + 1)).filter((key) => key !== "")] : keys;
          const entries = sortedEntries(withMarkers.map((key) => (key.startsWith(prefix) || prefix === "" ? key : `${prefix}${key}`)));
          const context = dataset(prefix === "" ? "s3://bucket" : `s3://bucket/${prefix.slice(0, -1)}`);
          const source = memorySource(entries, pageSize);
          const shards = await collect(discoverShards(source, context, options));
          checkShards(context, entries, shards);
        },
      ),
      { numRuns: 300 },
    );
  });

  test("follows the ERA5 layout: years and Zarr months are listed, NetCDF months and stores are not", async () => {
    const keys: string[] = ["QuickStart.ipynb"];
    for (const year of ["2018", "2019"]) {
      for (const month of ["01", "02"]) {
        keys.push(`${year}/${month}/main.nc`, `${year}/${month}/data/tas.nc`, `${year}/${month}/data/pr.nc`);
        for (const variable of ["tas", "pr"]) {
          keys.push(...[".zattrs", ".zmetadata", `${variable}/.zarray`, `${variable}/0.0.0`].map((f) => `zarr/${year}/${month}/data/${variable}.zarr/${f}`));
        }
      }
    }
    const entries = sortedEntries(keys);
    const source = memorySource(entries);
    const context = dataset("s3://era5-pds");
    const shards = await collect(discoverShards(source, context));
    checkShards(context, entries, shards);
    expect(source.calls.filter((call) => call.startsWith("dir ")).sort()).toEqual(
      ["dir ", "dir 2018/", "dir 2019/", "dir zarr/", "dir zarr/2018/", "dir zarr/2018/01/", "dir zarr/2018/01/data/", "dir zarr/2018/02/", "dir zarr/2018/02/data/", "dir zarr/2019/", "dir zarr/2019/01/", "dir zarr/2019/01/data/", "dir zarr/2019/02/", "dir zarr/2019/02/data/"].sort(),
    );
    expect(shards).toContainEqual({ prefix: "2018/01/" });
    expect(shards).toContainEqual({ prefix: "zarr/2019/02/data/pr.zarr/" });
    expect(shards).toContainEqual({ prefix: "", flat: true });
  });

  test("follows the CMIP6 layout down to the stores and never lists inside one", async () => {
    const keys: string[] = [];
    for (const source of ["HadGEM3-GC31-LL", "UKESM1-0-LL"]) {
      for (const member of ["r1i1p1f2", "r2i1p1f2"]) {
        for (const variable of ["tas", "pr"]) {
          keys.push(...[".zattrs", ".zmetadata", `${variable}/0.0.0`].map((f) => `CMIP6/ScenarioMIP/MOHC/${source}/ssp585/${member}/Amon/${variable}/gn/v20190726/${f}`));
        }
      }
    }
    const entries = sortedEntries(keys);
    const source = memorySource(entries);
    const context = dataset("s3://cmip6-pds/CMIP6/ScenarioMIP/MOHC");
    const shards = await collect(discoverShards(source, context));
    checkShards(context, entries, shards);
    expect(shards).toHaveLength(8);
    expect(shards.every((shard) => isStoreByShape(shard.prefix, context.prefix.length))).toBe(true);
    expect(source.calls.some((call) => /\/v\d+\/$/.test(call))).toBe(false);
  });

  test("stops expanding at the fan-out bound", async () => {
    const keys = Array.from({ length: 40 }, (_, i) => Array.from({ length: 10 }, (_, j) => `d${i}/e${j}/f.nc`)).flat();
    const source = memorySource(sortedEntries(keys));
    const shards = await collect(discoverShards(source, dataset("s3://bucket"), { targetShards: 8, concurrency: 1 }));
    // The root is listed (40 directories), and nothing below it.
    expect(source.calls.filter((call) => call.startsWith("dir "))).toEqual(["dir "]);
    expect(shards).toHaveLength(40);
  });

  test("cuts a directory with more entries than maxChildren into key ranges", async () => {
    const keys = Array.from({ length: 50 }, (_, i) => `flat/object-${String(i).padStart(3, "0")}.nc`);
    const entries = sortedEntries(keys);
    const source = memorySource(entries, 7);
    const context = dataset("s3://bucket/flat");
    const shards = await collect(discoverShards(source, context, { maxChildren: 10, maxRanges: 4 }));
    checkShards(context, entries, shards);
    expect(shards.length).toBeGreaterThan(1);
    expect(shards.length).toBeLessThanOrEqual(4);
    expect(shards.every((shard) => shard.prefix === "flat/" && shard.flat !== true)).toBe(true);
  });

  test("a dataset that is one store is one shard, listed without discovery", async () => {
    const context = dataset("s3://cmip6-pds/CMIP6/ScenarioMIP/MOHC/UKESM1-0-LL/ssp585/r1i1p1f2/Amon/tas/gn/v20190726");
    const source = memorySource([]);
    expect(await collect(discoverShards(source, context))).toEqual([{ prefix: context.prefix }]);
    expect(source.calls).toEqual([]);
  });

  test("fails when a directory listing fails, after the listings in flight end", async () => {
    const source = memorySource(sortedEntries(["a/b/c", "d/e/f"]));
    const failing = { ...source, directory: (prefix: string) => (prefix === "d/" ? (async function* () { throw new Error("AccessDenied"); })() : source.directory(prefix)) };
    await expect(collect(discoverShards(failing, dataset("s3://bucket")))).rejects.toThrow("AccessDenied");
  });
});
