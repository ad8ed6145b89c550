/**
 * Terraform values made concrete, the same way everywhere in the proof. A synthesized policy
 * says `"${aws_cloudwatch_log_group.logs.arn}:*"` or reads another stack's output through
 * `${data.terraform_remote_state.cross-stack-reference-input-<stack>.outputs.<output>}`; the
 * proof needs the ARN AWS will see. Every reference is followed (across stacks through the
 * remote state wiring, see ../reachability/references.ts) to the resource attribute it reads,
 * and the attribute is computed from the resource's own arguments with the ARN formats of the
 * IAM reference, in a symbolic account ({@link SYMBOLIC_ACCOUNT}). Identifiers AWS generates
 * (key ids, file system ids, the suffix of a `bucket_prefix`) are symbolic values derived from
 * the resource's address: stable, and equal wherever the same resource is referenced.
 */
import { createHash } from "node:crypto";
import { parseHclExpression } from "../guardrails/hcl";
import { Address, addressKey, References } from "../reachability/references";
import { Block, stackRegion, SynthOutput } from "../reachability/synth-output";
import { buildArn } from "./iam-data";

/** The account every ARN of the proof is in. */
export const SYMBOLIC_ACCOUNT = "123456789012";

/** Thrown when a value cannot be made concrete; the message says which expression and why. */
export class UnresolvedValue extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnresolvedValue";
  }
}

/** What an attribute getter may read of its resource. */
interface ResourceContext {
  readonly address: Address;
  readonly region: string;
  readonly account: string;
  /** A string argument of the resource, resolved; throws when absent. */
  arg(name: string): string;
  /** Like {@link arg}, undefined when absent. */
  optional(name: string): string | undefined;
  /** A symbolic identifier: `<prefix>` + `length` hex digits derived from the address. */
  symbolic(prefix: string, length: number): string;
  /** `name`, or `<name_prefix><symbolic suffix>` (AWS-generated names), as Terraform does. */
  nameOf(nameArg: string, prefixArg: string, suffixLength?: number): string;
}

type Getter = (r: ResourceContext) => string;

const arn =
  (service: string, type: string, variables: (r: ResourceContext) => Record<string, string>): Getter =>
  (r) =>
    buildArn(service, type, { Region: r.region, Account: r.account, ...variables(r) });

