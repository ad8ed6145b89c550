/**
 * Checks of every policy the topology writes (identity, resource and trust policies; not the
 * documents AWS supplies) against AWS's Service Authorization Reference:
 * - every action exists (a wildcard matches at least one action of an existing service);
 * - every Resource matches a resource type of an action of its statement, every action takes
 *   one of the statement's resources, and actions without resource types get `"*"`;
 * - every required resource type of an action a role is granted is covered by the role's
 *   statements for that action (e.g. fsx:CreateDataRepositoryTask needs the file system AND the
 *   task it creates);
 * - every condition operator is one AWS has and every condition key exists (and some action of
 *   the statement supports a service-specific key).
 */
import { conditionKeyExists, actionData, actionsOf, ActionData, actionSupportsConditionKey, requiredResourceGroups, resourceTypeData, serviceExists } from "./iam-data";
import { globMatches, patternsIntersect } from "./glob";
import { parseOperator } from "./conditions";
import { PolicyWorld } from "./policies";
import { describeStatement, Statement } from "./statements";

/** One problem of a policy. */
export interface Finding {
  readonly check: "unknown-action" | "resource-type" | "wildcard-only" | "required-resource" | "condition-operator" | "condition-key" | "unreadable-policy";
  readonly severity: "error" | "warning";
  /** The statement (or policy) it is about. */
  readonly where: string;
  readonly problem: string;
}

const expansions = new Map<string, ActionData[]>();

/** The actions an Action pattern matches (`ecr:*`, `logs:Describe*`, `s3:GetObject`); empty when none. */
export function expandAction(pattern: string): ActionData[] {
  let out = expansions.get(pattern.toLowerCase());
  if (out === undefined) {
    const colon = pattern.indexOf(":");
    if (pattern === "*" || colon < 0) {
      out = [];
    } else {
      const service = pattern.slice(0, colon);
      const name = pattern.slice(colon + 1);
      out = /[*?]/.test(name) ? actionsOf(service).filter((action) => globMatches(name, action.name, true)) : [actionData(pattern)].filter((action): action is ActionData => action !== undefined);
    }
    expansions.set(pattern.toLowerCase(), out);
  }
  return out;
}

function formats(action: ActionData): { type: string; arn: string }[] {
  return action.resourceTypes.map((type) => ({ type: type.name, arn: resourceTypeData(action.service, type.name)?.arn ?? "" })).filter((entry) => entry.arn !== "");
}

function takes(action: ActionData, resource: string): boolean {
  return resource === "*" || formats(action).some((format) => patternsIntersect(resource, format.arn));
}

