/**
 * Step Functions state machines: the role's calls are derived from the definition's Task
 * `Resource` ARNs (every state, inside Parallel branches and Map processors), following
 * "IAM policies for integrated services" of the Step Functions developer guide:
 * https://docs.aws.amazon.com/step-functions/latest/dg/service-integration-iam-templates.html
 * - `arn:aws:states:::aws-sdk:<service>:<operation>`: the operation's own action
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html);
 * - `arn:aws:states:::lambda:invoke`: lambda:InvokeFunction
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/lambda-iam.html);
 * - `arn:aws:states:::ecs:runTask[.sync|.waitForTaskToken]`: ecs:RunTask, iam:PassRole of the
 *   task's roles, and for `.sync` ecs:StopTask, ecs:DescribeTasks and the managed rule
 *   StepFunctionsGetEventsForECSTaskRule (https://docs.aws.amazon.com/step-functions/latest/dg/ecs-iam.html);
 * - `arn:aws:states:::states:startExecution[.sync]` (https://docs.aws.amazon.com/step-functions/latest/dg/stepfunctions-iam.html);
 * - `arn:aws:states:::sns:publish`, `sqs:sendMessage`;
 * - a Distributed Map: states:StartExecution of the machine itself, DescribeExecution and
 *   StopExecution of its child executions, and S3 reads/writes of ItemReader/ResultWriter
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/iam-policies-eg-dist-map.html);
 * - logging to CloudWatch Logs: the log delivery actions, on `*`
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html#cloudwatch-iam-policy);
 * - X-Ray tracing (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-xray-tracing.html).
 * A Task resource the proof does not know fails the proof: add it to {@link INTEGRATIONS}.
 */
import { readJsonArgument } from "../../guardrails/hcl";
import { Address } from "../../reachability/references";
import { actionData, arnVariables, resourceTypeData } from "../iam-data";
import { actionOfOperation, SDK_SERVICE_PREFIX } from "../code-scan";
import { globMatches } from "../glob";
import { blocks, Derivation, PrincipalInfo, unknownId, where } from "./context";

type Json = Record<string, unknown>;

/** One Task state as the integrations see it. */
interface TaskState {
  readonly name: string;
  readonly resource: string;
  readonly parameters: Json;
  readonly machine: { readonly address: Address; readonly arn: string; readonly name: string };
}

/** An optimized integration: the calls its Task state makes. */
interface Integration {
  readonly pattern: RegExp;
  readonly doc: string;
  readonly calls: (derivation: Derivation, principal: PrincipalInfo, task: TaskState, match: RegExpExecArray) => void;
}

/** A parameter's literal value (`Key`), or undefined when it is a path (`Key.$`) or absent. */
function param(parameters: Json, key: string): unknown {
  return parameters[key];
}

const ECS_RULE = "StepFunctionsGetEventsForECSTaskRule";
const SFN_RULE = "StepFunctionsGetEventsForStepFunctionsExecutionRule";

