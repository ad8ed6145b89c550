import { generateConfig } from "../../../modules/config/generate";
import { describeSlowPaths, slowPaths, slowStacks } from "../../../modules/review/slow-stacks";
import { Manifest } from "../../../modules/review/stack-graph";
import { defaultConfig, synthApp } from "../../helpers/synth";

describe.each([
  ["the default topology", () => defaultConfig()],
  ["four worker Regions", () => generateConfig(4)],
  ["eight worker Regions", () => generateConfig(8)],
])("stack graph of %s", (_name, config) => {
  test("no path holds two slow stacks (OpenSearch, FSx, SageMaker, ECS service)", () => {
    const app = synthApp(config());
    const manifest = app.manifest as Manifest;
    const slow = slowStacks(manifest, (name) => app.stack(name).json);
    // the slow stacks are the ones the topology means to be slow, and only those
    expect([...slow.keys()].map((name) => name.replace(/-[a-z]+-[a-z]+-\d$/, ""))).toEqual(
      expect.arrayContaining(["catalog", "notebook", "pool", "scheduler"]),
    );
    expect(slow.get(`catalog-${app.topology.client.region}`)).toEqual(["aws_opensearch_domain"]);
    expect(slow.get(`notebook-${app.topology.client.region}`)).toEqual(["aws_sagemaker_notebook_instance"]);
    expect(describeSlowPaths(slowPaths(manifest, slow), slow)).toEqual([]);
  });
});

describe("slow paths", () => {
  const stack = (dependencies: string[]) => ({ dependencies, synthesizedStackPath: "x" });
  const manifest: Manifest = {
    stacks: {
      network: stack([]),
      identity: stack([]),
      catalog: stack(["network", "identity"]),
      glue: stack(["catalog"]),
      notebook: stack(["network", "identity", "glue"]),
      pool: stack(["network"]),
    },
  };
  const slow = new Map([
    ["catalog", ["aws_opensearch_domain"]],
    ["notebook", ["aws_sagemaker_notebook_instance"]],
    ["pool", ["aws_ecs_service", "aws_fsx_lustre_file_system"]],
  ]);

  test("finds a slow stack that waits for another through a fast one, with the path", () => {
    expect(describeSlowPaths(slowPaths(manifest, slow), slow)).toEqual([
      "catalog (aws_opensearch_domain) -> glue -> notebook (aws_sagemaker_notebook_instance)",
    ]);
  });

  test("slow stacks side by side are fine", () => {
    const fixed: Manifest = { stacks: { ...manifest.stacks, notebook: stack(["network", "identity"]) } };
    expect(slowPaths(fixed, slow)).toEqual([]);
  });

  test("reads slowness from the resource types of each stack", () => {
    const read = (name: string) => ({ resource: name === "catalog" ? { aws_opensearch_domain: {}, aws_iam_role: {} } : name === "pool" ? { aws_ecs_service: {}, aws_fsx_lustre_file_system: {} } : {} });
    expect(slowStacks(manifest, read)).toEqual(new Map([["catalog", ["aws_opensearch_domain"]], ["pool", ["aws_ecs_service", "aws_fsx_lustre_file_system"]]]));
  });
});
