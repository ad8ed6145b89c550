import { CatalogInputError } from "../../../modules/catalog/errors";
import * as schema from "../../../modules/config/schema";
import {
  BUCKET_PATTERN,
  DATASET_NAME_PATTERN,
  DATASET_PATH_PATTERN,
  S3_URI_PATTERN,
  checkMount,
  parseS3Uri,
  resolveDatasets,
} from "../../../modules/catalog/dataset";

describe("dataset patterns", () => {
  it("are the topology schema's patterns", () => {
    expect(DATASET_NAME_PATTERN.source).toBe(schema.DATASET_NAME_PATTERN.source);
    expect(BUCKET_PATTERN.source).toBe(schema.BUCKET_PATTERN.source);
    expect(S3_URI_PATTERN.source).toBe(schema.S3_URI_PATTERN.source);
    expect(DATASET_PATH_PATTERN.source).toBe(schema.DATASET_PATH_PATTERN.source);
  });
});

describe("parseS3Uri", () => {
  it("splits bucket and prefix, normalising the prefix to end with /", () => {
    expect(parseS3Uri("s3://era5-pds", "s3")).toEqual({ bucket: "era5-pds", prefix: "" });
    expect(parseS3Uri("s3://era5-pds/", "s3")).toEqual({ bucket: "era5-pds", prefix: "" });
    expect(parseS3Uri("s3://cmip6-pds/CMIP6/ScenarioMIP/MOHC", "s3")).toEqual({ bucket: "cmip6-pds", prefix: "CMIP6/ScenarioMIP/MOHC/" });
    expect(parseS3Uri("s3://cmip6-pds/CMIP6/ScenarioMIP/MOHC/", "s3")).toEqual({ bucket: "cmip6-pds", prefix: "CMIP6/ScenarioMIP/MOHC/" });
  });

  it("fails when the URI is not s3:// or the bucket name is invalid", () => {
    expect(() => parseS3Uri("https://era5-pds.s3.amazonaws.com", "--s3")).toThrow(/^--s3: got "https:\/\/era5-pds.s3.amazonaws.com": is not an S3 URI; allowed: s3:\/\//);
    expect(() => parseS3Uri("s3://ERA5_pds", "--s3")).toThrow(/bucket "ERA5_pds" is not a valid bucket name/);
    expect(() => parseS3Uri("s3://era5-pds/a//b", "--s3")).toThrow(/empty path segment/);
  });
});

describe("resolveDatasets", () => {
  it("resolves region, pool, bucket, prefix and the Lustre root", () => {
    const [dataset] = resolveDatasets([{ name: "cmip6", s3: "s3://cmip6-pds/CMIP6/ScenarioMIP/MOHC", path: "/cmip6" }], { region: "us-west-2", mount: "/fsx/" });
    expect(dataset).toEqual({ name: "cmip6", region: "us-west-2", pool: "pool-us-west-2", bucket: "cmip6-pds", prefix: "CMIP6/ScenarioMIP/MOHC/", lustreRoot: "/fsx/cmip6" });
  });

  it("fails when the Region is unknown, naming the caller's field", () => {
    const attempt = () => resolveDatasets([{ name: "era5", s3: "s3://era5-pds", path: "/era5" }], { region: "US-EAST-1", mount: "/fsx", regionField: "--region" });
    expect(attempt).toThrow(CatalogInputError);
    expect(attempt).toThrow(/^--region: got "US-EAST-1": is not a known AWS Region; allowed: a Region name such as us-east-1/);
  });

  it("fails when a dataset field is invalid, naming datasets[i].field", () => {
    const region = { region: "us-east-1", mount: "/fsx" };
    expect(() => resolveDatasets([{ name: "ERA5", s3: "s3://era5-pds", path: "/era5" }], region)).toThrow(/^datasets\[0\]\.name: got "ERA5"/);
    expect(() =>
      resolveDatasets(
        [
          { name: "era5", s3: "s3://era5-pds", path: "/era5" },
          { name: "cmip6", s3: "s3://cmip6-pds", path: "cmip6" },
        ],
        region,
      ),
    ).toThrow(/^datasets\[1\]\.path: got "cmip6": is not an absolute directory path/);
    expect(() => resolveDatasets([{ name: "era5", s3: "s3://era5-pds", path: "/era5/../etc" }], region)).toThrow(/^datasets\[0\]\.path/);
    expect(() => resolveDatasets([{ name: "era5", s3: 42 as unknown as string, path: "/era5" }], region)).toThrow(/^datasets\[0\]\.s3: got 42: is not a string/);
  });

  it("fails when a dataset name repeats", () => {
    expect(() =>
      resolveDatasets(
        [
          { name: "era5", s3: "s3://era5-pds", path: "/era5" },
          { name: "era5", s3: "s3://era5-pds/zarr", path: "/era5-zarr" },
        ],
        { region: "us-east-1", mount: "/fsx" },
      ),
    ).toThrow(/^datasets\[1\]\.name: got "era5": repeats a dataset name/);
  });
});

describe("checkMount", () => {
  it("accepts absolute directories and strips a trailing slash", () => {
    expect(checkMount("/fsx", "--mount")).toBe("/fsx");
    expect(checkMount("/mnt/lustre/", "--mount")).toBe("/mnt/lustre");
    expect(checkMount("/", "--mount")).toBe("/");
  });

  it("fails when the mount point is relative or has .. segments", () => {
    expect(() => checkMount("fsx", "--mount")).toThrow(/^--mount: got "fsx": is not an absolute directory path/);
    expect(() => checkMount("/fsx/../etc", "--mount")).toThrow(/^--mount: got "\/fsx\/..\/etc"/);
  });
});
