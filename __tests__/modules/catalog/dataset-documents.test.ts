import { CatalogPipeline, catalogDocuments } from "../../../modules/catalog/dataset-documents";
import { resolveDatasets } from "../../../modules/catalog/dataset";
import { CMIP6_KEYS, ERA5_KEYS, cmip6Dataset, era5Dataset, readEntries } from "../../fixtures/catalog/fixtures";
import type { CatalogDocument, ObjectEntry } from "../../../modules/catalog/types";

function pagesOf(entries: readonly ObjectEntry[], size: number): ObjectEntry[][] {
  const pages: ObjectEntry[][] = [];
  for (let i = 0; i < entries.length; i += size) {
    pages.push(entries.slice(i, i + size));
  }
  return pages;
}

async function run(entries: readonly ObjectEntry[], dataset = era5Dataset(), pageSize = 5) {
  const documents: CatalogDocument[] = [];
  let counts = { objects: -1, documents: -1 };
  for await (const batch of catalogDocuments(pagesOf(entries, pageSize), dataset, (done) => {
    counts = done;
  })) {
    documents.push(...batch);
  }
  return { documents, counts };
}

describe("catalogDocuments", () => {
  it("turns the 26 ERA5 objects into 11 documents: 9 NetCDF, 1 notebook, 1 Zarr store", async () => {
    const { documents, counts } = await run(readEntries(ERA5_KEYS));
    expect(counts).toEqual({ objects: 26, documents: 11 });
    expect(documents.map((d) => `${d.layout}/${d.format} ${d.name}`)).toEqual([
      "era5/netcdf air_pressure_at_mean_sea_level",
      "era5/netcdf air_temperature_at_2_metres",
      "era5/netcdf air_temperature_at_2_metres_1hour_Maximum",
      "era5/netcdf eastward_wind_at_100_metres",
      "era5/netcdf eastward_wind_at_10_metres",
      "era5/netcdf main",
      "era5/netcdf air_pressure_at_mean_sea_level",
      "era5/netcdf air_temperature_at_2_metres",
      "era5/netcdf main",
      "generic/object QuickStart.ipynb",
      "era5/zarr air_temperature_at_2_metres",
    ]);
    const store = documents[10]!;
    const zarrEntries = readEntries(ERA5_KEYS).filter((e) => e.key.startsWith("zarr/"));
    expect(store.object_count).toBe(16);
    expect(store.size_bytes).toBe(zarrEntries.reduce((sum, e) => sum + e.size!, 0));
    expect(store.last_modified).toBe(new Date(Math.max(...zarrEntries.map((e) => e.lastModified!))).toISOString());
    expect(new Set(documents.map((d) => d.id)).size).toBe(11);
  });

  it("turns the MOHC prefix of the CMIP6 fixture into 3 store documents of 46 objects", async () => {
    const entries = readEntries(CMIP6_KEYS).filter((e) => e.key.startsWith("CMIP6/ScenarioMIP/MOHC/"));
    const { documents, counts } = await run(entries, cmip6Dataset(), 7);
    expect(counts).toEqual({ objects: 46, documents: 3 });
    expect(documents.map((d) => [d.id, d.object_count, d.variable_id, d.table_id])).toEqual([
      ["cmip6:HadGEM3-GC31-LL/ssp245/r1i1p1f3/day/tasmax/gn/v20200114/", 6, "tasmax", "day"],
      ["cmip6:UKESM1-0-LL/ssp585/r1i1p1f2/Amon/pr/gn/v20190726/", 12, "pr", "Amon"],
      ["cmip6:UKESM1-0-LL/ssp585/r1i1p1f2/Amon/tas/gn/v20190726/", 28, "tas", "Amon"],
    ]);
    expect(documents.every((d) => d.layout === "cmip6" && d.format === "zarr" && d.lustre_path.startsWith("/fsx/cmip6/"))).toBe(true);
  });

  it("indexes root catalogs one per object when the dataset is the whole bucket", async () => {
    const [bucket] = resolveDatasets([{ name: "cmip6-all", s3: "s3://cmip6-pds", path: "/cmip6-all" }], { region: "us-west-2", mount: "/fsx" });
    const { documents } = await run(readEntries(CMIP6_KEYS), bucket!, 50);
    expect(documents.map((d) => `${d.layout}/${d.format}`)).toEqual(["cmip6/zarr", "cmip6/zarr", "cmip6/zarr", "cmip6/zarr", "generic/object", "generic/object"]);
    expect(documents.slice(4).map((d) => d.lustre_path)).toEqual(["/fsx/cmip6-all/pangeo-cmip6.csv", "/fsx/cmip6-all/pangeo-cmip6.json"]);
  });

  it("gives the same documents whatever the page size", async () => {
    const entries = readEntries(ERA5_KEYS);
    const one = await run(entries, era5Dataset(), 1);
    const all = await run(entries, era5Dataset(), 1000);
    expect(one.documents).toEqual(all.documents);
  });
});

describe("CatalogPipeline", () => {
  it("returns documents as soon as they are complete", () => {
    const pipeline = new CatalogPipeline(era5Dataset());
    const entries = readEntries(ERA5_KEYS);
    expect(pipeline.push(entries.slice(0, 2)).map((d) => d.name)).toEqual(["air_pressure_at_mean_sea_level", "air_temperature_at_2_metres"]);
    expect(pipeline.push(entries.slice(2, 12)).length).toBe(8);
    expect(pipeline.push(entries.slice(12))).toEqual([]);
    expect(pipeline.finish().map((d) => d.format)).toEqual(["zarr"]);
    expect(pipeline.counts).toEqual({ objects: 26, documents: 11 });
  });

  it("fails when a page is out of S3 order", () => {
    const pipeline = new CatalogPipeline(era5Dataset());
    const entries = readEntries(ERA5_KEYS);
    expect(() => pipeline.push([entries[3]!, entries[1]!])).toThrow(/arrived after/);
  });
});
