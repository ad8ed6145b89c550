/**
 * Synthetic buckets with the real key layouts of the public datasets, generated lazily in S3
 * order, and ListObjectsV2 over them with S3's semantics (prefix, delimiter, start-after,
 * continuation token, at most 1,000 keys a page). Nothing is materialised: a bucket of 20 million
 * keys is a small tree of directory templates whose children are computed when a listing passes
 * through them, so the stand-in's memory does not grow with the key count.
 *
 * Layouts (see modules/catalog/README.md and ../shared/reference/mission.md):
 * - `cmip6`: `cmip6-pds` with `CMIP6/ScenarioMIP/MOHC/<source>/<experiment>/<member>/<table>/<variable>/gn/<version>/`
 *   Zarr v2 stores (`.zattrs`, `.zgroup`, `.zmetadata`, coordinate arrays, one data variable with
 *   its chunks; chunk counts per table: Amon 8, day 120, Omon 240 (3-D), 3hr 1200), plus the
 *   bucket's root catalogs; scaled by the number of ensemble members.
 * - `era5`: `era5-pds` with `YYYY/MM/main.nc`, `YYYY/MM/data/<18 variables>.nc` and the Zarr copy
 *   `zarr/YYYY/MM/data/<variable>.zarr/` (chunk grid 31 x 8 x 15 = 3,720 chunks per store, the
 *   NetCDF granules' chunking 24 x 100 x 100 over 744 x 721 x 1440), scaled by the number of months.
 */
import { compareKeys } from "../../modules/catalog/keys";

/** One object of a synthetic bucket. */
export interface SyntheticObject {
  readonly key: string;
  readonly size: number;
  readonly lastModified: number;
}

/** A directory: its children in S3 order, computed on demand. */
interface Directory {
  /** Children: `name` ends with `/` for a subdirectory. */
  children(): readonly Child[];
}

interface Child {
  readonly name: string;
  readonly directory?: Directory;
  readonly size?: number;
  readonly lastModified?: number;
}

/** A synthetic bucket: a name, a root directory and how many objects it holds. */
export interface SyntheticBucket {
  readonly name: string;
  readonly root: Directory;
  readonly objects: number;
  /** The dataset's S3 URI in this bucket (what the topology would configure). */
  readonly datasetUri: string;
  /** Objects below the dataset prefix. */
  readonly datasetObjects: number;
  /** Dataset units (documents the catalog gets) below the dataset prefix. */
  readonly datasetUnits: number;
}

function byS3Order(children: Child[]): Child[] {
  return children.sort((a, b) => compareKeys(a.name, b.name));
}

function fixed(children: Child[]): Directory {
  const sorted = byS3Order(children);
  return { children: () => sorted };
}

function lazy(make: () => Child[]): Directory {
  let made: readonly Child[] | null = null;
  return {
    children() {
      made ??= byS3Order(make());
      return made;
    },
  };
}

/** A file child. */
function file(name: string, size: number, lastModified: number): Child {
  return { name, size, lastModified };
}

/** A directory child. */
function dir(name: string, directory: Directory): Child {
  return { name: `${name}/`, directory };
}

/** The objects of a Zarr array directory: `.zarray`, `.zattrs` and its chunks. */
function zarrArray(chunks: readonly string[], chunkBytes: number, date: number): Directory {
  return fixed([file(".zarray", 420, date), file(".zattrs", 310, date), ...chunks.map((chunk) => file(chunk, chunkBytes, date))]);
}

/** Chunk names of a grid, e.g. [2, 1, 1] -> 0.0.0, 1.0.0. */
function chunkNames(grid: readonly number[]): string[] {
  let names = [""];
  for (const extent of grid) {
    const next: string[] = [];
    for (const name of names) {
      for (let i = 0; i < extent; i++) {
        next.push(name === "" ? String(i) : `${name}.${i}`);
      }
    }
    names = next;
  }
  return names;
}

/** Directories nested along `names`, the last one holding `leaf`. */
function nested(names: readonly string[], leaf: Directory): Directory {
  return names.reduceRight<Directory>((inner, name) => fixed([dir(name, inner)]), leaf);
}

const STORE_META = [".zattrs", ".zgroup", ".zmetadata"];

