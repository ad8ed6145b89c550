import type { CatalogDocument } from "./types";

/**
 * The OpenSearch side of the catalog contract: index and alias names, and the index body
 * (settings and a strict mapping of `CatalogDocument`).
 */

/** Alias the readers (the Python helper) query for a Region: `catalog-<region>`. */
export function catalogAlias(region: string): string {
  return `catalog-${region}`;
}

/**
 * Start of the names of a Region's indices, `catalog_<region>_`. Readers search the pattern
 * `catalog-*`, which must match the aliases only: an index named `catalog-...` would also match
 * it, exposing a half-built index (and duplicates of every document) during a refresh.
 */
export function catalogIndexPrefix(region: string): string {
  return `catalog_${region}_`;
}

/**
 * Name of a fresh index for a Region, `catalog_<region>_<UTC yyyyMMddHHmmssSSS>`: lowercase,
 * sortable by creation time, and outside the readers' `catalog-*` pattern.
 */
export function catalogIndexName(region: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:TZ.]/g, "");
  return `${catalogIndexPrefix(region)}${stamp}`;
}

/** Matches the indices `catalogIndexName` makes for `region` (and nothing else). */
export function catalogIndexPattern(region: string): RegExp {
  const escaped = catalogIndexPrefix(region).replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
  return new RegExp(`^${escaped}\\d{17}$`);
}

type FieldMapping = { readonly type: "keyword" | "integer" | "long" | "date" };

/** Every field of `CatalogDocument` and its OpenSearch type; a missing field fails to compile. */
export const CATALOG_FIELDS: { readonly [K in keyof Required<CatalogDocument>]: FieldMapping } = {
  id: { type: "keyword" },
  dataset: { type: "keyword" },
  region: { type: "keyword" },
  pool: { type: "keyword" },
  layout: { type: "keyword" },
  format: { type: "keyword" },
  s3_uri: { type: "keyword" },
  lustre_path: { type: "keyword" },
  key: { type: "keyword" },
  name: { type: "keyword" },
  size_bytes: { type: "long" },
  object_count: { type: "integer" },
  last_modified: { type: "date" },
  year: { type: "integer" },
  month: { type: "integer" },
  variable: { type: "keyword" },
  activity_id: { type: "keyword" },
  institution_id: { type: "keyword" },
  source_id: { type: "keyword" },
  experiment_id: { type: "keyword" },
  member_id: { type: "keyword" },
  table_id: { type: "keyword" },
  variable_id: { type: "keyword" },
  grid_label: { type: "keyword" },
  version: { type: "keyword" },
};

/**
 * Body of the create-index request: one shard (a Region's catalog is small), and a strict
 * mapping so that a document with an unknown field is rejected rather than silently mapped.
 */
export const CATALOG_INDEX_BODY = {
  settings: { index: { number_of_shards: 1 } },
  mappings: { dynamic: "strict", properties: CATALOG_FIELDS },
} as const;
