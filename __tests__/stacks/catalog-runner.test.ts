import { sizeRefresh } from "../../modules/catalog/sizing";
import { readJsonArgument } from "../../modules/guardrails/hcl";
import { ProximateConfig } from "../../modules/config/schema";
import { defaultConfig, editedConfig, Synthesized, type Block, synthApp } from "../helpers/synth";

/** The state machine's definition as data. */
function definitionOf(app: Synthesized, region: string): { TimeoutSeconds: number; States: Record<string, Block> } {
  const read = readJsonArgument(app.stack(`indexer-${region}`).resource("aws_sfn_state_machine", "refresh/Default").definition);
  if (!("document" in read)) {
    throw new Error(read.error);
  }
  return read.document as { TimeoutSeconds: number; States: Record<string, Block> };
}

function statementsOf(policyArgument: unknown): Block[] {
  const read = readJsonArgument(policyArgument);
  if (!("document" in read)) {
    throw new Error(read.error);
  }
  return (read.document as { Statement: Block[] }).Statement;
}

describe("the catalog refresh runs where the datasets need it (default topology)", () => {
  let app: Synthesized;
  beforeAll(() => {
    app = synthApp(defaultConfig());
  });

  test("ERA5 (whole bucket, ~40 million objects) runs as a Fargate task the state machine starts and awaits", () => {
    const stack = app.stack("indexer-us-east-1");
    const { States, TimeoutSeconds } = definitionOf(app, "us-east-1");
    const sizing = sizeRefresh([{ name: "era5", s3: "s3://era5-pds" }]);
    expect(sizing.runner).toBe("fargate");
    expect(States.RefreshCatalog).toMatchObject({
      Type: "Task",
      Resource: "arn:aws:states:::ecs:runTask.sync",
      Parameters: {
        Cluster: `\${${stack.address("aws_ecs_cluster", "indexer-task/cluster")}.arn}`,
        TaskDefinition: `\${${stack.address("aws_ecs_task_definition", "indexer-task/task")}.arn}`,
        LaunchType: "FARGATE",
        NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: "DISABLED", SecurityGroups: [`\${${stack.address("aws_security_group", "indexer/sg")}.id}`] } },
      },
      TimeoutSeconds: sizing.runnerSeconds,
      ResultSelector: { "ExitCodes.$": "$.Containers[?(@.Name == 'indexer')].ExitCode" },
      Retry: [{ ErrorEquals: ["States.TaskFailed"], MaxAttempts: 1 }],
      Next: "IndexerExited",
    });
    expect(States.RefreshCatalog.Parameters.NetworkConfiguration.AwsvpcConfiguration.Subnets).toHaveLength(2);
    // The new index goes live inside the task, after its last shard; anything but exit 0 fails the run.
    expect(States.IndexerExited).toEqual({
      Type: "Choice",
      Choices: [{ And: [{ Variable: "$.catalog.ExitCodes[0]", IsPresent: true }, { Variable: "$.catalog.ExitCodes[0]", NumericEquals: 0 }], Next: "CatalogRefreshed" }],
      Default: "IndexerFailed",
    });
    expect(States.IndexerFailed).toMatchObject({ Type: "Fail", Error: "IndexerFailed" });
    expect(States.WaitForImport).toEqual({ Type: "Wait", Seconds: sizing.pollSeconds, Next: "CheckImport" });
    expect(TimeoutSeconds).toBe(sizing.pipelineSeconds);
    expect(sizing).toMatchObject({ runnerSeconds: 3540, pollSeconds: 82, pipelineSeconds: 48780 });
  });

  test("CMIP6 ScenarioMIP/MOHC (~2 million objects) stays on Lambda", () => {
    const stack = app.stack("indexer-us-west-2");
    const { States, TimeoutSeconds } = definitionOf(app, "us-west-2");
    const sizing = sizeRefresh([{ name: "cmip6", s3: "s3://cmip6-pds/CMIP6/ScenarioMIP/MOHC" }]);
    expect(sizing.runner).toBe("lambda");
    expect(States.RefreshCatalog).toMatchObject({
      Resource: "arn:aws:states:::lambda:invoke",
      Parameters: { FunctionName: `\${${stack.address("aws_lambda_function", "indexer/Default")}.arn}` },
      TimeoutSeconds: 960,
      End: true,
    });
    expect(States.IndexerExited).toBeUndefined();
    expect(TimeoutSeconds).toBe(sizing.pipelineSeconds);
    expect(stack.resources("aws_ecs_task_definition")).toEqual({});
    expect(stack.resource("aws_lambda_function", "indexer/Default").memory_size).toBe(1769);
  });

  test("the task runs the Lambda's bundle on the official Node image, fetched by the AWS CLI image, both through ECR Public's pull-through cache", () => {
    const stack = app.stack("indexer-us-east-1");
    const rule = stack.resource("aws_ecr_pull_through_cache_rule", "indexer-task/ecr-public");
    expect(rule).toMatchObject({ ecr_repository_prefix: "ecr-public", upstream_registry_url: "public.ecr.aws" });
    const task = stack.resource("aws_ecs_task_definition", "indexer-task/task");
    expect(task).toMatchObject({ requires_compatibilities: ["FARGATE"], network_mode: "awsvpc", cpu: "1024", memory: "2048", volume: [{ name: "bundle" }] });
    expect(task.task_role_arn).toMatch(/cross-stack-reference-input-identity-eu-west-2\.outputs\..*indexer-us-east-1.*arn/);
    const [fetch, indexer] = JSON.parse(task.container_definitions as string) as Block[];
    const registry = `\${${stack.address("aws_ecr_pull_through_cache_rule", "indexer-task/ecr-public")}.registry_id}.dkr.ecr.us-east-1.amazonaws.com/ecr-public`;
    expect(fetch).toMatchObject({ name: "fetch-bundle", essential: false, image: `${registry}/aws-cli/aws-cli:2.31.23` });
    expect(fetch.command.slice(0, 2)).toEqual(["s3", "cp"]);
    expect(fetch.command[2]).toMatch(new RegExp(`^s3://\\$\\{${stack.address("aws_s3_bucket", "indexer-task/bundle-bucket/Default")}\\.bucket\\}/indexer/[0-9A-F]+/index\\.js$`));
    expect(indexer).toMatchObject({
      name: "indexer",
      essential: true,
      image: `${registry}/docker/library/node:22.21.1-bookworm-slim`,
      command: ["node", "/bundle/index.js"],
      dependsOn: [{ containerName: "fetch-bundle", condition: "SUCCESS" }],
      readonlyRootFilesystem: true,
    });
    const environment = Object.fromEntries((indexer.environment as { name: string; value: string }[]).map(({ name, value }) => [name, value]));
    expect(JSON.parse(environment.INDEXER_EVENT!)).toEqual({ region: "us-east-1", mount: "/fsx", datasets: [{ name: "era5", s3: "s3://era5-pds", path: "/era5" }] });
    expect(environment.OPENSEARCH_REGION).toBe("eu-west-2");
    const object = stack.resource("aws_s3_object", "indexer-task/bundle-object");
    expect(object.key).toBe(fetch.command[2].replace(/^s3:\/\/[^/]+\//, ""));
  });

  test("the state machine's role may run, watch and stop only the indexer task, and pass only its two roles", () => {
    const stack = app.stack("indexer-us-east-1");
    const statements = statementsOf(stack.resource("aws_iam_role_policy", "refresh/machine-policy").policy);
    const bySid = Object.fromEntries(statements.map((statement) => [statement.Sid, statement]));
    expect(bySid.RefreshCatalog).toBeUndefined();
    expect(bySid.RunIndexerTask).toMatchObject({ Action: ["ecs:RunTask"], Resource: `\${${stack.address("aws_ecs_task_definition", "indexer-task/task")}.arn_without_revision}:*` });
    expect(bySid.WatchIndexerTask).toMatchObject({ Action: ["ecs:DescribeTasks", "ecs:StopTask"] });
    expect(bySid.TaskEndEvents.Resource).toMatch(/^arn:aws:events:us-east-1:.*:rule\/StepFunctionsGetEventsForECSTaskRule$/);
    expect(bySid.PassTaskRoles).toMatchObject({ Action: ["iam:PassRole"], Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } } });
    const west = statementsOf(app.stack("indexer-us-west-2").resource("aws_iam_role_policy", "refresh/machine-policy").policy);
    expect(west.map((statement) => statement.Sid)).toEqual(["StartImport", "PollImport", "RefreshCatalog", "ExecutionLogs"]);
    // The machine invokes the unqualified function ARN: no version or alias (`:*`) is granted.
    const westStack = app.stack("indexer-us-west-2");
    expect(west.find((statement) => statement.Sid === "RefreshCatalog")!.Resource).toEqual([`\${${westStack.address("aws_lambda_function", "indexer/Default")}.arn}`]);
    // Listing its own runs needs the state machine's ARN: a policy apart, so the machine never waits for it.
    const own = stack.resource("aws_iam_role_policy", "refresh/machine-own-runs");
    expect(statementsOf(own.policy)).toEqual([{ Sid: "ListOwnRuns", Effect: "Allow", Action: ["states:ListExecutions"], Resource: `\${${stack.address("aws_sfn_state_machine", "refresh/Default")}.arn}` }]);
    expect(stack.resource("aws_sfn_state_machine", "refresh/Default").depends_on).toEqual([stack.address("aws_iam_role_policy", "refresh/machine-policy")]);
  });

  test("the indexer role admits ECS tasks only in the Region that runs the task", () => {
    const identity = app.stack("identity-eu-west-2");
    const trust = (region: string) => statementsOf(identity.resource("aws_iam_role", `indexer-${region}`).assume_role_policy)[0]!.Principal.Service;
    expect(trust("us-east-1")).toEqual(["lambda.amazonaws.com", "ecs-tasks.amazonaws.com"]);
    expect(trust("us-west-2")).toBe("lambda.amazonaws.com");
    const read = statementsOf(app.stack("indexer-us-east-1").resource("aws_iam_role_policy", "indexer-task/read-bundle").policy);
    expect(read).toEqual([{ Sid: "ReadBundle", Effect: "Allow", Action: ["s3:GetObject"], Resource: `\${${app.stack("indexer-us-east-1").address("aws_s3_bucket", "indexer-task/bundle-bucket/Default")}.arn}/indexer/*` }]);
  });

  test("data repository associations import nothing on create: the first pipeline run does", () => {
    const association = app.stack("pool-us-east-1").resource("aws_fsx_data_repository_association", "lustre/dataset-era5");
    expect(association).toMatchObject({ batch_import_meta_data_on_create: false, lifecycle: { ignore_changes: ["batch_import_meta_data_on_create"] } });
    expect(app.stack("indexer-us-east-1").resource("aws_lambda_invocation", "refresh/first-run").input).toContain('"action" = "start-pipeline"');
  });
});

describe("the runner follows the config", () => {
  test("expectedObjects and indexer.runner move a Region between Lambda and Fargate", () => {
    const app = synthApp(
      editedConfig((c) => {
        c.workers[0].datasets[0].expectedObjects = 3_000_000;
        c.workers[1].indexer = { runner: "fargate" };
      }) as ProximateConfig,
    );
    expect(definitionOf(app, "us-east-1").States.RefreshCatalog.Resource).toBe("arn:aws:states:::lambda:invoke");
    expect(definitionOf(app, "us-west-2").States.RefreshCatalog.Resource).toBe("arn:aws:states:::ecs:runTask.sync");
    expect(app.stack("indexer-us-east-1").resources("aws_ecs_task_definition")).toEqual({});
  });
});