/** A Zarr store: metadata, coordinate arrays, one data variable. */
function zarrStore(coordinates: readonly (readonly [string, readonly number[]])[], variable: string, grid: readonly number[], chunkBytes: number, date: number): { directory: Directory; objects: number } {
  const children: Child[] = STORE_META.map((name) => file(name, 2_000, date));
  let objects = STORE_META.length;
  for (const [name, coordinateGrid] of coordinates) {
    const chunks = chunkNames(coordinateGrid);
    children.push(dir(name, zarrArray(chunks, 8_000, date)));
    objects += 2 + chunks.length;
  }
  const chunks = chunkNames(grid);
  children.push(dir(variable, zarrArray(chunks, chunkBytes, date)));
  objects += 2 + chunks.length;
  return { directory: fixed(children), objects };
}

// ---------------------------------------------------------------- CMIP6

const CMIP6_SOURCES = ["HadGEM3-GC31-LL", "HadGEM3-GC31-MM", "UKESM1-0-LL", "UKESM1-1-LL"];
const CMIP6_EXPERIMENTS = ["ssp119", "ssp126", "ssp245", "ssp370", "ssp434", "ssp460", "ssp534-over", "ssp585"];
const CMIP6_COORDINATES_2D: readonly (readonly [string, readonly number[]])[] = [
  ["lat", [1]],
  ["lat_bnds", [1, 1]],
  ["lon", [1]],
  ["lon_bnds", [1, 1]],
  ["time", [1]],
  ["time_bnds", [1, 1]],
];
const CMIP6_COORDINATES_3D: readonly (readonly [string, readonly number[]])[] = [...CMIP6_COORDINATES_2D, ["lev", [1]], ["lev_bnds", [1, 1]]];

/** Tables, their variables and each variable's chunk grid. */
const CMIP6_TABLES: readonly { table: string; variables: readonly string[]; grid: readonly number[]; coordinates: typeof CMIP6_COORDINATES_2D; chunkBytes: number }[] = [
  { table: "3hr", variables: ["pr", "tas", "uas", "vas"], grid: [1200, 1, 1], coordinates: CMIP6_COORDINATES_2D, chunkBytes: 90_000_000 },
  { table: "Amon", variables: ["clt", "hfls", "hfss", "hurs", "huss", "pr", "prsn", "ps", "psl", "rlds", "rlus", "rsds", "rsus", "sfcWind", "tas", "tasmax", "tasmin", "ts", "uas", "vas"], grid: [8, 1, 1], coordinates: CMIP6_COORDINATES_2D, chunkBytes: 14_000_000 },
  { table: "Omon", variables: ["so", "thetao", "tos", "zos"], grid: [240, 1, 1, 1], coordinates: CMIP6_COORDINATES_3D, chunkBytes: 100_000_000 },
  { table: "day", variables: ["hurs", "pr", "psl", "sfcWind", "tas", "tasmax", "tasmin", "uas", "vas"], grid: [120, 1, 1], coordinates: CMIP6_COORDINATES_2D, chunkBytes: 95_000_000 },
];

const CMIP6_DATE = Date.UTC(2019, 6, 26, 10);

function cmip6Member(): { directory: Directory; objects: number; units: number } {
  let objects = 0;
  let units = 0;
  const tables: Child[] = [];
  for (const { table, variables, grid, coordinates, chunkBytes } of CMIP6_TABLES) {
    const variableDirs: Child[] = [];
    for (const variable of variables) {
      const store = zarrStore(coordinates, variable, grid, chunkBytes, CMIP6_DATE);
      objects += store.objects;
      units += 1;
      variableDirs.push(dir(variable, nested(["gn", "v20190726"], store.directory)));
    }
    tables.push(dir(table, fixed(variableDirs)));
  }
  return { directory: fixed(tables), objects, units };
}

