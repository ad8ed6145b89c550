import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readJsonArgument } from "../../../modules/guardrails/hcl";
import { CallVerdict } from "../../../modules/iam-proof/evaluate";
import { loadManagedPolicies } from "../../../modules/iam-proof/managed-policies";
import { CODE_SOURCES, CodeSource } from "../../../modules/iam-proof/principals/code-sources";
import { renderIamVerdict } from "../../../modules/iam-proof/render";
import { IamVerdict, verifyIam } from "../../../modules/iam-proof/verify";
import { SynthOutput } from "../../../modules/reachability/synth-output";
import { defaultConfig } from "../../helpers/synth";
import { mutate, resourceName, synthOutput } from "../reachability/synthesized";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const projectDir = join(__dirname, "..", "..", "..");
const managedPolicies = loadManagedPolicies(projectDir);
const prove = (output: SynthOutput, codeSources?: readonly CodeSource[]): IamVerdict => verifyIam(output, { projectDir, managedPolicies, ...(codeSources ? { codeSources } : {}) });

/** The verdicts of `action` by the principal whose name starts with `principal`. */
function calls(verdict: IamVerdict, principal: string, action: string): CallVerdict[] {
  return verdict.principals.filter((entry) => entry.principal.name.startsWith(principal)).flatMap((entry) => entry.calls.filter((call) => call.call.action === action));
}

function denied(verdict: IamVerdict): string[] {
  return verdict.principals.flatMap((entry) => entry.calls.filter((call) => !call.allowed).map((call) => `${entry.principal.name.split(" ")[0]} ${call.call.action}`));
}

/** The one resource of `type` at `pathSuffix` in `stack`, as mutable JSON. */
function resource(stacks: Map<string, Json>, stack: string, type: string, pathSuffix: string): Json {
  const json = stacks.get(stack) as Json;
  return json.resource[type][resourceName(json, type, pathSuffix)];
}

/** A synthesized policy argument as a document (references stay `${...}`). */
function document(argument: unknown): Json {
  const read = readJsonArgument(argument);
  if (!("document" in read)) {
    throw new Error(read.error);
  }
  return read.document as Json;
}

/** Replaces a policy argument by the edited document (a JSON string, as Terraform accepts). */
function editPolicy(holder: Json, argument: string, edit: (statements: Json[]) => Json[]): void {
  const doc = document(holder[argument]);
  holder[argument] = JSON.stringify({ ...doc, Statement: edit(doc.Statement as Json[]) });
}

