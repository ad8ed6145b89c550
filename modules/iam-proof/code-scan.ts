/**
 * The AWS calls code makes, read from its source (not run):
 * - TypeScript: AWS SDK v3 `new XxxCommand(...)` of classes imported from `@aws-sdk/client-*`,
 *   and OpenSearch client calls (`client.indices.create(...)`, `transport.request({ method })`),
 *   whose HTTP methods are read from the installed `@opensearch-project/opensearch` itself;
 *   relative imports are followed from the entry files.
 * - Python: boto3 `client("svc")` operations (`client("s3").get_object(...)`, or through a
 *   variable), SigV4-signed HTTP requests (`SigV4Auth(..., "es", ...)` with `method="POST"`),
 *   and the ECS agent's task protection endpoint (`task-protection/v1/state`).
 * - Shell: `aws <service> <command>` lines (lifecycle scripts, container commands).
 * Literal string arguments (`Namespace="Proximate"`) are kept: they fill ARN variables and
 * condition keys.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** One call found in code, before it is mapped to IAM. */
export interface CodeCall {
  readonly kind: "sdk" | "http";
  /** SDK: the IAM service prefix; http: `es` (SigV4 service) or `ecs-agent`. */
  readonly service: string;
  /** SDK: the API operation in PascalCase (`ListObjectsV2`); http: the HTTP method. */
  readonly operation: string;
  /** Literal string arguments, by name. */
  readonly params: Readonly<Record<string, string>>;
  /** Names of every keyword argument (literal or not), e.g. `Namespace` of `Namespace=self.namespace`. */
  readonly named?: readonly string[];
  /** For HTTP calls: the request path when the code shows it (`/index/_search`). */
  readonly path?: string;
  /** `file:line` relative to the project. */
  readonly where: string;
}

/** SDK v3 client packages and boto3 client names -> IAM service prefix. */
export const SDK_SERVICE_PREFIX: Readonly<Record<string, string>> = {
  s3: "s3",
  sfn: "states",
  stepfunctions: "states",
  ecs: "ecs",
  ecr: "ecr",
  cloudwatch: "cloudwatch",
  "cloudwatch-logs": "logs",
  logs: "logs",
  opensearch: "es",
  es: "es",
  sts: "sts",
  iam: "iam",
  fsx: "fsx",
  lambda: "lambda",
  kms: "kms",
  sns: "sns",
  sqs: "sqs",
  ssm: "ssm",
  ec2: "ec2",
  "secrets-manager": "secretsmanager",
  secretsmanager: "secretsmanager",
  dynamodb: "dynamodb",
  "application-auto-scaling": "application-autoscaling",
  "application-autoscaling": "application-autoscaling",
  "auto-scaling": "autoscaling",
  autoscaling: "autoscaling",
  sagemaker: "sagemaker",
};

/**
 * API operations authorized by an IAM action of another name (the S3 API reference names the
 * permission of each operation, e.g. ListObjectsV2: "you must have s3:ListBucket").
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
 */
export const ACTION_OF_OPERATION: Readonly<Record<string, string>> = {
  "s3:ListObjectsV2": "s3:ListBucket",
  "s3:ListObjects": "s3:ListBucket",
  "s3:HeadBucket": "s3:ListBucket",
  "s3:HeadObject": "s3:GetObject",
  "s3:GetObjectAttributes": "s3:GetObject",
  "s3:CopyObject": "s3:PutObject",
  "s3:DeleteObjects": "s3:DeleteObject",
};

/** The IAM action of an API operation of a service prefix. */
export function actionOfOperation(prefix: string, operation: string): string {
  const action = `${prefix}:${operation}`;
  return ACTION_OF_OPERATION[action] ?? action;
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
    }
  }
  return line;
}

/** `{ Key: "value", ... }` / `Key="value"` literal string arguments in `text`. */
function literalParams(text: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const match of text.matchAll(/\b([A-Za-z_][A-Za-z0-9_]*)\s*[:=]\s*(["'])([^"'\n]*)\2/g)) {
    params[match[1]] = match[3];
  }
  return params;
}

/** Names of `Name=value` / `Name: value` arguments at the top level of `text`. */
function namedArguments(text: string): string[] {
  return [...text.matchAll(/(?:^|[,({]\s*)([A-Za-z_][A-Za-z0-9_]*)\s*[:=](?!=)/g)].map((match) => match[1]);
}

/** The text of a balanced `(...)` starting at `open`. */
function argumentText(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const char = text[i];
    if (char === "(") {
      depth++;
    } else if (char === ")") {
      depth--;
      if (depth === 0) {
        return text.slice(open + 1, i);
      }
    }
  }
  return text.slice(open + 1);
}

/** The TypeScript files an entry reaches through relative imports (and itself). */
export function typeScriptClosure(entries: readonly string[]): string[] {
  const seen = new Set<string>();
  const queue = entries.map((entry) => resolve(entry));
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (seen.has(file)) {
      continue;
    }
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["'](\.{1,2}\/[^"']+)["']/g)) {
      const base = resolve(dirname(file), match[1]);
      const candidate = [`${base}.ts`, join(base, "index.ts"), base].find((path) => existsSync(path) && path.endsWith(".ts"));
      if (candidate !== undefined) {
        queue.push(candidate);
      }
    }
  }
  return [...seen].sort();
}