/** `cmip6-pds` with about `target` objects below `CMIP6/ScenarioMIP/MOHC/`. */
export function cmip6Bucket(target: number): SyntheticBucket {
  const member = cmip6Member();
  const perMember = member.objects;
  const members = Math.max(1, Math.round(target / (perMember * CMIP6_SOURCES.length * CMIP6_EXPERIMENTS.length)));
  const memberNames = Array.from({ length: members }, (_, i) => `r${i + 1}i1p1f${i % 2 === 0 ? 2 : 3}`);
  const experiment = fixed(memberNames.map((name) => dir(name, member.directory)));
  const source = fixed(CMIP6_EXPERIMENTS.map((name) => dir(name, experiment)));
  const mohc = fixed(CMIP6_SOURCES.map((name) => dir(name, source)));
  const ncarStore = zarrStore(CMIP6_COORDINATES_2D, "tos", [4, 1, 1], 10_000_000, CMIP6_DATE);
  const ncar = nested(["CESM2", "ssp370", "r4i1p1f1", "Omon", "tos", "gn", "v20190514"], ncarStore.directory);
  const root = fixed([
    file("pangeo-cmip6.csv", 92_000_000, CMIP6_DATE),
    file("pangeo-cmip6.json", 4_000, CMIP6_DATE),
    dir("CMIP6", fixed([dir("ScenarioMIP", fixed([dir("MOHC", mohc), dir("NCAR", ncar)]))])),
  ]);
  const groups = members * CMIP6_SOURCES.length * CMIP6_EXPERIMENTS.length;
  const datasetObjects = groups * perMember;
  return {
    name: "cmip6-pds",
    root,
    objects: datasetObjects + ncarStore.objects + 2,
    datasetUri: "s3://cmip6-pds/CMIP6/ScenarioMIP/MOHC",
    datasetObjects,
    datasetUnits: groups * member.units,
  };
}

// ---------------------------------------------------------------- ERA5

const ERA5_VARIABLES = [
  "air_pressure_at_mean_sea_level",
  "air_temperature_at_2_metres",
  "air_temperature_at_2_metres_1hour_Maximum",
  "air_temperature_at_2_metres_1hour_Minimum",
  "dew_point_temperature_at_2_metres",
  "eastward_wind_at_100_metres",
  "eastward_wind_at_10_metres",
  "integral_wrt_time_of_surface_direct_downwelling_shortwave_flux_in_air_1hour_Accumulation",
  "lwe_thickness_of_surface_snow_amount",
  "northward_wind_at_100_metres",
  "northward_wind_at_10_metres",
  "precipitation_amount_1hour_Accumulation",
  "sea_surface_temperature",
  "sea_surface_wave_mean_period",
  "sea_surface_wind_wave_from_direction",
  "significant_height_of_wind_and_swell_waves",
  "snow_density",
  "surface_air_pressure",
];
const ERA5_GRID = [31, 8, 15];
const ERA5_COORDINATES: readonly (readonly [string, readonly number[]])[] = [
  ["lat", [1]],
  ["lon", [1]],
  ["time0", [1]],
];

/** `era5-pds` (the whole bucket is the dataset) with about `target` objects. */
export function era5Bucket(target: number): SyntheticBucket {
  const perMonthStores = ERA5_VARIABLES.map((variable) => zarrStore(ERA5_COORDINATES, variable, ERA5_GRID, 1_500_000, Date.UTC(2019, 0, 1)));
  const perMonth = ERA5_VARIABLES.length + 1 + perMonthStores.reduce((sum, store) => sum + store.objects, 0);
  const months = Math.max(1, Math.round(target / perMonth));
  const monthDate = (m: number) => Date.UTC(1979 + Math.floor(m / 12), (m % 12) + 1, 5);
  const years = new Map<string, number[]>();
  for (let m = 0; m < months; m++) {
    const year = String(1979 + Math.floor(m / 12));
    years.set(year, [...(years.get(year) ?? []), m]);
  }
  const monthName = (m: number) => String((m % 12) + 1).padStart(2, "0");
  const netcdfMonth = (m: number): Directory =>
    lazy(() => [
      file("main.nc", 40_000_000, monthDate(m)),
      dir("data", fixed(ERA5_VARIABLES.map((variable) => file(`${variable}.nc`, 1_500_000_000, monthDate(m))))),
    ]);
  const zarrMonth = (): Directory => fixed([dir("data", fixed(ERA5_VARIABLES.map((variable, i) => dir(`${variable}.zarr`, perMonthStores[i]!.directory))))]);
  const zarrMonthDir = zarrMonth();
  const root: Child[] = [file("QuickStart.ipynb", 30_000, Date.UTC(2019, 0, 1)), file("README.txt", 2_000, Date.UTC(2019, 0, 1))];
  const zarrYears: Child[] = [];
  for (const [year, ms] of years) {
    root.push(dir(year, lazy(() => ms.map((m) => dir(monthName(m), netcdfMonth(m))))));
    zarrYears.push(dir(year, fixed(ms.map((m) => dir(monthName(m), zarrMonthDir)))));
  }
  root.push(dir("zarr", fixed(zarrYears)));
  const objects = months * perMonth + 2;
  return {
    name: "era5-pds",
    root: fixed(root),
    objects,
    datasetUri: "s3://era5-pds",
    datasetObjects: objects,
    datasetUnits: months * (ERA5_VARIABLES.length * 2 + 1) + 2,
  };
}

