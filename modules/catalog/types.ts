/**
 * Types of the dataset catalog: the objects read from S3, the dataset units they are grouped
 * into, and the document written for each unit. The document is a contract shared with the
 * Python helper, which searches the catalog: field names are snake_case and must not change.
 */

/** How a unit's objects are laid out. */
export type CatalogLayout = "era5" | "cmip6" | "generic";

/** What a unit is: one NetCDF file, one Zarr store (a directory of objects), or any other object. */
export type CatalogFormat = "netcdf" | "zarr" | "object";

/** One catalog document: one dataset unit (a file, or a whole Zarr store), never one chunk. */
export interface CatalogDocument {
  /** Stable id, `<dataset>:<unit key relative to the dataset prefix>`, e.g. `era5:2018/01/main.nc`. */
  readonly id: string;
  /** Dataset name from the topology, e.g. `cmip6`. */
  readonly dataset: string;
  /** Region of the dataset's bucket and of its worker pool, e.g. `us-west-2`. */
  readonly region: string;
  /** Dask worker pool next to the data, `pool-<region>`. */
  readonly pool: string;
  readonly layout: CatalogLayout;
  readonly format: CatalogFormat;
  /** `s3://bucket/key` of the file, or of the store directory with a trailing `/`. */
  readonly s3_uri: string;
  /** Path on the Region's Lustre file system; a store directory has no trailing `/`. */
  readonly lustre_path: string;
  /** Full S3 key of the file, or the store prefix (with trailing `/`). */
  readonly key: string;
  /** Short human name: ERA5 variable (`main` for main.nc), CMIP6 instance id, or base name. */
  readonly name: string;
  /** Total bytes of the unit's objects; null when sizes are unknown (keys-only input). */
  readonly size_bytes: number | null;
  /** Objects in the unit: 1 for a file, every object below the prefix for a store. */
  readonly object_count: number;
  /** Newest LastModified of the unit's objects, ISO 8601; null when dates are unknown. */
  readonly last_modified: string | null;
  readonly year?: number;
  readonly month?: number;
  /** ERA5 variable, or the CMIP6 variable_id. */
  readonly variable?: string;
  readonly activity_id?: string;
  readonly institution_id?: string;
  readonly source_id?: string;
  readonly experiment_id?: string;
  readonly member_id?: string;
  readonly table_id?: string;
  readonly variable_id?: string;
  readonly grid_label?: string;
  readonly version?: string;
}

/** One object from a listing (or a keys file). Keys must arrive in S3 (UTF-8 byte) order. */
export interface ObjectEntry {
  /** Full S3 key. */
  readonly key: string;
  /** Size in bytes, null when unknown. */
  readonly size: number | null;
  /** LastModified in milliseconds since the epoch, null when unknown. */
  readonly lastModified: number | null;
}

/** A single object that is a unit on its own (a NetCDF file, a README, a CSV catalog...). */
export interface ObjectUnit {
  readonly kind: "object";
  readonly key: string;
  readonly sizeBytes: number | null;
  readonly lastModified: number | null;
}

/** A Zarr store: every object below `prefix` (which ends with `/`). */
export interface StoreUnit {
  readonly kind: "store";
  readonly prefix: string;
  readonly objectCount: number;
  readonly sizeBytes: number | null;
  readonly lastModified: number | null;
}

/** What the grouper emits: one unit becomes one document. */
export type CatalogUnit = ObjectUnit | StoreUnit;

/** A dataset as the indexer sees it, after validation (see `resolveDataset`). */
export interface DatasetContext {
  /** Dataset name, e.g. `era5`. */
  readonly name: string;
  /** Region of the bucket and of the worker pool. */
  readonly region: string;
  /** `pool-<region>`. */
  readonly pool: string;
  /** Bucket name. */
  readonly bucket: string;
  /** Key prefix of the dataset: empty, or ending with `/`. */
  readonly prefix: string;
  /** Lustre directory of the dataset prefix: mount point + dataset path, no trailing `/`. */
  readonly lustreRoot: string;
}
