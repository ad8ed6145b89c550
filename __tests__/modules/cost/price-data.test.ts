import {
  ec2OnDemandLinux,
  interRegionOut,
  karpenterPrices,
  locationOf,
  lustrePersistent2,
  meteredRate,
  MeteredUnitMap,
  opensearchOnDemand,
  parseLabel,
  PRICE_LOCATIONS,
  RegroupedMap,
} from "../../../modules/cost/price-data";
import { AWS_REGIONS } from "../../../modules/config/regions";

/** Small maps in the shapes AWS publishes (made up here, with round prices). */
const VPC: MeteredUnitMap = {
  manifest: { serviceId: "vpc", hawkFilePublicationDate: "2026-01-02T03:04:05Z" },
  regions: {
    "EU (London)": {
      "Hourly charge for VPC Endpoints per Hrs": { rateCode: "AAAA.JRTCKXETXF.6YS6EN2CT7", price: "0.0110000000" },
      "Free thing per Hrs": { price: "0.0000000000" },
    },
  },
};

const FSX = (prices: string[]): MeteredUnitMap => ({
  manifest: {},
  regions: {
    "EU (London)": Object.fromEntries([
      ...prices.map((price, i) => [`hash${i}${"x".repeat(38)} SSD new`, { price }]),
      [`old${"x".repeat(40)} SSD old`, { price: "0.1" }],
    ]),
  },
});

const REGROUPED: RegroupedMap = {
  "OnDemand Linux-instancetype-m6i.xlarge": { "EU (London)": "0.2220000000", "US East (N. Virginia)": "0.1920000000" },
  "OnDemand Linux-instancetype-c6i.xlarge": { "EU (London)": "0.2;0.3" },
  "r6g large.search - Memory optimized - OnDemand - EBS Only - - - Hourly Cost": { "EU (London) (vCPU: 2, Memory (GiB): 16)": "0.1970000000" },
  "r6g large.search - Memory optimized - Reserved - EBS Only - All Upfront - 1yr - Hourly Cost": { "EU (London) (vCPU: 2, Memory (GiB): 16)": "0.0000000000" },
  "DataTransfer InterRegion Outbound to US East N Virginia": {
    "EU (London) (To Location: US East (N. Virginia))": "0.0200000000",
    "US East (Ohio) (To Location: US East (N. Virginia))": "0.0100000000",
  },
  "DataTransfer InterRegion Outbound to EU Frankfurt": { "EU (London) (To Location: EU (Frankfurt))": "0.0200000000" },
};

