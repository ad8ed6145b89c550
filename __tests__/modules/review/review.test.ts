import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { embedDiagrams, stackGraphDiagram, topologyDiagram } from "../../../modules/review/diagram";
import { fixtureState, offlineFiles } from "../../../modules/review/offline";
import { portabilityProblems } from "../../../modules/review/portable-svg";
import { PlanDocument, renderReview, summarizePlan } from "../../../modules/review/plan-summary";
import { deployWaves, dependencyOrder, Manifest, stackEdges } from "../../../modules/review/stack-graph";
import { placeholderFor } from "../../../modules/terraform/tftest";
import { defaultConfig, Synthesized, synthApp } from "../../helpers/synth";

describe("stack graph", () => {
  let app: Synthesized;
  beforeAll(() => {
    app = synthApp(defaultConfig());
  });

  test("deploy waves of the default topology", () => {
    expect(deployWaves(app.manifest as Manifest)).toEqual([
      ["identity-eu-west-2", "network-eu-west-2", "network-us-east-1", "network-us-west-2"],
      ["catalog-eu-west-2", "notebook-eu-west-2", "peering-us-east-1", "peering-us-west-2", "pool-us-east-1", "pool-us-west-2", "scheduler-eu-west-2"],
      ["accept-eu-west-2", "accept-us-east-1", "indexer-us-east-1", "indexer-us-west-2"],
      ["routes-eu-west-2", "routes-us-east-1", "routes-us-west-2"],
    ]);
  });

  test("every stack comes after the stacks it depends on", () => {
    const order = dependencyOrder(app.manifest as Manifest);
    for (const edge of stackEdges(app.manifest as Manifest)) {
      expect(order.indexOf(edge.from)).toBeLessThan(order.indexOf(edge.to));
    }
  });

  test("fails when the graph has a cycle or an unknown stack", () => {
    const stack = (dependencies: string[]) => ({ dependencies, synthesizedStackPath: "x" });
    expect(() => deployWaves({ stacks: { a: stack(["b"]), b: stack(["a"]) } })).toThrow(/cycle through "a"/);
    expect(() => deployWaves({ stacks: { a: stack(["ghost"]) } })).toThrow(/depends on "ghost", which the manifest does not list/);
  });

  test("the README holds the current diagrams of the default topology", () => {
    const read = (name: string) => app.stack(name).json;
    const diagrams = { topology: topologyDiagram(app.manifest as Manifest, read), stacks: stackGraphDiagram(app.manifest as Manifest) };
    const readme = readFileSync(join(__dirname, "..", "..", "..", "README.md"), "utf8");
    expect(embedDiagrams(readme, diagrams)).toBe(readme);
    expect(diagrams.topology).toContain("us_west_2_tgw <-->|TGW peering| us_east_1_tgw");
    expect(diagrams.topology).toContain("/cmip6 ← s3://cmip6-pds/CMIP6/ScenarioMIP/MOHC");
    expect(diagrams.stacks).toContain("pool_us_east_1 --> indexer_us_east_1");
  });

  test("docs/diagrams holds the current diagrams of the default topology, as portable SVG", () => {
    // same Mermaid as the README, and SVGs re-rendered and compared byte for byte (npm run diagram -- --check)
    const read = (name: string) => app.stack(name).json;
    const docs = join(__dirname, "..", "..", "..", "docs", "diagrams");
    expect(readFileSync(join(docs, "topology.mmd"), "utf8")).toBe(topologyDiagram(app.manifest as Manifest, read));
    expect(readFileSync(join(docs, "stacks.mmd"), "utf8")).toBe(stackGraphDiagram(app.manifest as Manifest));
    const env = { ...process.env };
    delete env.PROXIMATE_CONFIG;
    const check = spawnSync(process.execPath, [require.resolve("tsx/cli"), join("scripts", "review", "diagram.ts"), "--check"], { cwd: join(__dirname, "..", "..", ".."), env, encoding: "utf8" });
    expect(check.stderr).toBe("");
    expect(check.status).toBe(0);
    for (const name of ["topology.svg", "stacks.svg"]) {
      expect(portabilityProblems(readFileSync(join(docs, name), "utf8"))).toEqual([]);
    }
  });

  test("fails when the README lost a diagram's markers", () => {
    expect(() => embedDiagrams("# no diagrams", { topology: "flowchart LR\n" })).toThrow(/no "<!-- diagram:topology/);
  });
});

describe("plan summary", () => {
  const plan: PlanDocument = {
    resource_changes: [
      { address: "aws_vpc.vpc", type: "aws_vpc", change: { actions: ["create"] } },
      { address: "aws_subnet.a", type: "aws_subnet", change: { actions: ["create"] } },
      { address: "aws_route.r", type: "aws_route", change: { actions: ["update"] } },
      { address: "aws_fsx_lustre_file_system.lustre", type: "aws_fsx_lustre_file_system", change: { actions: ["delete", "create"] } },
      { address: "aws_opensearch_domain.catalog", type: "aws_opensearch_domain", change: { actions: ["delete"] } },
      { address: "aws_iam_role.old", type: "aws_iam_role", change: { actions: ["delete"] } },
      { address: "aws_instance.host", type: "aws_instance", change: { actions: ["no-op"] } },
      { address: "data.terraform_remote_state.x", type: "terraform_remote_state", mode: "data", change: { actions: ["read"] } },
    ],
  };

  test("counts adds, changes, replacements and destroys by type", () => {
    const summary = summarizePlan("pool-us-east-1", plan);
    expect(summary.counts).toEqual({ add: 2, change: 1, replace: 1, destroy: 2 });
    expect(summary.byType.aws_iam_role).toEqual({ add: 0, change: 0, replace: 0, destroy: 1 });
    expect(summary.byType.aws_instance).toBeUndefined();
  });

  test("flags replacements and destroys of stateful resources only", () => {
    const summary = summarizePlan("pool-us-east-1", plan);
    expect(summary.dangerous.map((d) => [d.address, d.kind])).toEqual([
      ["aws_fsx_lustre_file_system.lustre", "replace"],
      ["aws_opensearch_domain.catalog", "destroy"],
    ]);
  });

  test("the report puts dangerous changes first and says when it was planned offline", () => {
    const text = renderReview({ mode: "offline", topology: "test", waves: [["pool-us-east-1"]] }, [summarizePlan("pool-us-east-1", plan)]);
    expect(text).toContain("**Offline plan.**");
    expect(text.indexOf("Stateful resources replaced or destroyed")).toBeLessThan(text.indexOf("## Summary"));
    expect(text).toContain("| pool-us-east-1 | `aws_fsx_lustre_file_system.lustre` | **replace** | FSx for Lustre file system |");
    expect(text).toContain("| 0 | pool-us-east-1 | 2 | 1 | 1 | 2 |");
  });

  test("a clean plan says no stateful resource is touched", () => {
    const text = renderReview({ mode: "online", topology: "test", waves: [["a"]] }, [summarizePlan("a", { resource_changes: [] })]);
    expect(text).toContain("No stateful resource");
    expect(text).not.toContain("Offline plan");
  });
});

describe("offline plan files", () => {
  test("a local backend, a provider that asks AWS nothing, and remote state from fixtures of the upstream outputs", () => {
    const upstream = { "cross-stack-output-tgwid": { value: "${aws_ec2_transit_gateway.tgw.id}" } };
    const stack = { data: { terraform_remote_state: { "cross-stack-reference-input-network-eu-west-2": {} } } };
    const { files } = offlineFiles(stack, (name) => {
      expect(name).toBe("network-eu-west-2");
      return upstream;
    }, "fixtures");
    expect(files["backend_override.tf.json"]).toEqual({ terraform: { backend: { local: { path: "terraform.tfstate" } } } });
    expect((files["provider_override.tf.json"] as any).provider.aws[0]).toMatchObject({ skip_credentials_validation: true, skip_requesting_account_id: true }); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(files["remote_state_override.tf.json"]).toEqual({
      data: { terraform_remote_state: { "cross-stack-reference-input-network-eu-west-2": { backend: "local", config: { path: "fixtures/network-eu-west-2.tfstate" }, workspace: null } } },
    });
    expect(files["fixtures/network-eu-west-2.tfstate"]).toEqual(
      fixtureState({ "cross-stack-output-tgwid": placeholderFor("network-eu-west-2", "cross-stack-output-tgwid", "${aws_ec2_transit_gateway.tgw.id}") }),
    );
  });
});