/** The Step Functions integrations the proof knows. */
export const INTEGRATIONS: readonly Integration[] = [
  {
    pattern: /^arn:aws[a-z-]*:states:::aws-sdk:([a-z0-9]+):([a-zA-Z0-9]+)(?:\.waitForTaskToken)?$/,
    doc: "https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html",
    calls: (derivation, principal, task, match) => sdkIntegration(derivation, principal, task, match[1], match[2]),
  },
  {
    pattern: /^arn:aws[a-z-]*:states:::lambda:invoke(?:\.waitForTaskToken)?$/,
    doc: "https://docs.aws.amazon.com/step-functions/latest/dg/lambda-iam.html",
    calls: (derivation, principal, task) => {
      const target = param(task.parameters, "FunctionName");
      const arn = typeof target === "string" ? (target.startsWith("arn:") ? target : `arn:aws:lambda:${principal.region}:${derivation.account}:function:${target}`) : undefined;
      derivation.add(principal, {
        action: "lambda:InvokeFunction",
        resources: { function: arn ?? `arn:aws:lambda:${principal.region}:${derivation.account}:function:${unknownId("FunctionName")}` },
        purpose: `state ${task.name}: invoke ${arn?.split(":").slice(6).join(":") ?? "a function chosen at run time"}`,
        derivedFrom: `${where(task.machine.address)} state ${task.name}`,
        doc: "https://docs.aws.amazon.com/step-functions/latest/dg/lambda-iam.html",
      });
      if (arn !== undefined && task.parameters.Payload !== undefined) {
        derivation.give(arn.split(":").slice(0, 7).join(":"), task.parameters.Payload);
      }
    },
  },
  {
    pattern: /^arn:aws[a-z-]*:states:::ecs:runTask(\.sync|\.waitForTaskToken)?$/,
    doc: "https://docs.aws.amazon.com/step-functions/latest/dg/ecs-iam.html",
    calls: (derivation, principal, task, match) => ecsRunTask(derivation, principal, task, match[1] === ".sync"),
  },
  {
    pattern: /^arn:aws[a-z-]*:states:::states:startExecution(\.sync(?::2)?|\.waitForTaskToken)?$/,
    doc: "https://docs.aws.amazon.com/step-functions/latest/dg/stepfunctions-iam.html",
    calls: (derivation, principal, task, match) => {
      const target = param(task.parameters, "StateMachineArn");
      const arn = typeof target === "string" ? target : `arn:aws:states:${principal.region}:${derivation.account}:stateMachine:${unknownId("StateMachineName")}`;
      const derivedFrom = `${where(task.machine.address)} state ${task.name}`;
      const doc = "https://docs.aws.amazon.com/step-functions/latest/dg/stepfunctions-iam.html";
      derivation.add(principal, { action: "states:StartExecution", resources: { statemachine: arn }, purpose: `state ${task.name}: start ${arn.split(":").pop()}`, derivedFrom, doc });
      if (match[1]?.startsWith(".sync")) {
        const name = arn.split(":").pop() as string;
        for (const action of ["states:DescribeExecution", "states:StopExecution"]) {
          derivation.add(principal, { action, resources: { execution: { StateMachineName: name, ExecutionId: unknownId("ExecutionId") } }, purpose: `state ${task.name}: follow the execution`, derivedFrom, doc });
        }
        managedRule(derivation, principal, SFN_RULE, derivedFrom, doc);
      }
    },
  },
  {
    pattern: /^arn:aws[a-z-]*:states:::sns:publish(?:\.waitForTaskToken)?$/,
    doc: "https://docs.aws.amazon.com/step-functions/latest/dg/sns-iam.html",
    calls: (derivation, principal, task) => {
      const topic = param(task.parameters, "TopicArn");
      derivation.add(principal, {
        action: "sns:Publish",
        resources: { topic: typeof topic === "string" ? topic : { TopicName: unknownId("TopicName") } },
        purpose: `state ${task.name}: publish`,
        derivedFrom: `${where(task.machine.address)} state ${task.name}`,
        doc: "https://docs.aws.amazon.com/step-functions/latest/dg/sns-iam.html",
      });
    },
  },
  {
    pattern: /^arn:aws[a-z-]*:states:::sqs:sendMessage(?:\.waitForTaskToken)?$/,
    doc: "https://docs.aws.amazon.com/step-functions/latest/dg/sqs-iam.html",
    calls: (derivation, principal, task) => {
      const queue = param(task.parameters, "QueueUrl");
      const name = typeof queue === "string" ? queue.split("/").pop() : unknownId("QueueName");
      derivation.add(principal, {
        action: "sqs:SendMessage",
        resources: { queue: { QueueName: name as string } },
        purpose: `state ${task.name}: send a message`,
        derivedFrom: `${where(task.machine.address)} state ${task.name}`,
        doc: "https://docs.aws.amazon.com/step-functions/latest/dg/sqs-iam.html",
      });
    },
  },
  {
    pattern: /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[^:]+(?::[^:]+)?$/,
    doc: "https://docs.aws.amazon.com/step-functions/latest/dg/lambda-iam.html",
    calls: (derivation, principal, task) => {
      derivation.add(principal, {
        action: "lambda:InvokeFunction",
        resources: { function: task.resource },
        purpose: `state ${task.name}: invoke ${task.resource.split(":")[6]}`,
        derivedFrom: `${where(task.machine.address)} state ${task.name}`,
        doc: "https://docs.aws.amazon.com/step-functions/latest/dg/lambda-iam.html",
      });
    },
  },
  {
    pattern: /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:activity:/,
    doc: "https://docs.aws.amazon.com/step-functions/latest/dg/concepts-activities.html",
    calls: () => undefined, // workers poll activities with their own credentials
  },
];

/** The EventBridge managed rule of `.sync` integrations. */
function managedRule(derivation: Derivation, principal: PrincipalInfo, rule: string, derivedFrom: string, doc: string): void {
  for (const action of ["events:PutTargets", "events:PutRule", "events:DescribeRule"]) {
    derivation.add(principal, { action, resources: { "rule-on-default-event-bus": { RuleName: rule } }, purpose: `managed rule ${rule}`, derivedFrom, doc });
  }
}

