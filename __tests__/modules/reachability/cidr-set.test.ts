import { contains, covers, longestMatch, toBlock } from "../../../modules/reachability/cidr-set";

const block = (cidr: string) => toBlock(cidr) ?? (() => { throw new Error(cidr); })();

describe("CIDR sets", () => {
  test("a union of blocks covers a block only without gaps", () => {
    expect(covers([block("10.0.0.0/25"), block("10.0.0.128/25")], block("10.0.0.0/24"))).toBe(true);
    expect(covers([block("10.0.0.0/25"), block("10.0.0.192/26")], block("10.0.0.0/24"))).toBe(false);
    expect(covers([block("0.0.0.0/0")], block("10.2.0.0/16"))).toBe(true);
    expect(covers([], block("10.2.0.0/16"))).toBe(false);
  });

  test("longest prefix match picks the most specific containing route", () => {
    const routes = [{ destination: block("10.0.0.0/8"), id: "wide" }, { destination: block("10.1.0.0/16"), id: "narrow" }];
    expect(longestMatch(routes, block("10.1.2.0/24"))?.id).toBe("narrow");
    expect(longestMatch(routes, block("10.2.0.0/24"))?.id).toBe("wide");
    expect(longestMatch(routes, block("192.168.0.0/24"))).toBeUndefined();
  });

  test("host bits are masked, containment is inclusive, junk is refused", () => {
    expect(toBlock("10.0.0.7/24")).toMatchObject({ prefix: 24, size: 256 });
    expect(contains(block("10.0.0.0/16"), block("10.0.0.0/16"))).toBe(true);
    expect(toBlock("${var.cidr}")).toBeUndefined();
    expect(toBlock("300.0.0.0/8")).toBeUndefined();
  });
});
