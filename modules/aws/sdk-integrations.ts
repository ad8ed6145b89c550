/**
 * Step Functions AWS SDK service integrations (`arn:aws:states:::aws-sdk:<service>:<action>`):
 * their parameters are the API request of the operation, member names in PascalCase as in the
 * service's API model. This module validates a task's `Parameters` against the request shape
 * of the model (required members, types, enums, lengths, patterns, list sizes), skipping members
 * whose name ends in `.$` (JSONPath / intrinsic: known only at run time), and applies the
 * documented semantics the model cannot express.
 *
 * Docs: https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
 * The shapes come from botocore's models (`api-models.generated.ts`, `npm run generate:aws-models`).
 */
import { API_OPERATIONS, ApiShape } from "./api-models.generated";
import { compilePattern } from "./names";

/**
 * The operations Proximate's state machines call, as `<botocore service>:<Operation>`. The
 * generator writes the request shapes of exactly these; a task calling another operation is
 * reported until it is added here and the table regenerated.
 */
export const SDK_INTEGRATION_OPERATIONS: readonly string[] = ["fsx:CreateDataRepositoryTask", "fsx:DescribeDataRepositoryTasks", "stepfunctions:ListExecutions"];

/**
 * Step Functions' service name in the integration ARN, where it differs from botocore's
 * directory name. Doc: the table of supported services in supported-services-awssdk.html.
 */
const SFN_SERVICE_TO_BOTOCORE: Readonly<Record<string, string>> = {
  sfn: "stepfunctions",
  cloudwatchlogs: "logs",
  eventbridge: "events",
  elasticloadbalancingv2: "elbv2",
  applicationautoscaling: "application-autoscaling",
};

const SDK_ARN = /^arn:aws[a-z-]*:states:::aws-sdk:([a-z0-9]+):([a-zA-Z0-9]+)(\.[a-zA-Z]+)?$/;

/** The botocore service and operation of an SDK integration `Resource`, or undefined for other resources. */
export function sdkOperation(resource: string): { readonly service: string; readonly operation: string; readonly key: string } | undefined {
  const match = SDK_ARN.exec(resource);
  if (match === null) {
    return undefined;
  }
  const service = SFN_SERVICE_TO_BOTOCORE[match[1]] ?? match[1];
  const operation = match[2].charAt(0).toUpperCase() + match[2].slice(1);
  return { service, operation, key: `${service}:${operation}` };
}

/** True for values only known when the task runs or when Terraform applies (`${...}`). */
function isDynamic(value: unknown): boolean {
  return typeof value === "string" && value.includes("${");
}

