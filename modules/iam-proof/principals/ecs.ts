/**
 * ECS tasks and the EC2 hosts of the topology:
 * - every task definition's execution role pulls each container's image (through the ECR
 *   pull-through cache when a rule's prefix matches: the first pull creates the repository and
 *   imports the image) and writes the awslogs streams;
 * - its task role makes the calls of the code the containers run (./code.ts), and a task that
 *   mounts the Region's Lustre data also reads the datasets' S3 repositories directly (the
 *   helper's fallback when a file is not on Lustre, scripts/python/proximate/data.py);
 * - hosts (instances and Auto Scaling groups, through their launch template's instance profile)
 *   run the ECS container agent when their user data joins a cluster, the SSM agent on Amazon
 *   Linux 2023 AMIs, and, when they mount the Region's file system without joining a cluster
 *   (the data host), read the datasets of that file system.
 */
import { Address } from "../../reachability/references";
import { Block } from "../../reachability/synth-output";
import { scanPythonText } from "../code-scan";
import { stringsIn } from "../../guardrails/refs";
import { addCodeCall, addCodeCalls, domainsIn } from "./code";
import { blocks, Derivation, parseS3Uri, PrincipalInfo, S3Location, unknownId, where } from "./context";

const EXECUTION_ROLE_DOC = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html";
const PULL_THROUGH_DOC = "https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html";
const AGENT_DOC = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/instance_IAM_role.html";
const SSM_DOC = "https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-instance-permissions.html";
const DATASET_DOC = "https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html";

interface Container {
  readonly name?: string;
  readonly image?: string;
  readonly command?: readonly string[];
  readonly entryPoint?: readonly string[];
  readonly logConfiguration?: { readonly logDriver?: string; readonly options?: Readonly<Record<string, string>> };
  readonly secrets?: readonly { readonly valueFrom?: string }[];
  readonly environment?: readonly { readonly name?: string; readonly value?: string }[];
}

/** Python code a container receives in its environment (a preload written to a file by its command). */
function looksLikePython(value: string): boolean {
  return /(^|\n)(import |from \S+ import )/.test(value) && /(^|\n)(def |class |async def )/m.test(value);
}

/** Settings a container's code reads: environment variables and the keys of JSON-valued ones (lower case). */
function settingsOf(containers: readonly Container[]): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const { name, value } of containers.flatMap((container) => container.environment ?? [])) {
    if (name === undefined || value === undefined || looksLikePython(value)) {
      continue;
    }
    settings[name.toLowerCase()] = value;
    try {
      const parsed = JSON.parse(value) as unknown;
      if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) {
        for (const [key, item] of Object.entries(parsed)) {
          if (typeof item === "string" || typeof item === "number") {
            settings[key.toLowerCase()] = String(item);
          }
        }
      }
    } catch {
      // not JSON: the variable itself is the setting
    }
  }
  return settings;
}

/**
 * Entry points of images whose command is only arguments: the AWS CLI image runs `aws`
 * (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-docker.html).
 */
const IMAGE_ENTRY_POINTS: readonly { readonly image: RegExp; readonly entryPoint: readonly string[] }[] = [{ image: /(^|\/)aws-cli\/aws-cli(:|@|$)/, entryPoint: ["aws"] }];

/** A container's full command line: its entry point (or its image's) and command. */
function commandLine(container: Container): string {
  const entryPoint = container.entryPoint ?? IMAGE_ENTRY_POINTS.find(({ image }) => image.test(container.image ?? ""))?.entryPoint ?? [];
  return [...entryPoint, ...(container.command ?? [])].join(" ");
}

/** Every string a container's environment hands its code, JSON values opened (an indexer event). */
function environmentStrings(containers: readonly Container[]): string[] {
  const strings: string[] = [];
  for (const { value } of containers.flatMap((container) => container.environment ?? [])) {
    if (value === undefined || looksLikePython(value)) {
      continue;
    }
    strings.push(value);
    try {
      stringsIn(JSON.parse(value), strings);
    } catch {
      // not JSON: the plain value is enough
    }
  }
  return strings;
}

