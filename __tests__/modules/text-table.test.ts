import { textTable } from "../../modules/text-table";

describe("text tables", () => {
  test("columns padded to their widest cell, two spaces apart, the last one not padded", () => {
    expect(textTable(["flow", "result"], [["a", "pass"], ["longer", "fail (no route)"]])).toEqual(["flow    result", "a       pass", "longer  fail (no route)"]);
  });
  test("no trailing blanks when the last cell is empty", () => {
    expect(textTable(["a", "b"], [["x", ""]])).toEqual(["a  b", "x"]);
  });
});