function uuid(r: ResourceContext): string {
  const hex = r.symbolic("", 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const roleName = (r: ResourceContext) => r.nameOf("name", "name_prefix");
const bucketName = (r: ResourceContext) => r.nameOf("bucket", "bucket_prefix", 26);
const logGroupName = (r: ResourceContext) => r.nameOf("name", "name_prefix");
const path = (r: ResourceContext) => (r.optional("path") ?? "/").replace(/^\//, "");
const fsxId = (r: ResourceContext) => r.symbolic("fs-", 17);
const taskFamily = (r: ResourceContext) => r.arg("family");
const clusterName = (r: ResourceContext) => r.arg("name");

/**
 * The attributes of resource types the proof follows, computed from their arguments. A type or
 * attribute not listed here cannot be resolved, and the proof says so instead of guessing.
 */
const ATTRIBUTES: Readonly<Record<string, Readonly<Record<string, Getter>>>> = {
  aws_iam_role: {
    name: roleName,
    id: roleName,
    arn: arn("iam", "role", (r) => ({ RoleNameWithPath: `${path(r)}${roleName(r)}` })),
    unique_id: (r) => `AROA${r.symbolic("", 17).toUpperCase()}`,
  },
  aws_iam_policy: {
    name: (r) => r.nameOf("name", "name_prefix"),
    arn: arn("iam", "policy", (r) => ({ PolicyNameWithPath: `${path(r)}${r.nameOf("name", "name_prefix")}` })),
    id: arn("iam", "policy", (r) => ({ PolicyNameWithPath: `${path(r)}${r.nameOf("name", "name_prefix")}` })),
  },
  aws_iam_instance_profile: {
    name: (r) => r.nameOf("name", "name_prefix"),
    id: (r) => r.nameOf("name", "name_prefix"),
    arn: arn("iam", "instance-profile", (r) => ({ InstanceProfileNameWithPath: `${path(r)}${r.nameOf("name", "name_prefix")}` })),
  },
  aws_s3_bucket: {
    bucket: bucketName,
    id: bucketName,
    arn: arn("s3", "bucket", (r) => ({ BucketName: bucketName(r) })),
    bucket_domain_name: (r) => `${bucketName(r)}.s3.amazonaws.com`,
    bucket_regional_domain_name: (r) => `${bucketName(r)}.s3.${r.region}.amazonaws.com`,
  },
  aws_kms_key: {
    key_id: uuid,
    id: uuid,
    arn: arn("kms", "key", (r) => ({ KeyId: uuid(r) })),
  },
  aws_kms_alias: {
    name: (r) => r.nameOf("name", "name_prefix"),
    id: (r) => r.nameOf("name", "name_prefix"),
    arn: arn("kms", "alias", (r) => ({ Alias: r.nameOf("name", "name_prefix").replace(/^alias\//, "") })),
  },
  aws_cloudwatch_log_group: {
    name: logGroupName,
    id: logGroupName,
    // The provider's `arn` has no trailing `:*` (AWS provider 4.0 upgrade guide).
    arn: arn("logs", "log-group", (r) => ({ LogGroupName: logGroupName(r) })),
  },
  aws_opensearch_domain: {
    domain_name: (r) => r.arg("domain_name"),
    arn: arn("es", "domain", (r) => ({ DomainName: r.arg("domain_name") })),
    id: arn("es", "domain", (r) => ({ DomainName: r.arg("domain_name") })),
    domain_id: (r) => `${r.account}/${r.arg("domain_name")}`,
    endpoint: (r) => `vpc-${r.arg("domain_name")}-${r.symbolic("", 26)}.${r.region}.es.amazonaws.com`,
  },
  aws_sfn_state_machine: {
    name: (r) => r.arg("name"),
    arn: arn("states", "statemachine", (r) => ({ StateMachineName: r.arg("name") })),
    id: arn("states", "statemachine", (r) => ({ StateMachineName: r.arg("name") })),
  },
  aws_lambda_function: {
    function_name: (r) => r.arg("function_name"),
    id: (r) => r.arg("function_name"),
    arn: arn("lambda", "function", (r) => ({ FunctionName: r.arg("function_name") })),
    qualified_arn: (r) => `${arn("lambda", "function", (c) => ({ FunctionName: c.arg("function_name") }))(r)}:$LATEST`,
  },
  aws_sns_topic: {
    owner: (r) => r.account,
    name: (r) => r.nameOf("name", "name_prefix"),
    arn: arn("sns", "topic", (r) => ({ TopicName: r.nameOf("name", "name_prefix") })),
    id: arn("sns", "topic", (r) => ({ TopicName: r.nameOf("name", "name_prefix") })),
  },
  aws_ecr_pull_through_cache_rule: {
    registry_id: (r) => r.account,
    id: (r) => r.arg("ecr_repository_prefix"),
  },
  aws_ecr_repository: {
    name: (r) => r.arg("name"),
    registry_id: (r) => r.account,
    arn: arn("ecr", "repository", (r) => ({ RepositoryName: r.arg("name") })),
    repository_url: (r) => `${r.account}.dkr.ecr.${r.region}.amazonaws.com/${r.arg("name")}`,
  },
  aws_fsx_lustre_file_system: {
    id: fsxId,
    owner_id: (r) => r.account,
    arn: arn("fsx", "file-system", (r) => ({ FileSystemId: fsxId(r) })),
    dns_name: (r) => `${fsxId(r)}.fsx.${r.region}.amazonaws.com`,
    mount_name: (r) => r.symbolic("", 8),
  },
  aws_ecs_cluster: {
    name: clusterName,
    arn: arn("ecs", "cluster", (r) => ({ ClusterName: clusterName(r) })),
    id: arn("ecs", "cluster", (r) => ({ ClusterName: clusterName(r) })),
  },
  aws_ecs_task_definition: {
    family: taskFamily,
    revision: () => "1",
    arn: arn("ecs", "task-definition", (r) => ({ TaskDefinitionFamilyName: taskFamily(r), TaskDefinitionRevisionNumber: "1" })),
    arn_without_revision: (r) => `arn:aws:ecs:${r.region}:${r.account}:task-definition/${taskFamily(r)}`,
  },
  aws_scheduler_schedule: {
    name: (r) => r.arg("name"),
    arn: arn("scheduler", "schedule", (r) => ({ GroupName: r.optional("group_name") ?? "default", ScheduleName: r.arg("name") })),
  },
  aws_cloudwatch_metric_alarm: {
    alarm_name: (r) => r.arg("alarm_name"),
    arn: arn("cloudwatch", "alarm", (r) => ({ AlarmName: r.arg("alarm_name") })),
  },
  aws_sagemaker_notebook_instance: {
    name: (r) => r.arg("name"),
    id: (r) => r.arg("name"),
    arn: arn("sagemaker", "notebook-instance", (r) => ({ NotebookInstanceName: r.arg("name").toLowerCase() })),
  },
  aws_sagemaker_notebook_instance_lifecycle_configuration: {
    name: (r) => r.arg("name"),
    arn: arn("sagemaker", "notebook-instance-lifecycle-config", (r) => ({ NotebookInstanceLifecycleConfigName: r.arg("name").toLowerCase() })),
  },
  aws_security_group: {
    owner_id: (r) => r.account,
    id: (r) => r.symbolic("sg-", 17),
    arn: arn("ec2", "security-group", (r) => ({ SecurityGroupId: r.symbolic("sg-", 17) })),
  },
  aws_subnet: {
    id: (r) => r.symbolic("subnet-", 17),
    arn: arn("ec2", "subnet", (r) => ({ SubnetId: r.symbolic("subnet-", 17) })),
  },
  aws_vpc: {
    owner_id: (r) => r.account,
    id: (r) => r.symbolic("vpc-", 17),
    arn: arn("ec2", "vpc", (r) => ({ VpcId: r.symbolic("vpc-", 17) })),
  },
  aws_instance: {
    id: (r) => r.symbolic("i-", 17),
    arn: arn("ec2", "instance", (r) => ({ InstanceId: r.symbolic("i-", 17) })),
  },
};

/** The types whose attributes the resolver knows. */
export const RESOLVABLE_TYPES: readonly string[] = Object.keys(ATTRIBUTES);

/** A reference inside an interpolation: `aws_x.y.attr[...]`, `data.t.n.attr...`. */
const REFERENCE = /^(data\.)?[A-Za-z][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*\.[A-Za-z_][A-Za-z0-9_-]*((?:\.[A-Za-z_][A-Za-z0-9_-]*|\[[^\]\s]+\])*)$/;
/** An IAM policy variable (`${aws:username}`), which is not Terraform's. */
const POLICY_VARIABLE = /^[A-Za-z0-9-]+:[A-Za-z][A-Za-z0-9/_-]*$/;
const MAX_DEPTH = 12;

/** The `${...}` interpolations of a string and the literal text between them. */
export function splitInterpolations(value: string): { readonly literal: boolean; readonly text: string }[] {
  const parts: { literal: boolean; text: string }[] = [];
  let position = 0;
  let literal = "";
  while (position < value.length) {
    if (value[position] === "$" && value[position + 1] === "{") {
      let depth = 0;
      let end = position + 1;
      let quoted = false;
      for (; end < value.length; end++) {
        const char = value[end];
        if (quoted) {
          if (char === "\\") {
            end++;
          } else if (char === '"') {
            quoted = false;
          }
        } else if (char === '"') {
          quoted = true;
        } else if (char === "{") {
          depth++;
        } else if (char === "}") {
          depth--;
          if (depth === 0) {
            break;
          }
        }
      }
      if (end >= value.length) {
        literal += value.slice(position);
        break;
      }
      if (literal !== "") {
        parts.push({ literal: true, text: literal });
        literal = "";
      }
      parts.push({ literal: false, text: value.slice(position + 2, end).trim() });
      position = end + 1;
    } else {
      literal += value[position];
      position++;
    }
  }
  if (literal !== "") {
    parts.push({ literal: true, text: literal });
  }
  return parts;
}

/** The top-level comma-separated arguments of a function call. */
function splitArguments(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === "\\") {
        i++;
      } else if (char === '"') {
        quoted = false;
      }
    } else if (char === '"') {
      quoted = true;
    } else if ("([{".includes(char)) {
      depth++;
    } else if (")]}".includes(char)) {
      depth--;
    } else if (char === "," && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (text.trim() !== "") {
    out.push(text.slice(start));
  }
  return out;
}

type Value = string | string[];

function str(value: Value, where: string): string {
  if (typeof value !== "string") {
    throw new UnresolvedValue(`${where}: a list where a string is expected`);
  }
  return value;
}

/**
 * Terraform functions whose result the proof computes (what our constructs write into policies:
 * the account of an ARN, an ARN of a sibling resource type).
 * https://developer.hashicorp.com/terraform/language/functions
 */
const FUNCTIONS: Readonly<Record<string, (args: Value[], where: string) => Value>> = {
  replace: ([value, search, replacement], where) => {
    const text = str(value, where);
    const pattern = str(search, where);
    const by = str(replacement, where);
    const regex = /^\/(.*)\/$/.exec(pattern);
    // A substring in slashes is a regular expression (RE2; `$1` refers to a group in both).
    return regex !== null ? text.replace(new RegExp(regex[1], "g"), by) : text.split(pattern).join(by);
  },
  split: ([separator, value], where) => str(value, where).split(str(separator, where)),
  element: ([list, index], where) => {
    if (!Array.isArray(list) || list.length === 0) {
      throw new UnresolvedValue(`${where}: element() of something that is not a list`);
    }
    return list[Number(str(index, where)) % list.length];
  },
  join: ([separator, list], where) => (Array.isArray(list) ? list.join(str(separator, where)) : str(list, where)),
  lower: ([value], where) => str(value, where).toLowerCase(),
  upper: ([value], where) => str(value, where).toUpperCase(),
  trimprefix: ([value, prefix], where) => {
    const text = str(value, where);
    const cut = str(prefix, where);
    return text.startsWith(cut) ? text.slice(cut.length) : text;
  },
  trimsuffix: ([value, suffix], where) => {
    const text = str(value, where);
    const cut = str(suffix, where);
    return text.endsWith(cut) ? text.slice(0, text.length - cut.length) : text;
  },
  format: ([spec, ...values], where) => {
    let index = 0;
    return str(spec, where).replace(/%[sd%]/g, (match) => (match === "%%" ? "%" : str(values[index++] ?? "", where)));
  },
};

/** Concrete values of a synthesized app. */
export class TerraformValues {
  public readonly refs: References;
  public readonly account: string;
  private readonly cache = new Map<string, string>();

  constructor(
    public readonly output: SynthOutput,
    options: { readonly account?: string } = {},
  ) {
    this.refs = new References(output);
    this.account = options.account ?? SYMBOLIC_ACCOUNT;
  }

  /** The Region of a stack's default AWS provider. */
  public regionOf(stack: string): string {
    const region = stackRegion(this.output.stacks.get(stack) ?? {});
    if (region === undefined) {
      throw new UnresolvedValue(`stack ${stack} has no AWS provider with a region`);
    }
    return region;
  }

  /** The arguments of a resource. */
  public resource(address: Address): Block | undefined {
    return this.refs.resource(address);
  }

  /** Every resource of `type` in every stack. */
  public resources(type: string): Generator<{ readonly address: Address; readonly config: Block }> {
    return this.refs.resources(type);
  }

  /** The resource a whole-string reference (in `stack`) reads, followed across stacks, or undefined. */
  public addressOf(stack: string, value: unknown, types?: readonly string[]): Address | undefined {
    const resolution = types === undefined ? this.refs.resolve(stack, value) : this.refs.resolveTo(stack, value, types);
    return resolution.ok ? { stack: resolution.ref.stack, type: resolution.ref.type, name: resolution.ref.name } : undefined;
  }

  /** Every `${...}` of a string made concrete; throws {@link UnresolvedValue}. */
  public resolveString(stack: string, value: string, depth = 0): string {
    if (!value.includes("${")) {
      return value;
    }
    if (depth > MAX_DEPTH) {
      throw new UnresolvedValue(`${JSON.stringify(value)} in stack ${stack} nests references more than ${MAX_DEPTH} deep`);
    }
    return splitInterpolations(value)
      .map((part) => (part.literal ? part.text : this.interpolation(stack, part.text, depth)))
      .join("");
  }

  /** A JSON-like value with every string made concrete; throws {@link UnresolvedValue}. */
  public resolveDeep(stack: string, value: unknown): unknown {
    if (typeof value === "string") {
      return this.resolveString(stack, value);
    }
    if (Array.isArray(value)) {
      return value.map((item) => this.resolveDeep(stack, item));
    }
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [this.resolveString(stack, key), this.resolveDeep(stack, item)]));
    }
    return value;
  }

  /** One attribute of a resource; throws {@link UnresolvedValue}. */
  public attribute(address: Address, attribute: string, depth = 0): string {
    const key = `${addressKey(address)}.${attribute}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) {
      return cached;
    }
    const config = this.resource(address);
    if (config === undefined) {
      throw new UnresolvedValue(`${address.type}.${address.name} does not exist in stack ${address.stack}`);
    }
    const getter = ATTRIBUTES[address.type]?.[attribute];
    let value: string;
    if (getter !== undefined) {
      value = getter(this.context(address, config, depth));
    } else if (typeof config[attribute] === "string") {
      value = this.resolveString(address.stack, config[attribute] as string, depth + 1);
    } else {
      throw new UnresolvedValue(`${address.type}.${address.name}.${attribute} (stack ${address.stack}) is computed by AWS and the proof does not model it`);
    }
    this.cache.set(key, value);
    return value;
  }

  private interpolation(stack: string, expression: string, depth: number): string {
    if (POLICY_VARIABLE.test(expression)) {
      return `\${${expression}}`;
    }
    const value = this.expression(stack, expression, depth);
    if (typeof value !== "string") {
      throw new UnresolvedValue(`\${${expression}} in stack ${stack} is a list, not a string`);
    }
    return value;
  }

  /** A reference, a quoted string, a number or a call of a function of {@link FUNCTIONS}. */
  private expression(stack: string, expression: string, depth: number): string | string[] {
    const text = expression.trim();
    if (REFERENCE.test(text)) {
      const resolution = this.refs.resolve(stack, `\${${text}}`);
      if (!resolution.ok) {
        throw new UnresolvedValue(resolution.reason);
      }
      const { ref } = resolution;
      return this.attribute({ stack: ref.stack, type: ref.type, name: ref.name }, ref.attribute, depth + 1);
    }
    if (/^"[\s\S]*"$/.test(text)) {
      let literal: unknown;
      try {
        literal = parseHclExpression(text);
      } catch (error) {
        throw new UnresolvedValue(`${text} in stack ${stack} is not a well-formed string (${(error as Error).message})`);
      }
      if (typeof literal === "string") {
        return this.resolveString(stack, literal, depth + 1);
      }
    }
    if (/^-?\d+$/.test(text)) {
      return text;
    }
    const call = /^([a-z_][a-z0-9_]*)\(([\s\S]*)\)$/.exec(text);
    const fn = call === null ? undefined : FUNCTIONS[call[1]];
    if (call === null || fn === undefined) {
      throw new UnresolvedValue(`\${${text}} in stack ${stack} is an expression the proof cannot evaluate (references, quoted strings and ${Object.keys(FUNCTIONS).join(", ")}() are)`);
    }
    const args = splitArguments(call[2]).map((argument) => this.expression(stack, argument, depth + 1));
    return fn(args, `\${${text}} in stack ${stack}`);
  }

  private context(address: Address, config: Block, depth: number): ResourceContext {
    const region = this.regionOf(address.stack);
    const optional = (name: string): string | undefined => {
      const value = config[name];
      if (value === undefined || value === null) {
        return undefined;
      }
      if (typeof value !== "string" && typeof value !== "number") {
        throw new UnresolvedValue(`${address.type}.${address.name}.${name} (stack ${address.stack}) is not a string`);
      }
      return this.resolveString(address.stack, String(value), depth + 1);
    };
    const symbolic = (prefix: string, length: number) => {
      const hex = createHash("sha256").update(addressKey(address)).digest("hex");
      return `${prefix}${hex.slice(0, length)}`;
    };
    return {
      address,
      region,
      account: this.account,
      optional,
      symbolic,
      arg: (name) => {
        const value = optional(name);
        if (value === undefined) {
          throw new UnresolvedValue(`${address.type}.${address.name} (stack ${address.stack}) has no ${name}`);
        }
        return value;
      },
      nameOf: (nameArg, prefixArg, suffixLength = 26) => {
        const name = optional(nameArg);
        if (name !== undefined) {
          return name;
        }
        const prefix = optional(prefixArg);
        if (prefix !== undefined) {
          return `${prefix}${symbolic("", suffixLength)}`;
        }
        throw new UnresolvedValue(`${address.type}.${address.name} (stack ${address.stack}) has neither ${nameArg} nor ${prefixArg}`);
      },
    };
  }
}
