import { buildDocument } from "../../../modules/catalog/documents";
import { resolveDatasets } from "../../../modules/catalog/dataset";
import { cmip6Dataset, era5Dataset } from "../../fixtures/catalog/fixtures";

const TAS = "CMIP6/ScenarioMIP/MOHC/UKESM1-0-LL/ssp585/r1i1p1f2/Amon/tas/gn/v20190726/";
const JULY_26 = Date.UTC(2019, 6, 26, 10, 5);

describe("buildDocument", () => {
  it("builds a CMIP6 store document with every facet, the dataset prefix stripped from id and Lustre path", () => {
    const document = buildDocument({ kind: "store", prefix: TAS, objectCount: 28, sizeBytes: 123_456_789, lastModified: JULY_26 }, cmip6Dataset());
    expect(document).toEqual({
      id: "cmip6:UKESM1-0-LL/ssp585/r1i1p1f2/Amon/tas/gn/v20190726/",
      dataset: "cmip6",
      region: "us-west-2",
      pool: "pool-us-west-2",
      layout: "cmip6",
      format: "zarr",
      s3_uri: `s3://cmip6-pds/${TAS}`,
      lustre_path: "/fsx/cmip6/UKESM1-0-LL/ssp585/r1i1p1f2/Amon/tas/gn/v20190726",
      key: TAS,
      name: "CMIP6.ScenarioMIP.MOHC.UKESM1-0-LL.ssp585.r1i1p1f2.Amon.tas.gn.v20190726",
      size_bytes: 123_456_789,
      object_count: 28,
      last_modified: "2019-07-26T10:05:00.000Z",
      variable: "tas",
      activity_id: "ScenarioMIP",
      institution_id: "MOHC",
      source_id: "UKESM1-0-LL",
      experiment_id: "ssp585",
      member_id: "r1i1p1f2",
      table_id: "Amon",
      variable_id: "tas",
      grid_label: "gn",
      version: "v20190726",
    });
  });

  it("builds ERA5 NetCDF documents for data/<variable>.nc and main.nc", () => {
    const data = buildDocument({ kind: "object", key: "2018/01/data/air_temperature_at_2_metres.nc", sizeBytes: 980_986_534, lastModified: JULY_26 }, era5Dataset());
    expect(data).toMatchObject({
      id: "era5:2018/01/data/air_temperature_at_2_metres.nc",
      layout: "era5",
      format: "netcdf",
      s3_uri: "s3://era5-pds/2018/01/data/air_temperature_at_2_metres.nc",
      lustre_path: "/fsx/era5/2018/01/data/air_temperature_at_2_metres.nc",
      name: "air_temperature_at_2_metres",
      year: 2018,
      month: 1,
      variable: "air_temperature_at_2_metres",
      object_count: 1,
      size_bytes: 980_986_534,
      pool: "pool-us-east-1",
    });
    const main = buildDocument({ kind: "object", key: "2018/01/main.nc", sizeBytes: 1, lastModified: JULY_26 }, era5Dataset());
    expect(main).toMatchObject({ name: "main", year: 2018, month: 1, layout: "era5", format: "netcdf" });
    expect(main).not.toHaveProperty("variable");
  });

  it("builds one ERA5 document for a Zarr copy store", () => {
    const prefix = "zarr/2018/01/data/air_temperature_at_2_metres.zarr/";
    const document = buildDocument({ kind: "store", prefix, objectCount: 16, sizeBytes: 10, lastModified: JULY_26 }, era5Dataset("/mnt/lustre/"));
    expect(document).toMatchObject({
      id: `era5:${prefix}`,
      layout: "era5",
      format: "zarr",
      key: prefix,
      s3_uri: `s3://era5-pds/${prefix}`,
      lustre_path: "/mnt/lustre/era5/zarr/2018/01/data/air_temperature_at_2_metres.zarr",
      name: "air_temperature_at_2_metres",
      year: 2018,
      month: 1,
      variable: "air_temperature_at_2_metres",
      object_count: 16,
    });
  });

  it("builds generic documents for other stores and objects, without ERA5 or CMIP6 facets", () => {
    const [bucket] = resolveDatasets([{ name: "cmip6-all", s3: "s3://cmip6-pds", path: "/cmip6-all" }], { region: "us-west-2", mount: "/fsx" });
    const csv = buildDocument({ kind: "object", key: "pangeo-cmip6.csv", sizeBytes: 92_411_306, lastModified: JULY_26 }, bucket!);
    expect(csv).toEqual({
      id: "cmip6-all:pangeo-cmip6.csv",
      dataset: "cmip6-all",
      region: "us-west-2",
      pool: "pool-us-west-2",
      layout: "generic",
      format: "object",
      s3_uri: "s3://cmip6-pds/pangeo-cmip6.csv",
      lustre_path: "/fsx/cmip6-all/pangeo-cmip6.csv",
      key: "pangeo-cmip6.csv",
      name: "pangeo-cmip6.csv",
      size_bytes: 92_411_306,
      object_count: 1,
      last_modified: "2019-07-26T10:05:00.000Z",
    });
    const store = buildDocument({ kind: "store", prefix: "ocean/sst/", objectCount: 8, sizeBytes: null, lastModified: null }, bucket!);
    expect(store).toMatchObject({ layout: "generic", format: "zarr", name: "sst", lustre_path: "/fsx/cmip6-all/ocean/sst", size_bytes: null, last_modified: null });
    const netcdf = buildDocument({ kind: "object", key: "extra/tos_Omon.nc", sizeBytes: 5, lastModified: null }, bucket!);
    expect(netcdf).toMatchObject({ layout: "generic", format: "netcdf", name: "tos_Omon.nc" });
    expect(netcdf).not.toHaveProperty("year");
  });

  it("maps a store at the dataset prefix itself to the dataset's Lustre directory", () => {
    const document = buildDocument({ kind: "store", prefix: "CMIP6/ScenarioMIP/MOHC/", objectCount: 3, sizeBytes: 3, lastModified: 0 }, cmip6Dataset());
    expect(document).toMatchObject({ id: "cmip6:", lustre_path: "/fsx/cmip6", s3_uri: "s3://cmip6-pds/CMIP6/ScenarioMIP/MOHC/", name: "MOHC", layout: "generic" });
  });

  it("keeps the mount point configurable, including /", () => {
    expect(buildDocument({ kind: "object", key: "2018/01/main.nc", sizeBytes: 1, lastModified: 0 }, era5Dataset("/")).lustre_path).toBe("/era5/2018/01/main.nc");
  });
});