function sdkIntegration(derivation: Derivation, principal: PrincipalInfo, task: TaskState, service: string, operation: string): void {
  const prefix = SDK_SERVICE_PREFIX[service] ?? service;
  const name = operation[0].toUpperCase() + operation.slice(1);
  const derivedFrom = `${where(task.machine.address)} state ${task.name} (${task.resource})`;
  const action = actionData(actionOfOperation(prefix, name));
  if (action === undefined) {
    derivation.problems.push({ principal: principal.name, problem: `${derivedFrom}: ${prefix}:${name} is not an IAM action; add the SDK service to SDK_SERVICE_PREFIX or the operation to ACTION_OF_OPERATION` });
    return;
  }
  const parameters = withContextObject(task);
  const resources: Record<string, string> = {};
  const alternatives = ALTERNATIVE_RESOURCES[`${action.service}:${action.name}`];
  for (const type of action.resourceTypes) {
    const arn = resourceFromParameters(derivation, principal.region, action.service, type.name, parameters);
    if (arn !== undefined) {
      resources[type.name] = arn;
    } else if (alternatives?.includes(type.name) && alternatives.some((other) => resourceFromParameters(derivation, principal.region, action.service, other, parameters) !== undefined)) {
      // The request names one of the alternatives: the other is not part of it.
      continue;
    } else if (type.required) {
      // Created by the call, or chosen at run time: an identifier nobody knows before.
      resources[type.name] = fillFormat(derivation, principal.region, action.service, type.name, {});
    }
  }
  derivation.add(principal, {
    action: `${action.service}:${action.name}`,
    resources,
    purpose: `state ${task.name}: ${service}:${operation}`,
    derivedFrom,
    doc: "https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html",
  });
}

/**
 * Resource types of which a request names exactly one, though the Service Authorization
 * Reference marks each required: ListExecutions takes "either a mapRunArn or a
 * stateMachineArn, but not both" (https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html).
 */
const ALTERNATIVE_RESOURCES: Readonly<Record<string, readonly string[]>> = {
  "states:ListExecutions": ["maprun", "statemachine"],
};

/**
 * The task's parameters with the context object's fixed values filled in: `$$.StateMachine.Id`
 * is the ARN of the state machine running the task
 * (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html).
 */
function withContextObject(task: TaskState): Json {
  const out: Json = { ...task.parameters };
  for (const [key, value] of Object.entries(task.parameters)) {
    if (key.endsWith(".$") && value === "$$.StateMachine.Id") {
      out[key.slice(0, -2)] = task.machine.arn;
    }
  }
  return out;
}

/** An ARN format filled from literal parameters named like its variables; unknown ones get {@link unknownId}. */
function fillFormat(derivation: Derivation, region: string, service: string, type: string, parameters: Json): string {
  const format = resourceTypeData(service, type)?.arn ?? "";
  return format.replace(/\$\{([A-Za-z0-9]+)\}/g, (_whole, variable: string) => {
    if (variable === "Partition") {
      return "aws";
    }
    if (variable === "Region") {
      return region;
    }
    if (variable === "Account") {
      return derivation.account;
    }
    const value = Object.entries(parameters).find(([key]) => key.toLowerCase() === variable.toLowerCase())?.[1];
    return typeof value === "string" ? value : unknownId(variable);
  });
}

/** A resource of `type` named by the parameters: an ARN-valued parameter of that format, or variables by name. */
function resourceFromParameters(derivation: Derivation, region: string, service: string, type: string, parameters: Json): string | undefined {
  const format = resourceTypeData(service, type)?.arn;
  if (format === undefined) {
    return undefined;
  }
  const glob = format.replace(/\$\{Partition\}/g, "aws*").replace(/\$\{[A-Za-z0-9]+\}/g, "*");
  for (const value of Object.values(parameters)) {
    if (typeof value === "string" && value.startsWith("arn:") && globMatches(glob, value)) {
      return value;
    }
  }
  const variables = arnVariables(service, type).filter((variable) => !["Partition", "Region", "Account"].includes(variable));
  const named = variables.filter((variable) => Object.keys(parameters).some((key) => key.toLowerCase() === variable.toLowerCase() && typeof parameters[key] === "string"));
  return named.length > 0 && named.length === variables.length ? fillFormat(derivation, region, service, type, parameters) : undefined;
}

