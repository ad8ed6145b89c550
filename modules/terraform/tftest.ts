import { createHash } from "node:crypto";

/**
 * Generates a `terraform test` file for one synthesized stack, so that every stack is planned
 * and applied offline against `mock_provider "aws"` with assertions derived from its own JSON:
 *
 * - plan run: every literal scalar attribute is planned with the value the stack declares, and
 *   every value read from another stack's outputs arrives unchanged (remote state is
 *   overridden with placeholder outputs derived from the upstream stacks' output blocks);
 * - apply run: every attribute that references another resource of the stack equals that
 *   resource's (mock) attribute after apply, remote-state values still arrive, and every
 *   output of the stack is set.
 */

/** A synthesized stack (`cdk.tf.json`), loosely typed. */
export interface StackJson {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly output?: Record<string, { value: unknown; sensitive?: boolean }>;
}

export interface Assertion {
  readonly condition: string;
  readonly error_message: string;
}

export interface GeneratedTest {
  /** The `.tftest.json` document. */
  readonly test: Record<string, unknown>;
  readonly planAssertions: number;
  readonly applyAssertions: number;
}

const REMOTE_REF = /^\$\{data\.terraform_remote_state\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)\}$/;
const LOCAL_REF = /^\$\{(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)\}$/;
const SKIPPED_KEYS = new Set(["//", "tags", "tags_all", "lifecycle", "depends_on", "provider", "count", "for_each", "timeouts"]);
const REMOTE_STATE_PREFIX = "cross-stack-reference-input-";

/** Account id used in mocked ARNs. */
export const MOCK_ACCOUNT = "123456789012";

/**
 * Mock defaults for the provider: the AWS provider validates ARN arguments even against mocked
 * values, so every resource type whose `arn` is referenced gets a well-formed mock ARN.
 */
export function mockProvider(stack: StackJson): Record<string, unknown> {
  const text = JSON.stringify(stack.resource ?? {});
  const region = ((stack as { provider?: { aws?: { region?: string }[] } }).provider?.aws?.[0]?.region) ?? "us-east-1";
  const types = new Set<string>();
  for (const match of text.matchAll(/(aws_[a-z0-9_]+)\.[A-Za-z0-9_-]+\.arn\b/g)) {
    types.add(match[1]);
  }
  const idTypes = new Set<string>();
  for (const match of text.matchAll(/(aws_[a-z0-9_]+)\.[A-Za-z0-9_-]+\.id\b/g)) {
    if (VALIDATED_ID_PREFIXES[match[1]] !== undefined) {
      idTypes.add(match[1]);
    }
  }
  const mocks = [...new Set([...types, ...idTypes])].sort().map((type) => {
    const defaults: Record<string, string> = {};
    if (types.has(type)) {
      const service = type.startsWith("aws_iam_") ? "iam" : type.startsWith("aws_cloudwatch_log") ? "logs" : type.replace(/^aws_/, "").split("_")[0];
      const arnRegion = service === "iam" || service === "s3" ? "" : region;
      const account = service === "s3" ? "" : MOCK_ACCOUNT;
      defaults.arn = `arn:aws:${service}:${arnRegion}:${account}:${type.replace(/^aws_/, "")}/mock`;
    }
    if (idTypes.has(type)) {
      defaults.id = `${VALIDATED_ID_PREFIXES[type]}0123456789abcdef0`;
    }
    return { [type]: { defaults } };
  });
  return mocks.length > 0 ? { mock_resource: mocks } : {};
}

/**
 * Resource types whose ids the provider validates by prefix where other resources take them
 * (a mocked random id would be rejected). Only these get a fixed mock id, so that wiring
 * assertions between resources of other types stay discriminating.
 */
const VALIDATED_ID_PREFIXES: Readonly<Record<string, string>> = {
  aws_launch_template: "lt-",
  aws_fsx_lustre_file_system: "fs-",
};

/** Name of the stack a `cross-stack-reference-input-<stack>` data source reads. */
export function upstreamStackOf(dataSourceName: string): string {
  if (!dataSourceName.startsWith(REMOTE_STATE_PREFIX)) {
    throw new Error(`remote state "${dataSourceName}" does not follow cdktf's cross-stack naming`);
  }
  return dataSourceName.slice(REMOTE_STATE_PREFIX.length);
}

/**
 * The placeholder an upstream output takes in tests: a list when the upstream output is a
 * list expression, otherwise a string that names its origin (so a mix-up is visible).
 */
