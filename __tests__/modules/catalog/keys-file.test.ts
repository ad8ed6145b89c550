import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { parseKeyLine, readKeyFilePages, readUnsortedKeyFilePages } from "../../../modules/catalog/keys-file";
import { CMIP6_KEYS } from "../../fixtures/catalog/fixtures";
import type { ObjectEntry } from "../../../modules/catalog/types";

async function collect(pages: AsyncIterable<readonly ObjectEntry[]>): Promise<ObjectEntry[][]> {
  const out: ObjectEntry[][] = [];
  for await (const page of pages) {
    out.push([...page]);
  }
  return out;
}

describe("parseKeyLine", () => {
  it("reads a bare key with unknown size and date", () => {
    expect(parseKeyLine("2018/01/main.nc", "k:1")).toEqual({ key: "2018/01/main.nc", size: null, lastModified: null });
    expect(parseKeyLine("a key with spaces.nc\r", "k:1")).toEqual({ key: "a key with spaces.nc", size: null, lastModified: null });
    expect(parseKeyLine("", "k:1")).toBeNull();
  });

  it("reads key, size and lastModified separated by tabs", () => {
    expect(parseKeyLine("pangeo-cmip6.csv\t92411306\t2023-03-20T02:00:11.000Z", "k:1")).toEqual({
      key: "pangeo-cmip6.csv",
      size: 92_411_306,
      lastModified: Date.UTC(2023, 2, 20, 2, 0, 11),
    });
  });

  it("fails when a line has two fields, naming file and line", () => {
    expect(() => parseKeyLine("a.nc\t12", "keys.tsv:7")).toThrow(/^keys.tsv:7: got "a.nc\\t12": has 2 tab-separated fields; allowed: a key, or key<TAB>size<TAB>lastModified/);
  });

  it("fails when the size or the date is malformed", () => {
    expect(() => parseKeyLine("a.nc\t-1\t2023-03-20T02:00:11Z", "keys.tsv:2")).toThrow(/^keys.tsv:2: got "-1": size is not a whole number of bytes/);
    expect(() => parseKeyLine("a.nc\t1\tyesterday", "keys.tsv:3")).toThrow(/^keys.tsv:3: got "yesterday": lastModified is not an ISO 8601 date-time/);
  });
});

describe("readKeyFilePages", () => {
  it("pages the keys below the dataset prefix and skips the others", async () => {
    const pages = await collect(readKeyFilePages(CMIP6_KEYS, "CMIP6/ScenarioMIP/MOHC/", 20));
    expect(pages.map((page) => page.length)).toEqual([20, 20, 6]);
    expect(pages.flat().every((entry) => entry.key.startsWith("CMIP6/ScenarioMIP/MOHC/") && entry.size !== null)).toBe(true);
  });

  it("sorts an unsorted file in S3 order when asked to", async () => {
    const dir = mkdtempSync(join(tmpdir(), "catalog-keys-"));
    try {
      const file = join(dir, "keys.txt");
      writeFileSync(file, "zarr/x.zarr/.zmetadata\n2018/01/main.nc\nQuickStart.ipynb\n\n2018/01/data/b.nc\n");
      const pages = await collect(readUnsortedKeyFilePages(file, "", 3));
      expect(pages.flat().map((entry) => entry.key)).toEqual(["2018/01/data/b.nc", "2018/01/main.nc", "QuickStart.ipynb", "zarr/x.zarr/.zmetadata"]);
      expect(pages.map((page) => page.length)).toEqual([3, 1]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