describe("the IAM proof of the default topology", () => {
  const output = synthOutput(defaultConfig());
  const verdict = prove(output);

  test("every run-time principal has its calls", () => {
    const names = verdict.principals.map((entry) => entry.principal.name);
    for (const expected of [
      "proximate-us-east-1-worker-exec (execution role of task proximate-us-east-1-dask-worker)",
      "proximate-us-east-1-worker-task (task role of task proximate-us-east-1-dask-worker)",
      "proximate-eu-west-2-scheduler-exec (execution role of task proximate-eu-west-2-scheduler)",
      "proximate-eu-west-2-scheduler-task (task role of task proximate-eu-west-2-scheduler)",
      "proximate-us-east-1-ecs-instance (instance role of Auto Scaling group proximate-us-east-1-workers)",
      "proximate-us-west-2-data-host (instance role of instance proximate-us-west-2-data-host)",
      "proximate-us-east-1-catalog-refresh (role of state machine proximate-us-east-1-catalog-refresh)",
      "proximate-us-west-2-catalog-schedule (role of schedule proximate-us-west-2-catalog-nightly)",
      "proximate-indexer-us-west-2 (execution role of function proximate-us-west-2-catalog-indexer)",
      "proximate-notebook (role of notebook instance proximate-eu-west-2-notebook)",
      "cloudwatch.amazonaws.com (alarms of indexer-us-east-1)",
      "es.amazonaws.com (log publishing of proximate-catalog)",
      "account 652711504416 (load balancer access logs, eu-west-2)",
      "account 123456789012 through SageMaker (volume of notebook instance proximate-eu-west-2-notebook)",
      "ecs-tasks.amazonaws.com (assumes roles, us-east-1)",
    ]) {
      expect(names).toContain(expected);
    }
    expect(verdict.problems).toEqual([]);
    expect(verdict.findings.filter((finding) => finding.severity === "error")).toEqual([]);
  });

  test("every call is allowed and every policy is valid: the proof holds", () => {
    expect(denied(verdict)).toEqual([]);
    expect(verdict.ok).toBe(true);
  });

  test("the calls come from the code and the synthesized resources, with AWS's ARNs", () => {
    const [pull] = calls(verdict, "proximate-us-east-1-worker-exec", "ecr:CreateRepository");
    expect(pull.call.resources).toEqual([{ type: "repository", arn: "arn:aws:ecr:us-east-1:123456789012:repository/quay/pangeo/pangeo-notebook" }]);
    expect(pull.call.purpose).toMatch(/^first pull of quay\/pangeo\/pangeo-notebook through the pull-through cache pool-us-east-1 aws_ecr_pull_through_cache_rule\.images \(quay\.io\)$/);
    expect(calls(verdict, "proximate-indexer-us-east-1", "states:StartExecution")[0].call).toMatchObject({
      resources: [{ type: "statemachine", arn: "arn:aws:states:us-east-1:123456789012:stateMachine:proximate-us-east-1-catalog-refresh" }],
      derivedFrom: expect.stringMatching(/^scripts\/catalog\/lambda\.ts:\d+ /),
    });
    expect(calls(verdict, "proximate-indexer-us-west-2", "s3:ListBucket")[0].call).toMatchObject({ resources: [{ arn: "arn:aws:s3:::cmip6-pds" }], context: { "s3:prefix": "CMIP6/ScenarioMIP/MOHC/" } });
    expect(calls(verdict, "proximate-notebook", "es:ESHttpPost")[0].call.resources[0].arn).toBe("arn:aws:es:eu-west-2:123456789012:domain/proximate-catalog/index/_search");
    expect(calls(verdict, "proximate-notebook", "kms:Decrypt")[0].call.context).toMatchObject({ "kms:ViaService": "s3.eu-west-2.amazonaws.com" });
    expect(calls(verdict, "proximate-us-west-2-worker-task", "s3:GetObject")[0].allowed).toBe(true);
    expect(calls(verdict, "proximate-us-west-2-catalog-refresh", "lambda:InvokeFunction")[0].allowed).toBe(true);
  });

  test("the Fargate indexer task: its event and endpoint come from the task definition's environment, its bundle through the AWS CLI image's entry point", () => {
    const task = "proximate-indexer-us-east-1 (task role of task proximate-us-east-1-catalog-indexer)";
    const lists = calls(verdict, task, "s3:ListBucket");
    expect(lists.length).toBeGreaterThan(0);
    expect(lists.every((call) => call.allowed && call.call.resources[0].arn === "arn:aws:s3:::era5-pds")).toBe(true);
    expect(calls(verdict, task, "es:ESHttpPost").map((call) => call.call.resources[0].arn)).toContain("arn:aws:es:eu-west-2:123456789012:domain/proximate-catalog/index/_bulk");
    const [fetch] = calls(verdict, task, "s3:GetObject");
    expect(fetch.call.resources[0].arn).toMatch(/^arn:aws:s3:::proximate-us-east-1-indexer-[a-z0-9]+\/indexer\/[A-F0-9]+\/index\.js$/);
    expect(fetch.allowed).toBe(true);
  });

  test("calls whose resource only an input can name, when no input names one, are listed as never made", () => {
    // us-east-1's function only starts the pipeline (its catalog runs as a task); the task never starts it.
    expect(verdict.unreached.map((call) => `${call.principal.split(" (")[0]} ${call.problem.replace(/^.*\): /, "")}`)).toEqual([
      "proximate-indexer-us-east-1 states:StartExecution takes its statemachine from the code's inputs, and no input of this deployment names one",
      "proximate-indexer-us-east-1 s3:ListBucket takes its bucket from the code's inputs, and no input of this deployment names one",
    ]);
    expect(calls(verdict, "proximate-indexer-us-west-2 (execution role", "s3:ListBucket").every((call) => call.allowed)).toBe(true);
  });

  test("a state machine listing its own runs ($$.StateMachine.Id): one of ListExecutions' alternative resources, granted by ARN", () => {
    const [list] = calls(verdict, "proximate-us-east-1-catalog-refresh", "states:ListExecutions");
    expect(list.call.resources).toEqual([{ type: "statemachine", arn: "arn:aws:states:us-east-1:123456789012:stateMachine:proximate-us-east-1-catalog-refresh" }]);
    expect(list.allowed).toBe(true);
    const narrowed = prove(mutate(output, (stacks) => {
      const own = resource(stacks, "indexer-us-east-1", "aws_iam_role_policy", "refresh/machine-own-runs");
      editPolicy(own, "policy", (statements) => statements.map((statement) => ({ ...statement, Action: ["states:ListStateMachines"], Resource: "*" })));
    }));
    expect(calls(narrowed, "proximate-us-east-1-catalog-refresh", "states:ListExecutions")[0].allowed).toBe(false);
  });

  test("the refresh may create the data repository task it starts (fails on the code before the fix: the task's ARN was not granted)", () => {
    expect(calls(verdict, "proximate-us-east-1-catalog-refresh", "fsx:CreateDataRepositoryTask")[0].allowed).toBe(true);
    const before = prove(
      mutate(output, (stacks) =>
        editPolicy(resource(stacks, "indexer-us-east-1", "aws_iam_role_policy", "refresh/machine-policy"), "policy", (statements) =>
          statements.map((statement) => (statement.Sid === "StartImport" ? { ...statement, Resource: (statement.Resource as string[])[0] } : statement)),
        ),
      ),
    );
    const [create] = calls(before, "proximate-us-east-1-catalog-refresh", "fsx:CreateDataRepositoryTask");
    expect(create.allowed).toBe(false);
    expect(create.resources.find((r) => !r.allowed)?.reason).toBe(
      "no identity policy of role proximate-us-east-1-catalog-refresh and no resource policy allows fsx:CreateDataRepositoryTask on arn:aws:fsx:us-east-1:123456789012:task/run-time-taskid",
    );
    expect(before.findings).toContainEqual(expect.objectContaining({ check: "required-resource", problem: expect.stringMatching(/^fsx:CreateDataRepositoryTask always touches a task/) }));
  });

  test("known defect: CloudWatch alarms cannot publish to a topic under the AWS-managed key alias/aws/sns", () => {
    const broken = prove(
      mutate(output, (stacks) => {
        const topic = resource(stacks, "indexer-us-east-1", "aws_sns_topic", "refresh/failures");
        topic.kms_master_key_id = "alias/aws/sns";
        delete topic.policy;
      }),
    );
    const kms = calls(broken, "cloudwatch.amazonaws.com (alarms of indexer-us-east-1)", "kms:GenerateDataKey");
    expect(kms.length).toBe(2);
    expect(kms[0].allowed).toBe(false);
    expect(kms[0].resources[0].reason).toMatch(
      /^the key policy of arn:aws:kms:us-east-1:123456789012:key\/aws-managed-sns admits neither service principal cloudwatch\.amazonaws\.com nor its account for kms:GenerateDataKey; alias\/aws\/sns \(us-east-1\) statement 1 .* would allow but its Condition .*kms:CallerAccount/,
    );
    expect(calls(broken, "cloudwatch.amazonaws.com (alarms of indexer-us-west-2)", "sns:Publish").every((call) => call.allowed)).toBe(true);
  });

  test("known defect: a Lambda function in a VPC created before its role may manage network interfaces", () => {
    const unordered = prove(
      mutate(output, (stacks) => {
        const fn = resource(stacks, "indexer-us-east-1", "aws_lambda_function", "indexer/Default");
        fn.depends_on = (fn.depends_on ?? []).filter((dependency: string) => !dependency.startsWith("aws_iam_role_policy_attachment."));
      }),
    );
    const [create] = calls(unordered, "proximate-indexer-us-east-1", "ec2:CreateNetworkInterface");
    expect(create.allowed).toBe(false);
    expect(create.resources[0].reason).toMatch(
      /^allowed by arn:aws:iam::aws:policy\/service-role\/AWSLambdaVPCAccessExecutionRole statement 1 .*, but it is made while Terraform creates indexer-us-east-1 aws_lambda_function\.indexer, which neither references nor depends on indexer-us-east-1 aws_iam_role_policy_attachment\.indexer_vpc-access_\w+: Terraform may create them in parallel$/,
    );
    const ordered = prove(
      mutate(output, (stacks) => {
        const json = stacks.get("indexer-us-east-1") as Json;
        const fn = resource(stacks, "indexer-us-east-1", "aws_lambda_function", "indexer/Default");
        fn.depends_on = [...(fn.depends_on ?? []), `aws_iam_role_policy_attachment.${resourceName(json, "aws_iam_role_policy_attachment", "indexer/vpc-access")}`];
      }),
    );
    expect(calls(ordered, "proximate-indexer-us-east-1", "ec2:CreateNetworkInterface")[0].allowed).toBe(true);
  });

  test("the first run at deploy: the indexer starts the pipeline while Terraform creates the invocation, so its grant must come first", () => {
    const [start] = calls(verdict, "proximate-indexer-us-east-1", "states:StartExecution");
    expect(start.allowed).toBe(true);
    expect(start.call.checkedWhenCreating).toEqual({ stack: "indexer-us-east-1", type: "aws_lambda_invocation", name: expect.stringMatching(/^refresh_first-run_/) });
    const unordered = prove(
      mutate(output, (stacks) => {
        delete resource(stacks, "indexer-us-east-1", "aws_lambda_invocation", "refresh/first-run").depends_on;
      }),
    );
    expect(calls(unordered, "proximate-indexer-us-east-1", "states:StartExecution")[0].resources[0].reason).toMatch(
      /^allowed by indexer-us-east-1 aws_iam_role_policy\.refresh_indexer-starts-pipeline_\w+ \(start-first-refresh\) statement 1, but it is made while Terraform creates indexer-us-east-1 aws_lambda_invocation\.refresh_first-run_\w+, which neither references nor depends on/,
    );
  });

  test("dropping a needed statement is reported at the call that breaks, with the missing permission", () => {
    const broken = prove(
      mutate(output, (stacks) =>
        editPolicy(resource(stacks, "pool-us-east-1", "aws_iam_role_policy", "workers/roles/execution-policy"), "policy", (statements) => statements.filter((statement) => statement.Sid !== "PullThroughCache")),
      ),
    );
    expect(broken.ok).toBe(false);
    const [create] = calls(broken, "proximate-us-east-1-worker-exec", "ecr:CreateRepository");
    expect(create.resources[0].reason).toBe(
      "no identity policy of role proximate-us-east-1-worker-exec and no resource policy allows ecr:CreateRepository on arn:aws:ecr:us-east-1:123456789012:repository/quay/pangeo/pangeo-notebook",
    );
    expect(denied(broken).filter((call) => call.startsWith("proximate-us-east-1-worker-exec")).sort()).toEqual(
      ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:BatchImportUpstreamImage", "ecr:CreateRepository", "ecr:GetDownloadUrlForLayer"].map((action) => `proximate-us-east-1-worker-exec ${action}`),
    );
    expect(calls(broken, "proximate-us-west-2-worker-exec", "ecr:CreateRepository")[0].allowed).toBe(true);
    expect(renderIamVerdict(broken)).toMatch(/^ {2}ecr:CreateRepository +ecr:us-east-1:repository\/quay\/pangeo\/pangeo-notebook +DENIED: no identity policy of role proximate-us-east-1-worker-exec/m);
  });

  test("narrowing a resource is reported at the call that breaks", () => {
    const broken = prove(
      mutate(output, (stacks) =>
        editPolicy(resource(stacks, "scheduler-eu-west-2", "aws_iam_role_policy", "scheduler/roles/execution-policy"), "policy", (statements) =>
          statements.map((statement) => (statement.Sid === "Logs" ? { ...statement, Resource: (statement.Resource as string).replace(/:\*$/, ":log-stream:other/*") } : statement)),
        ),
      ),
    );
    expect(calls(broken, "proximate-eu-west-2-scheduler-exec", "logs:PutLogEvents")[0].resources[0].reason).toBe(
      "no identity policy of role proximate-eu-west-2-scheduler-exec and no resource policy allows logs:PutLogEvents on arn:aws:logs:eu-west-2:123456789012:log-group:/proximate/proximate-eu-west-2/scheduler:log-stream:scheduler/scheduler/run-time-taskid",
    );
    expect(calls(broken, "proximate-eu-west-2-scheduler-exec", "ecr:BatchGetImage")[0].allowed).toBe(true);
  });

  test("the catalog: the notebook role's own policy or the domain policy allows; without both the query is denied", () => {
    const dropIdentity = (stacks: Map<string, Json>) =>
      editPolicy(resource(stacks, "notebook-eu-west-2", "aws_iam_role_policy", "notebook/policy"), "policy", (statements) => statements.filter((statement) => statement.Sid !== "QueryCatalog"));
    const viaDomain = prove(mutate(output, dropIdentity));
    expect(calls(viaDomain, "proximate-notebook", "es:ESHttpPost")[0].resources[0]).toMatchObject({ allowed: true, reason: "the resource policy allows the role" });
    const neither = prove(
      mutate(output, (stacks) => {
        dropIdentity(stacks);
        editPolicy(resource(stacks, "catalog-eu-west-2", "aws_opensearch_domain_policy", "catalog/access-policy"), "access_policies", (statements) =>
          statements.map((statement) => ({ ...statement, Principal: { AWS: (statement.Principal.AWS as string[]).filter((arn) => !arn.includes("rolenotebook")) } })),
        );
      }),
    );
    expect(calls(neither, "proximate-notebook", "es:ESHttpPost")[0].allowed).toBe(false);
    expect(calls(neither, "proximate-indexer-us-east-1", "es:ESHttpPost")[0].allowed).toBe(true);
  });

  test("an explicit Deny in a bucket policy wins; a key policy that stops delegating to IAM breaks the bundle's decryption", () => {
    const denyAll = prove(
      mutate(output, (stacks) =>
        editPolicy(resource(stacks, "notebook-eu-west-2", "aws_s3_bucket_policy", "notebook/bundle-bucket/policy"), "policy", (statements) => [
          ...statements,
          { Sid: "Frozen", Effect: "Deny", Principal: "*", Action: "s3:GetObject", Resource: statements[0].Resource },
        ]),
      ),
    );
    expect(calls(denyAll, "proximate-notebook", "s3:GetObject")[0].resources[0].reason).toBe(
      "explicitly denied by notebook-eu-west-2 aws_s3_bucket_policy.notebook_bundle-bucket_policy_ED069B99 statement 2 Sid Frozen",
    );
    const ownKeyPolicy = prove(
      mutate(output, (stacks) => {
        resource(stacks, "notebook-eu-west-2", "aws_kms_key", "notebook/key").policy = JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Sid: "AdminsOnly", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/admin" }, Action: "kms:*", Resource: "*" }],
        });
      }),
    );
    expect(calls(ownKeyPolicy, "proximate-notebook", "kms:Decrypt")[0].resources[0].reason).toMatch(/^the key policy of arn:aws:kms:eu-west-2:123456789012:key\/\S+ admits neither role proximate-notebook nor its account for kms:Decrypt$/);
    expect(calls(ownKeyPolicy, "account 123456789012 through SageMaker", "kms:CreateGrant")[0].allowed).toBe(false);
  });

  test("a role whose trust policy names another service cannot be assumed by the one that uses it", () => {
    const broken = prove(
      mutate(output, (stacks) => {
        resource(stacks, "pool-us-west-2", "aws_iam_role", "workers/roles/task").assume_role_policy = JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
        });
      }),
    );
    const assume = calls(broken, "ecs-tasks.amazonaws.com", "sts:AssumeRole").filter((call) => !call.allowed);
    expect(assume.map((call) => call.call.resources[0].arn)).toEqual(["arn:aws:iam::123456789012:role/proximate-us-west-2-worker-task"]);
  });

  test("Step Functions integrations from the definition: an ECS runTask.sync, a Distributed Map; an unknown one fails as not modelled", () => {
    const extended = prove(
      mutate(output, (stacks) => {
        const machine = resource(stacks, "indexer-us-west-2", "aws_sfn_state_machine", "refresh/Default");
        const definition = document(machine.definition);
        definition.States.RunRunner = {
          Type: "Task",
          Resource: "arn:aws:states:::ecs:runTask.sync",
          Parameters: { Cluster: "arn:aws:ecs:us-west-2:123456789012:cluster/proximate-us-west-2-workers", TaskDefinition: "proximate-us-west-2-dask-worker", LaunchType: "EC2" },
          Next: "Shards",
        };
        definition.States.Shards = {
          Type: "Map",
          ItemReader: { Resource: "arn:aws:states:::s3:listObjectsV2", Parameters: { Bucket: "cmip6-pds", Prefix: "CMIP6/" } },
          ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" }, StartAt: "Odd", States: { Odd: { Type: "Task", Resource: "arn:aws:states:::glue:startJobRun", End: true } } },
          End: true,
        };
        machine.definition = JSON.stringify(definition);
      }),
    );
    const actions = extended.principals.find((entry) => entry.principal.name.startsWith("proximate-us-west-2-catalog-refresh"))!.calls.map((call) => `${call.call.action} ${call.allowed ? "allow" : "deny"}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        "ecs:RunTask deny",
        "iam:PassRole deny",
        "ecs:StopTask deny",
        "ecs:DescribeTasks deny",
        "events:PutTargets deny",
        "events:PutRule deny",
        "events:DescribeRule deny",
        "states:StartExecution deny",
        "states:DescribeExecution deny",
        "states:StopExecution deny",
        "s3:ListBucket deny",
      ]),
    );
    const passRole = calls(extended, "proximate-us-west-2-catalog-refresh", "iam:PassRole").map((call) => call.call.resources[0].arn);
    expect(passRole).toEqual(["arn:aws:iam::123456789012:role/proximate-us-west-2-worker-exec", "arn:aws:iam::123456789012:role/proximate-us-west-2-worker-task"]);
    expect(calls(extended, "proximate-us-west-2-catalog-refresh", "events:PutRule")[0].call.resources[0].arn).toBe("arn:aws:events:us-west-2:123456789012:rule/StepFunctionsGetEventsForECSTaskRule");
    expect(calls(extended, "proximate-us-west-2-catalog-refresh", "states:DescribeExecution")[0].call.resources[0].arn).toBe(
      "arn:aws:states:us-west-2:123456789012:execution:proximate-us-west-2-catalog-refresh/Shards:run-time-executionid",
    );
    expect(extended.problems).toEqual([
      expect.objectContaining({ problem: expect.stringContaining("state Odd: Task resource arn:aws:states:::glue:startJobRun is not an integration the proof knows; add it to INTEGRATIONS") }),
    ]);
  });

  describe("code that other principals will run is one entry of the code sources", () => {
    const dir = mkdtempSync(join(tmpdir(), "proximate-iam-code-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "scheduler_plugin.py"), 'import boto3\ncw = boto3.client("cloudwatch")\ncw.put_metric_data(Namespace="Proximate/Dask", MetricData=[])\n');
    writeFileSync(
      join(dir, "worker_plugin.py"),
      'import os, requests\nURL = os.environ["ECS_AGENT_URI"] + "/task-protection/v1/state"\nrequests.put(URL, json={"ProtectionEnabled": True})\nrequests.get(URL)\n',
    );
    writeFileSync(join(dir, "endpoint.py"), 'import boto3\nboto3.client("opensearch").describe_domain(DomainName="proximate-catalog")\n');
    const sources: CodeSource[] = [
      ...CODE_SOURCES,
      { id: "scheduler plugin", matches: (t) => t.kind === "ecs-task" && t.commands.some((c) => c.includes("dask scheduler")), python: [join(dir, "scheduler_plugin.py")] },
      { id: "worker plugin", matches: (t) => t.kind === "ecs-task" && t.commands.some((c) => c.includes("dask worker")), python: [join(dir, "worker_plugin.py")] },
      { id: "catalog endpoint", matches: (t) => t.kind === "notebook", python: [join(dir, "endpoint.py")] },
    ];
    const grant = (statement: Json) => (stacks: Map<string, Json>) => {
      const json = stacks.get("scheduler-eu-west-2") as Json;
      json.resource.aws_iam_role_policy["scheduler-task-metrics"] = {
        name: "metrics",
        role: `\${aws_iam_role.${resourceName(json, "aws_iam_role", "scheduler/roles/task")}.id}`,
        policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }),
      };
    };
    const metrics = { Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*", Condition: { StringEquals: { "cloudwatch:namespace": "Proximate/Dask" } } };

    test("a scheduler plugin's PutMetricData, with its namespace condition", () => {
      // The product's own scaling preload publishes too (namespace Proximate/proximate, granted):
      // follow the planted plugin's call, whose namespace no policy grants.
      const planted = (verdict: ReturnType<typeof prove>) =>
        calls(verdict, "proximate-eu-west-2-scheduler-task", "cloudwatch:PutMetricData").filter((c) => c.call.derivedFrom.includes("scheduler_plugin.py"));
      const without = prove(output, sources);
      const [put] = planted(without);
      expect(put.call).toMatchObject({ context: { "cloudwatch:namespace": "Proximate/Dask" }, derivedFrom: expect.stringContaining("scheduler_plugin.py:3") });
      expect(put.allowed).toBe(false);
      expect(planted(prove(mutate(output, grant(metrics)), sources))[0].allowed).toBe(true);
      const otherNamespace = prove(mutate(output, grant({ ...metrics, Condition: { StringEquals: { "cloudwatch:namespace": "Other" } } })), sources);
      expect(planted(otherNamespace)[0].resources[0].reason).toContain("would allow but its Condition");
    });

    test("code shipped in the task definition (the scaling preload in an environment variable), its settings filling condition keys", () => {
      // The product's scheduler task carries its Dask preload as PROXIMATE_SCALING_PY and the
      // settings it reads (the metric namespace) as PROXIMATE_SCALING.
      const puts = calls(prove(output), "proximate-eu-west-2-scheduler-task", "cloudwatch:PutMetricData");
      expect(puts.length).toBeGreaterThan(0);
      for (const put of puts) {
        expect(put.call).toMatchObject({ context: { "cloudwatch:namespace": "Proximate/proximate" }, derivedFrom: expect.stringMatching(/container scheduler environment PROXIMATE_SCALING_PY:\d+ \(code in the task definition\)$/) });
        expect(put.allowed).toBe(true);
      }
      // Another namespace in the settings is a call the namespace condition refuses.
      const elsewhere = mutate(output, (stacks) => {
        const definition = resource(stacks, "scheduler-eu-west-2", "aws_ecs_task_definition", "scheduler/task");
        const containers = JSON.parse(definition.container_definitions);
        const settings = containers[0].environment.find((e: { name: string }) => e.name === "PROXIMATE_SCALING");
        settings.value = JSON.stringify({ ...JSON.parse(settings.value), namespace: "Other" });
        definition.container_definitions = JSON.stringify(containers);
      });
      const refused = calls(prove(elsewhere), "proximate-eu-west-2-scheduler-task", "cloudwatch:PutMetricData");
      expect(refused.map((put) => put.allowed)).toEqual(refused.map(() => false));
    });

    test("worker task protection through the ECS agent, and the notebook finding the catalog's endpoint", () => {
      const verdict2 = prove(output, sources);
      const protection = calls(verdict2, "proximate-us-east-1-worker-task", "ecs:UpdateTaskProtection")[0].call;
      expect(protection).toMatchObject({ context: { "ecs:cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/proximate-us-east-1-workers" } });
      expect(protection.resources[0].arn).toBe("arn:aws:ecs:us-east-1:123456789012:task/proximate-us-east-1-workers/run-time-taskid");
      expect(calls(verdict2, "proximate-us-east-1-worker-task", "ecs:GetTaskProtection")).toHaveLength(1);
      // The helper finds the catalog's endpoint by name (scripts/python/proximate/catalog.py),
      // and the notebook role's FindCatalog statement grants exactly that domain.
      const describes = calls(verdict2, "proximate-notebook", "es:DescribeDomain");
      expect(describes.length).toBeGreaterThan(0);
      for (const describe of describes) {
        expect(describe.call.resources[0].arn).toBe("arn:aws:es:eu-west-2:123456789012:domain/proximate-catalog");
        expect(describe.allowed).toBe(true);
      }
    });
  });

  test("policy checks against AWS's authorization data: unknown actions, resources of the wrong type, unknown condition keys", () => {
    const broken = prove(
      mutate(output, (stacks) =>
        editPolicy(resource(stacks, "pool-us-east-1", "aws_iam_role_policy", "workers/roles/task-policy"), "policy", (statements) => [
          ...statements,
          { Sid: "Typo", Effect: "Allow", Action: "s3:GetObjects", Resource: "arn:aws:s3:::era5-pds/*" },
          { Sid: "WrongType", Effect: "Allow", Action: "ecr:BatchGetImage", Resource: "arn:aws:logs:us-east-1:123456789012:log-group:/x" },
          { Sid: "TokenOnly", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "arn:aws:ecr:us-east-1:123456789012:repository/x" },
          { Sid: "BadKey", Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::era5-pds", Condition: { StringLike: { "s3:prefixes": ["a/*"] } } },
        ]),
      ),
    );
    const problems = broken.findings.map((finding) => `${finding.check} ${finding.where.replace(/^.* Sid /, "")}: ${finding.problem}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        "unknown-action Typo: action s3:GetObjects is not an action of s3 (AWS's Service Authorization Reference)",
        expect.stringMatching(/^resource-type WrongType: ecr:BatchGetImage takes none of the statement's resources \(arn:aws:logs:us-east-1:123456789012:log-group:\/x\); it takes repository /),
        "resource-type WrongType: resource arn:aws:logs:us-east-1:123456789012:log-group:/x matches no resource type of the statement's actions (ecr:BatchGetImage)",
        'wildcard-only TokenOnly: ecr:GetAuthorizationToken has no resource-level permissions: AWS matches it only against Resource "*", which the statement does not list',
        "condition-key BadKey: condition key s3:prefixes is not a global key nor a key of its service (AWS's Service Authorization Reference)",
      ]),
    );
    expect(broken.ok).toBe(false);
  });

  test("least privilege: unused grants are reported; an unused service-wide or write-on-everything grant fails", () => {
    expect(verdict.unused.map((grant) => `${grant.kind} ${grant.pattern} (${grant.holders.join(", ")})`)).toEqual(
      expect.arrayContaining(["action es:ESHttpHead (proximate-notebook)", "action logs:CreateLogGroup (proximate-notebook)"]),
    );
    expect(verdict.unused.filter((grant) => grant.excessive)).toEqual([]);
    const wide = prove(
      mutate(output, (stacks) =>
        editPolicy(resource(stacks, "pool-us-east-1", "aws_iam_role_policy", "workers/roles/task-policy"), "policy", (statements) => [...statements, { Sid: "Everything", Effect: "Allow", Action: "sqs:*", Resource: "*" }]),
      ),
    );
    expect(wide.unused.filter((grant) => grant.excessive).map((grant) => `${grant.pattern} ${grant.statement.replace(/^.* Sid /, "")}`)).toEqual(["sqs:* Everything"]);
    expect(wide.ok).toBe(false);
  });

  test("the report ends with one summary line", () => {
    const text = renderIamVerdict(verdict);
    expect(text).toMatch(/\n\d+ principals, \d+ calls: \d+ allowed, \d+ denied; 0 policy errors, 0 warnings; \d+ unused grants \(0 excessive\); 0 not modelled: IAM (OK|FAILS)\n$/);
  });
});