export function placeholderFor(upstreamStack: string, outputName: string, upstreamValue: unknown): string | string[] {
  const digest = createHash("sha256").update(`${upstreamStack}/${outputName}`).digest("hex").slice(0, 10);
  const looksLikeList = Array.isArray(upstreamValue) || (typeof upstreamValue === "string" && /^\$\{\s*(\[|tolist\(|concat\()/.test(upstreamValue));
  // ARN arguments are validated even against mocks: ARN outputs get a well-formed ARN.
  const base = /arn$/.test(outputName) ? `arn:aws:iam::${MOCK_ACCOUNT}:role/mock-${upstreamStack}-${digest}` : `mock-${upstreamStack}-${digest}`;
  return looksLikeList ? [`${base}-0`, `${base}-1`] : base;
}

function hclString(value: string): string {
  return JSON.stringify(value).replace(/\$\{/g, "$${").replace(/%\{/g, "%%{");
}

function hclLiteral(value: string | number | boolean | string[]): string {
  if (Array.isArray(value)) {
    return `[${value.map(hclString).join(", ")}]`;
  }
  return typeof value === "string" ? hclString(value) : String(value);
}

/**
 * Builds the test for one stack. `upstreamOutputs(stack)` returns the `output` block of an
 * upstream stack (throws when the stack is unknown).
 */
export function generateStackTest(
  stackName: string,
  stack: StackJson,
  upstreamOutputs: (stack: string) => Record<string, { value: unknown }>,
): GeneratedTest {
  const overrides: Record<string, Record<string, string | string[]>> = {};
  const remoteValue = (source: string, output: string): string | string[] => {
    const outputs = (overrides[source] ??= {});
    if (outputs[output] === undefined) {
      const upstream = upstreamStackOf(source);
      const declared = upstreamOutputs(upstream)[output];
      if (declared === undefined) {
        throw new Error(`${stackName} reads output "${output}" that stack ${upstream} does not declare`);
      }
      outputs[output] = placeholderFor(upstream, output, declared.value);
    }
    return outputs[output];
  };

  const plan: Assertion[] = [];
  const apply: Assertion[] = [];
  for (const [type, resources] of Object.entries(stack.resource ?? {})) {
    for (const [name, body] of Object.entries(resources)) {
      const address = `${type}.${name}`;
      for (const [attribute, value] of Object.entries(body)) {
        if (SKIPPED_KEYS.has(attribute)) {
          continue;
        }
        if (typeof value === "string") {
          const remote = REMOTE_REF.exec(value);
          const local = LOCAL_REF.exec(value);
          if (remote !== null) {
            const expected = remoteValue(remote[1], remote[2]);
            if (typeof expected === "string") {
              const assertion = {
                condition: `\${${address}.${attribute} == ${hclLiteral(expected)}}`,
                error_message: `${address}.${attribute} does not carry output ${remote[2]} of ${upstreamStackOf(remote[1])}`,
              };
              plan.push(assertion);
              apply.push(assertion);
            }
          } else if (local !== null) {
            apply.push({
              condition: `\${${address}.${attribute} == ${local[1]}.${local[2]}.${local[3]}}`,
              error_message: `${address}.${attribute} is not wired to ${local[1]}.${local[2]}.${local[3]}`,
            });
          } else if (!value.includes("${")) {
            plan.push({
              condition: `\${${address}.${attribute} == ${hclLiteral(value)}}`,
              error_message: `${address}.${attribute} is not planned as declared`,
            });
          }
        } else if (typeof value === "number" || typeof value === "boolean") {
          plan.push({
            condition: `\${${address}.${attribute} == ${hclLiteral(value)}}`,
            error_message: `${address}.${attribute} is not planned as declared`,
          });
        }
      }
    }
  }
  for (const name of Object.keys(stack.output ?? {})) {
    apply.push({ condition: `\${output.${name} != null}`, error_message: `output ${name} is not set after apply` });
  }
  // Every remote state the stack declares is overridden, even if only read in blocks.
  const text = JSON.stringify(stack);
  for (const source of Object.keys(stack.data?.terraform_remote_state ?? {})) {
    overrides[source] ??= {};
    const pattern = new RegExp(`data\\.terraform_remote_state\\.${source}\\.outputs\\.([A-Za-z0-9_-]+)`, "g");
    for (const match of text.matchAll(pattern)) {
      remoteValue(source, match[1]);
    }
  }

  const test: Record<string, unknown> = {
    mock_provider: { aws: mockProvider(stack) },
    run: {
      plan: { command: "plan", assert: plan },
      apply: { command: "apply", assert: apply },
    },
  };
  const overrideBlocks = Object.entries(overrides).map(([source, outputs]) => ({
    target: `data.terraform_remote_state.${source}`,
    values: { outputs },
  }));
  if (overrideBlocks.length > 0) {
    test.override_data = overrideBlocks;
  }
  return { test, planAssertions: plan.length, applyAssertions: apply.length };
}