const ECR_IMAGE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)(?:[:@].*)?$/;

/** The calls of every ECS task definition's roles. */
export function deriveEcsTasks(derivation: Derivation): void {
  for (const { address, config } of derivation.find("aws_ecs_task_definition")) {
    const label = where(address);
    const region = derivation.attempt(label, () => derivation.values.regionOf(address.stack));
    const text = derivation.attempt(label, () => derivation.values.resolveString(address.stack, String(config.container_definitions ?? "[]")));
    if (region === undefined || text === undefined) {
      continue;
    }
    let containers: Container[];
    try {
      containers = JSON.parse(text) as Container[];
    } catch (error) {
      derivation.problems.push({ principal: label, problem: `container_definitions is not JSON (${(error as Error).message})` });
      continue;
    }
    const family = String(config.family ?? address.name);
    const commands = containers.map(commandLine);
    const execution = derivation.role(address.stack, config.execution_role_arn, label);
    if (execution !== undefined) {
      const principal = derivation.principal({ name: `${execution.caller.name} (execution role of task ${family})`, caller: execution.caller, region, derivedFrom: label });
      derivation.assumedBy(execution.caller, "ecs-tasks.amazonaws.com", region, label);
      for (const container of containers) {
        executionCalls(derivation, principal, address, container, region);
      }
    }
    const task = derivation.role(address.stack, config.task_role_arn, label);
    if (task !== undefined) {
      const principal = derivation.principal({ name: `${task.caller.name} (task role of task ${family})`, caller: task.caller, region, derivedFrom: label });
      derivation.assumedBy(task.caller, "ecs-tasks.amazonaws.com", region, label);
      const clusterName = clusterOf(derivation, address);
      // What the task definition hands the code: ARNs, S3 locations and catalog endpoints in its environment.
      const strings = environmentStrings(containers);
      const s3 = new Map<string, S3Location>();
      for (const value of strings) {
        const location = parseS3Uri(value);
        if (location !== undefined) {
          s3.set(`${location.bucket}/${location.prefix}`, location);
        }
      }
      const wiring = {
        arns: strings.filter((value) => value.startsWith("arn:")),
        s3: [...s3.values()],
        domains: domainsIn(derivation, strings),
        settings: settingsOf(containers),
        ...(clusterName !== undefined ? { clusterName } : {}),
        complete: true,
      };
      addCodeCalls(
        derivation,
        principal,
        { kind: "ecs-task", family, commands },
        wiring,
        commands.map((command, index) => ({ text: command, where: `${label} container ${containers[index].name ?? index} command` })),
      );
      // Code shipped in the task definition itself (a Dask preload in an environment variable).
      for (const container of containers) {
        for (const variable of container.environment ?? []) {
          if (variable.value !== undefined && looksLikePython(variable.value)) {
            for (const call of scanPythonText(variable.value, `${label} container ${container.name ?? "?"} environment ${variable.name ?? "?"}`)) {
              addCodeCall(derivation, principal, call, wiring, "code in the task definition");
            }
          }
        }
      }
      if (mountsLustre(derivation, address, config)) {
        derivation.s3Reads(principal, derivation.datasetsOf(address.stack), "dataset fallback reads", `${label} (mounts the Region's Lustre data; scripts/python/proximate/data.py reads S3 when a file is not on Lustre)`, { list: true, get: true }, DATASET_DOC);
      }
    }
  }
}

