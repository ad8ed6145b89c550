import { isAwsRegion } from "../config/regions";
import { poolName } from "../naming";
import { CatalogInputError } from "./errors";
import type { DatasetContext } from "./types";

/*
 * The topology's rules for dataset names, S3 URIs and Lustre paths. They are the patterns of
 * `modules/config/schema.ts` (a test keeps them equal), copied because importing that module
 * would pull zod into the Lambda bundle (a quarter of its size) for four regular expressions.
 */
/** Dataset name, as in the topology. */
export const DATASET_NAME_PATTERN = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
/** S3 bucket name. */
export const BUCKET_PATTERN = /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** `s3://bucket[/prefix][/]`: group 1 is the bucket, group 3 the prefix without trailing `/`. */
export const S3_URI_PATTERN = /^s3:\/\/([^/]+)(\/(.*[^/])?)?\/?$/;
/** Absolute Lustre directory of a dataset, no trailing `/`. */
export const DATASET_PATH_PATTERN = /^\/[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/** Where the Lustre file system is mounted on the Dask workers unless told otherwise. */
export const DEFAULT_MOUNT = "/fsx";

/** A dataset as written in the topology (and in the Lambda event): name, S3 URI, Lustre path. */
export interface DatasetSpec {
  readonly name: string;
  /** `s3://bucket[/prefix]`. */
  readonly s3: string;
  /** Lustre directory of the dataset, e.g. `/era5`. */
  readonly path: string;
}

/** Bucket and key prefix of an S3 URI; the prefix is empty or ends with `/`. */
export interface S3Location {
  readonly bucket: string;
  readonly prefix: string;
}

/** Parses `s3://bucket[/prefix][/]`; `field` names the input in the error. */
export function parseS3Uri(uri: string, field: string): S3Location {
  const match = S3_URI_PATTERN.exec(uri);
  const allowed = "s3://<bucket>[/<prefix>] with a valid bucket name (3-63 lowercase letters, digits, '.' and '-')";
  if (match === null || match[1] === undefined) {
    throw new CatalogInputError(field, uri, "is not an S3 URI", allowed);
  }
  const bucket = match[1];
  if (!BUCKET_PATTERN.test(bucket)) {
    throw new CatalogInputError(field, uri, `bucket ${JSON.stringify(bucket)} is not a valid bucket name`, allowed);
  }
  const prefix = match[3] ?? "";
  if (prefix !== "" && prefix.split("/").some((part) => part === "")) {
    throw new CatalogInputError(field, uri, "has an empty path segment ('//')", allowed);
  }
  return { bucket, prefix: prefix === "" ? "" : `${prefix}/` };
}

/** Checks a Region name against the Regions Proximate deploys into. */
export function checkRegion(region: string, field: string): string {
  if (!isAwsRegion(region)) {
    throw new CatalogInputError(field, region, "is not a known AWS Region", "a Region name such as us-east-1 or eu-west-2");
  }
  return region;
}

/** Normalises a mount point: absolute, no trailing `/` (except `/` itself), no `.`/`..` segments. */
export function checkMount(mount: string, field: string): string {
  const trimmed = mount.length > 1 ? mount.replace(/\/+$/, "") : mount;
  const ok = trimmed === "/" || (DATASET_PATH_PATTERN.test(trimmed) && !hasDotSegment(trimmed));
  if (!ok) {
    throw new CatalogInputError(field, mount, "is not an absolute directory path", "an absolute path such as /fsx (letters, digits, '.', '_', '-')");
  }
  return trimmed;
}

/** Where datasets are indexed: their Region and the Lustre mount point, with the names of those inputs for errors. */
export interface DatasetPlacement {
  readonly region: string;
  readonly mount: string;
  /** How the caller names the Region input, e.g. `--region`; default `region`. */
  readonly regionField?: string;
  /** How the caller names the mount input, e.g. `--mount`; default `mount`. */
  readonly mountField?: string;
}

/** Names a dataset's input field in errors: `(0, "s3")` -> `datasets[0].s3` by default. */
export type DatasetFieldNamer = (index: number, part: keyof DatasetSpec) => string;

const defaultFieldNamer: DatasetFieldNamer = (index, part) => `datasets[${index}].${part}`;

/**
 * Validates the datasets of one Region (names unique, S3 URIs, Lustre paths) and resolves them
 * for the Region and the mount point.
 */
export function resolveDatasets(
  specs: readonly DatasetSpec[],
  placement: DatasetPlacement,
  fieldOf: DatasetFieldNamer = defaultFieldNamer,
): DatasetContext[] {
  const region = checkRegion(placement.region, placement.regionField ?? "region");
  const root = checkMount(placement.mount, placement.mountField ?? "mount");
  const seen = new Set<string>();
  return specs.map((spec, index) => {
    const dataset = resolveOne(spec, region, root, (part) => fieldOf(index, part));
    if (seen.has(dataset.name)) {
      throw new CatalogInputError(fieldOf(index, "name"), dataset.name, "repeats a dataset name", "each dataset once per Region");
    }
    seen.add(dataset.name);
    return dataset;
  });
}

function resolveOne(spec: DatasetSpec, region: string, root: string, field: (part: keyof DatasetSpec) => string): DatasetContext {
  if (typeof spec.name !== "string" || !DATASET_NAME_PATTERN.test(spec.name)) {
    throw new CatalogInputError(field("name"), spec.name, "is not a valid dataset name", "2-32 lowercase letters, digits and '-', starting with a letter");
  }
  if (typeof spec.s3 !== "string") {
    throw new CatalogInputError(field("s3"), spec.s3, "is not a string", "s3://<bucket>[/<prefix>]");
  }
  const location = parseS3Uri(spec.s3, field("s3"));
  if (typeof spec.path !== "string" || !DATASET_PATH_PATTERN.test(spec.path) || hasDotSegment(spec.path)) {
    throw new CatalogInputError(
      field("path"),
      spec.path,
      "is not an absolute directory path below the file system root",
      "an absolute path such as /era5 (letters, digits, '.', '_', '-'; no trailing slash; not / itself)",
    );
  }
  return {
    name: spec.name,
    region,
    pool: poolName(region),
    bucket: location.bucket,
    prefix: location.prefix,
    lustreRoot: `${root === "/" ? "" : root}${spec.path}`,
  };
}

function hasDotSegment(path: string): boolean {
  return path.split("/").some((part) => part === "." || part === "..");
}
