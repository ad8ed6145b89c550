import { generateConfig } from "../../../modules/config/generate";
import { defaultTransitGatewayAsn } from "../../../modules/config/regions";
import { planPeerings, resolveTopology } from "../../../modules/config/topology";
import { parseConfig } from "../../../modules/config/validate";
import { defaultConfig } from "../../helpers/synth";

describe("resolved topology", () => {
  const topology = resolveTopology(parseConfig(defaultConfig(), "test"));

  test("applies documented defaults", () => {
    expect(topology.client).toMatchObject({ region: "eu-west-2", role: "client", zones: ["eu-west-2a", "eu-west-2b"], egress: "nat", pool: "pool-eu-west-2" });
    expect(topology.workers.map((w) => [w.region, w.egress, w.pool])).toEqual([
      ["us-east-1", "none", "pool-us-east-1"],
      ["us-west-2", "none", "pool-us-west-2"],
    ]);
    expect(topology.logRetentionDays).toBe(30);
    expect(topology.regions.map((r) => r.region)).toEqual(["eu-west-2", "us-east-1", "us-west-2"]);
  });

  test("default ASNs are unique and stable per Region", () => {
    const asns = topology.regions.map((r) => r.transitGatewayAsn);
    expect(new Set(asns).size).toBe(asns.length);
    expect(defaultTransitGatewayAsn("us-east-1")).toBe(64512);
    expect(defaultTransitGatewayAsn("eu-west-2")).toBe(64534);
    expect(() => defaultTransitGatewayAsn("moon-1")).toThrow(/not a known AWS Region/);
  });

  test("an explicit ASN and zones win over defaults", () => {
    const config = defaultConfig();
    const custom = resolveTopology(
      parseConfig({ ...config, client: { ...config.client, transitGatewayAsn: 65000, availabilityZones: ["eu-west-2a", "eu-west-2b", "eu-west-2c"] } }, "test"),
    );
    expect(custom.client.transitGatewayAsn).toBe(65000);
    expect(custom.client.subnets.private).toHaveLength(3);
  });

  test("the client accepts every peering and later-sorting workers request from earlier ones", () => {
    expect(planPeerings("eu-west-2", ["us-west-2", "us-east-1"])).toEqual([
      { requester: "us-west-2", accepter: "eu-west-2" },
      { requester: "us-east-1", accepter: "eu-west-2" },
      { requester: "us-west-2", accepter: "us-east-1" },
    ]);
  });

  test.each([2, 4, 10])("%i worker Regions give one peering per pair of Regions", (count) => {
    const plan = resolveTopology(generateConfig(count));
    const pairs = plan.peerings.map((p) => [p.requester, p.accepter].sort().join("|"));
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(pairs).toHaveLength(((count + 1) * count) / 2);
  });

  test("reordering worker Regions never flips a peering's sides", () => {
    const forward = planPeerings("eu-west-2", ["us-east-1", "ap-south-1", "eu-central-1"]);
    const backward = planPeerings("eu-west-2", ["eu-central-1", "ap-south-1", "us-east-1"]);
    const key = (p: { requester: string; accepter: string }) => `${p.requester}->${p.accepter}`;
    expect(backward.map(key).sort()).toEqual(forward.map(key).sort());
  });
});
