/**
 * The calls of the code a principal runs (./code-sources.ts says which code), found by
 * ../code-scan.ts.
 *
 * A code call names an operation, rarely its resource: `new StartExecutionCommand({ stateMachineArn })`.
 * Its resources come from the principal's wiring, what the deployment tells the code: the
 * Lambda's environment and invocation inputs, the notebook's kernel environment, the Region's
 * datasets. Each resource type the action takes is filled from literal arguments that name an
 * ARN variable (`DomainName="..."`), else from the wiring's ARNs of that type, S3 locations
 * (buckets and objects) or OpenSearch domains (by endpoint).
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { actionData, arnVariables, conditionKeyExists, resourceTypeData } from "../iam-data";
import { globMatches } from "../glob";
import { actionOfOperation, CodeCall, scanPython, scanShell, scanTypeScript, typeScriptClosure } from "../code-scan";
import { Address } from "../../reachability/references";
import { CodeSource, CodeTarget } from "./code-sources";
import { Derivation, PrincipalInfo, S3Location, SYMBOLIC_OBJECT_KEY, unknownId } from "./context";

/** What the deployment tells a principal's code. */
export interface Wiring {
  /** ARNs the code is given (environment, invocation input, ...). */
  readonly arns: readonly string[];
  readonly s3: readonly S3Location[];
  /** OpenSearch domains the code reaches (by endpoint). */
  readonly domains: readonly string[];
  /** ECS cluster of a task (task protection). */
  readonly clusterName?: string;
  /**
   * Settings the code reads (environment variables, keys of JSON-valued ones; lower case): the
   * value of an argument the code passes from its configuration (`Namespace=self.namespace`).
   */
  readonly settings?: Readonly<Record<string, string>>;
  /**
   * Values a deploy-time invocation hands the code (`aws_lambda_invocation` input), with that
   * invocation: a call on such a resource happens while Terraform creates the invocation.
   */
  readonly invokedAtCreation?: ReadonlyMap<string, Address>;
  /**
   * Every input the deployment hands the code is in this wiring (a function's environment, its
   * deploy-time invocations and the payloads of the state machines invoking it; a task's
   * definition): a call whose resource must come from the inputs, and none names one, is never made.
   */
  readonly complete?: boolean;
}


/** The domains (ARNs) whose endpoints, names or ARNs appear in `strings`. */
export function domainsIn(derivation: Derivation, strings: readonly string[]): string[] {
  const out: string[] = [];
  for (const { address } of derivation.find("aws_opensearch_domain")) {
    const label = `${address.stack} ${address.type}.${address.name}`;
    const endpoint = derivation.attempt(label, () => derivation.values.attribute(address, "endpoint"));
    const name = derivation.attempt(label, () => derivation.values.attribute(address, "domain_name"));
    const arn = derivation.attempt(label, () => derivation.values.attribute(address, "arn"));
    if (arn !== undefined && strings.some((value) => (endpoint !== undefined && value.includes(endpoint)) || value === name || value === arn)) {
      out.push(arn);
    }
  }
  return out;
}

function pythonFiles(projectDir: string, paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (path: string) => {
    if (!existsSync(path)) {
      return;
    }
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) {
        walk(join(path, entry));
      }
    } else if (path.endsWith(".py")) {
      out.push(path);
    }
  };
  paths.forEach((path) => walk(resolve(projectDir, path)));
  return out;
}

const scanned = new Map<string, CodeCall[]>();

/** The calls of every code source matching `target` (scans are cached per source). */
export function codeCallsOf(projectDir: string, sources: readonly CodeSource[], target: CodeTarget): { readonly source: CodeSource; readonly calls: readonly CodeCall[] }[] {
  return sources.filter((source) => source.matches(target)).map((source) => {
    const key = JSON.stringify([projectDir, source.id, source.typescript, source.python]);
    let calls = scanned.get(key);
    if (calls === undefined) {
      const ts = (source.typescript ?? []).map((file) => resolve(projectDir, file)).filter((file) => existsSync(file));
      calls = [...scanTypeScript(ts.length > 0 ? typeScriptClosure(ts) : [], projectDir), ...scanPython(pythonFiles(projectDir, source.python ?? []), projectDir)];
      scanned.set(key, calls);
    }
    return { source, calls };
  });
}

