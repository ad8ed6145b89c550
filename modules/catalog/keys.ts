/**
 * Parsing of S3 keys: S3 key order, the Zarr store a key belongs to by its shape (CMIP6 DRS
 * directory, `*.zarr` directory), consolidated-metadata markers (`.zmetadata`), and the facets
 * of ERA5 and CMIP6 units. Everything here is pure string work on full S3 keys.
 */

/** Name of the consolidated-metadata object of a Zarr v2 store. */
export const ZMETADATA = ".zmetadata";

const SLASH = 0x2f;
const DOT = 0x2e;

/**
 * Compares two keys in S3 listing order: UTF-8 byte order. Same as `<` on strings except where
 * a surrogate pair (code point above U+FFFF) meets a code unit in U+E000..U+FFFF.
 */
export function compareKeys(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        return utf8Rank(x) - utf8Rank(y);
      }
      return x - y;
    }
  }
  return a.length - b.length;
}

/** Surrogates (astral code points) sort after U+E000..U+FFFF in UTF-8. */
function utf8Rank(codeUnit: number): number {
  return codeUnit >= 0xe000 ? codeUnit - 0x800 : codeUnit + 0x2000;
}

/**
 * When `key` is a consolidated-metadata object `<dir>/.zmetadata` whose directory is at or
 * below the dataset prefix (`prefixLength` characters), returns the directory as a store prefix
 * (ending with `/`, or empty for a store at the bucket root); otherwise null.
 */
export function zmetadataDir(key: string, prefixLength: number): string | null {
  if (!key.endsWith(ZMETADATA)) {
    return null;
  }
  const dirLength = key.length - ZMETADATA.length;
  if (dirLength < prefixLength || (dirLength > 0 && key.charCodeAt(dirLength - 1) !== SLASH)) {
    return null;
  }
  return key.slice(0, dirLength);
}

/**
 * The CMIP6 store directory holding `key`, when the key lies below
 * `CMIP6/<activity>/<institution>/<source>/<experiment>/<member>/<table>/<variable>/<grid>/v<digits>/`.
 */
export function cmip6StoreRoot(key: string): string | null {
  if (!key.startsWith("CMIP6/")) {
    return null;
  }
  let slash = 5;
  let versionStart = 0;
  for (let segment = 0; segment < 9; segment++) {
    const next = key.indexOf("/", slash + 1);
    if (next === -1 || next === slash + 1) {
      return null;
    }
    if (segment === 8) {
      versionStart = slash + 1;
    }
    slash = next;
  }
  if (slash + 1 >= key.length || !isVersion(key, versionStart, slash)) {
    return null;
  }
  return key.slice(0, slash + 1);
}

/** `v` followed by digits, between `start` and `end`. */
function isVersion(key: string, start: number, end: number): boolean {
  if (end - start < 2 || key.charCodeAt(start) !== 0x76) {
    return false;
  }
  for (let i = start + 1; i < end; i++) {
    const c = key.charCodeAt(i);
    if (c < 0x30 || c > 0x39) {
      return false;
    }
  }
  return true;
}

/** The first directory at or below `from` whose name ends with `.zarr` and that holds `key`. */
export function zarrDirRoot(key: string, from: number): string | null {
  const at = key.indexOf(".zarr/", from);
  if (at === -1 || at + 6 >= key.length) {
    return null;
  }
  return key.slice(0, at + 6);
}

/**
 * The Zarr store that `key` belongs to by the shape of its path alone (a CMIP6 DRS version
 * directory, or a `*.zarr` directory), below the dataset prefix; the outermost one wins.
 */
export function shapeStoreRoot(key: string, prefixLength: number): string | null {
  const cmip6 = cmip6StoreRoot(key);
  const zarr = zarrDirRoot(key, prefixLength);
  const root = cmip6 === null ? zarr : zarr === null || cmip6.length <= zarr.length ? cmip6 : zarr;
  return root !== null && root.length >= prefixLength ? root : null;
}

/**
 * The last `<dir>/.zmetadata` key that would, in S3 order, come after `path` while making one of
 * `path`'s directories (at or below the dataset prefix, strictly above `path`) a Zarr store; null
 * when there is none. Until the listing has moved past it, it is not known whether `path` is part
 * of a store. Only names starting with a character sorting before `.zmetadata` (such as
 * `.zattrs`, `.zgroup` or `-x`) can do this.
 */
