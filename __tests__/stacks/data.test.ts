import { generateConfig } from "../../modules/config/generate";
import { ProximateConfig } from "../../modules/config/schema";
import { defaultConfig, editedConfig, Synthesized, synthApp } from "../helpers/synth";

describe("data next to the workers", () => {
  let app: Synthesized;
  beforeAll(() => {
    app = synthApp(
      editedConfig((c) => {
        c.workers[0].datasets.push({ name: "era5-zarr", s3: "s3://era5-zarr-pds/v1", path: "/era5-zarr" });
        c.workers[0].datasets.push({ name: "era5-extra", s3: "s3://era5-extra-pds", path: "/extra" });
        c.workers[1].lustre = { storageCapacityGiB: 4800, throughputMBpsPerTiB: 500 };
      }) as ProximateConfig,
    );
  });

  test("each worker Region has a PERSISTENT_2 Lustre file system sized from config, LZ4, in a private subnet", () => {
    const east = app.stack("pool-us-east-1").resource("aws_fsx_lustre_file_system", "lustre/Default");
    expect(east).toMatchObject({ deployment_type: "PERSISTENT_2", storage_capacity: 1200, per_unit_storage_throughput: 125, data_compression_type: "LZ4" });
    expect(east.subnet_ids).toEqual([expect.stringMatching(/cross-stack-reference-input-network-us-east-1\.outputs\..*private-us-east-1a/)]);
    const west = app.stack("pool-us-west-2").resource("aws_fsx_lustre_file_system", "lustre/Default");
    expect(west).toMatchObject({ storage_capacity: 4800, per_unit_storage_throughput: 500 });
  });

  test("one data repository association per dataset, chained one at a time, no import on create, 30-minute timeouts", () => {
    const stack = app.stack("pool-us-east-1");
    const associations = ["era5", "era5-zarr", "era5-extra"].map((name) => stack.resource("aws_fsx_data_repository_association", `lustre/dataset-${name}`));
    expect(associations.map((a) => [a.file_system_path, a.data_repository_path])).toEqual([
      ["/era5", "s3://era5-pds"],
      ["/era5-zarr", "s3://era5-zarr-pds/v1"],
      ["/extra", "s3://era5-extra-pds"],
    ]);
    for (const association of associations) {
      expect(association).toMatchObject({ batch_import_meta_data_on_create: false, timeouts: { create: "30m", delete: "30m" } });
    }
    expect(associations[0].depends_on).toBeUndefined();
    expect(associations[1].depends_on).toEqual([stack.address("aws_fsx_data_repository_association", "lustre/dataset-era5")]);
    expect(associations[2].depends_on).toEqual([stack.address("aws_fsx_data_repository_association", "lustre/dataset-era5-zarr")]);
  });

  test("the file system admits 988 and 1018-1023 from its clients only: worker hosts, data host, itself", () => {
    const stack = app.stack("pool-us-east-1");
    const lustreGroup = `\${${stack.address("aws_security_group", "lustre/sg")}.id}`;
    const rules = Object.values(stack.resources("aws_vpc_security_group_ingress_rule")).filter((r) => r.security_group_id === lustreGroup);
    const sources = (port: number) => rules.filter((r) => r.from_port === port).map((r) => r.referenced_security_group_id).sort();
    const expected = [
      `\${${stack.address("aws_security_group", "data-host/sg")}.id}`,
      lustreGroup,
      `\${${stack.address("aws_security_group", "workers/instance-sg")}.id}`,
    ].sort();
    expect(sources(988)).toEqual(expected);
    expect(sources(1018)).toEqual(expected);
    expect(rules.filter((r) => r.from_port === 1018).every((r) => r.to_port === 1023)).toBe(true);
    expect(rules.filter((r) => r.cidr_ipv4 !== undefined)).toEqual([]);
  });

  test("worker hosts and the data host mount the file system; workers see it read-only at /fsx", () => {
    const stack = app.stack("pool-us-east-1");
    const fs = stack.address("aws_fsx_lustre_file_system", "lustre/Default");
    for (const template of [stack.resource("aws_launch_template", "workers/launch-template"), stack.resource("aws_launch_template", "data-host/launch-template")]) {
      expect(template.user_data).toContain("dnf install -y lustre-client");
      expect(template.user_data).toContain(`\${${fs}.dns_name}@tcp:/\${${fs}.mount_name} /fsx lustre`);
    }
    const task = stack.resource("aws_ecs_task_definition", "workers/task");
    expect(task.volume).toEqual([{ name: "lustre", host_path: "/fsx" }]);
    expect(JSON.parse(task.container_definitions)[0].mountPoints).toEqual([{ sourceVolume: "lustre", containerPath: "/fsx", readOnly: true }]);
  });

  test("a worker task is unhealthy (and replaced) when any dataset path is missing under the mount", () => {
    const task = app.stack("pool-us-east-1").resource("aws_ecs_task_definition", "workers/task");
    expect(JSON.parse(task.container_definitions)[0].healthCheck).toEqual({
      command: ["CMD-SHELL", "test -d /fsx/era5 && test -d /fsx/era5-zarr && test -d /fsx/extra || exit 1"],
      interval: 30,
      timeout: 10,
      retries: 3,
      startPeriod: 60,
    });
  });

  test("hosts join the cluster only after the mount and every dataset path are there, and boot only once the associations exist", () => {
    const stack = app.stack("pool-us-east-1");
    const worker = stack.resource("aws_launch_template", "workers/launch-template").user_data as string;
    expect(worker).toContain("ExecStartPre=/usr/local/sbin/proximate-data-ready");
    expect(worker.indexOf("ExecStartPre=")).toBeLessThan(worker.indexOf("ECS_CLUSTER="));
    for (const path of ["/fsx/era5", "/fsx/era5-zarr", "/fsx/extra"]) {
      expect(worker).toContain(`test -d ${path} ||`);
    }
    expect(worker).toContain("systemctl --no-block poweroff");
    const dataHost = stack.resource("aws_launch_template", "data-host/launch-template").user_data as string;
    expect(dataHost).toContain("test -d /fsx/extra ||");
    expect(dataHost).not.toContain("poweroff");
    const associations = ["era5", "era5-zarr", "era5-extra"].map((name) => stack.address("aws_fsx_data_repository_association", `lustre/dataset-${name}`));
    expect(stack.resource("aws_autoscaling_group", "workers/asg").depends_on).toEqual(associations);
    expect(stack.resource("aws_instance", "data-host/Default").depends_on).toEqual(associations);
  });
});

