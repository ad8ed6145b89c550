import {
  baseName,
  cmip6InstanceId,
  cmip6StoreRoot,
  compareKeys,
  parseCmip6Store,
  parseEra5NetCdf,
  parseEra5ZarrStore,
  shapeStoreRoot,
  zarrDirRoot,
  zmetadataDir,
  zmetadataHorizon,
} from "../../../modules/catalog/keys";

const TAS = "CMIP6/ScenarioMIP/MOHC/UKESM1-0-LL/ssp585/r1i1p1f2/Amon/tas/gn/v20190726/";
const MOHC = "CMIP6/ScenarioMIP/MOHC/";
const ERA5_ZARR = "zarr/2018/01/data/air_temperature_at_2_metres.zarr/";

describe("compareKeys", () => {
  it("orders keys as S3 lists them (UTF-8 byte order)", () => {
    const keys = [`${TAS}tas/0.0.0`, `${TAS}.zmetadata`, `${TAS}lat_bnds/0.0`, `${TAS}lat/0`, `${TAS}.zattrs`, "pangeo-cmip6.csv", "CMIP6/"];
    expect([...keys].sort(compareKeys)).toEqual([
      "CMIP6/",
      `${TAS}.zattrs`,
      `${TAS}.zmetadata`,
      `${TAS}lat/0`,
      `${TAS}lat_bnds/0.0`,
      `${TAS}tas/0.0.0`,
      "pangeo-cmip6.csv",
    ]);
  });

  it("puts astral characters after U+FFFF-range characters, unlike UTF-16 order", () => {
    const astral = "a/\u{1F600}";
    const bmp = "a/\uFF01";
    expect(astral < bmp).toBe(true);
    expect(compareKeys(astral, bmp)).toBeGreaterThan(0);
    expect(Buffer.compare(Buffer.from(astral), Buffer.from(bmp))).toBeGreaterThan(0);
    expect(compareKeys("a", "a")).toBe(0);
    expect(compareKeys("a", "a/b")).toBeLessThan(0);
  });
});

describe("zmetadataDir", () => {
  it("returns the store directory of a .zmetadata key", () => {
    expect(zmetadataDir(`${TAS}.zmetadata`, MOHC.length)).toBe(TAS);
    expect(zmetadataDir(".zmetadata", 0)).toBe("");
    expect(zmetadataDir(`${MOHC}.zmetadata`, MOHC.length)).toBe(MOHC);
  });

  it("ignores other Zarr objects, look-alike names and directories above the dataset prefix", () => {
    expect(zmetadataDir(`${TAS}.zgroup`, 0)).toBeNull();
    expect(zmetadataDir(`${TAS}.zattrs`, 0)).toBeNull();
    expect(zmetadataDir(`${TAS}tas/.zarray`, 0)).toBeNull();
    expect(zmetadataDir(`${TAS}old.zmetadata`, 0)).toBeNull();
    expect(zmetadataDir("CMIP6/ScenarioMIP/.zmetadata", MOHC.length)).toBeNull();
  });
});

describe("cmip6StoreRoot", () => {
  it("finds the version directory for every object of a store", () => {
    for (const member of [".zattrs", ".zgroup", ".zmetadata", "tas/.zarray", "tas/0.0.0", "lat/0", "lat_bnds/0.0", "time/.zattrs"]) {
      expect(cmip6StoreRoot(`${TAS}${member}`)).toBe(TAS);
    }
  });

  it("rejects keys that are not below a full DRS path with a v<digits> version", () => {
    expect(cmip6StoreRoot("CMIP6/ScenarioMIP/MOHC/UKESM1-0-LL/ssp585/r1i1p1f2/Amon/tas/gn/")).toBeNull();
    expect(cmip6StoreRoot("CMIP6/ScenarioMIP/MOHC/UKESM1-0-LL/ssp585/r1i1p1f2/Amon/tas/gn/.zmetadata")).toBeNull();
    expect(cmip6StoreRoot("CMIP6/ScenarioMIP/MOHC/UKESM1-0-LL/ssp585/r1i1p1f2/Amon/tas/gn/latest/.zmetadata")).toBeNull();
    expect(cmip6StoreRoot("CMIP6/ScenarioMIP/MOHC/UKESM1-0-LL/ssp585//Amon/tas/gn/v20190726/.zmetadata")).toBeNull();
    expect(cmip6StoreRoot(TAS)).toBeNull();
    expect(cmip6StoreRoot(`mirror/${TAS}.zmetadata`)).toBeNull();
    expect(cmip6StoreRoot("pangeo-cmip6.csv")).toBeNull();
  });
});