const openSearchMethods = new Map<string, string[]>();

/** HTTP methods an OpenSearch client API sends, from the installed client's source (`const method = ...`). */
export function openSearchApiMethods(api: string): string[] {
  let methods = openSearchMethods.get(api);
  if (methods === undefined) {
    const parts = api.split(".");
    const root = dirname(require.resolve("@opensearch-project/opensearch/package.json"));
    const file = join(root, "api", ...(parts.length === 1 ? ["_core", parts[0]] : parts)) + ".js";
    methods = [];
    if (existsSync(file)) {
      const text = readFileSync(file, "utf8");
      const line = /const method = ([^;]+);/.exec(text)?.[1] ?? "";
      methods = [...new Set([...line.matchAll(/'([A-Z]+)'/g)].map((match) => match[1]))];
    }
    openSearchMethods.set(api, methods);
  }
  return methods;
}

/** Calls in TypeScript files (SDK v3 commands and OpenSearch client calls). */
export function scanTypeScript(files: readonly string[], projectDir: string): CodeCall[] {
  const calls: CodeCall[] = [];
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const where = (index: number) => `${relative(projectDir, file)}:${lineOf(text, index)}`;
    const imported = new Map<string, string>();
    for (const match of text.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*["']@aws-sdk\/client-([a-z0-9-]+)["']/g)) {
      for (const name of match[1].split(",").map((part) => part.trim().split(/\s+as\s+/).pop() ?? "")) {
        if (name.endsWith("Command")) {
          imported.set(name, match[2]);
        }
      }
    }
    for (const match of text.matchAll(/new\s+([A-Z][A-Za-z0-9]*)Command\s*\(/g)) {
      const client = imported.get(`${match[1]}Command`);
      if (client === undefined) {
        continue;
      }
      const open = (match.index ?? 0) + match[0].length - 1;
      calls.push({ kind: "sdk", service: SDK_SERVICE_PREFIX[client] ?? `?${client}`, operation: match[1], params: literalParams(argumentText(text, open)), where: where(match.index ?? 0) });
    }
    if (/from\s+["']@opensearch-project\/opensearch["']/.test(text)) {
      for (const match of text.matchAll(/\bclient\.(indices|cat|cluster|snapshot|ingest)\.([a-zA-Z]+)\s*\(/g)) {
        for (const method of openSearchApiMethods(`${match[1]}.${match[2]}`)) {
          calls.push({ kind: "http", service: "es", operation: method, params: {}, path: `/${match[1] === "indices" ? "index" : `_${match[1]}`}`, where: where(match.index ?? 0) });
        }
      }
      for (const match of text.matchAll(/\bclient\.(bulk|search|index|get|delete|update|count|msearch|mget|exists|deleteByQuery|updateByQuery)\s*\(/g)) {
        for (const method of openSearchApiMethods(match[1])) {
          calls.push({ kind: "http", service: "es", operation: method, params: {}, path: `/index/_${match[1]}`, where: where(match.index ?? 0) });
        }
      }
      for (const match of text.matchAll(/transport\.request\(\s*\{\s*method:\s*["']([A-Z]+)["'](?:\s*,\s*path:\s*`([^`]*)`)?/g)) {
        calls.push({ kind: "http", service: "es", operation: match[1], params: {}, path: (match[2] ?? "/index").replace(/\$\{[^}]*\}/g, "index"), where: where(match.index ?? 0) });
      }
    }
  }
  return calls;
}

function snakeToPascal(name: string): string {
  return name
    .split("_")
    .map((part) => (part === "" ? "" : part[0].toUpperCase() + part.slice(1)))
    .join("");
}

/** Calls in Python files (boto3 clients, SigV4-signed HTTP, the ECS agent's task protection endpoint). */
export function scanPython(files: readonly string[], projectDir: string): CodeCall[] {
  return files.flatMap((file) => scanPythonText(readFileSync(file, "utf8"), relative(projectDir, file)));
}

/** Calls in Python source text; `name` prefixes the line numbers in `where`. */
export function scanPythonText(text: string, name: string): CodeCall[] {
  const calls: CodeCall[] = [];
  const where = (index: number) => `${name}:${lineOf(text, index)}`;
  const clients = new Map<string, string>();
  for (const match of text.matchAll(/\b([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*[A-Za-z_][A-Za-z0-9_.]*\.client\(\s*["']([a-z0-9-]+)["']/g)) {
    clients.set(match[1], match[2]);
  }
  const record = (service: string, operation: string, open: number, index: number) => {
    const args = argumentText(text, open);
    calls.push({ kind: "sdk", service: SDK_SERVICE_PREFIX[service] ?? `?${service}`, operation: snakeToPascal(operation), params: literalParams(args), named: namedArguments(args), where: where(index) });
  };
  for (const match of text.matchAll(/\.client\(\s*["']([a-z0-9-]+)["'][^)]*\)\s*\.([a-z_][a-z0-9_]*)\s*\(/g)) {
    record(match[1], match[2], (match.index ?? 0) + match[0].length - 1, match.index ?? 0);
  }
  for (const [variable, service] of clients) {
    const pattern = new RegExp(`\\b${variable.replace(/\./g, "\\.")}\\.([a-z_][a-z0-9_]*)\\s*\\(`, "g");
    for (const match of text.matchAll(pattern)) {
      if (!["meta", "get_paginator", "get_waiter", "close", "can_paginate"].includes(match[1])) {
        record(service, match[1], (match.index ?? 0) + match[0].length - 1, match.index ?? 0);
      }
      if (match[1] === "get_paginator") {
        const operation = /^\s*\(\s*["']([a-z_0-9]+)["']/.exec(text.slice((match.index ?? 0) + match[0].length - 1))?.[1];
        if (operation !== undefined) {
          record(service, operation, (match.index ?? 0) + match[0].length - 1, match.index ?? 0);
        }
      }
    }
  }
  const sigv4 = /SigV4Auth\((?:[^()]|\([^()]*\))*?["']([a-z0-9-]+)["']/.exec(text);
  if (sigv4 !== null) {
    const paths = [...new Set([...text.matchAll(/f?["'](\/[^"'\s]*_[a-z_]+)["']/g)].map((match) => match[1].replace(/\{[^}]*\}/g, "index")))];
    for (const match of text.matchAll(/AWSRequest\(\s*method\s*=\s*["']([A-Z]+)["']/g)) {
      for (const path of paths.length > 0 ? paths : ["/"]) {
        calls.push({ kind: "http", service: sigv4[1], operation: match[1], params: {}, path, where: where(match.index ?? 0) });
      }
    }
  }
  calls.push(...taskProtectionCalls(text, where));
  return calls;
}

/**
 * The ECS agent's task scale-in protection endpoint (`$ECS_AGENT_URI/task-protection/v1/state`):
 * GET reads and PUT sets the protection, with the task role's credentials.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-scale-in-protection-endpoint.html
 */
function taskProtectionCalls(text: string, where: (index: number) => string): CodeCall[] {
  const calls: CodeCall[] = [];
  for (const match of text.matchAll(/task-protection\/v1\/state/g)) {
    const index = match.index ?? 0;
    // The request around the endpoint (its line and the lines either side): `requests.put(...)`, `method="GET"`, `curl -X PUT`.
    const lineStart = text.lastIndexOf("\n", index - 1);
    const start = lineStart <= 0 ? 0 : text.lastIndexOf("\n", lineStart - 1) + 1;
    const lineEnd = text.indexOf("\n", index);
    const end = lineEnd < 0 ? text.length : (text.indexOf("\n", lineEnd + 1) + 1 || text.length);
    const near = text.slice(start, end);
    const methods = new Set([...near.matchAll(/\b(?:method\s*=\s*["']|-X\s*|requests\.|httpx\.)(GET|PUT|get|put)\b/g)].map((m) => m[1].toUpperCase()));
    // The endpoint kept in a variable: the requests that use it.
    const variable = /(?:^|\n)\s*([A-Za-z_][A-Za-z0-9_]*)\s*=[^\n]*$/.exec(text.slice(0, index))?.[1];
    if (variable !== undefined) {
      for (const use of text.matchAll(new RegExp(`\\b(?:requests|httpx|session)\\.(get|put)\\(\\s*${variable}\\b`, "gi"))) {
        methods.add(use[1].toUpperCase());
      }
    }
    // A helper taking the method as an argument: the methods the file names.
    if (methods.size === 0) {
      [...text.matchAll(/["'](GET|PUT)["']/g)].forEach((literal) => methods.add(literal[1]));
    }
    for (const method of methods.size > 0 ? methods : new Set(["PUT"])) {
      calls.push({ kind: "http", service: "ecs-agent", operation: method, params: {}, path: "/task-protection/v1/state", where: where(index) });
    }
  }
  return calls;
}

/** `aws <service> <command> ...` lines of a shell script. */
export function scanShell(text: string, where: string): CodeCall[] {
  const calls: CodeCall[] = [];
  for (const match of text.matchAll(/(?:^|[\s;&|(])aws\s+([a-z0-9-]+)\s+([a-z0-9-]+)([^\n]*)/g)) {
    const [, service, command, rest] = match;
    calls.push({ kind: "sdk", service: `cli:${service}`, operation: command, params: { args: rest.trim() }, where });
  }
  return calls;
}