describe("nightly refresh and catalog", () => {
  let app: Synthesized;
  beforeAll(() => {
    app = synthApp(defaultConfig());
  });

  test("an EventBridge Scheduler schedule at 00:00 UTC starts the Region's state machine", () => {
    const stack = app.stack("indexer-us-east-1");
    const schedule = stack.resource("aws_scheduler_schedule", "refresh/nightly");
    expect(schedule).toMatchObject({ schedule_expression: "cron(0 0 * * ? *)", schedule_expression_timezone: "UTC", flexible_time_window: { mode: "OFF" } });
    expect(schedule.target.arn).toBe(`\${${stack.address("aws_sfn_state_machine", "refresh/Default")}.arn}`);
  });

  test("the state machine logs to a /aws/vendedlogs/ group, so it does not grow the account's 5120-character log resource policy", () => {
    const stack = app.stack("indexer-us-east-1");
    const group = stack.address("aws_cloudwatch_log_group", "refresh/logs");
    expect(stack.resource("aws_cloudwatch_log_group", "refresh/logs").name).toBe("/aws/vendedlogs/states/proximate-us-east-1-catalog-refresh");
    expect(stack.resource("aws_sfn_state_machine", "refresh/Default").logging_configuration.log_destination).toBe(`\${${group}.arn}:*`);
  });

  test("the state machine imports metadata for the Region's dataset paths, polls, then runs the indexer", () => {
    const stack = app.stack("indexer-us-west-2");
    const definition = stack.resource("aws_sfn_state_machine", "refresh/Default").definition as string;
    expect(definition).toContain('"Resource" = "arn:aws:states:::aws-sdk:fsx:createDataRepositoryTask"');
    expect(definition).toContain('"Type" = "IMPORT_METADATA_FROM_REPOSITORY"');
    // Import tasks take the associations' S3 data repository paths, not file system paths.
    expect(definition).toContain('"Paths" = ["s3://cmip6-pds/CMIP6/ScenarioMIP/MOHC"]');
    expect(definition).not.toContain('"Paths" = ["/cmip6"]');
    expect(definition).toContain('"Resource" = "arn:aws:states:::aws-sdk:fsx:describeDataRepositoryTasks"');
    expect(definition).toMatch(/"Default" = "WaitForImport"/);
    expect(definition).toContain('"Resource" = "arn:aws:states:::lambda:invoke"');
    expect(definition).toContain('"s3" = "s3://cmip6-pds/CMIP6/ScenarioMIP/MOHC"');
    expect(definition).toContain('"BackoffRate" = 2');
    expect(definition).toMatch(/cross-stack-reference-input-pool-us-west-2\.outputs\.cross-stack-output-aws_fsx_lustre_file_system/);
  });

  test("the import may create tasks: the role grants CreateDataRepositoryTask on the file system and on fsx tasks", () => {
    const stack = app.stack("indexer-us-east-1");
    const policy = stack.resource("aws_iam_role_policy", "refresh/machine-policy").policy as string;
    const statement = /"Sid" = "StartImport"[^}]*"Resource" = \[([^\]]*)\]/.exec(policy);
    expect(statement?.[1]).toMatch(/cross-stack-output-aws_fsx_lustre_file_systemlustrearn/);
    expect(statement?.[1]).toMatch(/"arn:aws:fsx:us-east-1:\$\{data\.terraform_remote_state\.cross-stack-reference-input-pool-us-east-1\.outputs\.cross-stack-output-aws_fsx_lustre_file_systemlustreowner_id\}:task\/\*"/);
  });

  test("failed or timed-out runs alarm to an encrypted SNS topic", () => {
    const stack = app.stack("indexer-us-east-1");
    const topic = stack.resource("aws_sns_topic", "refresh/failures");
    // CloudWatch alarms cannot publish to a topic under the AWS managed key alias/aws/sns.
    expect(topic.kms_master_key_id).not.toMatch(/alias\/aws\//);
    expect(topic.kms_master_key_id).toBe(`\${${stack.address("aws_kms_key", "refresh/failures-key")}.arn}`);
    expect(stack.resource("aws_kms_key", "refresh/failures-key")).toMatchObject({ enable_key_rotation: true });
    const alarms = Object.values(stack.resources("aws_cloudwatch_metric_alarm"));
    expect(alarms.map((a) => a.metric_name).sort()).toEqual(["ExecutionsFailed", "ExecutionsTimedOut"]);
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({ namespace: "AWS/States", threshold: 1, comparison_operator: "GreaterThanOrEqualToThreshold" });
      expect(alarm.alarm_actions).toEqual([`\${${stack.address("aws_sns_topic", "refresh/failures")}.arn}`]);
    }
  });

  test("the topic's key and the topic itself admit the two alarms of this account, and the account administers the key", () => {
    const stack = app.stack("indexer-us-east-1");
    const key = stack.address("aws_kms_key", "refresh/failures-key");
    const topic = stack.address("aws_sns_topic", "refresh/failures");
    const alarms = ["refresh/alarm-executionsfailed", "refresh/alarm-executionstimedout"].map((path) => `${stack.address("aws_cloudwatch_metric_alarm", path)}.arn`);
    const keyPolicy = stack.resource("aws_kms_key_policy", "refresh/failures-key-policy");
    expect(keyPolicy.key_id).toBe(`\${${key}.id}`);
    const document = keyPolicy.policy as string;
    expect(document).toMatch(/"Principal" = \{"AWS" = "arn:aws:iam::\$\{aws_sns_topic\.[^.]+\.owner\}:root"\}, "Action" = \["kms:\*"\]/);
    expect(document).toContain('"Principal" = {"Service" = "cloudwatch.amazonaws.com"}, "Action" = ["kms:Decrypt", "kms:GenerateDataKey*"]');
    const topicPolicy = stack.resource("aws_sns_topic_policy", "refresh/failures-policy");
    expect(topicPolicy.arn).toBe(`\${${topic}.arn}`);
    for (const text of [document, topicPolicy.policy as string]) {
      expect(text).toContain(`"aws:SourceAccount" = ${topic}.owner`);
      expect(text).toContain(`"aws:SourceArn" = [${alarms.join(", ")}]`);
    }
    expect(topicPolicy.policy).toContain('"Action" = ["sns:Publish"]');
  });

  test("the pipeline runs once right after deployment", () => {
    const stack = app.stack("indexer-us-east-1");
    const invocation = stack.resource("aws_lambda_invocation", "refresh/first-run");
    expect(invocation.input).toContain('"action" = "start-pipeline"');
    expect(invocation.triggers.stateMachine).toBe(`\${${stack.address("aws_sfn_state_machine", "refresh/Default")}.arn}`);
  });

  test("what AWS checks against a role's permissions at create time is created after that role's policies", () => {
    const stack = app.stack("indexer-us-east-1");
    const machinePolicy = stack.address("aws_iam_role_policy", "refresh/machine-policy");
    // Lambda in a VPC: CreateFunction checks the role may create network interfaces.
    expect(stack.resource("aws_lambda_function", "indexer/Default").depends_on).toEqual(
      expect.arrayContaining([stack.address("aws_iam_role_policy_attachment", "indexer/vpc-access"), stack.address("aws_iam_role_policy", "indexer/policy")]),
    );
    // Step Functions with logging: CreateStateMachine checks the role may deliver logs.
    expect(stack.resource("aws_sfn_state_machine", "refresh/Default").depends_on).toEqual([machinePolicy]);
    // The deploy-time first run calls StartExecution with the indexer's role, then runs the machine.
    expect(stack.resource("aws_lambda_invocation", "refresh/first-run").depends_on).toEqual([
      stack.address("aws_iam_role_policy", "refresh/indexer-starts-pipeline"),
      machinePolicy,
      stack.address("aws_iam_role_policy", "refresh/machine-own-runs"),
      // us-east-1 (ERA5) indexes on Fargate: the task's policy on the shared indexer role too.
      stack.address("aws_iam_role_policy", "indexer-task/read-bundle"),
    ]);
    expect(stack.resource("aws_scheduler_schedule", "refresh/nightly").depends_on).toEqual([stack.address("aws_iam_role_policy", "refresh/schedule-policy")]);
    // Already so, kept so: OpenSearch log publishing checks the log resource policy; the ALB checks its log bucket policy.
    const catalog = app.stack("catalog-eu-west-2");
    expect(catalog.resource("aws_opensearch_domain", "catalog/Default").depends_on).toContain(catalog.address("aws_cloudwatch_log_resource_policy", "catalog/log-policy"));
    const scheduler = app.stack("scheduler-eu-west-2");
    expect(scheduler.resource("aws_lb", "dashboard/Default").depends_on).toContain(scheduler.address("aws_s3_bucket_policy", "dashboard/access-logs/policy"));
  });

  test("the indexer runs in the worker VPC with the catalog's endpoint and the identity stack's role", () => {
    const stack = app.stack("indexer-us-east-1");
    const fn = stack.resource("aws_lambda_function", "indexer/Default");
    // nodejs20.x was deprecated on 2026-04-30; nodejs22.x is supported until 2027-04-30.
    expect(fn).toMatchObject({ runtime: "nodejs22.x", handler: "index.handler", timeout: 900 });
    expect(fn.role).toMatch(/cross-stack-reference-input-identity-eu-west-2\.outputs\..*indexer-us-east-1.*arn/);
    expect(fn.environment.variables.OPENSEARCH_ENDPOINT).toMatch(/^https:\/\/\$\{data\.terraform_remote_state\.cross-stack-reference-input-catalog-eu-west-2/);
    expect(fn.vpc_config.subnet_ids[0]).toMatch(/cross-stack-reference-input-network-us-east-1/);
    expect(fn.filename).toMatch(/^assets\//);
    const policy = stack.resource("aws_iam_role_policy", "indexer/policy").policy as string;
    expect(policy).toContain("arn:aws:s3:::era5-pds");
    expect(policy).not.toContain("cmip6-pds");
    // Least privilege: the indexer lists the dataset and reads no object; no OpenSearch call is a HEAD.
    expect(policy).toContain('"s3:ListBucket"');
    expect(policy).not.toContain("s3:GetObject");
    expect(policy).toContain('"Action" = ["es:ESHttpGet", "es:ESHttpPost", "es:ESHttpPut", "es:ESHttpDelete"]');
  });

  test("the indexer stacks are the last wave: after their Region's pool and the catalog domain", () => {
    expect([...app.manifest.stacks["indexer-us-east-1"].dependencies].sort()).toEqual(
      ["catalog-eu-west-2", "identity-eu-west-2", "network-us-east-1", "pool-us-east-1"],
    );
    expect([...app.manifest.stacks["catalog-eu-west-2"].dependencies].sort()).toEqual(["identity-eu-west-2", "network-eu-west-2"]);
  });

  test("the catalog is an OpenSearch 2.x domain in the client VPC, zone-aware, encrypted, HTTPS with TLS 1.2+", () => {
    const stack = app.stack("catalog-eu-west-2");
    const domain = stack.resource("aws_opensearch_domain", "catalog/Default");
    expect(domain.engine_version).toMatch(/^OpenSearch_2\./);
    expect(domain.cluster_config).toMatchObject({ instance_count: 2, zone_awareness_enabled: true, zone_awareness_config: { availability_zone_count: 2 } });
    expect(domain.vpc_options.subnet_ids).toHaveLength(2);
    expect(domain).toMatchObject({
      encrypt_at_rest: { enabled: true },
      node_to_node_encryption: { enabled: true },
      domain_endpoint_options: { enforce_https: true, tls_security_policy: "Policy-Min-TLS-1-2-PFS-2023-10" },
    });
    expect(domain.log_publishing_options.map((o: { log_type: string }) => o.log_type).sort()).toEqual(["ES_APPLICATION_LOGS", "INDEX_SLOW_LOGS", "SEARCH_SLOW_LOGS"]);
    expect(stack.resources("aws_iam_service_linked_role")).toEqual({});
  });

  test("the access policy admits only the notebook and indexer roles", () => {
    const policy = app.stack("catalog-eu-west-2").resource("aws_opensearch_domain_policy", "catalog/access-policy").access_policies as string;
    const principals = [...policy.matchAll(/cross-stack-output-aws_iam_role([a-z0-9-]+)arn/g)].map((m) => m[1]).sort();
    expect(principals).toEqual(["indexer-us-east-1", "indexer-us-west-2", "notebook"]);
    expect(policy).not.toMatch(/"AWS" = "\*"/);
  });

  test("no stack creates a service-linked role (npm run bootstrap ensures them), and instanceCount is honoured", () => {
    const custom = synthApp(editedConfig((c) => { c.catalog = { instanceCount: 4 }; }) as ProximateConfig);
    const stack = custom.stack("catalog-eu-west-2");
    expect(stack.resources("aws_iam_service_linked_role")).toEqual({});
    expect(stack.resource("aws_opensearch_domain", "catalog/Default").cluster_config.instance_count).toBe(4);
  });

  test("a four-worker topology gets one indexer stack per worker Region, each with its own index alias input", () => {
    const four = synthApp(generateConfig(4));
    expect(four.stackNames().filter((n) => n.startsWith("indexer-"))).toHaveLength(4);
    // Generated datasets are of unknown size: their Regions run the Fargate indexer, whose task holds the event.
    const task = four.stack("indexer-eu-central-1").resource("aws_ecs_task_definition", "indexer-task/task");
    expect(task.container_definitions).toContain('\\"region\\":\\"eu-central-1\\"');
  });
});