describe("zarrDirRoot and shapeStoreRoot", () => {
  it("groups the ERA5 Zarr copy by its .zarr directory", () => {
    expect(zarrDirRoot(`${ERA5_ZARR}air_temperature_at_2_metres/0.0.0`, 0)).toBe(ERA5_ZARR);
    expect(shapeStoreRoot(`${ERA5_ZARR}.zattrs`, 0)).toBe(ERA5_ZARR);
    expect(shapeStoreRoot(`${ERA5_ZARR}lat/0`, 0)).toBe(ERA5_ZARR);
  });

  it("prefers the outermost store and ignores stores above the dataset prefix", () => {
    expect(shapeStoreRoot(`${TAS}tas.zarr/0.0`, 0)).toBe(TAS);
    expect(shapeStoreRoot(`outer.zarr/${TAS}.zattrs`, 0)).toBe("outer.zarr/");
    expect(shapeStoreRoot(`${TAS}lat/0`, `${TAS}lat/`.length)).toBeNull();
    expect(shapeStoreRoot("2018/01/data/air_temperature_at_2_metres.nc", 0)).toBeNull();
    expect(shapeStoreRoot("notes.zarr.txt", 0)).toBeNull();
  });
});

describe("zmetadataHorizon", () => {
  it("holds objects that sort before their directory's .zmetadata", () => {
    expect(zmetadataHorizon("stores/sst/.zattrs", 0)).toBe("stores/sst/.zmetadata");
    expect(zmetadataHorizon("stores/sst/.zgroup", 0)).toBe("stores/sst/.zmetadata");
    expect(zmetadataHorizon("stores/-draft/x", 0)).toBe("stores/.zmetadata");
  });

  it("releases objects that sort after it, and never looks above the dataset prefix", () => {
    expect(zmetadataHorizon("stores/sst/sst/0.0", 0)).toBeNull();
    expect(zmetadataHorizon("stores/sst/.zmetadata.bak", 0)).toBeNull();
    expect(zmetadataHorizon("2018/01/main.nc", 0)).toBeNull();
    expect(zmetadataHorizon("pangeo-cmip6.csv", 0)).toBeNull();
    expect(zmetadataHorizon(".zattrs", 0)).toBe(".zmetadata");
    expect(zmetadataHorizon("-a/.zattrs", 3)).toBe("-a/.zmetadata");
  });

  it("for a store prefix only considers directories strictly above it", () => {
    expect(zmetadataHorizon("g/-inner/", 0)).toBe("g/.zmetadata");
    expect(zmetadataHorizon(TAS, 0)).toBeNull();
  });
});

describe("parseCmip6Store", () => {
  it("reads the DRS facets of a store directory", () => {
    const facets = parseCmip6Store(TAS);
    expect(facets).toEqual({
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
    expect(cmip6InstanceId(facets!)).toBe("CMIP6.ScenarioMIP.MOHC.UKESM1-0-LL.ssp585.r1i1p1f2.Amon.tas.gn.v20190726");
  });

  it("rejects objects, partial paths and non-CMIP6 stores", () => {
    expect(parseCmip6Store(`${TAS}tas/`)).toBeNull();
    expect(parseCmip6Store(`${TAS}.zmetadata`)).toBeNull();
    expect(parseCmip6Store("CMIP6/ScenarioMIP/MOHC/UKESM1-0-LL/")).toBeNull();
    expect(parseCmip6Store(ERA5_ZARR)).toBeNull();
  });
});

describe("ERA5 parsing", () => {
  it("reads year, month and variable of data/*.nc and main.nc", () => {
    expect(parseEra5NetCdf("2018/01/data/air_temperature_at_2_metres.nc")).toEqual({ year: 2018, month: 1, variable: "air_temperature_at_2_metres" });
    expect(parseEra5NetCdf("2022/12/data/precipitation_amount_1hour_Accumulation.nc")).toEqual({
      year: 2022,
      month: 12,
      variable: "precipitation_amount_1hour_Accumulation",
    });
    expect(parseEra5NetCdf("2018/01/main.nc")).toEqual({ year: 2018, month: 1, variable: null });
  });

  it("rejects other keys, impossible months and the Zarr copy's objects", () => {
    expect(parseEra5NetCdf("2018/13/main.nc")).toBeNull();
    expect(parseEra5NetCdf("2018/00/data/x.nc")).toBeNull();
    expect(parseEra5NetCdf("2018/1/main.nc")).toBeNull();
    expect(parseEra5NetCdf("2018/01/data/sub/x.nc")).toBeNull();
    expect(parseEra5NetCdf("QuickStart.ipynb")).toBeNull();
    expect(parseEra5NetCdf(`${ERA5_ZARR}lat/0`)).toBeNull();
  });

  it("reads year, month and variable of a Zarr copy store", () => {
    expect(parseEra5ZarrStore(ERA5_ZARR)).toEqual({ year: 2018, month: 1, variable: "air_temperature_at_2_metres" });
    expect(parseEra5ZarrStore(`${ERA5_ZARR}lat/`)).toBeNull();
    expect(parseEra5ZarrStore("zarr/2018/01/data/.zarr/")).toBeNull();
  });
});

describe("baseName", () => {
  it("returns the last segment of keys and store prefixes", () => {
    expect(baseName("pangeo-cmip6.csv")).toBe("pangeo-cmip6.csv");
    expect(baseName(`${TAS}tas/0.0.0`)).toBe("0.0.0");
    expect(baseName("stores/sst/")).toBe("sst");
    expect(baseName("")).toBe("");
  });
});