/** A bucket holding exactly `keys` (tests of the listing semantics; not lazy). */
export function bucketFromKeys(name: string, keys: readonly string[]): SyntheticBucket {
  return bucketFromObjects(name, keys.map((key) => ({ key, size: key.length, lastModified: Date.UTC(2020, 0, 1) })));
}

/** A bucket holding exactly these objects (a fixture listing served with S3's semantics; not lazy). */
export function bucketFromObjects(name: string, objects: readonly SyntheticObject[]): SyntheticBucket {
  interface Node {
    readonly files: Map<string, SyntheticObject>;
    readonly dirs: Map<string, Node>;
  }
  const root: Node = { files: new Map(), dirs: new Map() };
  const keys = new Set<string>();
  for (const object of objects) {
    keys.add(object.key);
    const parts = object.key.split("/");
    let node = root;
    for (const part of parts.slice(0, -1)) {
      let next = node.dirs.get(part);
      if (next === undefined) {
        next = { files: new Map(), dirs: new Map() };
        node.dirs.set(part, next);
      }
      node = next;
    }
    // A key ending with "/" is a directory marker: an object whose name is empty.
    node.files.set(parts[parts.length - 1]!, object);
  }
  const toDirectory = (node: Node): Directory =>
    fixed([...[...node.files].map(([name, object]) => file(name, object.size, object.lastModified)), ...[...node.dirs].map(([name, child]) => dir(name, toDirectory(child)))]);
  return { name, root: toDirectory(root), objects: keys.size, datasetUri: `s3://${name}`, datasetObjects: keys.size, datasetUnits: keys.size };
}

/** The synthetic bucket of a layout. */
export function syntheticBucket(layout: "cmip6" | "era5", target: number): SyntheticBucket {
  return layout === "cmip6" ? cmip6Bucket(target) : era5Bucket(target);
}

// ---------------------------------------------------------------- listing

/** A ListObjectsV2 request, as S3 reads its query string. */
export interface ListRequest {
  readonly prefix: string;
  readonly delimiter?: string;
  readonly startAfter?: string;
  readonly continuationToken?: string;
  /** 1-1000; S3 caps larger values at 1000. */
  readonly maxKeys: number;
}

/** A ListObjectsV2 response before serialisation. */
export interface ListResult {
  readonly contents: SyntheticObject[];
  readonly commonPrefixes: string[];
  readonly isTruncated: boolean;
  readonly nextContinuationToken?: string;
}

/** Continuation tokens are opaque to clients; here: base64 of the last key or prefix returned. */
function encodeToken(after: string): string {
  return Buffer.from(after, "utf8").toString("base64");
}

/** Decodes a continuation token; throws on a token this server did not issue. */
export function decodeToken(token: string): string {
  const after = Buffer.from(token, "base64").toString("utf8");
  if (encodeToken(after) !== token) {
    throw new Error("invalid continuation token");
  }
  return after;
}

interface Frame {
  readonly children: readonly Child[];
  index: number;
  readonly path: string;
}

/** Index of the first child whose subtree can hold keys after `rest` (a key relative to the directory). */
function seek(children: readonly Child[], rest: string): number {
  let low = 0;
  let high = children.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (compareKeys(children[middle]!.name, rest) > 0) {
      high = middle;
    } else {
      low = middle + 1;
    }
  }
  const previous = children[low - 1];
  // A directory whose name is a prefix of `rest` holds `rest` itself: keys after it may follow inside.
  return previous?.directory !== undefined && rest.startsWith(previous.name) ? low - 1 : low;
}

/**
 * The objects of a bucket in S3 order with keys after `after` (exclusive) and starting with
 * `prefix`, one at a time: a depth-first cursor that seeks by binary search, so a page costs
 * its own keys plus the depth of the tree, however far into the bucket it starts.
 */
class Cursor {
  private readonly stack: Frame[] = [];
  private done = false;