function checkStatement(statement: Statement): Finding[] {
  const findings: Finding[] = [];
  const where = describeStatement(statement);
  const patterns = statement.actions ?? statement.notActions ?? [];
  const expanded: { pattern: string; actions: ActionData[] }[] = [];
  for (const pattern of patterns) {
    if (pattern === "*") {
      continue;
    }
    const colon = pattern.indexOf(":");
    if (colon < 0 || !serviceExists(pattern.slice(0, colon))) {
      findings.push({ check: "unknown-action", severity: "error", where, problem: `action ${pattern}: AWS has no service ${JSON.stringify(pattern.slice(0, Math.max(colon, 0)) || pattern)}` });
      continue;
    }
    const actions = expandAction(pattern);
    if (actions.length === 0) {
      findings.push({ check: "unknown-action", severity: "error", where, problem: `action ${pattern} is not an action of ${pattern.slice(0, colon)} (AWS's Service Authorization Reference)` });
      continue;
    }
    expanded.push({ pattern, actions });
  }

  if (statement.actions !== undefined && statement.resources !== undefined && statement.effect === "Allow") {
    const resources = statement.resources;
    for (const { pattern, actions } of expanded) {
      if (/[*?]/.test(pattern.split(":")[1] ?? "")) {
        continue;
      }
      const action = actions[0];
      if (action.resourceTypes.length === 0) {
        if (!resources.includes("*")) {
          findings.push({ check: "wildcard-only", severity: "error", where, problem: `${action.service}:${action.name} has no resource-level permissions: AWS matches it only against Resource "*", which the statement does not list` });
        }
        continue;
      }
      if (!resources.some((resource) => takes(action, resource))) {
        findings.push({
          check: "resource-type",
          severity: "error",
          where,
          problem: `${action.service}:${action.name} takes none of the statement's resources (${resources.join(", ")}); it takes ${formats(action).map((format) => `${format.type} ${format.arn}`).join("; ")}`,
        });
      }
    }
    const all = expanded.flatMap((entry) => entry.actions);
    if (all.length > 0) {
      for (const resource of resources) {
        if (resource !== "*" && !all.some((action) => action.resourceTypes.length > 0 && takes(action, resource))) {
          findings.push({ check: "resource-type", severity: "error", where, problem: `resource ${resource} matches no resource type of the statement's actions (${patterns.join(", ")})` });
        }
      }
    }
  }

  for (const [operator, keys] of Object.entries(statement.condition ?? {})) {
    if (parseOperator(operator) === undefined) {
      findings.push({ check: "condition-operator", severity: "error", where, problem: `condition operator ${operator} is not one AWS has (or the proof does not evaluate it)` });
    }
    for (const key of Object.keys(keys)) {
      if (!conditionKeyExists(key)) {
        findings.push({ check: "condition-key", severity: "error", where, problem: `condition key ${key} is not a global key nor a key of its service (AWS's Service Authorization Reference)` });
      } else if (!key.toLowerCase().startsWith("aws:")) {
        const actions = expanded.flatMap((entry) => entry.actions);
        if (actions.length > 0 && !actions.some((action) => actionSupportsConditionKey(action, key))) {
          findings.push({ check: "condition-key", severity: "warning", where, problem: `condition key ${key} is supported by none of the statement's actions (${patterns.join(", ")}): AWS ignores it there` });
        }
      }
    }
  }
  return findings;
}

/**
 * Required resource types: for every action a role's statements name explicitly, the Allow
 * statements naming it must cover one resource type of each required group.
 */
function checkRequiredResources(world: PolicyWorld): Finding[] {
  const findings: Finding[] = [];
  for (const role of world.roles.values()) {
    const own = role.identity.filter((statement) => statement.effect === "Allow" && statement.source.kind === "identity" && statement.actions !== undefined && statement.resources !== undefined);
    const actions = new Map<string, { action: ActionData; statements: Statement[] }>();
    for (const statement of own) {
      for (const pattern of statement.actions ?? []) {
        if (/[*?]/.test(pattern)) {
          continue;
        }
        const action = actionData(pattern);
        if (action !== undefined) {
          const key = `${action.service}:${action.name}`;
          actions.set(key, { action, statements: [...(actions.get(key)?.statements ?? []), statement] });
        }
      }
    }
    for (const [name, { action, statements }] of actions) {
      const granting = role.identity.filter((statement) => statement.effect === "Allow" && statement.actions?.some((pattern) => globMatches(pattern, name, true)));
      const resources = granting.flatMap((statement) => statement.resources ?? []);
      for (const group of requiredResourceGroups(action)) {
        const covered = resources.some((resource) => resource === "*" || group.some((type) => patternsIntersect(resource, resourceTypeData(action.service, type)?.arn ?? "")));
        if (!covered) {
          findings.push({
            check: "required-resource",
            severity: "error",
            where: statements.map(describeStatement).join("; "),
            problem: `${name} always touches a ${group.join(" or ")} (${group.map((type) => resourceTypeData(action.service, type)?.arn).join(" or ")}), which no statement of role ${role.name} grants (its resources: ${resources.join(", ")})`,
          });
        }
      }
    }
  }
  return findings;
}

/** Every finding of every policy the topology writes, and the policies the proof could not read. */
export function checkPolicies(world: PolicyWorld): Finding[] {
  const findings: Finding[] = [];
  for (const document of world.documents) {
    if (document.source.kind === "managed" || document.source.kind === "default") {
      continue;
    }
    for (const statement of document.statements) {
      findings.push(...checkStatement(statement));
    }
  }
  findings.push(...checkRequiredResources(world));
  for (const problem of world.problems) {
    const where = problem.source.stack === "aws" ? problem.source.address : `${problem.source.stack} ${problem.source.address}`;
    findings.push({ check: "unreadable-policy", severity: "error", where, problem: problem.problem });
  }
  return findings;
}