function ecsRunTask(derivation: Derivation, principal: PrincipalInfo, task: TaskState, sync: boolean): void {
  const derivedFrom = `${where(task.machine.address)} state ${task.name}`;
  const doc = "https://docs.aws.amazon.com/step-functions/latest/dg/ecs-iam.html";
  const definition = param(task.parameters, "TaskDefinition");
  const cluster = param(task.parameters, "Cluster");
  const clusterName = typeof cluster === "string" ? cluster.split("/").pop() ?? cluster : "default";
  let definitionArn: string;
  if (typeof definition === "string" && definition.startsWith("arn:")) {
    definitionArn = /:\d+$/.test(definition) ? definition : `${definition}:${unknownId("Revision")}`;
  } else if (typeof definition === "string") {
    definitionArn = `arn:aws:ecs:${principal.region}:${derivation.account}:task-definition/${definition.includes(":") ? definition : `${definition}:${unknownId("Revision")}`}`;
  } else {
    definitionArn = `arn:aws:ecs:${principal.region}:${derivation.account}:task-definition/${unknownId("Family")}:${unknownId("Revision")}`;
  }
  const clusterArn = typeof cluster === "string" && cluster.startsWith("arn:") ? cluster : `arn:aws:ecs:${principal.region}:${derivation.account}:cluster/${clusterName}`;
  derivation.add(principal, { action: "ecs:RunTask", resources: { "task-definition": definitionArn }, context: { "ecs:cluster": clusterArn }, purpose: `state ${task.name}: run ${definitionArn.split("/").pop()}`, derivedFrom, doc });
  // The task's roles are passed to ECS.
  const family = definitionArn.split("/").pop()?.split(":")[0];
  const taskDefinition = derivation.find("aws_ecs_task_definition").find(({ address }) => derivation.attempt(where(address), () => derivation.values.attribute(address, "family")) === family);
  if (taskDefinition !== undefined) {
    for (const roleArgument of ["execution_role_arn", "task_role_arn"]) {
      const role = derivation.role(taskDefinition.address.stack, taskDefinition.config[roleArgument], where(taskDefinition.address));
      if (role !== undefined) {
        derivation.add(principal, {
          action: "iam:PassRole",
          resources: { role: role.caller.arn },
          context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" },
          purpose: `state ${task.name}: pass ${role.caller.name} to the task`,
          derivedFrom,
          doc,
        });
      }
    }
  } else if (typeof definition === "string") {
    derivation.problems.push({ principal: principal.name, problem: `${derivedFrom}: task definition ${definition} is not one of the topology: its roles (iam:PassRole) cannot be checked` });
  }
  if (sync) {
    for (const action of ["ecs:StopTask", "ecs:DescribeTasks"]) {
      derivation.add(principal, { action, resources: { task: { ClusterName: clusterName, TaskId: unknownId("TaskId") } }, purpose: `state ${task.name}: follow the task`, derivedFrom, doc });
    }
    managedRule(derivation, principal, ECS_RULE, derivedFrom, doc);
  }
}

function distributedMap(derivation: Derivation, principal: PrincipalInfo, state: Json, name: string, machine: TaskState["machine"]): void {
  const derivedFrom = `${where(machine.address)} state ${name} (Distributed Map)`;
  const doc = "https://docs.aws.amazon.com/step-functions/latest/dg/iam-policies-eg-dist-map.html";
  derivation.add(principal, { action: "states:StartExecution", resources: { statemachine: machine.arn }, purpose: `state ${name}: start child workflow executions`, derivedFrom, doc });
  for (const action of ["states:DescribeExecution", "states:StopExecution"]) {
    derivation.add(principal, {
      action,
      resources: { execution: { StateMachineName: `${machine.name}/${name}`, ExecutionId: unknownId("ExecutionId") } },
      purpose: `state ${name}: follow child workflow executions`,
      derivedFrom,
      doc,
    });
  }
  const reader = state.ItemReader as Json | undefined;
  if (reader !== undefined && typeof reader.Resource === "string") {
    const parameters = ((reader.Parameters ?? reader.Arguments) as Json | undefined) ?? {};
    const bucket = typeof parameters.Bucket === "string" ? parameters.Bucket : unknownId("BucketName");
    const prefix = typeof parameters.Prefix === "string" ? parameters.Prefix : typeof parameters.Key === "string" ? parameters.Key : "";
    if (/s3:listObjectsV2$/.test(reader.Resource)) {
      derivation.add(principal, { action: "s3:ListBucket", resources: { bucket: { BucketName: bucket } }, context: prefix === "" ? {} : { "s3:prefix": prefix }, purpose: `state ${name}: list items`, derivedFrom, doc });
    } else if (/s3:getObject$/.test(reader.Resource)) {
      derivation.add(principal, { action: "s3:GetObject", resources: { object: { BucketName: bucket, ObjectName: prefix || unknownId("ObjectName") } }, purpose: `state ${name}: read items`, derivedFrom, doc });
    } else {
      derivation.problems.push({ principal: principal.name, problem: `${derivedFrom}: ItemReader ${reader.Resource} is not modelled` });
    }
  }
  const writer = state.ResultWriter as Json | undefined;
  if (writer !== undefined) {
    const parameters = ((writer.Parameters ?? writer.Arguments) as Json | undefined) ?? {};
    const bucket = typeof parameters.Bucket === "string" ? parameters.Bucket : unknownId("BucketName");
    const prefix = typeof parameters.Prefix === "string" ? parameters.Prefix : "";
    for (const action of ["s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"]) {
      derivation.add(principal, { action, resources: { object: { BucketName: bucket, ObjectName: `${prefix}${prefix === "" || prefix.endsWith("/") ? "" : "/"}${unknownId("ObjectName")}` } }, purpose: `state ${name}: write results`, derivedFrom, doc });
    }
  }
}