describe("AWS price data readers", () => {
  test("know a location name for every Region Proximate deploys to", () => {
    expect(AWS_REGIONS.filter((region) => PRICE_LOCATIONS[region] === undefined)).toEqual([]);
    expect(() => locationOf("xx-nowhere-1")).toThrow(/no location name for Region xx-nowhere-1/);
  });

  test("read a metered rate by its exact name, with its Price List rate code", () => {
    expect(meteredRate(VPC, "vpc", "EU (London)", "Hourly charge for VPC Endpoints per Hrs")).toEqual({
      usd: 0.011,
      rateCode: "AAAA.JRTCKXETXF.6YS6EN2CT7",
      found: 'vpc "Hourly charge for VPC Endpoints per Hrs" in EU (London)',
    });
  });

  test("fail on a missing location, a missing rate or a zero price, never return zero", () => {
    expect(() => meteredRate(VPC, "vpc", "EU (Paris)", "Hourly charge for VPC Endpoints per Hrs")).toThrow(/vpc has no location "EU \(Paris\)"/);
    expect(() => meteredRate(VPC, "vpc", "EU (London)", "Hourly charge for NAT")).toThrow(/vpc has no rate "Hourly charge for NAT" in EU \(London\)/);
    expect(() => meteredRate(VPC, "vpc", "EU (London)", "Free thing per Hrs")).toThrow(/has price "0.0000000000", not a positive number/);
  });

  test("assign the four PERSISTENT_2 SSD rates to the throughput tiers by rank", () => {
    const tiers = lustrePersistent2(FSX(["0.844", "0.184", "0.467", "0.279"]), "EU (London)");
    expect(Object.fromEntries(Object.entries(tiers).map(([tier, rate]) => [tier, rate.usd]))).toEqual({ "125": 0.184, "250": 0.279, "500": 0.467, "1000": 0.844 });
    expect(tiers["1000"].found).toMatch(/rank 4 of 4 = 1000 MB\/s\/TiB/);
  });

  test("refuse FSx tiers it cannot tell apart or count", () => {
    expect(() => lustrePersistent2(FSX(["0.1", "0.2", "0.3"]), "EU (London)")).toThrow(/3 "SSD new" \(PERSISTENT_2\) rates in EU \(London\), expected 4/);
    expect(() => lustrePersistent2(FSX(["0.1", "0.2", "0.2", "0.3"]), "EU (London)")).toThrow(/not distinct/);
  });

  test("split a regrouped label into the location (which may hold parentheses) and its attributes", () => {
    expect(parseLabel("US East (N. Virginia)")).toEqual({ location: "US East (N. Virginia)", attributes: {} });
    expect(parseLabel("EU (London) (To Location: US East (N. Virginia))")).toEqual({ location: "EU (London)", attributes: { "To Location": "US East (N. Virginia)" } });
    expect(parseLabel("EU (London) (vCPU: 2, Memory (GiB): 16)")).toEqual({ location: "EU (London)", attributes: { vCPU: "2", "Memory (GiB)": "16" } });
  });

  test("read EC2 and OpenSearch on-demand prices, and refuse a conflicting one", () => {
    expect(ec2OnDemandLinux(REGROUPED, "EU (London)", "m6i.xlarge").usd).toBe(0.222);
    expect(opensearchOnDemand(REGROUPED, "EU (London)", "r6g.large.search").usd).toBe(0.197);
    expect(() => ec2OnDemandLinux(REGROUPED, "EU (London)", "c6i.xlarge")).toThrow(/conflicting prices/);
    expect(() => ec2OnDemandLinux(REGROUPED, "EU (Paris)", "m6i.xlarge")).toThrow(/has 0 prices in EU \(Paris\), expected one/);
  });

  test("read inter-Region transfer by source and destination", () => {
    const out = interRegionOut(REGROUPED, "EU (London)", ["US East (N. Virginia)", "EU (Frankfurt)"]);
    expect(Object.fromEntries(Object.entries(out).map(([to, rate]) => [to, rate.usd]))).toEqual({ "US East (N. Virginia)": 0.02, "EU (Frankfurt)": 0.02 });
    expect(interRegionOut(REGROUPED, "US East (Ohio)", ["US East (N. Virginia)"])["US East (N. Virginia)"].usd).toBe(0.01);
    expect(() => interRegionOut(REGROUPED, "EU (London)", ["Asia Pacific (Sydney)"])).toThrow(/no inter-Region rate from EU \(London\) to Asia Pacific \(Sydney\)/);
  });

  test("read Karpenter's generated us-east-1 prices and when they were generated", () => {
    const go = [
      "// generated at 2026-07-20T13:44:30Z for us-east-1",
      "var InitialOnDemandPricesAWS = map[string]map[ec2types.InstanceType]float64{",
      "\t// us-east-1",
      '\t"us-east-1": {',
      "\t\t// m6i family",
      '\t\t"m6i.large": 0.096000, "m6i.xlarge": 0.192000,',
      '\t\t"u-6tb1.metal": 40.890000,',
      "\t},",
      "}",
    ].join("\n");
    expect(karpenterPrices(go)).toEqual({ generated: "2026-07-20T13:44:30Z", region: "us-east-1", prices: { "m6i.large": 0.096, "m6i.xlarge": 0.192, "u-6tb1.metal": 40.89 } });
    expect(() => karpenterPrices("package pricing")).toThrow(/no 'generated at ... for ...' line/);
  });
});
