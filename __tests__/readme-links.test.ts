import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The README's relative links point at files that exist, and its #anchors at its own headings. */
const root = join(__dirname, "..");
const readme = readFileSync(join(root, "README.md"), "utf8");

test("every relative link of README.md resolves to a file", () => {
  const targets = [...readme.matchAll(/\]\(([^)#][^)]*)\)/g)].map((m) => m[1]!).filter((t) => !/^https?:/.test(t));
  expect(targets.length).toBeGreaterThan(0);
  expect(targets.filter((t) => !existsSync(join(root, t.split("#")[0]!)))).toEqual([]);
});

test("every #anchor of README.md names one of its headings", () => {
  const anchors = new Set([...readme.matchAll(/^#+ (.*)$/gm)].map((m) => m[1]!.toLowerCase().replace(/[^a-z0-9 -]/g, "").replace(/ /g, "-")));
  const used = [...readme.matchAll(/\]\(#([^)]*)\)/g)].map((m) => m[1]!);
  expect(used.filter((a) => !anchors.has(a))).toEqual([]);
});
