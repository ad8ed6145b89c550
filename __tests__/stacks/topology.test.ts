import { generateConfig } from "../../modules/config/generate";
import { defaultConfig, Synthesized, synthApp } from "../helpers/synth";

const REMOTE = (stack: string) => new RegExp(`^\\$\\{data\\.terraform_remote_state\\.cross-stack-reference-input-${stack}\\.outputs\\.`);

describe("default topology", () => {
  let app: Synthesized;
  beforeAll(() => {
    app = synthApp(defaultConfig());
  });

  test("has one stack per Region role, and no state bootstrap (npm run bootstrap creates the bucket)", () => {
    expect(app.stackNames()).toEqual([
      "accept-eu-west-2",
      "accept-us-east-1",
      "catalog-eu-west-2",
      "identity-eu-west-2",
      "indexer-us-east-1",
      "indexer-us-west-2",
      "network-eu-west-2",
      "network-us-east-1",
      "network-us-west-2",
      "notebook-eu-west-2",
      "peering-us-east-1",
      "peering-us-west-2",
      "pool-us-east-1",
      "pool-us-west-2",
      "routes-eu-west-2",
      "routes-us-east-1",
      "routes-us-west-2",
      "scheduler-eu-west-2",
    ]);
  });

  test("the stack graph deploys in waves: network, peering, accept, routes", () => {
    const deps = (name: string) => [...app.manifest.stacks[name].dependencies].sort();
    expect(deps("network-eu-west-2")).toEqual([]);
    expect(deps("network-us-east-1")).toEqual([]);
    expect(deps("peering-us-west-2")).toEqual(["network-eu-west-2", "network-us-east-1", "network-us-west-2"]);
    expect(deps("accept-eu-west-2")).toEqual(["peering-us-east-1", "peering-us-west-2"]);
    expect(deps("routes-us-west-2")).toEqual(["accept-eu-west-2", "accept-us-east-1", "network-us-west-2"]);
  });

  test.each([
    ["network-eu-west-2", "eu-west-2"],
    ["peering-us-east-1", "us-east-1"],
    ["routes-us-west-2", "us-west-2"],
  ])("%s has one AWS provider in %s with default tags", (name, region) => {
    const providers = app.stack(name).json.provider.aws;
    expect(providers).toHaveLength(1);
    expect(providers[0].region).toBe(region);
    expect(providers[0].default_tags[0].tags).toEqual({ Project: "proximate", Stack: name, Region: region, ManagedBy: "proximate" });
  });

  test("every Region stack keeps its own encrypted, locked state in S3", () => {
    for (const name of app.stackNames()) {
      expect(app.stack(name).json.terraform.backend.s3).toEqual({
        bucket: "proximate-tfstate-example",
        key: `proximate/${name}.tfstate`,
        region: "eu-west-2",
        encrypt: true,
        use_lockfile: true,
      });
    }
  });

  test("the peering requests read both Transit Gateway ids from the network stacks", () => {
    const peering = app.stack("peering-us-west-2");
    const toClient = peering.resource("aws_ec2_transit_gateway_peering_attachment", "to-eu-west-2/Default");
    expect(toClient.peer_region).toBe("eu-west-2");
    expect(toClient.peer_transit_gateway_id).toMatch(REMOTE("network-eu-west-2"));
    expect(toClient.transit_gateway_id).toMatch(REMOTE("network-us-west-2"));
    const toWorker = peering.resource("aws_ec2_transit_gateway_peering_attachment", "to-us-east-1/Default");
    expect(toWorker.peer_transit_gateway_id).toMatch(REMOTE("network-us-east-1"));
  });

  test("the accepters read the attachment ids from the requesters' stacks", () => {
    const accept = app.stack("accept-eu-west-2");
    expect(accept.resource("aws_ec2_transit_gateway_peering_attachment_accepter", "from-us-east-1/Default").transit_gateway_attachment_id).toMatch(
      REMOTE("peering-us-east-1"),
    );
    expect(accept.resource("aws_ec2_transit_gateway_peering_attachment_accepter", "from-us-west-2/Default").transit_gateway_attachment_id).toMatch(
      REMOTE("peering-us-west-2"),
    );
  });

  test("both sides route the peer CIDR over the accepted attachment", () => {
    const requesterSide = app.stack("routes-us-west-2");
    const route = requesterSide.resource("aws_ec2_transit_gateway_route", "to-eu-west-2/Default");
    expect(route.destination_cidr_block).toBe("10.0.0.0/16");
    expect(route.transit_gateway_attachment_id).toMatch(REMOTE("accept-eu-west-2"));
    expect(route.transit_gateway_route_table_id).toMatch(REMOTE("network-us-west-2"));
    const accepterSide = app.stack("routes-eu-west-2").resource("aws_ec2_transit_gateway_route", "to-us-west-2/Default");
    expect(accepterSide.destination_cidr_block).toBe("10.2.0.0/16");
    expect(accepterSide.transit_gateway_attachment_id).toMatch(REMOTE("accept-eu-west-2"));
    const association = requesterSide.resource("aws_ec2_transit_gateway_route_table_association", "to-eu-west-2/association");
    expect(association.transit_gateway_attachment_id).toBe(route.transit_gateway_attachment_id);
  });

  test("ids travel only through cross-stack references: no SSM parameters, no hard-coded ids", () => {
    for (const name of app.stackNames()) {
      const json = app.stack(name).json;
      expect(Object.keys(json.resource ?? {}).filter((t) => t.startsWith("aws_ssm") || t.includes("cloudformation"))).toEqual([]);
      // The only functions are the catalog indexers: no custom resources carrying values between stacks.
      expect(Object.values(json.resource?.aws_lambda_function ?? {}).map((f: any) => f.handler)).toEqual(name.startsWith("indexer-") ? ["index.handler"] : []); // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(JSON.stringify(json.resource ?? {})).not.toMatch(/"(tgw|tgw-attach|vpc|subnet|rtb)-[0-9a-f]{8,17}"/);
    }
  });

  test("the network stacks use no data sources, so plans need no AWS access", () => {
    for (const name of app.stackNames()) {
      const dataTypes = Object.keys(app.stack(name).json.data ?? {});
      expect(dataTypes.filter((t) => t !== "terraform_remote_state")).toEqual([]);
    }
  });

  test("the Transit Gateways use their own route tables with unique ASNs", () => {
    const asns = ["eu-west-2", "us-east-1", "us-west-2"].map((region) => {
      const tgw = app.stack(`network-${region}`).resource("aws_ec2_transit_gateway", "tgw/Default");
      expect(tgw.default_route_table_association).toBe("disable");
      expect(tgw.default_route_table_propagation).toBe("disable");
      return tgw.amazon_side_asn;
    });
    expect(new Set(asns).size).toBe(3);
  });
});

