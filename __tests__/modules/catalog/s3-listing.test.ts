import type { S3Client } from "@aws-sdk/client-s3";
import { catalogDocuments } from "../../../modules/catalog/dataset-documents";
import { createS3Client, listObjectPages } from "../../../modules/catalog/s3-listing";
import type { CatalogDocument, ObjectEntry } from "../../../modules/catalog/types";
import { LOCAL_S3_CREDENTIALS } from "../../../scripts/catalog/local-s3";
import { CMIP6_KEYS, ERA5_KEYS, cmip6Dataset, era5Dataset, readEntries, seededSize, startSeededS3, type SeededS3 } from "../../fixtures/catalog/fixtures";

let s3: SeededS3;
let client: S3Client;

beforeAll(async () => {
  s3 = await startSeededS3();
  client = createS3Client({ region: "us-east-1", endpoint: s3.endpoint, credentials: LOCAL_S3_CREDENTIALS });
});

afterAll(async () => {
  client.destroy();
  await s3.close();
});

async function collect(pages: AsyncIterable<readonly ObjectEntry[]>): Promise<ObjectEntry[][]> {
  const out: ObjectEntry[][] = [];
  for await (const page of pages) {
    out.push([...page]);
  }
  return out;
}

describe("listObjectPages against s3rver", () => {
  it("lists the whole ERA5 bucket in pages, in key order, with sizes and dates", async () => {
    const started = Date.now() - 60_000;
    const pages = await collect(listObjectPages(client, { bucket: "era5-pds", prefix: "" }, { pageSize: 7 }));
    expect(pages.map((page) => page.length)).toEqual([7, 7, 7, 5]);
    const listed = pages.flat();
    const expected = readEntries(ERA5_KEYS);
    expect(listed.map((e) => e.key)).toEqual(expected.map((e) => e.key));
    expect(listed.map((e) => e.size)).toEqual(expected.map(seededSize));
    expect(listed.every((e) => e.lastModified !== null && e.lastModified >= started)).toBe(true);
  });

  it("lists only the dataset prefix of cmip6-pds", async () => {
    const listed = (await collect(listObjectPages(client, { bucket: "cmip6-pds", prefix: "CMIP6/ScenarioMIP/MOHC/" }, { pageSize: 10 }))).flat();
    expect(listed).toHaveLength(46);
    expect(listed.every((e) => e.key.startsWith("CMIP6/ScenarioMIP/MOHC/"))).toBe(true);
  });

  it("feeds the pipeline: 11 ERA5 documents and 3 CMIP6 documents with the stores' total sizes", async () => {
    const era5: CatalogDocument[] = [];
    for await (const batch of catalogDocuments(listObjectPages(client, { bucket: "era5-pds", prefix: "" }, { pageSize: 5 }), era5Dataset())) {
      era5.push(...batch);
    }
    expect(era5).toHaveLength(11);
    expect(era5.filter((d) => d.format === "netcdf")).toHaveLength(9);
    const zarr = era5.find((d) => d.format === "zarr")!;
    expect(zarr.object_count).toBe(16);
    expect(zarr.size_bytes).toBe(
      readEntries(ERA5_KEYS)
        .filter((e) => e.key.startsWith("zarr/"))
        .reduce((sum, e) => sum + seededSize(e), 0),
    );

    const dataset = cmip6Dataset();
    const cmip6: CatalogDocument[] = [];
    for await (const batch of catalogDocuments(listObjectPages(client, { bucket: dataset.bucket, prefix: dataset.prefix }, { pageSize: 4 }), dataset)) {
      cmip6.push(...batch);
    }
    expect(cmip6.map((d) => [d.source_id, d.variable_id, d.object_count])).toEqual([
      ["HadGEM3-GC31-LL", "tasmax", 6],
      ["UKESM1-0-LL", "pr", 12],
      ["UKESM1-0-LL", "tas", 28],
    ]);
    const tas = readEntries(CMIP6_KEYS).filter((e) => e.key.includes("/Amon/tas/"));
    expect(cmip6[2]!.size_bytes).toBe(tas.reduce((sum, e) => sum + seededSize(e), 0));
    expect(cmip6[2]!.lustre_path).toBe("/fsx/cmip6/UKESM1-0-LL/ssp585/r1i1p1f2/Amon/tas/gn/v20190726");
  });

  it("fails when the bucket does not exist", async () => {
    await expect(collect(listObjectPages(client, { bucket: "no-such-bucket", prefix: "" }))).rejects.toThrow(/bucket does not exist/i);
  });

  it("fails when aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(collect(listObjectPages(client, { bucket: "era5-pds", prefix: "" }, { signal: controller.signal }))).rejects.toThrow(/abort/i);
  });
});