/** Literal arguments that spell an ARN variable (`Bucket` is `BucketName`, `Key` is `ObjectName`). */
const PARAMETER_ALIASES: Readonly<Record<string, string>> = { bucket: "BucketName", key: "ObjectName", prefix: "ObjectName" };

function variableFromParams(params: Readonly<Record<string, string>>, variable: string): string | undefined {
  for (const [name, value] of Object.entries(params)) {
    if (name.toLowerCase() === variable.toLowerCase() || PARAMETER_ALIASES[name.toLowerCase()] === variable) {
      return value;
    }
  }
  return undefined;
}

/** The ARN format of a resource type as a glob (`${X}` is `*`). */
function formatGlob(service: string, type: string): string | undefined {
  return resourceTypeData(service, type)?.arn.replace(/\$\{Partition\}/g, "aws*").replace(/\$\{[A-Za-z0-9]+\}/g, "*");
}

/** Maps one code call to IAM calls of `principal`, binding resources from literal arguments and the wiring. */
export function addCodeCall(derivation: Derivation, principal: PrincipalInfo, call: CodeCall, wiring: Wiring, sourceId: string): void {
  const derivedFrom = `${call.where} (${sourceId})`;
  if (call.kind === "http" && call.service === "es") {
    const method = call.operation[0] + call.operation.slice(1).toLowerCase();
    if (wiring.domains.length === 0) {
      derivation.problems.push({ principal: principal.name, problem: `${derivedFrom} sends signed OpenSearch ${call.operation} requests, but no catalog domain endpoint reaches this principal's code` });
    }
    for (const domain of wiring.domains) {
      derivation.add(principal, {
        action: `es:ESHttp${method}`,
        resources: { domain: `${domain}${call.path ?? "/"}` },
        purpose: `OpenSearch ${call.operation} ${call.path ?? "/"}`,
        derivedFrom,
        doc: "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/ac.html",
      });
    }
    return;
  }
  if (call.kind === "http" && call.service === "ecs-agent") {
    const action = call.operation === "GET" ? "ecs:GetTaskProtection" : "ecs:UpdateTaskProtection";
    derivation.add(principal, {
      action,
      resources: { task: { ClusterName: wiring.clusterName ?? unknownId("ClusterName"), TaskId: unknownId("TaskId") } },
      context: wiring.clusterName === undefined ? {} : { "ecs:cluster": `arn:aws:ecs:${principal.region}:${derivation.account}:cluster/${wiring.clusterName}` },
      purpose: `task scale-in protection (${call.operation} ${call.path})`,
      derivedFrom,
      doc: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-scale-in-protection-endpoint.html",
    });
    return;
  }
  if (call.service.startsWith("?")) {
    derivation.problems.push({ principal: principal.name, problem: `${derivedFrom} calls ${call.operation} of an SDK client (${call.service.slice(1)}) whose IAM service prefix is unknown: add it to SDK_SERVICE_PREFIX in modules/iam-proof/code-scan.ts` });
    return;
  }
  const actionName = actionOfOperation(call.service, call.operation);
  const action = actionData(actionName);
  if (action === undefined) {
    derivation.problems.push({ principal: principal.name, problem: `${derivedFrom} calls ${call.service}:${call.operation}, which maps to no IAM action (${actionName}); add its permission to ACTION_OF_OPERATION in modules/iam-proof/code-scan.ts` });
    return;
  }
  const context: Record<string, string> = {};
  const configured = Object.fromEntries(
    (call.named ?? []).filter((name) => call.params[name] === undefined && wiring.settings?.[name.toLowerCase()] !== undefined).map((name) => [name, wiring.settings?.[name.toLowerCase()] as string]),
  );
  for (const [name, value] of Object.entries({ ...configured, ...call.params })) {
    const key = `${action.service}:${name.toLowerCase()}`;
    if (conditionKeyExists(key) && action.conditionKeys.some((listed) => listed.toLowerCase() === key)) {
      context[key] = value;
    }
  }
  // One call per candidate resource of its first resource type (e.g. one ListBucket per dataset).
  const variants = bindResources(derivation, principal.region, action.service, action.resourceTypes, call, wiring);
  // The resources the call acts on: the required types, and S3's bucket or object (the Service
  // Authorization Reference marks none of S3's required, though every S3 call names one).
  const named = action.resourceTypes.filter((type) => type.required || (action.service === "s3" && (type.name === "bucket" || type.name === "object")));
  const fromInputsOnly = named.length > 0 && named.every((type) => candidatesOf(derivation, principal.region, action.service, type.name, call, wiring).length === 0);
  if (wiring.complete === true && fromInputsOnly) {
    derivation.unreached.push({ principal: principal.name, problem: `${derivedFrom}: ${action.service}:${action.name} takes its ${named.map((type) => type.name).join("/")} from the code's inputs, and no input of this deployment names one` });
    return;
  }
  if (typeof variants === "string") {
    derivation.problems.push({ principal: principal.name, problem: `${derivedFrom}: ${action.service}:${action.name} ${variants}` });
    return;
  }
  for (const variant of variants) {
    const creating = Object.values(variant.resources)
      .map((arn) => wiring.invokedAtCreation?.get(arn))
      .find((address) => address !== undefined);
    derivation.add(principal, {
      action: `${action.service}:${action.name}`,
      resources: variant.resources,
      context: { ...context, ...variant.context },
      purpose: `${call.service}:${call.operation}${variant.label}${creating !== undefined ? ` (also while Terraform creates ${creating.type}.${creating.name})` : ""}`,
      derivedFrom,
      ...(creating !== undefined ? { checkedWhenCreating: creating } : {}),
    });
  }
}