function executionCalls(derivation: Derivation, principal: PrincipalInfo, address: Address, container: Container, region: string): void {
  const label = `${where(address)} container ${container.name ?? "?"}`;
  const image = ECR_IMAGE.exec(container.image ?? "");
  if (image !== null) {
    const [, , imageRegion, repository] = image;
    derivation.add(principal, { action: "ecr:GetAuthorizationToken", region: imageRegion, purpose: "log in to the registry", derivedFrom: `${label} image`, doc: EXECUTION_ROLE_DOC });
    for (const action of ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]) {
      derivation.add(principal, { action, region: imageRegion, resources: { repository: { RepositoryName: repository } }, purpose: `pull ${repository}`, derivedFrom: `${label} image`, doc: EXECUTION_ROLE_DOC });
    }
    const rule = derivation
      .find("aws_ecr_pull_through_cache_rule", (_config, rule) => derivation.values.regionOf(rule.stack) === imageRegion)
      .find(({ config }) => typeof config.ecr_repository_prefix === "string" && repository.startsWith(`${config.ecr_repository_prefix}/`));
    if (rule !== undefined) {
      for (const action of ["ecr:CreateRepository", "ecr:BatchImportUpstreamImage"]) {
        derivation.add(principal, {
          action,
          region: imageRegion,
          resources: { repository: { RepositoryName: repository } },
          purpose: `first pull of ${repository} through the pull-through cache ${where(rule.address)} (${String(rule.config.upstream_registry_url)})`,
          derivedFrom: `${label} image`,
          doc: PULL_THROUGH_DOC,
        });
      }
    }
  } else if (container.image !== undefined && /\.dkr\.ecr\./.test(container.image)) {
    derivation.problems.push({ principal: principal.name, problem: `${label}: image ${container.image} looks like ECR but is not <account>.dkr.ecr.<region>.amazonaws.com/<repository>` });
  }
  const logs = container.logConfiguration;
  if (logs?.logDriver === "awslogs" && logs.options !== undefined) {
    const group = logs.options["awslogs-group"];
    const logRegion = logs.options["awslogs-region"] ?? region;
    const stream = `${logs.options["awslogs-stream-prefix"] ?? "ecs"}/${container.name ?? "container"}/${unknownId("TaskId")}`;
    if (logs.options["awslogs-create-group"] === "true") {
      derivation.add(principal, { action: "logs:CreateLogGroup", region: logRegion, resources: { "log-group": { LogGroupName: group } }, purpose: `create ${group}`, derivedFrom: `${label} logConfiguration`, doc: EXECUTION_ROLE_DOC });
    }
    for (const action of ["logs:CreateLogStream", "logs:PutLogEvents"]) {
      derivation.add(principal, {
        action,
        region: logRegion,
        resources: { "log-stream": { LogGroupName: group, LogStreamName: stream } },
        purpose: `container logs to ${group}`,
        derivedFrom: `${label} logConfiguration`,
        doc: EXECUTION_ROLE_DOC,
      });
    }
  }
  for (const secret of container.secrets ?? []) {
    const from = secret.valueFrom ?? "";
    if (from.startsWith("arn:aws:secretsmanager:")) {
      derivation.add(principal, { action: "secretsmanager:GetSecretValue", resources: { secret: from }, purpose: "inject a secret", derivedFrom: `${label} secrets`, doc: EXECUTION_ROLE_DOC });
    } else if (from !== "") {
      derivation.add(principal, { action: "ssm:GetParameters", resources: { parameter: from.startsWith("arn:") ? from : { ParameterNameWithoutLeadingSlash: from.replace(/^\//, "") } }, purpose: "inject a parameter", derivedFrom: `${label} secrets`, doc: EXECUTION_ROLE_DOC });
    }
  }
}

/** The name of the cluster whose service runs a task definition, if one does. */
function clusterOf(derivation: Derivation, taskDefinition: Address): string | undefined {
  for (const { address, config } of derivation.find("aws_ecs_service", (_c, a) => a.stack === taskDefinition.stack)) {
    const target = derivation.values.addressOf(address.stack, config.task_definition, ["aws_ecs_task_definition"]);
    if (target?.name === taskDefinition.name && target.stack === taskDefinition.stack) {
      const cluster = derivation.values.addressOf(address.stack, config.cluster, ["aws_ecs_cluster"]);
      return cluster === undefined ? undefined : derivation.attempt(where(address), () => derivation.values.attribute(cluster, "name"));
    }
  }
  return undefined;
}

/** A task that bind-mounts the host's Lustre mount point reads the Region's datasets. */
function mountsLustre(derivation: Derivation, address: Address, config: Block): boolean {
  const hostPaths = blocks(config.volume).map((volume) => String(volume.host_path ?? ""));
  if (hostPaths.length === 0) {
    return false;
  }
  // The mount point the stack's hosts mount the file system on (user data: `... /fsx lustre ...`).
  const mountPoints = new Set<string>();
  for (const { config: template } of derivation.find("aws_launch_template", (_c, a) => a.stack === address.stack)) {
    const script = derivation.attempt(where(address), () => derivation.script(address.stack, template.user_data)) ?? "";
    for (const match of script.matchAll(/\s(\/[^\s]+)\s+lustre\s/g)) {
      mountPoints.add(match[1]);
    }
  }
  return hostPaths.some((path) => mountPoints.has(path));
}

/** The instance profile role of a launch template, if it has one. */
function launchTemplateRole(derivation: Derivation, template: Address, config: Block): ReturnType<Derivation["role"]> {
  const profileBlock = blocks(config.iam_instance_profile)[0];
  const profileRef = profileBlock?.arn ?? profileBlock?.name;
  if (profileRef === undefined) {
    return undefined;
  }
  const profile = derivation.values.addressOf(template.stack, profileRef, ["aws_iam_instance_profile"]);
  const profileConfig = profile === undefined ? undefined : derivation.values.resource(profile);
  if (profile === undefined || profileConfig === undefined) {
    derivation.problems.push({ principal: where(template), problem: `iam_instance_profile ${JSON.stringify(profileRef)} is not an instance profile of the topology` });
    return undefined;
  }
  return derivation.role(profile.stack, profileConfig.role, where(profile));
}

/** The calls of the EC2 hosts (instances and Auto Scaling groups) and their agents. */
export function deriveHosts(derivation: Derivation): void {
  const hosts: { address: Address; template?: { address: Address; config: Block }; config: Block }[] = [];
  const templateOf = (stack: string, value: unknown) => {
    const id = blocks(value)[0]?.id ?? blocks(value)[0]?.name;
    const address = id === undefined ? undefined : derivation.values.addressOf(stack, id, ["aws_launch_template"]);
    const config = address === undefined ? undefined : derivation.values.resource(address);
    return address === undefined || config === undefined ? undefined : { address, config };
  };
  for (const { address, config } of derivation.find("aws_instance")) {
    hosts.push({ address, config, template: templateOf(address.stack, config.launch_template) });
  }
  for (const { address, config } of derivation.find("aws_autoscaling_group")) {
    hosts.push({ address, config, template: templateOf(address.stack, config.launch_template) ?? templateOf(address.stack, blocks(config.mixed_instances_policy)[0]?.launch_template) });
  }
  for (const host of hosts) {
    const label = where(host.address);
    const region = derivation.attempt(label, () => derivation.values.regionOf(host.address.stack));
    if (region === undefined) {
      continue;
    }
    const role =
      host.config.iam_instance_profile !== undefined
        ? (() => {
            const profile = derivation.values.addressOf(host.address.stack, host.config.iam_instance_profile, ["aws_iam_instance_profile"]);
            const profileConfig = profile === undefined ? undefined : derivation.values.resource(profile);
            return profile === undefined || profileConfig === undefined ? undefined : derivation.role(profile.stack, profileConfig.role, label);
          })()
        : host.template !== undefined
          ? launchTemplateRole(derivation, host.template.address, host.template.config)
          : undefined;
    if (role === undefined) {
      continue;
    }
    const userData = [host.config.user_data, host.template?.config.user_data]
      .map((value) => derivation.attempt(label, () => derivation.script(host.address.stack, value)) ?? "")
      .join("\n");
    const image = String(host.config.ami ?? host.template?.config.image_id ?? "");
    const hostName = host.address.type === "aws_instance" ? `instance ${String((host.config.tags as Record<string, unknown> | undefined)?.Name ?? host.address.name)}` : `Auto Scaling group ${String(host.config.name ?? host.address.name)}`;
    const principal = derivation.principal({ name: `${role.caller.name} (instance role of ${hostName})`, caller: role.caller, region, derivedFrom: label });
    derivation.assumedBy(role.caller, "ec2.amazonaws.com", region, label);

    const cluster = /^ECS_CLUSTER=(.+)$/m.exec(userData)?.[1]?.trim();
    if (cluster !== undefined) {
      ecsAgentCalls(derivation, principal, cluster, label);
    }
    // Amazon Linux 2023 AMIs (plain and ECS-optimised) come with the SSM agent.
    // https://docs.aws.amazon.com/systems-manager/latest/userguide/ami-preinstalled-agent.html
    if (/al2023|amazon-linux-2023/.test(image)) {
      ssmAgentCalls(derivation, principal, host.address, label);
    }
    // A host that mounts the Region's data without joining a cluster is there for people (the
    // data host, reached through Session Manager): they read the datasets with its role.
    if (cluster === undefined && /\slustre\s/.test(userData)) {
      derivation.s3Reads(principal, derivation.datasetsOf(host.address.stack), "dataset reads on the host", `${label} (mounts the Region's Lustre file system; its role reads the datasets)`, { list: true, get: true }, DATASET_DOC);
    }
  }
}

/** The ECS container agent's calls for a host of `cluster`. */
function ecsAgentCalls(derivation: Derivation, principal: PrincipalInfo, cluster: string, label: string): void {
  const derivedFrom = `${label} user data (ECS_CLUSTER=${cluster})`;
  const clusterArn = { ClusterName: cluster };
  const instance = { ClusterName: cluster, ContainerInstanceId: unknownId("ContainerInstanceId") };
  derivation.add(principal, { action: "ecs:DiscoverPollEndpoint", purpose: "ECS agent: find the endpoints", derivedFrom, doc: AGENT_DOC });
  for (const action of ["ecs:RegisterContainerInstance", "ecs:DeregisterContainerInstance", "ecs:SubmitTaskStateChange", "ecs:SubmitContainerStateChange", "ecs:SubmitAttachmentStateChanges"]) {
    derivation.add(principal, { action, resources: { cluster: clusterArn }, purpose: `ECS agent: ${action.slice(4)} in ${cluster}`, derivedFrom, doc: AGENT_DOC });
  }
  for (const action of ["ecs:Poll", "ecs:StartTelemetrySession"]) {
    derivation.add(principal, { action, resources: { "container-instance": instance }, purpose: `ECS agent: ${action.slice(4)}`, derivedFrom, doc: AGENT_DOC });
  }
}

/** The SSM agent's calls (Session Manager). */
function ssmAgentCalls(derivation: Derivation, principal: PrincipalInfo, host: Address, label: string): void {
  const derivedFrom = `${label} (Amazon Linux 2023 AMI: SSM agent)`;
  const instanceId = host.type === "aws_instance" ? derivation.attempt(label, () => derivation.values.attribute(host, "id")) : undefined;
  derivation.add(principal, {
    action: "ssm:UpdateInstanceInformation",
    resources: { instance: { InstanceId: instanceId ?? unknownId("InstanceId") } },
    purpose: "SSM agent: register the managed instance",
    derivedFrom,
    doc: SSM_DOC,
  });
  for (const action of ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel", "ec2messages:GetMessages"]) {
    derivation.add(principal, { action, purpose: `SSM agent: ${action.split(":")[1]} (Session Manager)`, derivedFrom, doc: SSM_DOC });
  }
}
