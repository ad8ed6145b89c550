/**
 * EventBridge Scheduler schedules: the schedule's role calls the target's API.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets.html
 */
import { actionOfOperation, SDK_SERVICE_PREFIX } from "../code-scan";
import { blocks, Derivation, unknownId, where } from "./context";

const DOC = "https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets.html";

/** The calls of every schedule's role. */
export function deriveSchedules(derivation: Derivation): void {
  for (const { address, config } of derivation.find("aws_scheduler_schedule")) {
    const label = where(address);
    const target = blocks(config.target)[0];
    const region = derivation.attempt(label, () => derivation.values.regionOf(address.stack));
    const scheduleArn = derivation.attempt(label, () => derivation.values.attribute(address, "arn"));
    const role = target === undefined ? undefined : derivation.role(address.stack, target.role_arn, label);
    const targetArn = target === undefined ? undefined : derivation.attempt(label, () => derivation.values.resolveString(address.stack, String(target.arn)));
    if (region === undefined || role === undefined || targetArn === undefined || scheduleArn === undefined) {
      continue;
    }
    const principal = derivation.principal({ name: `${role.caller.name} (role of schedule ${String(config.name ?? address.name)})`, caller: role.caller, region, derivedFrom: label });
    derivation.assumedBy(role.caller, "scheduler.amazonaws.com", region, label, { "aws:SourceArn": scheduleArn });
    const derivedFrom = `${label} target`;
    const universal = /^arn:aws[a-z-]*:scheduler:::aws-sdk:([a-z0-9]+):([a-zA-Z0-9]+)$/.exec(targetArn);
    if (universal !== null) {
      const operation = universal[2][0].toUpperCase() + universal[2].slice(1);
      derivation.add(principal, { action: actionOfOperation(SDK_SERVICE_PREFIX[universal[1]] ?? universal[1], operation), purpose: `universal target ${universal[1]}:${universal[2]}`, derivedFrom, doc: DOC });
    } else if (/:states:[^:]*:\d{12}:stateMachine:/.test(targetArn)) {
      derivation.add(principal, { action: "states:StartExecution", resources: { statemachine: targetArn }, purpose: `start ${targetArn.split(":").pop()}`, derivedFrom, doc: DOC });
    } else if (/:lambda:[^:]*:\d{12}:function:/.test(targetArn)) {
      derivation.add(principal, { action: "lambda:InvokeFunction", resources: { function: targetArn }, purpose: `invoke ${targetArn.split(":")[6]}`, derivedFrom, doc: DOC });
    } else if (/:sns:/.test(targetArn)) {
      derivation.add(principal, { action: "sns:Publish", resources: { topic: targetArn }, purpose: "publish", derivedFrom, doc: DOC });
    } else if (/:sqs:/.test(targetArn)) {
      derivation.add(principal, { action: "sqs:SendMessage", resources: { queue: targetArn }, purpose: "send a message", derivedFrom, doc: DOC });
    } else if (/:ecs:[^:]*:\d{12}:cluster\//.test(targetArn)) {
      const ecs = blocks(target?.ecs_parameters)[0];
      const definition = ecs === undefined ? undefined : derivation.attempt(label, () => derivation.values.resolveString(address.stack, String(ecs.task_definition_arn)));
      derivation.add(principal, {
        action: "ecs:RunTask",
        resources: { "task-definition": definition ?? `arn:aws:ecs:${region}:${derivation.account}:task-definition/${unknownId("Family")}:${unknownId("Revision")}` },
        context: { "ecs:cluster": targetArn },
        purpose: "run a task",
        derivedFrom,
        doc: DOC,
      });
    } else {
      derivation.problems.push({ principal: principal.name, problem: `${derivedFrom}: target ${targetArn} is not a target the proof models` });
    }
    const deadLetter = blocks(target?.dead_letter_config)[0]?.arn;
    if (deadLetter !== undefined) {
      const queue = derivation.attempt(label, () => derivation.values.resolveString(address.stack, String(deadLetter)));
      if (queue !== undefined) {
        derivation.add(principal, { action: "sqs:SendMessage", resources: { queue }, purpose: "dead-letter queue", derivedFrom, doc: DOC });
      }
    }
  }
}
