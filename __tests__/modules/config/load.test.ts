import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadConfigSource } from "../../../modules/config/load";
import { InputError } from "../../../modules/errors";

const projectDir = resolve(__dirname, "..", "..", "..");

describe("config source", () => {
  test("defaults to context.proximate of cdktf.json", () => {
    const source = loadConfigSource({}, projectDir);
    expect(source.description).toBe("cdktf.json context.proximate");
    expect(source.raw).toMatchObject({ name: "proximate", client: { region: "eu-west-2" } });
  });

  test("takes the context the cdktf CLI passes", () => {
    const source = loadConfigSource({ CDKTF_CONTEXT_JSON: JSON.stringify({ proximate: { name: "from-cli" } }) }, projectDir);
    expect(source.raw).toEqual({ name: "from-cli" });
  });

  test("PROXIMATE_CONFIG replaces the default", () => {
    const dir = mkdtempSync(join(tmpdir(), "proximate-config-"));
    writeFileSync(join(dir, "t.json"), JSON.stringify({ name: "other" }));
    const source = loadConfigSource({ PROXIMATE_CONFIG: join(dir, "t.json") }, projectDir);
    expect(source).toEqual({ raw: { name: "other" }, description: `PROXIMATE_CONFIG=${join(dir, "t.json")}` });
  });

  test("fails when PROXIMATE_CONFIG names a missing file", () => {
    expect(() => loadConfigSource({ PROXIMATE_CONFIG: "/nonexistent/topology.json" }, projectDir)).toThrow(
      /PROXIMATE_CONFIG: got "\/nonexistent\/topology.json": cannot be read \(ENOENT\)/,
    );
  });

  test("fails when PROXIMATE_CONFIG names a file that is not JSON", () => {
    const dir = mkdtempSync(join(tmpdir(), "proximate-config-"));
    writeFileSync(join(dir, "bad.json"), "{ name: proximate");
    expect(() => loadConfigSource({ PROXIMATE_CONFIG: join(dir, "bad.json") }, projectDir)).toThrow(InputError);
    expect(() => loadConfigSource({ PROXIMATE_CONFIG: join(dir, "bad.json") }, projectDir)).toThrow(/is not valid JSON/);
  });
});
