import { generateConfig } from "../../modules/config/generate";
import { defaultConfig, editedConfig, Synthesized, synthApp } from "../helpers/synth";
import { ProximateConfig } from "../../modules/config/schema";

function workerScript(app: Synthesized, region: string): string {
  const task = app.stack(`pool-${region}`).resource("aws_ecs_task_definition", "workers/task");
  const [container] = JSON.parse(task.container_definitions as string) as { command: string[] }[];
  expect(container.command.slice(0, 2)).toEqual(["sh", "-c"]);
  return container.command[2];
}

const ingress = (app: Synthesized, stack: string) => Object.values(app.stack(stack).resources("aws_vpc_security_group_ingress_rule"));

describe.each([
  ["default", defaultConfig()],
  ["four worker Regions", generateConfig(4)],
])("compute layer, %s topology", (_name, config: ProximateConfig) => {
  let app: Synthesized;
  beforeAll(() => {
    app = synthApp(config);
  });

  test("every worker Region runs dask worker against the scheduler's DNS name with pool-<region>=<threads> and pinned ports", () => {
    for (const worker of app.topology.workers) {
      const script = workerScript(app, worker.region);
      const threads = worker.workers?.sizing.threadsPerProcess;
      expect(script).toMatch(new RegExp(`^printf '%s' "\\$PROXIMATE_PROTECTION_PY" > /tmp/proximate_protection\\.py && exec dask worker tcp://scheduler\\.proximate\\.internal:8786 `));
      expect(script).toMatch(/ --preload \/tmp\/proximate_protection\.py$/);
      expect(script).toContain(`--nthreads ${threads} `);
      expect(script).toContain(`--resources pool-${worker.region}=${threads} `);
      expect(script).toContain("--worker-port 9000:9015 --nanny-port 9100:9115");
    }
  });

  test("the scheduler, every worker pool and the pull-through caches use one image", () => {
    const images = new Set<string>();
    for (const name of app.stackNames().filter((n) => n.startsWith("pool-") || n.startsWith("scheduler-"))) {
      const stack = app.stack(name);
      const rule = Object.values(stack.resources("aws_ecr_pull_through_cache_rule"))[0];
      expect(rule).toMatchObject({ ecr_repository_prefix: "quay", upstream_registry_url: "quay.io" });
      const text = JSON.stringify(stack.resources("aws_ecs_task_definition"));
      const match = /dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\/(quay\/[^"\\]+)/.exec(text);
      expect(match).not.toBeNull();
      images.add((match as RegExpExecArray)[1]);
    }
    expect([...images]).toEqual(["quay/pangeo/pangeo-notebook:2024.06.21"]);
  });

  test("worker pools and the scheduler depend only on their own Region's network stack", () => {
    for (const name of app.stackNames().filter((n) => n.startsWith("pool-") || n.startsWith("scheduler-"))) {
      const region = name.replace(/^(pool|scheduler)-/, "");
      expect([...app.manifest.stacks[name].dependencies].sort()).toEqual([`network-${region}`]);
    }
  });

  test("worker ports admit exactly the client and every worker CIDR, never the internet", () => {
    const cidrs = app.topology.regions.map((r) => r.cidr).sort();
    for (const worker of app.topology.workers) {
      const rules = ingress(app, `pool-${worker.region}`);
      expect(rules.filter((r) => r.from_port === 9000).map((r) => r.cidr_ipv4).sort()).toEqual(cidrs);
      expect(rules.filter((r) => r.from_port === 9100).map((r) => r.cidr_ipv4).sort()).toEqual(cidrs);
      expect(rules.filter((r) => r.cidr_ipv4 === "0.0.0.0/0")).toEqual([]);
    }
  });

  test("the scheduler admits 8786 from the client and every worker CIDR and 8787 only from its load balancer", () => {
    const rules = ingress(app, `scheduler-${app.topology.client.region}`);
    expect(rules.filter((r) => r.from_port === 8786).map((r) => r.cidr_ipv4).sort()).toEqual(app.topology.regions.map((r) => r.cidr).sort());
    const dashboard = rules.filter((r) => r.from_port === 8787);
    expect(dashboard).toHaveLength(1);
    expect(dashboard[0].cidr_ipv4).toBeUndefined();
    expect(dashboard[0].referenced_security_group_id).toMatch(/aws_security_group\.dashboard_sg_/);
  });

  test("every worker Region's VPC is associated with the scheduler's private zone", () => {
    for (const worker of app.topology.workers) {
      const association = Object.values(app.stack(`peering-${worker.region}`).resources("aws_route53_zone_association"))[0];
      expect(association.vpc_region).toBe(worker.region);
      expect(association.zone_id).toMatch(/cross-stack-reference-input-network-eu-west-2\.outputs\.cross-stack-output-aws_service_discovery_private_dns_namespace/);
    }
  });
});

describe("worker pool", () => {
  let app: Synthesized;
  beforeAll(() => {
    app = synthApp(defaultConfig());
  });

  test("launch template: ECS-optimised AL2023 through resolve:ssm, IMDSv2 only, encrypted root, no public IP", () => {
    const template = app.stack("pool-us-east-1").resource("aws_launch_template", "workers/launch-template");
    expect(template.image_id).toBe("resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id");
    expect(template.metadata_options).toMatchObject({ http_tokens: "required" });
    expect(template.block_device_mappings[0].ebs).toMatchObject({ encrypted: "true" });
    expect(template.network_interfaces[0].associate_public_ip_address).toBe("false");
    expect(template.user_data).toContain("ECS_CLUSTER=");
  });

  test("capacity: an Auto Scaling group from zero behind a capacity provider with managed scaling", () => {
    const stack = app.stack("pool-us-east-1");
    expect(stack.resource("aws_autoscaling_group", "workers/asg")).toMatchObject({ min_size: 0, max_size: 12, protect_from_scale_in: true });
    expect(stack.resource("aws_ecs_capacity_provider", "workers/capacity").auto_scaling_group_provider.managed_scaling).toMatchObject({ status: "ENABLED", target_capacity: 100 });
  });

  test("teardown: the group's scale-in protected instances go with it (force_delete), also under managed termination protection", () => {
    // Protected instances are never terminated by lowering the capacity, and DeleteAutoScalingGroup
    // refuses while instances remain: without force_delete, `cdktf destroy` stalls on a used pool.
    const stack = app.stack("pool-us-east-1");
    expect(stack.resource("aws_autoscaling_group", "workers/asg")).toMatchObject({ protect_from_scale_in: true, force_delete: true });
    expect(stack.resource("aws_ecs_capacity_provider", "workers/capacity").auto_scaling_group_provider.managed_termination_protection).toBe("ENABLED");
  });

  test("demand scaling: an alarm on the scheduler's DesiredTasks invokes an ExactCapacity step policy on the service, from zero", () => {
    const stack = app.stack("pool-us-east-1");
    expect(stack.resource("aws_appautoscaling_target", "workers/scaling-target")).toMatchObject({ min_capacity: 0, max_capacity: 12, scalable_dimension: "ecs:service:DesiredCount" });
    expect(() => stack.resource("aws_appautoscaling_policy", "workers/cpu-scaling")).toThrow(/found 0/);
    const policy = stack.resource("aws_appautoscaling_policy", "workers/demand-scaling");
    expect(policy).toMatchObject({ policy_type: "StepScaling", step_scaling_policy_configuration: { adjustment_type: "ExactCapacity", metric_aggregation_type: "Maximum", cooldown: 60 } });
    const steps = policy.step_scaling_policy_configuration.step_adjustment as { metric_interval_lower_bound: string; metric_interval_upper_bound?: string; scaling_adjustment: number }[];
    expect(steps).toHaveLength(13);
    expect(steps[0]).toEqual({ metric_interval_lower_bound: "0", metric_interval_upper_bound: "1", scaling_adjustment: 0 });
    expect(steps[12]).toEqual({ metric_interval_lower_bound: "12", scaling_adjustment: 12 });
    const alarm = stack.resource("aws_cloudwatch_metric_alarm", "workers/demand-alarm");
    expect(alarm).toMatchObject({
      namespace: "Proximate/proximate",
      metric_name: "DesiredTasks",
      dimensions: { Pool: "pool-us-east-1" },
      statistic: "Maximum",
      period: 60,
      threshold: 0,
      comparison_operator: "GreaterThanOrEqualToThreshold",
      treat_missing_data: "missing",
    });
    expect(alarm.alarm_actions).toEqual([`\${${stack.address("aws_appautoscaling_policy", "workers/demand-scaling")}.arn}`]);
  });

  test("demand scaling: workers may set their own task's scale-in protection, the scheduler may publish only the topology's namespace", () => {
    const policy = app.stack("pool-us-east-1").resource("aws_iam_role_policy", "workers/roles/task-policy").policy as string;
    expect(policy).toContain('"Action" = ["ecs:UpdateTaskProtection", "ecs:GetTaskProtection"]');
    expect(policy).toMatch(/"Resource" = "\$\{replace\(aws_ecs_cluster\.workers_cluster_[0-9A-F]+\.arn, ":cluster\/", ":task\/"\)\}\/\*"/);
    const scheduler = app.stack("scheduler-eu-west-2").resource("aws_iam_role_policy", "scheduler/roles/task-policy").policy as string;
    expect(scheduler).toContain('"Action" = ["cloudwatch:PutMetricData"], "Resource" = "*", "Condition" = {"StringEquals" = {"cloudwatch:namespace" = "Proximate/proximate"}}');
  });

  test("demand scaling: the scheduler runs the scaling preload with every demand pool's settings", () => {
    const [container] = JSON.parse(app.stack("scheduler-eu-west-2").resource("aws_ecs_task_definition", "scheduler/task").container_definitions);
    const env = Object.fromEntries((container.environment as { name: string; value: string }[]).map((e) => [e.name, e.value]));
    expect(env.PROXIMATE_SCALING_PY).toContain("def dask_setup(scheduler");
    const settings = JSON.parse(env.PROXIMATE_SCALING);
    expect(settings).toMatchObject({ namespace: "Proximate/proximate", metric: "DesiredTasks", publishIntervalSeconds: 15 });
    expect(settings.pools["pool-us-west-2"]).toEqual({
      region: "us-west-2", minTasks: 0, maxTasks: 12, threadsPerTask: 4, memoryBytesPerTask: 14188806144,
      idleSeconds: 900, scaleInAfterSeconds: 120, targetDurationSeconds: 60, scaleOutStep: 4,
    });
  });

  test("cpu scaling stays as the fallback: target tracking on average CPU with cooldowns, no preloads, no scaling permissions", () => {
    const cpu = synthApp(editedConfig((c) => { c.workers[0].pool = { scaling: "cpu", minTasks: 1, cpuTargetPercent: 55 }; }) as ProximateConfig);
    const stack = cpu.stack("pool-us-east-1");
    expect(stack.resource("aws_appautoscaling_policy", "workers/cpu-scaling").target_tracking_scaling_policy_configuration).toMatchObject({
      target_value: 55,
      scale_in_cooldown: 300,
      scale_out_cooldown: 60,
      predefined_metric_specification: { predefined_metric_type: "ECSServiceAverageCPUUtilization" },
    });
    expect(stack.resources("aws_cloudwatch_metric_alarm")).toEqual({});
    expect(workerScript(cpu, "us-east-1")).toMatch(/^exec dask worker /);
    expect(stack.resource("aws_iam_role_policy", "workers/roles/task-policy").policy).not.toContain("TaskProtection");
    const [container] = JSON.parse(cpu.stack("scheduler-eu-west-2").resource("aws_ecs_task_definition", "scheduler/task").container_definitions);
    expect(Object.keys(JSON.parse(container.environment.find((e: { name: string }) => e.name === "PROXIMATE_SCALING").value).pools)).toEqual(["pool-us-west-2"]);
    const allCpu = synthApp(editedConfig((c) => { c.pool = { scaling: "cpu", minTasks: 1 }; }) as ProximateConfig);
    const [plain] = JSON.parse(allCpu.stack("scheduler-eu-west-2").resource("aws_ecs_task_definition", "scheduler/task").container_definitions);
    expect(plain.command).toEqual(["dask", "scheduler", "--port", "8786", "--dashboard-address", ":8787"]);
    expect(allCpu.stack("scheduler-eu-west-2").resources("aws_iam_role_policy")).not.toHaveProperty("scheduler_roles_task-policy");
  });

  test("the worker pool keeps its Terraform addresses (construct split by concern)", () => {
    const addresses = app.stack("pool-us-east-1").addresses();
    for (const path of ["logs", "roles/task", "task-sg", "instance-sg", "instance-role", "cluster", "launch-template", "asg", "capacity", "cluster-capacity", "task", "service", "scaling-target"]) {
      expect(addresses.some((a) => a.includes(`workers_${path.replace("/", "_")}_`))).toBe(true);
    }
  });

  test("pool settings come from config, per Region over topology-wide", () => {
    const custom = synthApp(
      editedConfig((c) => {
        c.pool = { minTasks: 1 };
        c.workers[1].pool = { instanceType: "r6i.2xlarge", processesPerTask: 2, maxTasks: 4, minTasks: 0 };
      }) as ProximateConfig,
    );
    expect(custom.stack("pool-us-east-1").resource("aws_appautoscaling_target", "workers/scaling-target").min_capacity).toBe(1);
    const west = custom.stack("pool-us-west-2");
    expect(west.resource("aws_appautoscaling_target", "workers/scaling-target")).toMatchObject({ min_capacity: 0, max_capacity: 4 });
    expect(west.resource("aws_appautoscaling_policy", "workers/demand-scaling").step_scaling_policy_configuration.step_adjustment).toHaveLength(5);
    expect(workerScript(custom, "us-west-2")).toContain("--nworkers 2 --nthreads 4 ");
    expect(workerScript(custom, "us-west-2")).toContain("--resources pool-us-west-2=4 ");
  });

  test("worker tasks are sized from what the ECS agent registers, and hosts reserve memory for the agent and the OS", () => {
    const stack = app.stack("pool-us-east-1");
    // m6i.xlarge: 16384 MiB advertised, about 15711 MiB MemTotal, 512 MiB ECS_RESERVED_MEMORY.
    expect(stack.resource("aws_ecs_task_definition", "workers/task").memory).toBe("15035");
    const userData = stack.resource("aws_launch_template", "workers/launch-template").user_data as string;
    expect(userData).toContain("ECS_RESERVED_MEMORY=512");
    expect(userData).toContain("-lt 15035 ]");
  });

  test("the worker task role reads only the Region's datasets", () => {
    const policy = app.stack("pool-us-west-2").resource("aws_iam_role_policy", "workers/roles/task-policy").policy as string;
    expect(policy).toContain("arn:aws:s3:::cmip6-pds/CMIP6/ScenarioMIP/MOHC/*");
    expect(policy).not.toContain("era5-pds");
  });

  test("the data host is SSM-managed, IMDSv2, encrypted, without public IP or inbound rules; off when configured", () => {
    const stack = app.stack("pool-us-east-1");
    const instance = stack.resource("aws_instance", "data-host/Default");
    expect(instance).toMatchObject({ associate_public_ip_address: false, metadata_options: { http_tokens: "required" } });
    const template = stack.resource("aws_launch_template", "data-host/launch-template");
    expect(instance.launch_template.id).toBe(`\${${stack.address("aws_launch_template", "data-host/launch-template")}.id}`);
    expect(template.block_device_mappings).toEqual([{ device_name: "/dev/xvda", ebs: { volume_size: 30, volume_type: "gp3", encrypted: "true", delete_on_termination: "true" } }]);
    expect(instance.key_name).toBeUndefined();
    expect(Object.values(stack.resources("aws_vpc_security_group_ingress_rule")).filter((r) => String(r.security_group_id).includes("data-host"))).toEqual([]);
    const without = synthApp(editedConfig((c) => { c.workers[0].dataHost = false; }) as ProximateConfig);
    expect(without.stack("pool-us-east-1").resources("aws_instance")).toEqual({});
    expect(Object.keys(without.stack("pool-us-west-2").resources("aws_instance"))).toHaveLength(1);
  });

  test("the data host declares no root_block_device: its image is `resolve:ssm:` in the launch template (terraform-provider-aws#43488)", () => {
    // With root_block_device the provider calls DescribeImages with the launch template's image id
    // to learn the root device name; `resolve:ssm:...` is no AMI id: InvalidAMIID.Malformed at apply.
    const stack = app.stack("pool-us-east-1");
    expect(stack.resource("aws_launch_template", "data-host/launch-template").image_id).toMatch(/^resolve:ssm:/);
    const instance = stack.resource("aws_instance", "data-host/Default");
    expect(instance.root_block_device).toBeUndefined();
    expect(instance.ami).toBeUndefined();
  });
});

describe("scheduler", () => {
  let app: Synthesized;
  beforeAll(() => {
    app = synthApp(defaultConfig());
  });

  test("a Fargate service of one scheduler task, registered in Cloud Map as scheduler.<namespace>", () => {
    const stack = app.stack("scheduler-eu-west-2");
    expect(stack.resource("aws_ecs_task_definition", "scheduler/task")).toMatchObject({ requires_compatibilities: ["FARGATE"], cpu: "1024", memory: "4096", network_mode: "awsvpc" });
    const [container] = JSON.parse(stack.resource("aws_ecs_task_definition", "scheduler/task").container_definitions);
    expect(container.command).toEqual(["sh", "-c", `printf '%s' "$PROXIMATE_SCALING_PY" > /tmp/proximate_scaling.py && exec dask scheduler --port 8786 --dashboard-address :8787 --preload /tmp/proximate_scaling.py`]);
    expect(stack.resource("aws_ecs_service", "scheduler/service")).toMatchObject({ desired_count: 1, launch_type: "FARGATE", network_configuration: { assign_public_ip: false } });
    expect(stack.resource("aws_service_discovery_service", "scheduler/discovery").name).toBe("scheduler");
    const namespace = app.stack("network-eu-west-2").resource("aws_service_discovery_private_dns_namespace", "namespace");
    expect(namespace.name).toBe("proximate.internal");
  });

  test("the dashboard sits behind an internal load balancer, health-checked on /health, logging to an encrypted bucket", () => {
    const stack = app.stack("scheduler-eu-west-2");
    expect(stack.resource("aws_lb", "dashboard/Default")).toMatchObject({ internal: true, load_balancer_type: "application", drop_invalid_header_fields: true });
    expect(stack.resource("aws_lb", "dashboard/Default").access_logs).toMatchObject({ enabled: true });
    expect(stack.resource("aws_lb_target_group", "dashboard/target").health_check).toMatchObject({ path: "/health", port: "8787" });
    expect(stack.resource("aws_s3_bucket_server_side_encryption_configuration", "dashboard/access-logs/encryption").rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe("AES256");
    expect(stack.resource("aws_s3_bucket_policy", "dashboard/access-logs/policy").policy).toContain("arn:aws:iam::652711504416:root");
  });

  test("a public dashboard is HTTPS-only with the configured certificate", () => {
    const arn = "arn:aws:acm:eu-west-2:123456789012:certificate/abc-123";
    const stack = synthApp(editedConfig((c) => { c.dashboard = { public: true, certificateArn: arn }; }) as ProximateConfig).stack("scheduler-eu-west-2");
    expect(stack.resource("aws_lb", "dashboard/Default").internal).toBe(false);
    expect(stack.resource("aws_lb_listener", "dashboard/listener")).toMatchObject({ port: 443, protocol: "HTTPS", certificate_arn: arn });
  });

  test("scheduler size comes from config", () => {
    const stack = synthApp(editedConfig((c) => { c.scheduler = { cpu: 2048, memoryMiB: 8192 }; }) as ProximateConfig).stack("scheduler-eu-west-2");
    expect(stack.resource("aws_ecs_task_definition", "scheduler/task")).toMatchObject({ cpu: "2048", memory: "8192" });
  });
});