  constructor(
    root: Directory,
    private readonly prefix: string,
    after: string | undefined,
  ) {
    const start = after !== undefined && compareKeys(after, prefix) >= 0 ? after : undefined;
    // Seek down along `start` (or the prefix) to the first key that can follow it.
    const target = start ?? prefix;
    let directory = root;
    let path = "";
    for (;;) {
      const children = directory.children();
      const rest = target.slice(path.length);
      const index = start === undefined ? seekPrefix(children, rest) : seek(children, rest);
      const child = children[index];
      if (child?.directory !== undefined && rest.startsWith(child.name)) {
        // The target lies inside this directory: continue with its siblings once it is done.
        this.stack.push({ children, index: index + 1, path });
        directory = child.directory;
        path += child.name;
        continue;
      }
      this.stack.push({ children, index, path });
      break;
    }
  }

  next(): SyntheticObject | null {
    while (!this.done) {
      const frame = this.stack[this.stack.length - 1];
      if (frame === undefined) {
        this.done = true;
        break;
      }
      const child = frame.children[frame.index];
      if (child === undefined) {
        this.stack.pop();
        continue;
      }
      frame.index += 1;
      const key = frame.path + child.name;
      if (!key.startsWith(this.prefix)) {
        if (this.prefix.startsWith(key)) {
          if (child.directory !== undefined) {
            this.stack.push({ children: child.directory.children(), index: 0, path: key });
          }
          continue;
        }
        if (compareKeys(key, this.prefix) > 0) {
          // Past every key that starts with the prefix.
          this.done = true;
          break;
        }
        continue;
      }
      if (child.directory === undefined) {
        return { key, size: child.size!, lastModified: child.lastModified! };
      }
      this.stack.push({ children: child.directory.children(), index: 0, path: key });
    }
    return null;
  }
}

/** Index of the first child that sorts at or after `rest`, or whose name is a prefix of it. */
function seekPrefix(children: readonly Child[], rest: string): number {
  let low = 0;
  let high = children.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (compareKeys(children[middle]!.name, rest) >= 0) {
      high = middle;
    } else {
      low = middle + 1;
    }
  }
  const previous = children[low - 1];
  return previous?.directory !== undefined && rest.startsWith(previous.name) ? low - 1 : low;
}

/** The objects of `directory` in S3 order after `after` and starting with `prefix`. */
function* walk(directory: Directory, prefix: string, after: string | undefined): Generator<SyntheticObject, void, undefined> {
  const cursor = new Cursor(directory, prefix, after);
  for (let object = cursor.next(); object !== null; object = cursor.next()) {
    yield object;
  }
}

/** The smallest string after every key that starts with `prefix`, for skipping a rolled-up prefix. */
function pastPrefix(prefix: string): string {
  return `${prefix}\u{10FFFF}`;
}

/** ListObjectsV2 over a synthetic bucket, with S3's semantics. */
export function listBucket(bucket: SyntheticBucket, request: ListRequest): ListResult {
  const maxKeys = Math.min(1000, Math.max(0, request.maxKeys));
  let after = request.continuationToken !== undefined ? decodeToken(request.continuationToken) : request.startAfter;
  const delimiter = request.delimiter === "" ? undefined : request.delimiter;
  const contents: SyntheticObject[] = [];
  const commonPrefixes: string[] = [];
  /** Where the next page starts: after the last key, or past the last rolled-up prefix. */
  let resume: string | undefined;
  let truncated = false;
  while (maxKeys > 0) {
    let rolledUp = false;
    for (const object of walk(bucket.root, request.prefix, after)) {
      if (contents.length + commonPrefixes.length >= maxKeys) {
        truncated = true;
        break;
      }
      const cut = delimiter === undefined ? -1 : object.key.indexOf(delimiter, request.prefix.length);
      if (cut === -1) {
        contents.push(object);
        resume = object.key;
        continue;
      }
      // Keys below a common prefix count once; the walk restarts past all of them.
      const common = object.key.slice(0, cut + delimiter!.length);
      commonPrefixes.push(common);
      resume = pastPrefix(common);
      rolledUp = true;
      break;
    }
    if (!rolledUp || truncated) {
      break;
    }
    after = resume;
  }
  return truncated ? { contents, commonPrefixes, isTruncated: true, nextContinuationToken: encodeToken(resume!) } : { contents, commonPrefixes, isTruncated: false };
}

/** Every key of a bucket in S3 order (tests only: this materialises the bucket). */
export function* allObjects(bucket: SyntheticBucket): Generator<SyntheticObject, void, undefined> {
  yield* walk(bucket.root, "", undefined);
}