type Variant = { resources: Record<string, string>; context: Record<string, string>; label: string };

function bindResources(derivation: Derivation, region: string, service: string, types: readonly { name: string; required: boolean }[], call: CodeCall, wiring: Wiring): Variant[] | string {
  if (types.length === 0) {
    return [{ resources: {}, context: {}, label: "" }];
  }
  let variants: Variant[] = [{ resources: {}, context: {}, label: "" }];
  for (const type of types) {
    const candidates = candidatesOf(derivation, region, service, type.name, call, wiring);
    if (candidates.length === 0) {
      if (type.required) {
        return `needs a ${type.name}, and neither its literal arguments nor the principal's wiring name one`;
      }
      continue;
    }
    variants = variants.flatMap((variant) =>
      candidates.map((candidate) => ({ resources: { ...variant.resources, [type.name]: candidate.arn }, context: { ...variant.context, ...candidate.context }, label: `${variant.label} ${candidate.label}` })),
    );
    if (!type.required) {
      break;
    }
  }
  return variants;
}

type Candidate = { arn: string; context: Record<string, string>; label: string };

function candidatesOf(derivation: Derivation, region: string, service: string, type: string, call: CodeCall, wiring: Wiring): Candidate[] {
  const variables = arnVariables(service, type);
  const literal = Object.fromEntries(variables.map((variable) => [variable, variableFromParams(call.params, variable)]).filter(([, value]) => value !== undefined)) as Record<string, string>;
  if (service === "s3" && (type === "bucket" || type === "object")) {
    const locations = literal.BucketName !== undefined ? [{ bucket: literal.BucketName, prefix: literal.ObjectName ?? "" }] : wiring.s3;
    return locations.map((location): Candidate => {
      const label = `s3://${location.bucket}${location.prefix === "" ? "" : `/${location.prefix}`}`;
      if (type === "bucket") {
        const context: Record<string, string> = location.prefix === "" ? {} : { "s3:prefix": `${location.prefix}/` };
        return { arn: `arn:aws:s3:::${location.bucket}`, context, label };
      }
      return { arn: `arn:aws:s3:::${location.bucket}/${location.prefix === "" ? "" : `${location.prefix}/`}${SYMBOLIC_OBJECT_KEY}`, context: {}, label };
    });
  }
  const glob = formatGlob(service, type);
  const fromWiring = glob === undefined ? [] : [...wiring.arns, ...wiring.domains].filter((arn) => globMatches(glob, arn));
  if (fromWiring.length > 0) {
    return fromWiring.map((arn) => ({ arn, context: {}, label: arn.split(/[:/]/).pop() ?? arn }));
  }
  if (variables.length > 0 && variables.every((variable) => ["Partition", "Region", "Account"].includes(variable) || literal[variable] !== undefined)) {
    const format = resourceTypeData(service, type)?.arn ?? "";
    const arn = format.replace(/\$\{([A-Za-z0-9]+)\}/g, (_whole, variable: string) =>
      variable === "Partition" ? "aws" : variable === "Region" ? region : variable === "Account" ? derivation.account : (literal[variable] as string),
    );
    return [{ arn, context: {}, label: Object.values(literal).join("/") }];
  }
  return [];
}

