import { setFlagsFromString } from "v8";
import { runInNewContext } from "vm";
import { KeyOrderError } from "../../../modules/catalog/errors";
import { UnitGrouper } from "../../../modules/catalog/group";
import { compareKeys } from "../../../modules/catalog/keys";
import type { CatalogUnit, ObjectEntry } from "../../../modules/catalog/types";
import { CMIP6_KEYS, ERA5_KEYS, readEntries } from "../../fixtures/catalog/fixtures";

const TAS = "CMIP6/ScenarioMIP/MOHC/UKESM1-0-LL/ssp585/r1i1p1f2/Amon/tas/gn/v20190726/";

function entry(key: string, size: number | null = 1, lastModified: number | null = 1_000): ObjectEntry {
  return { key, size, lastModified };
}

function group(prefix: string, entries: readonly ObjectEntry[], maxPending?: number): CatalogUnit[] {
  const units: CatalogUnit[] = [];
  const grouper = new UnitGrouper(prefix, (unit) => units.push(unit), maxPending === undefined ? {} : { maxPending });
  for (const item of entries) {
    grouper.push(item);
  }
  grouper.finish();
  return units;
}

function paths(units: readonly CatalogUnit[]): string[] {
  return units.map((unit) => (unit.kind === "store" ? `store ${unit.prefix} (${unit.objectCount})` : `object ${unit.key}`));
}

