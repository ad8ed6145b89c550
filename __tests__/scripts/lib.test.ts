import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { zipDirectory } from "../../scripts/lib/zip-directory";

describe("zipDirectory", () => {
  test("zips every file under its relative path, the same bytes for the same files", () => {
    const dir = mkdtempSync(join(tmpdir(), "proximate-zip-"));
    mkdirSync(join(dir, "pkg"));
    writeFileSync(join(dir, "pkg", "a.py"), "print('a')\n");
    writeFileSync(join(dir, "top.toml"), "x = 1\n");
    const first = readFileSync(zipDirectory(dir, join(tmpdir(), `first-${process.pid}.zip`)));
    const second = readFileSync(zipDirectory(dir, join(tmpdir(), `second-${process.pid}.zip`)));
    expect(Buffer.compare(first, second)).toBe(0);
    const entries = unzipSync(new Uint8Array(first));
    expect(Object.keys(entries).sort()).toEqual(["pkg/a.py", "top.toml"]);
    expect(Buffer.from(entries["pkg/a.py"]).toString()).toBe("print('a')\n");
  });
});