function walkStates(derivation: Derivation, principal: PrincipalInfo, states: Json, machine: TaskState["machine"]): void {
  for (const [name, raw] of Object.entries(states)) {
    const state = raw as Json;
    if (state.Type === "Task" && typeof state.Resource === "string") {
      const parameters = ((state.Parameters ?? state.Arguments) as Json | undefined) ?? {};
      const task: TaskState = { name, resource: state.Resource, parameters, machine };
      const integration = INTEGRATIONS.find((candidate) => candidate.pattern.test(task.resource));
      if (integration === undefined) {
        derivation.problems.push({ principal: principal.name, problem: `${where(machine.address)} state ${name}: Task resource ${task.resource} is not an integration the proof knows; add it to INTEGRATIONS in modules/iam-proof/principals/step-functions.ts` });
      } else {
        integration.calls(derivation, principal, task, integration.pattern.exec(task.resource) as RegExpExecArray);
      }
    }
    if (state.Type === "Parallel") {
      for (const branch of (state.Branches as Json[] | undefined) ?? []) {
        walkStates(derivation, principal, (branch.States as Json) ?? {}, machine);
      }
    }
    if (state.Type === "Map") {
      const processor = (state.ItemProcessor ?? state.Iterator) as Json | undefined;
      if ((processor?.ProcessorConfig as Json | undefined)?.Mode === "DISTRIBUTED") {
        distributedMap(derivation, principal, state, name, machine);
      }
      walkStates(derivation, principal, (processor?.States as Json) ?? {}, machine);
    }
  }
}

/** The calls of every state machine's role. */
export function deriveStateMachines(derivation: Derivation): void {
  for (const { address, config } of derivation.find("aws_sfn_state_machine")) {
    const label = where(address);
    const region = derivation.attempt(label, () => derivation.values.regionOf(address.stack));
    const role = derivation.role(address.stack, config.role_arn, label);
    const arn = derivation.attempt(label, () => derivation.values.attribute(address, "arn"));
    const name = derivation.attempt(label, () => derivation.values.attribute(address, "name"));
    if (region === undefined || role === undefined || arn === undefined || name === undefined) {
      continue;
    }
    const principal = derivation.principal({ name: `${role.caller.name} (role of state machine ${name})`, caller: role.caller, region, derivedFrom: label });
    derivation.assumedBy(role.caller, "states.amazonaws.com", region, label, { "aws:SourceArn": arn });
    const read = readJsonArgument(config.definition);
    if ("error" in read) {
      derivation.problems.push({ principal: principal.name, problem: `${label}: definition ${read.error}` });
      continue;
    }
    const definition = derivation.attempt(principal.name, () => derivation.values.resolveDeep(address.stack, read.document)) as Json | undefined;
    if (definition !== undefined) {
      walkStates(derivation, principal, (definition.States as Json) ?? {}, { address, arn, name });
    }
    const logging = blocks(config.logging_configuration)[0];
    if (logging !== undefined && logging.log_destination !== undefined && logging.level !== "OFF") {
      const doc = "https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html#cloudwatch-iam-policy";
      for (const action of ["logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"]) {
        derivation.add(principal, { action, purpose: "deliver execution logs to CloudWatch Logs", derivedFrom: `${label} logging_configuration`, doc });
      }
    }
    if (blocks(config.tracing_configuration)[0]?.enabled === true) {
      const doc = "https://docs.aws.amazon.com/step-functions/latest/dg/concepts-xray-tracing.html";
      for (const action of ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"]) {
        derivation.add(principal, { action, purpose: "X-Ray tracing", derivedFrom: `${label} tracing_configuration`, doc });
      }
    }
  }
}

