/**
 * The dataset catalog indexer: lists a dataset's S3 prefix, groups objects into dataset units
 * (NetCDF files, Zarr stores, other objects), builds one document per unit and rebuilds a
 * Region's OpenSearch index behind an atomic alias swap. Plain TypeScript, no CDKTF.
 */
export * from "./types";
export * from "./errors";
export * from "./keys";
export * from "./dataset";
export * from "./group";
export * from "./documents";
export * from "./mapping";
export * from "./ndjson";
export * from "./dataset-documents";
export * from "./keys-file";
export * from "./s3-listing";
export * from "./bulk-sender";
export * from "./refresh";
export * from "./indexing";
export * from "./shards";
export * from "./listing-reader";
export * from "./s3-source";
export * from "./opensearch";