export function zmetadataHorizon(path: string, prefixLength: number): string | null {
  let horizon: string | null = null;
  let start = prefixLength;
  while (start < path.length) {
    const c = path.charCodeAt(start);
    if (c < DOT || (c === DOT && path.slice(start) < ZMETADATA)) {
      const candidate = path.slice(0, start) + ZMETADATA;
      if (horizon === null || candidate > horizon) {
        horizon = candidate;
      }
    }
    const slash = path.indexOf("/", start);
    if (slash === -1) {
      break;
    }
    start = slash + 1;
  }
  return horizon;
}

/** The CMIP6 facets of a store directory, in DRS order. */
export interface Cmip6Facets {
  readonly activity_id: string;
  readonly institution_id: string;
  readonly source_id: string;
  readonly experiment_id: string;
  readonly member_id: string;
  readonly table_id: string;
  readonly variable_id: string;
  readonly grid_label: string;
  readonly version: string;
}

const CMIP6_STORE = /^CMIP6\/([^/]+)\/([^/]+)\/([^/]+)\/([^/]+)\/([^/]+)\/([^/]+)\/([^/]+)\/([^/]+)\/(v\d+)\/$/;

/** Facets of a CMIP6 store prefix (exactly the version directory, with trailing `/`), or null. */
export function parseCmip6Store(prefix: string): Cmip6Facets | null {
  const m = CMIP6_STORE.exec(prefix);
  if (m === null) {
    return null;
  }
  return {
    activity_id: m[1]!,
    institution_id: m[2]!,
    source_id: m[3]!,
    experiment_id: m[4]!,
    member_id: m[5]!,
    table_id: m[6]!,
    variable_id: m[7]!,
    grid_label: m[8]!,
    version: m[9]!,
  };
}

/** The CMIP6 instance id of a store, e.g. `CMIP6.ScenarioMIP.MOHC.UKESM1-0-LL.ssp585.r1i1p1f2.Amon.tas.gn.v20190726`. */
export function cmip6InstanceId(facets: Cmip6Facets): string {
  return [
    "CMIP6",
    facets.activity_id,
    facets.institution_id,
    facets.source_id,
    facets.experiment_id,
    facets.member_id,
    facets.table_id,
    facets.variable_id,
    facets.grid_label,
    facets.version,
  ].join(".");
}

/** Year, month and variable of an ERA5 unit; `variable` is null for `main.nc`. */
export interface Era5Facets {
  readonly year: number;
  readonly month: number;
  readonly variable: string | null;
}

const ERA5_NETCDF = /^(\d{4})\/(\d{2})\/(?:main\.nc|data\/([^/]+)\.nc)$/;
const ERA5_ZARR = /^zarr\/(\d{4})\/(\d{2})\/data\/([^/]+)\.zarr\/$/;

/** Facets of an ERA5 NetCDF key, `YYYY/MM/data/<variable>.nc` or `YYYY/MM/main.nc`, or null. */
export function parseEra5NetCdf(key: string): Era5Facets | null {
  const m = ERA5_NETCDF.exec(key);
  return m === null ? null : era5Facets(m[1]!, m[2]!, m[3] ?? null);
}

/** Facets of an ERA5 Zarr store prefix, `zarr/YYYY/MM/data/<variable>.zarr/`, or null. */
export function parseEra5ZarrStore(prefix: string): Era5Facets | null {
  const m = ERA5_ZARR.exec(prefix);
  return m === null ? null : era5Facets(m[1]!, m[2]!, m[3]!);
}

function era5Facets(year: string, month: string, variable: string | null): Era5Facets | null {
  const monthNumber = Number(month);
  if (monthNumber < 1 || monthNumber > 12 || variable === "") {
    return null;
  }
  return { year: Number(year), month: monthNumber, variable };
}

/** Last path segment of a key or of a directory prefix (trailing `/` ignored). */
export function baseName(path: string): string {
  const end = path.endsWith("/") ? path.length - 1 : path.length;
  return path.slice(path.lastIndexOf("/", end - 1) + 1, end);
}