/** Problems of `value` against the request shape `shapeName` of `service`, each prefixed with its path. */
/** A model member's name as Step Functions takes it: first letter upper case. */
function pascalCase(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function validateShape(shapes: Readonly<Record<string, ApiShape>>, shapeName: string, value: unknown, path: string, problems: string[]): void {
  const shape = shapes[shapeName];
  if (shape === undefined) {
    problems.push(`${path}: the model has no shape ${shapeName}`);
    return;
  }
  if (isDynamic(value)) {
    return;
  }
  switch (shape.type) {
    case "structure": {
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        problems.push(`${path}: got ${JSON.stringify(value)}; allowed: an object (${shapeName})`);
        return;
      }
      const record = value as Record<string, unknown>;
      // "Parameters in Step Functions are expressed in PascalCase, even if the native service API
      // is in camelCase" (e.g. StateMachineArn for Step Functions' own stateMachineArn):
      // https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
      const members = Object.fromEntries(Object.entries(shape.members ?? {}).map(([name, member]) => [pascalCase(name), member]));
      for (const required of (shape.required ?? []).map(pascalCase)) {
        if (!(required in record) && !(`${required}.$` in record)) {
          problems.push(`${path}.${required}: is required by ${shapeName}`);
        }
      }
      for (const [key, memberValue] of Object.entries(record)) {
        const name = key.endsWith(".$") ? key.slice(0, -2) : key;
        const member = members[name];
        if (member === undefined) {
          const known = Object.keys(members);
          problems.push(`${path}.${name}: is not a member of ${shapeName}; allowed: ${known.join(", ")}`);
          continue;
        }
        if (!key.endsWith(".$")) {
          validateShape(shapes, member, memberValue, `${path}.${name}`, problems);
        }
      }
      return;
    }
    case "list": {
      if (!Array.isArray(value)) {
        problems.push(`${path}: got ${JSON.stringify(value)}; allowed: a list`);
        return;
      }
      if (shape.min !== undefined && value.length < shape.min) {
        problems.push(`${path}: has ${value.length} items; allowed: at least ${shape.min}`);
      }
      if (shape.max !== undefined && value.length > shape.max) {
        problems.push(`${path}: has ${value.length} items; allowed: at most ${shape.max}`);
      }
      value.forEach((item, index) => validateShape(shapes, shape.member ?? "", item, `${path}[${index}]`, problems));
      return;
    }
    case "map": {
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        problems.push(`${path}: got ${JSON.stringify(value)}; allowed: an object (map)`);
      }
      return;
    }
    case "string": {
      if (typeof value !== "string") {
        problems.push(`${path}: got ${JSON.stringify(value)}; allowed: a string`);
        return;
      }
      if (shape.enum !== undefined && !shape.enum.includes(value)) {
        problems.push(`${path}: got ${JSON.stringify(value)}; allowed: one of ${shape.enum.join(", ")}`);
      }
      if (shape.min !== undefined && value.length < shape.min) {
        problems.push(`${path}: got ${JSON.stringify(value)} (${value.length} characters); allowed: at least ${shape.min}`);
      }
      if (shape.max !== undefined && value.length > shape.max) {
        problems.push(`${path}: got ${value.length} characters; allowed: at most ${shape.max}`);
      }
      const regex = shape.pattern === undefined ? null : compilePattern(shape.pattern);
      if (regex !== null && !regex.test(value)) {
        problems.push(`${path}: got ${JSON.stringify(value)}; allowed: the pattern ${shape.pattern}`);
      }
      return;
    }
    case "boolean":
      if (typeof value !== "boolean") {
        problems.push(`${path}: got ${JSON.stringify(value)}; allowed: true or false`);
      }
      return;
    case "integer":
    case "long":
    case "float":
    case "double": {
      if (typeof value !== "number" || (shape.type !== "float" && shape.type !== "double" && !Number.isInteger(value))) {
        problems.push(`${path}: got ${JSON.stringify(value)}; allowed: a number (${shape.type})`);
        return;
      }
      if (shape.min !== undefined && value < shape.min) {
        problems.push(`${path}: got ${value}; allowed: at least ${shape.min}`);
      }
      if (shape.max !== undefined && value > shape.max) {
        problems.push(`${path}: got ${value}; allowed: at most ${shape.max}`);
      }
      return;
    }
    case "timestamp":
    case "blob":
    default:
      return;
  }
}

/**
 * Semantics the model cannot express, for the operations we call. Each returns problems.
 * CreateDataRepositoryTask `Paths`: "For import tasks, the list contains paths in the Amazon S3
 * bucket from which POSIX metadata changes are imported ... in the format s3://bucket-name/prefix";
 * for export and release tasks they are paths on the file system.
 * Doc: https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateDataRepositoryTask.html
 */
const SEMANTICS: Readonly<Record<string, (parameters: Readonly<Record<string, unknown>>) => string[]>> = {
  "fsx:CreateDataRepositoryTask": (parameters) => {
    const problems: string[] = [];
    const paths = parameters.Paths;
    if (!Array.isArray(paths)) {
      return problems;
    }
    const type = parameters.Type;
    paths.forEach((path, index) => {
      if (typeof path !== "string" || isDynamic(path)) {
        return;
      }
      if (type === "IMPORT_METADATA_FROM_REPOSITORY" && !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(path)) {
        problems.push(
          `Parameters.Paths[${index}]: got ${JSON.stringify(path)}; allowed: for IMPORT_METADATA_FROM_REPOSITORY an S3 URI s3://bucket[/prefix] of a data repository association (not a file system path)`,
        );
      }
      if ((type === "EXPORT_TO_REPOSITORY" || type === "RELEASE_DATA_FROM_FILESYSTEM") && path.startsWith("s3://")) {
        problems.push(`Parameters.Paths[${index}]: got ${JSON.stringify(path)}; allowed: for ${String(type)} a path on the file system`);
      }
    });
    return problems;
  },
};

/** The problems of an SDK integration task's `Parameters` (empty when AWS accepts them). */
export function validateSdkParameters(resource: string, parameters: unknown): string[] {
  const op = sdkOperation(resource);
  if (op === undefined) {
    return [];
  }
  const model = API_OPERATIONS[op.key];
  if (model === undefined) {
    return [`${op.key} has no request model here: add it to SDK_INTEGRATION_OPERATIONS (modules/aws/sdk-integrations.ts) and run npm run generate:aws-models`];
  }
  const problems: string[] = [];
  validateShape(model.shapes, model.input, parameters ?? {}, "Parameters", problems);
  if (parameters !== null && typeof parameters === "object" && !Array.isArray(parameters)) {
    problems.push(...(SEMANTICS[op.key]?.(parameters as Record<string, unknown>) ?? []));
  }
  return problems;
}