describe("generated topologies", () => {
  test.each([1, 4, 6])("%i worker Regions: one request and one accepter per pair, routes on both sides", (count) => {
    const app = synthApp(generateConfig(count));
    const regions = app.topology.regions.map((r) => r.region);
    const requests: string[] = [];
    const accepters: string[] = [];
    for (const name of app.stackNames()) {
      const stack = app.stack(name);
      const region = stack.json.provider.aws[0].region as string;
      for (const body of Object.values(stack.resources("aws_ec2_transit_gateway_peering_attachment"))) {
        requests.push([region, body.peer_region].sort().join("|"));
      }
      for (const body of Object.values(stack.resources("aws_ec2_transit_gateway_peering_attachment_accepter"))) {
        accepters.push(body["//"].metadata.path.split("/")[1].replace("from-", "") + "|" + region);
      }
    }
    const pairs = (regions.length * (regions.length - 1)) / 2;
    expect(new Set(requests).size).toBe(pairs);
    expect(requests).toHaveLength(pairs);
    expect(accepters).toHaveLength(pairs);
    for (const region of regions) {
      const routes = Object.values(app.stack(`routes-${region}`).resources("aws_ec2_transit_gateway_route"));
      const expected = app.topology.regions.filter((r) => r.region !== region).map((r) => r.cidr).sort();
      expect(routes.map((r) => r.destination_cidr_block).sort()).toEqual(expected);
    }
  });

  test("network stacks of different Regions never depend on each other", () => {
    const app = synthApp(generateConfig(5));
    for (const name of app.stackNames().filter((n) => n.startsWith("network-"))) {
      expect(app.manifest.stacks[name].dependencies).toEqual([]);
    }
  });

  test("adding a worker Region renames nothing in the existing Regions", () => {
    const before = synthApp(generateConfig(3));
    const after = synthApp(generateConfig(4));
    for (const name of before.stackNames()) {
      const old = before.stack(name).addresses();
      const now = new Set(after.stack(name).addresses());
      expect(old.filter((address) => !now.has(address))).toEqual([]);
    }
  });

  test("a local backend puts every stack's state in one directory and needs no bootstrap", () => {
    const app = synthApp(generateConfig(2, { state: { backend: "local" } }));
    expect(app.stackNames()).not.toContain("state");
    expect(app.stack("network-us-east-1").json.terraform.backend.local).toEqual({ path: "/state/network-us-east-1.tfstate" });
    const remote = app.stack("peering-us-east-1").json.data.terraform_remote_state["cross-stack-reference-input-network-eu-west-2"];
    expect(remote).toMatchObject({ backend: "local", config: { path: "/state/network-eu-west-2.tfstate" } });
  });
});