/** Adds the calls of every code source a target matches, and of its shell text (commands, scripts). */
export function addCodeCalls(derivation: Derivation, principal: PrincipalInfo, target: CodeTarget, wiring: Wiring, shell: readonly { text: string; where: string }[] = []): void {
  for (const { source, calls } of codeCallsOf(derivation.projectDir, derivation.codeSources, target)) {
    for (const call of calls) {
      addCodeCall(derivation, principal, call, wiring, source.id);
    }
  }
  for (const script of shell) {
    for (const call of scanShell(script.text, script.where)) {
      addCliCall(derivation, principal, call, wiring);
    }
    if (script.text.includes("task-protection/v1/state")) {
      const methods = [...new Set([...script.text.matchAll(/-X\s*(GET|PUT)\b/g)].map((match) => match[1]))];
      for (const method of methods.length > 0 ? methods : ["PUT"]) {
        addCodeCall(derivation, principal, { kind: "http", service: "ecs-agent", operation: method, params: {}, path: "/task-protection/v1/state", where: script.where }, wiring, "container command");
      }
    }
  }
}

/** `aws s3 cp s3://... dest`, `aws s3 ls`, `aws s3 sync`; other `aws <service> <command>` as `<service>:<Command>`. */
function addCliCall(derivation: Derivation, principal: PrincipalInfo, call: CodeCall, wiring: Wiring): void {
  const service = call.service.slice("cli:".length);
  const args = call.params.args ?? "";
  const uris = [...args.matchAll(/s3:\/\/[^\s'"]+/g)].map((match) => match[0]);
  if (service === "s3") {
    const [first] = uris;
    const firstArg = args.replace(/^['"]/, "");
    const reads = firstArg.startsWith("s3://") || call.operation === "ls";
    for (const uri of uris) {
      const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
      if (match === null) {
        continue;
      }
      const [, bucket, key] = match;
      if (call.operation === "cp" || call.operation === "mv") {
        const action = uri === first && reads ? "s3:GetObject" : "s3:PutObject";
        derivation.add(principal, { action, resources: { object: { BucketName: bucket, ObjectName: key } }, purpose: `aws s3 ${call.operation} ${uri}`, derivedFrom: call.where });
      } else if (call.operation === "ls" || call.operation === "sync") {
        derivation.add(principal, { action: "s3:ListBucket", resources: { bucket: { BucketName: bucket } }, context: key === "" ? {} : { "s3:prefix": key }, purpose: `aws s3 ${call.operation} ${uri}`, derivedFrom: call.where });
        if (call.operation === "sync" && uri === first) {
          derivation.add(principal, { action: "s3:GetObject", resources: { object: { BucketName: bucket, ObjectName: `${key}${key === "" || key.endsWith("/") ? "" : "/"}${SYMBOLIC_OBJECT_KEY}` } }, purpose: `aws s3 sync ${uri}`, derivedFrom: call.where });
        }
      }
    }
    return;
  }
  const operation = call.operation
    .split("-")
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join("");
  addCodeCall(derivation, principal, { kind: "sdk", service, operation, params: {}, where: call.where }, wiring, "shell");
}
