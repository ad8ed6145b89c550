import { buildDocument } from "../../../modules/catalog/documents";
import { CATALOG_FIELDS, CATALOG_INDEX_BODY, catalogAlias, catalogIndexName, catalogIndexPattern } from "../../../modules/catalog/mapping";
import { cmip6Dataset, era5Dataset } from "../../fixtures/catalog/fixtures";

describe("catalog index names", () => {
  it("names the alias per Region and fresh indices by UTC time", () => {
    expect(catalogAlias("us-east-1")).toBe("catalog-us-east-1");
    expect(catalogIndexName("us-east-1", new Date(Date.UTC(2025, 0, 31, 23, 59, 58, 7)))).toBe("catalog_us-east-1_20250131235958007");
  });

  it("keeps index names out of the readers' catalog-* pattern, which must match aliases only", () => {
    const readers = /^catalog-.*$/;
    expect(readers.test(catalogAlias("eu-west-2"))).toBe(true);
    expect(readers.test(catalogIndexName("eu-west-2", new Date()))).toBe(false);
  });

  it("recognises only this Region's indices", () => {
    const pattern = catalogIndexPattern("us-east-1");
    expect(pattern.test("catalog_us-east-1_20250131235958007")).toBe(true);
    expect(pattern.test("catalog-us-east-1")).toBe(false);
    expect(pattern.test("catalog_us-east-1_backup")).toBe(false);
    expect(pattern.test("catalog_us-east-2_20250131235958007")).toBe(false);
  });
});

describe("catalog mapping", () => {
  it("is strict and types keywords, integers, longs and the date", () => {
    expect(CATALOG_INDEX_BODY.mappings.dynamic).toBe("strict");
    expect(CATALOG_FIELDS.size_bytes.type).toBe("long");
    expect(CATALOG_FIELDS.object_count.type).toBe("integer");
    expect(CATALOG_FIELDS.year.type).toBe("integer");
    expect(CATALOG_FIELDS.last_modified.type).toBe("date");
    expect(CATALOG_FIELDS.variable_id.type).toBe("keyword");
    expect(Object.values(CATALOG_FIELDS).filter((field) => field.type === "keyword")).toHaveLength(20);
    expect(Object.keys(CATALOG_FIELDS)).toHaveLength(25);
  });

  it("maps every field the documents carry", () => {
    const tas = "CMIP6/ScenarioMIP/MOHC/UKESM1-0-LL/ssp585/r1i1p1f2/Amon/tas/gn/v20190726/";
    const documents = [
      buildDocument({ kind: "store", prefix: tas, objectCount: 1, sizeBytes: 1, lastModified: 0 }, cmip6Dataset()),
      buildDocument({ kind: "object", key: "2018/01/data/snow_density.nc", sizeBytes: 1, lastModified: 0 }, era5Dataset()),
    ];
    for (const document of documents) {
      for (const field of Object.keys(document)) {
        expect(CATALOG_FIELDS).toHaveProperty(field);
      }
    }
  });
});
