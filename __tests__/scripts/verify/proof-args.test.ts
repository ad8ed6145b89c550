import { resolve } from "node:path";
import { parseProofArgs } from "../../../scripts/verify/proof-args";

describe("the proofs' arguments", () => {
  test("default: cdktf.out as text", () => {
    expect(parseProofArgs([])).toEqual({ dir: resolve("cdktf.out"), json: false });
  });
  test("a synth directory and --json, in any order", () => {
    expect(parseProofArgs(["--json", "out/x"])).toEqual({ dir: resolve("out/x"), json: true });
    expect(parseProofArgs(["out/x", "--json"])).toEqual({ dir: resolve("out/x"), json: true });
  });
  test("an unknown option is named with what is allowed", () => {
    expect(parseProofArgs(["--jsn"])).toEqual({ error: "unknown option --jsn; allowed: --json" });
  });
  test("two directories are refused, both shown", () => {
    expect(parseProofArgs(["a", "b"])).toEqual({ error: "expected one synth directory, got a b" });
  });
});
