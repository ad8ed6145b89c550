import { blockContains, blocksOverlap, mustParseIpv4Cidr, parseIpv4Cidr, planSubnets, subBlock } from "../../../modules/network/cidr";

describe("CIDR maths", () => {
  test("parses a network and computes its size", () => {
    expect(parseIpv4Cidr("10.1.0.0/16")).toEqual({ cidr: "10.1.0.0/16", start: 167837696, prefix: 16, size: 65536 });
  });

  test.each(["10.1.0/16", "10.1.0.0", "10.1.0.0/33", "256.0.0.0/16", "010.0.0.0/16", "10.0.0.0/016", " 10.0.0.0/16"])(
    "fails when %p is not a CIDR block",
    (cidr) => {
      expect(parseIpv4Cidr(cidr)).toEqual({ error: "is not an IPv4 CIDR block of the form a.b.c.d/n" });
    },
  );

  test("fails when host bits are set, naming the network address", () => {
    expect(parseIpv4Cidr("10.1.2.0/16")).toEqual({ error: "has host bits set (the network address is 10.1.0.0/16)" });
  });

  test.each([
    ["10.0.0.0/16", "10.0.255.0/24", true],
    ["10.0.0.0/16", "10.1.0.0/16", false],
    ["10.0.0.0/8", "10.200.0.0/16", true],
    ["192.168.0.0/24", "192.168.1.0/24", false],
    ["255.255.255.0/24", "255.255.255.128/25", true],
  ])("overlap of %s and %s is %p (both ways)", (a, b, expected) => {
    expect(blocksOverlap(mustParseIpv4Cidr(a), mustParseIpv4Cidr(b))).toBe(expected);
    expect(blocksOverlap(mustParseIpv4Cidr(b), mustParseIpv4Cidr(a))).toBe(expected);
  });

  test("sub-blocks are numbered from the network address", () => {
    const block = mustParseIpv4Cidr("10.2.0.0/16");
    expect(subBlock(block, 18, 0)).toBe("10.2.0.0/18");
    expect(subBlock(block, 18, 3)).toBe("10.2.192.0/18");
    expect(() => subBlock(block, 18, 4)).toThrow(/holds 4 \/18 blocks; index 4 is out of range/);
  });

  test.each([
    ["10.0.0.0/16", 2, ["10.0.0.0/18", "10.0.64.0/18"], ["10.0.192.0/20", "10.0.208.0/20"]],
    ["10.0.0.0/16", 3, ["10.0.0.0/18", "10.0.64.0/18", "10.0.128.0/18"], ["10.0.192.0/20", "10.0.208.0/20", "10.0.224.0/20"]],
    ["172.20.4.0/24", 2, ["172.20.4.0/26", "172.20.4.64/26"], ["172.20.4.192/28", "172.20.4.208/28"]],
  ])("plans %s across %i zones without overlaps", (vpc, zones, privateSubnets, publicSubnets) => {
    const plan = planSubnets(vpc, zones);
    expect(plan.private).toEqual(privateSubnets);
    expect(plan.public).toEqual(publicSubnets);
    const all = [...plan.private, ...plan.public].map(mustParseIpv4Cidr);
    const outer = mustParseIpv4Cidr(vpc);
    all.forEach((block, i) => {
      expect(blockContains(outer, block)).toBe(true);
      all.slice(i + 1).forEach((other) => expect(blocksOverlap(block, other)).toBe(false));
    });
  });

  test("fails when asked for more zones than the plan holds", () => {
    expect(() => planSubnets("10.0.0.0/16", 4)).toThrow(/zone count 4 is outside 1-3/);
  });
});
