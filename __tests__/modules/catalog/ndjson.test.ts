import { BulkBatcher, bulkSubset, openSearchId, toNdjsonLine } from "../../../modules/catalog/ndjson";
import { buildDocument } from "../../../modules/catalog/documents";
import { era5Dataset } from "../../fixtures/catalog/fixtures";
import type { CatalogDocument } from "../../../modules/catalog/types";

function doc(key: string): CatalogDocument {
  return buildDocument({ kind: "object", key, sizeBytes: 1, lastModified: 0 }, era5Dataset());
}

describe("toNdjsonLine", () => {
  it("writes one JSON object per line with the snake_case fields", () => {
    const line = toNdjsonLine(doc("2018/01/main.nc"));
    expect(line.endsWith("\n")).toBe(true);
    expect(line.slice(0, -1)).not.toContain("\n");
    expect(JSON.parse(line)).toMatchObject({ id: "era5:2018/01/main.nc", s3_uri: "s3://era5-pds/2018/01/main.nc", lustre_path: "/fsx/era5/2018/01/main.nc", last_modified: "1970-01-01T00:00:00.000Z" });
  });
});

describe("openSearchId", () => {
  it("uses the document id, hashing it when longer than 512 bytes", () => {
    expect(openSearchId(doc("2018/01/main.nc"))).toBe("era5:2018/01/main.nc");
    const long = doc(`${"é".repeat(300)}.nc`);
    const id = openSearchId(long);
    expect(id).toMatch(/^era5:sha256:[0-9a-f]{64}$/);
    expect(openSearchId(long)).toBe(id);
  });
});

describe("BulkBatcher", () => {
  it("splits bodies at maxDocuments, with an action line before each source line", () => {
    const batcher = new BulkBatcher({ maxDocuments: 2 });
    expect(batcher.add(doc("a"))).toBeNull();
    expect(batcher.add(doc("b"))).toBeNull();
    const first = batcher.add(doc("c"));
    expect(first?.documents).toBe(2);
    const lines = first!.ndjson.split("\n");
    expect(lines).toHaveLength(5);
    expect(JSON.parse(lines[0]!)).toEqual({ index: { _id: "era5:a" } });
    expect(JSON.parse(lines[1]!).key).toBe("a");
    expect(JSON.parse(lines[2]!)).toEqual({ index: { _id: "era5:b" } });
    expect(lines[4]).toBe("");
    expect(batcher.take()?.documents).toBe(1);
    expect(batcher.take()).toBeNull();
  });

  it("splits bodies before they pass maxBytes", () => {
    const batcher = new BulkBatcher({ maxDocuments: 1000, maxBytes: 1200 });
    const bodies = [];
    for (let i = 0; i < 10; i++) {
      const body = batcher.add(doc(`2018/01/data/température_${i}.nc`));
      if (body !== null) {
        bodies.push(body);
      }
    }
    const last = batcher.take();
    if (last !== null) {
      bodies.push(last);
    }
    expect(bodies.length).toBeGreaterThan(2);
    expect(bodies.reduce((sum, body) => sum + body.documents, 0)).toBe(10);
    for (const body of bodies) {
      expect(Buffer.byteLength(body.ndjson)).toBeLessThanOrEqual(1200);
    }
  });
});

describe("bulkSubset", () => {
  it("keeps the action and source lines of the chosen documents, in their order", () => {
    const batcher = new BulkBatcher();
    for (const key of ["2018/01/a.nc", "2018/01/b.nc", "2018/01/c.nc"]) {
      batcher.add(doc(key));
    }
    const body = batcher.take()!;
    const subset = bulkSubset(body, [0, 2]);
    const lines = subset.ndjson.split("\n");
    expect(subset.documents).toBe(2);
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe("");
    expect(JSON.parse(lines[0]!)).toEqual({ index: { _id: doc("2018/01/a.nc").id } });
    expect(JSON.parse(lines[1]!).key).toBe("2018/01/a.nc");
    expect(JSON.parse(lines[2]!)).toEqual({ index: { _id: doc("2018/01/c.nc").id } });
    expect(JSON.parse(lines[3]!).key).toBe("2018/01/c.nc");
  });
});