describe("UnitGrouper", () => {
  it("groups the ERA5 fixture into 10 files and 1 Zarr store of 16 objects", () => {
    const units = group("", readEntries(ERA5_KEYS));
    expect(paths(units)).toEqual([
      "object 2018/01/data/air_pressure_at_mean_sea_level.nc",
      "object 2018/01/data/air_temperature_at_2_metres.nc",
      "object 2018/01/data/air_temperature_at_2_metres_1hour_Maximum.nc",
      "object 2018/01/data/eastward_wind_at_100_metres.nc",
      "object 2018/01/data/eastward_wind_at_10_metres.nc",
      "object 2018/01/main.nc",
      "object 2018/02/data/air_pressure_at_mean_sea_level.nc",
      "object 2018/02/data/air_temperature_at_2_metres.nc",
      "object 2018/02/main.nc",
      "object QuickStart.ipynb",
      "store zarr/2018/01/data/air_temperature_at_2_metres.zarr/ (16)",
    ]);
  });

  it("groups the whole CMIP6 fixture bucket into 4 stores and 2 root catalogs", () => {
    const units = group("", readEntries(CMIP6_KEYS));
    expect(paths(units)).toEqual([
      "store CMIP6/ScenarioMIP/MOHC/HadGEM3-GC31-LL/ssp245/r1i1p1f3/day/tasmax/gn/v20200114/ (6)",
      "store CMIP6/ScenarioMIP/MOHC/UKESM1-0-LL/ssp585/r1i1p1f2/Amon/pr/gn/v20190726/ (12)",
      `store ${TAS} (28)`,
      "store CMIP6/ScenarioMIP/NCAR/CESM2/ssp370/r4i1p1f1/Omon/tos/gn/v20190514/ (5)",
      "object pangeo-cmip6.csv",
      "object pangeo-cmip6.json",
    ]);
  });

  it("sums sizes and keeps the newest date of a store", () => {
    const units = group("", [
      entry(`${TAS}.zattrs`, 100, Date.UTC(2019, 6, 26)),
      entry(`${TAS}.zgroup`, 24, Date.UTC(2019, 6, 27)),
      entry(`${TAS}.zmetadata`, 9000, Date.UTC(2019, 6, 25)),
      entry(`${TAS}tas/0.0.0`, 1_000_000_000, Date.UTC(2019, 6, 26)),
    ]);
    expect(units).toEqual([{ kind: "store", prefix: TAS, objectCount: 4, sizeBytes: 1_000_009_124, lastModified: Date.UTC(2019, 6, 27) }]);
  });

  it("reports unknown sizes and dates as null when any object lacks them", () => {
    const units = group("", [entry(`${TAS}.zattrs`, null, null), entry(`${TAS}tas/0.0.0`, 5, 7), entry("README.md", null, null)]);
    expect(units).toEqual([
      { kind: "store", prefix: TAS, objectCount: 2, sizeBytes: null, lastModified: null },
      { kind: "object", key: "README.md", sizeBytes: null, lastModified: null },
    ]);
  });

  it("makes any directory holding .zmetadata a store, absorbing the .zattrs and .zgroup listed before it", () => {
    const units = group("", [
      entry("ocean/README.md"),
      entry("ocean/sst/.zattrs"),
      entry("ocean/sst/.zgroup"),
      entry("ocean/sst/.zmetadata"),
      entry("ocean/sst/lat/.zarray"),
      entry("ocean/sst/lat/0"),
      entry("ocean/sst/sst/.zarray"),
      entry("ocean/sst/sst/0.0"),
      entry("ocean/sst/sst/0.1"),
      entry("ocean/sst_notes.txt"),
    ]);
    expect(paths(units)).toEqual(["object ocean/README.md", "store ocean/sst/ (8)", "object ocean/sst_notes.txt"]);
  });

  it("keeps objects of a directory without .zmetadata as separate units", () => {
    const units = group("", [entry("loose/.zattrs"), entry("loose/.zgroup"), entry("loose/var/.zarray"), entry("loose/var/0")]);
    expect(paths(units)).toEqual(["object loose/.zattrs", "object loose/.zgroup", "object loose/var/.zarray", "object loose/var/0"]);
  });

  it("lets the outermost .zmetadata win over a store nested in it", () => {
    const units = group("", [
      entry("g/-a.txt"),
      entry("g/-b/.zattrs"),
      entry("g/-b/.zmetadata"),
      entry("g/-b/x/0"),
      entry("g/.zattrs"),
      entry("g/.zmetadata"),
      entry("g/y/0"),
      entry("h"),
    ]);
    expect(paths(units)).toEqual(["store g/ (7)", "object h"]);
  });

  it("skips directory markers", () => {
    const units = group("", [entry(TAS), entry(`${TAS}.zattrs`), entry(`${TAS}tas/`), entry(`${TAS}tas/0.0.0`), entry("docs/"), entry("docs/a.txt")]);
    expect(paths(units)).toEqual([`store ${TAS} (2)`, "object docs/a.txt"]);
  });

  it("emits units as soon as the listing moves past them", () => {
    const units: CatalogUnit[] = [];
    const grouper = new UnitGrouper("", (unit) => units.push(unit));
    grouper.push(entry(`${TAS}.zattrs`));
    grouper.push(entry(`${TAS}tas/0.0.0`));
    expect(units).toHaveLength(0);
    grouper.push(entry("a/.zattrs"));
    expect(paths(units)).toEqual([`store ${TAS} (2)`]);
    grouper.push(entry("a/b"));
    expect(paths(units)).toEqual([`store ${TAS} (2)`, "object a/.zattrs", "object a/b"]);
  });

  it("holds a bounded number of units over 100,000 keys", () => {
    const units: CatalogUnit[] = [];
    let maxPending = 0;
    const grouper = new UnitGrouper("CMIP6/", () => units.push({ kind: "object", key: "", sizeBytes: 0, lastModified: 0 }));
    for (let store = 0; store < 5_000; store++) {
      const base = `CMIP6/ScenarioMIP/MOHC/S${String(store).padStart(5, "0")}/ssp585/r1i1p1f2/Amon/tas/gn/v20190726/`;
      for (const member of [".zattrs", ".zgroup", ".zmetadata", "lat/0", "lon/0", "tas/.zarray"]) {
        grouper.push(entry(base + member));
      }
      for (let chunk = 0; chunk < 14; chunk++) {
        grouper.push(entry(`${base}tas/${chunk}.0.0`.replace(/\/(\d)\./, "/0$1.")));
      }
      maxPending = Math.max(maxPending, grouper.pending);
      grouper.push(entry(`CMIP6/ScenarioMIP/MOHC/S${String(store).padStart(5, "0")}/zz/.zattrs`));
      maxPending = Math.max(maxPending, grouper.pending);
    }
    grouper.finish();
    expect(units).toHaveLength(10_000);
    expect(maxPending).toBeLessThanOrEqual(2);
  });

  it("emits the oldest undecided unit once maxPending is reached", () => {
    const entries = Array.from({ length: 50 }, (_, i) => entry(`d/-${String(i).padStart(2, "0")}`));
    const units: CatalogUnit[] = [];
    const grouper = new UnitGrouper("", (unit) => units.push(unit), { maxPending: 10 });
    for (const item of entries) {
      grouper.push(item);
      expect(grouper.pending).toBeLessThanOrEqual(10);
    }
    grouper.finish();
    expect(units.map((unit) => (unit.kind === "object" ? unit.key : ""))).toEqual(entries.map((item) => item.key));
  });

  it("fails when keys are out of S3 order", () => {
    const grouper = new UnitGrouper("", () => undefined);
    grouper.push(entry(`${TAS}tas/0.0.0`));
    expect(() => grouper.push(entry(`${TAS}.zattrs`))).toThrow(KeyOrderError);
    expect(() => grouper.push(entry(`${TAS}.zattrs`))).toThrow(/arrived after .*tas\/0\.0\.0.*S3 order/);
  });

  it("fails when a key repeats", () => {
    const grouper = new UnitGrouper("", () => undefined);
    grouper.push(entry("2018/01/main.nc"));
    expect(() => grouper.push(entry("2018/01/main.nc"))).toThrow(KeyOrderError);
  });

  it("fails when a key is outside the dataset prefix", () => {
    const grouper = new UnitGrouper("CMIP6/ScenarioMIP/MOHC/", () => undefined);
    expect(() => grouper.push(entry("CMIP6/ScenarioMIP/MOHCX/a"))).toThrow(/outside the dataset prefix "CMIP6\/ScenarioMIP\/MOHC\/"/);
  });

  it("accepts astral-plane keys in S3 order", () => {
    const keys = ["x/\uFF01", "x/\u{1F600}"];
    expect([...keys].sort(compareKeys)).toEqual(keys);
    expect(paths(group("", keys.map((key) => entry(key))))).toEqual(["object x/\uFF01", "object x/\u{1F600}"]);
  });
});

describe("UnitGrouper memory", () => {
  test("does not keep emitted units: memory stays flat over consecutive stores whose keys are slices of whole pages", () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const emitted: number[] = [];
    const grouper = new UnitGrouper("", (unit) => emitted.push(unit.kind === "store" ? unit.objectCount : 1));
    gc();
    const before = process.memoryUsage().heapUsed;
    // Each store's keys are slices of a 100 KB "page" of their own, as the listing reader makes them.
    for (let store = 0; store < 900; store++) {
      const dir = `data/store-${String(store).padStart(5, "0")}.zarr/`;
      const page = `${dir}.zmetadata${dir}0.0${"x".repeat(100_000)}`;
      const metadata = page.slice(0, dir.length + 10);
      grouper.push({ key: metadata, size: 1, lastModified: 1 });
      grouper.push({ key: page.slice(metadata.length, metadata.length + dir.length + 3), size: 1, lastModified: 1 });
    }
    gc();
    const retained = process.memoryUsage().heapUsed - before;
    grouper.finish();
    expect(emitted).toHaveLength(900);
    // 900 pages are 90 MB: emitted units must not hold them (the open store holds one).
    expect(retained).toBeLessThan(20_000_000);
  });
});
