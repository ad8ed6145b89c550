/**
 * Every policy of a synthesized app, concrete: the identity policies of each role (inline
 * `aws_iam_role_policy`, `inline_policy` blocks, `aws_iam_policy` attachments and AWS-managed
 * policies) and the resource policies of what the topology owns (S3 bucket policies, the
 * OpenSearch domain access policy, KMS key policies, SNS topic policies, CloudWatch Logs
 * resource policies, Lambda permissions, role trust policies), including the documents AWS
 * applies when none is set (default key and topic policies, AWS-managed keys).
 */
import { Address, addressKey } from "../reachability/references";
import { Block } from "../reachability/synth-output";
import { awsManagedKeyPolicy, defaultKeyPolicy, defaultTopicPolicy } from "./aws-defaults";
import { buildArn } from "./iam-data";
import { ManagedPolicies } from "./managed-policies";
import { PolicyProblem, PolicySource, readPolicy, Statement, statementsOf } from "./statements";
import { TerraformValues, UnresolvedValue } from "./terraform";

/** A role of the topology with everything that grants it permissions. */
export interface RoleNode {
  readonly address: Address;
  readonly name: string;
  readonly arn: string;
  /** Services its trust policy admits (`ecs-tasks.amazonaws.com`, ...). */
  readonly trustedServices: readonly string[];
  /** Identity statements of every policy the role holds. */
  readonly identity: readonly Statement[];
  /**
   * The resources that give the role each policy (the `aws_iam_role_policy`, the attachment,
   * the role itself for `inline_policy`): they must exist before anything AWS checks against it.
   */
  readonly grants: ReadonlyMap<PolicySource, readonly Address[]>;
}

/** What a resource policy governs: exact ARNs and ARNs below a prefix. */
export interface ResourcePolicy {
  readonly kind: "s3-bucket" | "opensearch-domain" | "kms-key" | "sns-topic" | "logs" | "lambda" | "trust";
  readonly arns: readonly string[];
  readonly prefixes: readonly string[];
  readonly statements: readonly Statement[];
}

/** A KMS key the topology uses: its own (customer managed) or an AWS-managed one. */
export interface KmsKey {
  readonly arn: string;
  readonly managedBy: "customer" | "aws";
  /** The alias it was named by (`alias/aws/sns`), when it was. */
  readonly alias?: string;
}

/** Every document of the app, for the static checks and the least-privilege report. */
export interface PolicyDocument {
  readonly source: PolicySource;
  readonly statements: readonly Statement[];
  /** Role ARNs holding it (identity documents). */
  readonly holders: readonly string[];
}

/** The policies of a synthesized app. */
export interface PolicyWorld {
  readonly values: TerraformValues;
  /** Roles by ARN. */
  readonly roles: ReadonlyMap<string, RoleNode>;
  readonly resourcePolicies: readonly ResourcePolicy[];
  /** KMS keys by ARN. */
  readonly keys: ReadonlyMap<string, KmsKey>;
  readonly documents: readonly PolicyDocument[];
  /** ARNs of resources the topology owns (bucket, domain, key, topic, log group, ...), for "external" resources. */
  readonly ownedArns: ReadonlySet<string>;
  readonly problems: readonly PolicyProblem[];
  /** The resolved KMS key a `kms_master_key_id`-style value names, or undefined. */
  keyOf(stack: string, value: unknown): KmsKey | undefined;
}

const OWNED_TYPES = [
  "aws_s3_bucket",
  "aws_opensearch_domain",
  "aws_kms_key",
  "aws_sns_topic",
  "aws_cloudwatch_log_group",
  "aws_lambda_function",
  "aws_sfn_state_machine",
  "aws_ecs_cluster",
  "aws_ecs_task_definition",
  "aws_fsx_lustre_file_system",
  "aws_iam_role",
  "aws_ecr_repository",
] as const;

function source(address: Address, kind: PolicySource["kind"], name?: string, note?: string): PolicySource {
  return { stack: address.stack, address: `${address.type}.${address.name}`, kind, ...(name !== undefined ? { name } : {}), ...(note !== undefined ? { note } : {}) };
}

function list(value: unknown): unknown[] {
  return value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
}

function blocks(value: unknown): Block[] {
  return list(value).filter((item): item is Block => item !== null && typeof item === "object" && !Array.isArray(item));
}

/** Collects every policy of the app. */
export function collectPolicies(values: TerraformValues, managed: ManagedPolicies): PolicyWorld {
  const problems: PolicyProblem[] = [];
  const documents: PolicyDocument[] = [];
  const resourcePolicies: ResourcePolicy[] = [];
  const keys = new Map<string, KmsKey>();
  const ownedArns = new Set<string>();
  const account = values.account;
  // One read per policy document, however many roles hold it.
  const reads = new Map<PolicySource, ReturnType<typeof readPolicy>>();

  const attempt = <T>(where: PolicySource, fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (error) {
      if (error instanceof UnresolvedValue) {
        problems.push({ source: where, problem: error.message });
        return undefined;
      }
      throw error;
    }
  };

  for (const type of OWNED_TYPES) {
    for (const { address } of values.resources(type)) {
      const arn = attempt(source(address, "resource"), () => values.attribute(address, "arn"));
      if (arn !== undefined) {
        ownedArns.add(arn);
      }
    }
  }

  const customerPolicies = new Map<string, { address: Address; config: Block; where: PolicySource }>();
  for (const { address, config } of values.resources("aws_iam_policy")) {
    const arn = attempt(source(address, "identity"), () => values.attribute(address, "arn"));
    if (arn !== undefined) {
      customerPolicies.set(arn, { address, config, where: source(address, "identity", typeof config.name === "string" ? config.name : undefined) });
    }
  }
  const managedSources = new Map<string, PolicySource>();

  // Roles and their trust policies.
  type MutableRole = { address: Address; name: string; arn: string; trustedServices: string[]; identity: Statement[]; grants: Map<PolicySource, Address[]> };
  const roleByKey = new Map<string, MutableRole>();
  for (const { address, config } of values.resources("aws_iam_role")) {
    const where = source(address, "trust");
    const name = attempt(where, () => values.attribute(address, "name"));
    const arn = attempt(where, () => values.attribute(address, "arn"));
    if (name === undefined || arn === undefined) {
      continue;
    }
    const trust = readPolicy(values, address.stack, config.assume_role_policy, where);
    const trustStatements = "problem" in trust ? [] : trust.statements;
    if ("problem" in trust) {
      problems.push({ source: where, problem: `assume_role_policy ${trust.problem}` });
    }
    resourcePolicies.push({ kind: "trust", arns: [arn], prefixes: [], statements: trustStatements });
    documents.push({ source: where, statements: trustStatements, holders: [] });
    const trustedServices = trustStatements.filter((s) => s.effect === "Allow").flatMap((s) => s.principal?.service ?? []);
    const role: MutableRole = { address, name, arn, trustedServices, identity: [], grants: new Map() };
    roleByKey.set(addressKey(address), role);
    for (const [index, inline] of blocks(config.inline_policy).entries()) {
      addIdentity(role, source(address, "identity", String(inline.name ?? `inline_policy ${index + 1}`)), inline.policy, address);
    }
    for (const policyArn of list(config.managed_policy_arns)) {
      attachPolicy(role, address.stack, policyArn, source(address, "identity"), address);
    }
  }

  function roleOf(stack: string, value: unknown, where: PolicySource): ReturnType<typeof roleByKey.get> {
    const address = values.addressOf(stack, value, ["aws_iam_role"]);
    if (address !== undefined) {
      return roleByKey.get(addressKey(address));
    }
    if (typeof value === "string" && !value.includes("${")) {
      const byName = [...roleByKey.values()].find((role) => role.name === value || role.arn === value);
      if (byName !== undefined) {
        return byName;
      }
    }
    problems.push({ source: where, problem: `role ${JSON.stringify(value)} is not a role of the topology` });
    return undefined;
  }

  function grant(role: MutableRole, where: PolicySource, holder: Address): void {
    role.grants.set(where, [...(role.grants.get(where) ?? []), holder]);
  }

  function addIdentity(role: MutableRole, where: PolicySource, argument: unknown, holder: Address, stack = where.stack): void {
    let read = reads.get(where);
    if (read === undefined) {
      read = readPolicy(values, stack, argument, where);
      reads.set(where, read);
      if ("problem" in read) {
        problems.push({ source: where, problem: `policy ${read.problem}` });
      }
    }
    if ("problem" in read) {
      return;
    }
    const first = !role.grants.has(where);
    grant(role, where, holder);
    if (!first) {
      return;
    }
    role.identity.push(...read.statements);
    const existing = documents.find((document) => document.source === where);
    if (existing !== undefined) {
      (existing.holders as string[]).push(role.arn);
    } else {
      documents.push({ source: where, statements: read.statements, holders: [role.arn] });
    }
  }


  function attachPolicy(role: MutableRole, stack: string, policyArnValue: unknown, where: PolicySource, holder: Address): void {
    const policyArn = attempt(where, () => (typeof policyArnValue === "string" ? values.resolveString(stack, policyArnValue) : undefined));
    if (policyArn === undefined) {
      problems.push({ source: where, problem: `policy_arn ${JSON.stringify(policyArnValue)} cannot be read` });
      return;
    }
    const customer = customerPolicies.get(policyArn);
    if (customer !== undefined) {
      addIdentity(role, customer.where, customer.config.policy, holder, customer.address.stack);
      return;
    }
    const policy = managed.byArn.get(policyArn);
    if (policy === undefined) {
      problems.push({ source: where, problem: `attaches ${policyArn}, which is neither a policy of the topology nor an AWS-managed policy known to ${managed.file}` });
      return;
    }
    let managedSource = managedSources.get(policyArn);
    if (managedSource === undefined) {
      managedSource = { stack: "aws", address: policyArn, name: policy.name, kind: "managed", note: `AWS-managed, version ${policy.versionId}` };
      managedSources.set(policyArn, managedSource);
    }
    const read = statementsOf(policy.document, managedSource);
    if ("problem" in read) {
      problems.push({ source: managedSource, problem: read.problem });
      return;
    }
    grant(role, managedSource, holder);
    if (role.grants.get(managedSource)!.length > 1) {
      return;
    }
    role.identity.push(...read.statements);
    const existing = documents.find((document) => document.source === managedSource);
    if (existing !== undefined) {
      (existing.holders as string[]).push(role.arn);
    } else {
      documents.push({ source: managedSource, statements: read.statements, holders: [role.arn] });
    }
  }

  for (const { address, config } of values.resources("aws_iam_role_policy")) {
    const where = source(address, "identity", typeof config.name === "string" ? config.name : undefined);
    const role = roleOf(address.stack, config.role, where);
    if (role !== undefined) {
      addIdentity(role, where, config.policy, address, address.stack);
    }
  }
  for (const { address, config } of values.resources("aws_iam_role_policy_attachment")) {
    const where = source(address, "identity");
    const role = roleOf(address.stack, config.role, where);
    if (role !== undefined) {
      attachPolicy(role, address.stack, config.policy_arn, where, address);
    }
  }
  for (const { address, config } of values.resources("aws_iam_policy_attachment")) {
    const where = source(address, "identity");
    for (const roleValue of list(config.roles)) {
      const role = roleOf(address.stack, roleValue, where);
      if (role !== undefined) {
        attachPolicy(role, address.stack, config.policy_arn, where, address);
      }
    }
  }

  // Resource policies.
  const addResourcePolicy = (kind: ResourcePolicy["kind"], where: PolicySource, stack: string, argument: unknown, arns: string[], prefixes: string[], parsed?: unknown) => {
    const read = parsed !== undefined ? statementsOf(parsed, where) : readPolicy(values, stack, argument, where);
    if ("problem" in read) {
      problems.push({ source: where, problem: `policy ${read.problem}` });
      return;
    }
    resourcePolicies.push({ kind, arns, prefixes, statements: read.statements });
    documents.push({ source: where, statements: read.statements, holders: [] });
  };

  for (const { address, config } of values.resources("aws_s3_bucket_policy")) {
    const where = source(address, "resource");
    const bucket = values.addressOf(address.stack, config.bucket, ["aws_s3_bucket"]);
    const arn = attempt(where, () => (bucket !== undefined ? values.attribute(bucket, "arn") : buildArn("s3", "bucket", { Partition: "aws", BucketName: values.resolveString(address.stack, String(config.bucket)) })));
    if (arn !== undefined) {
      addResourcePolicy("s3-bucket", where, address.stack, config.policy, [arn], [`${arn}/`]);
    }
  }

  const domainPolicies = new Set<string>();
  for (const { address, config } of values.resources("aws_opensearch_domain_policy")) {
    const where = source(address, "resource");
    const domain = values.addressOf(address.stack, config.domain_name, ["aws_opensearch_domain"]);
    const arn = attempt(where, () =>
      domain !== undefined
        ? values.attribute(domain, "arn")
        : buildArn("es", "domain", { Region: values.regionOf(address.stack), Account: account, DomainName: values.resolveString(address.stack, String(config.domain_name)) }),
    );
    if (arn !== undefined) {
      domainPolicies.add(arn);
      addResourcePolicy("opensearch-domain", where, address.stack, config.access_policies, [arn], [`${arn}/`]);
    }
  }
  for (const { address, config } of values.resources("aws_opensearch_domain")) {
    const arn = attempt(source(address, "resource"), () => values.attribute(address, "arn"));
    if (arn !== undefined && config.access_policies !== undefined && !domainPolicies.has(arn)) {
      addResourcePolicy("opensearch-domain", source(address, "resource"), address.stack, config.access_policies, [arn], [`${arn}/`]);
    }
  }

  const keyPolicies = new Map<string, { address: Address; argument: unknown }>();
  for (const { address, config } of values.resources("aws_kms_key_policy")) {
    const key = values.addressOf(address.stack, config.key_id, ["aws_kms_key"]);
    if (key !== undefined) {
      keyPolicies.set(addressKey(key), { address, argument: config.policy });
    }
  }
  for (const { address, config } of values.resources("aws_kms_key")) {
    const where = source(address, "resource");
    const arn = attempt(where, () => values.attribute(address, "arn"));
    if (arn === undefined) {
      continue;
    }
    keys.set(arn, { arn, managedBy: "customer" });
    const separate = keyPolicies.get(addressKey(address));
    if (separate !== undefined) {
      addResourcePolicy("kms-key", source(separate.address, "resource"), separate.address.stack, separate.argument, [arn], []);
    } else if (config.policy !== undefined) {
      addResourcePolicy("kms-key", where, address.stack, config.policy, [arn], []);
    } else {
      addResourcePolicy("kms-key", { ...where, kind: "default", note: "no policy set: AWS applies the default key policy" }, address.stack, undefined, [arn], [], defaultKeyPolicy(account));
    }
  }

  const topicPolicies = new Map<string, { address: Address; argument: unknown }>();
  for (const { address, config } of values.resources("aws_sns_topic_policy")) {
    const topic = values.addressOf(address.stack, config.arn, ["aws_sns_topic"]);
    if (topic !== undefined) {
      topicPolicies.set(addressKey(topic), { address, argument: config.policy });
    }
  }
  for (const { address, config } of values.resources("aws_sns_topic")) {
    const where = source(address, "resource");
    const arn = attempt(where, () => values.attribute(address, "arn"));
    if (arn === undefined) {
      continue;
    }
    const separate = topicPolicies.get(addressKey(address));
    if (separate !== undefined) {
      addResourcePolicy("sns-topic", source(separate.address, "resource"), separate.address.stack, separate.argument, [arn], []);
    } else if (config.policy !== undefined) {
      addResourcePolicy("sns-topic", where, address.stack, config.policy, [arn], []);
    } else {
      addResourcePolicy("sns-topic", { ...where, kind: "default", note: "no policy set: AWS applies the default topic policy" }, address.stack, undefined, [arn], [], defaultTopicPolicy(arn, account));
    }
  }

  for (const { address, config } of values.resources("aws_cloudwatch_log_resource_policy")) {
    const where = source(address, "resource", typeof config.policy_name === "string" ? config.policy_name : undefined);
    const region = attempt(where, () => values.regionOf(address.stack));
    if (region !== undefined) {
      addResourcePolicy("logs", where, address.stack, config.policy_document, [], [`arn:aws:logs:${region}:${account}:`]);
    }
  }

  for (const { address, config } of values.resources("aws_lambda_permission")) {
    const where = source(address, "resource");
    const document = attempt(where, () => lambdaPermissionDocument(values, address, config));
    if (document !== undefined) {
      addResourcePolicy("lambda", where, address.stack, undefined, [document.arn], [`${document.arn}:`], document.policy);
    }
  }

  const keyOf = (stack: string, value: unknown): KmsKey | undefined => {
    if (value === undefined || value === null) {
      return undefined;
    }
    const key = values.addressOf(stack, value, ["aws_kms_key"]);
    if (key !== undefined) {
      return keys.get(values.attribute(key, "arn"));
    }
    const alias = values.addressOf(stack, value, ["aws_kms_alias"]);
    if (alias !== undefined) {
      const target = values.resource(alias);
      return target === undefined ? undefined : keyOf(alias.stack, target.target_key_id);
    }
    const text = values.resolveString(stack, String(value));
    const region = values.regionOf(stack);
    const awsAlias = /^(?:arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:)?alias\/aws\/([a-z0-9-]+)$/.exec(text);
    if (awsAlias !== null) {
      return awsManagedKey(awsAlias[1], region);
    }
    const direct = keys.get(text) ?? [...keys.values()].find((candidate) => candidate.arn.endsWith(`:key/${text}`));
    return direct;
  };

  const awsManagedKey = (service: string, region: string): KmsKey => {
    const arn = buildArn("kms", "key", { Region: region, Account: account, KeyId: `aws-managed-${service}` });
    let key = keys.get(arn);
    if (key === undefined) {
      key = { arn, managedBy: "aws", alias: `alias/aws/${service}` };
      keys.set(arn, key);
      const where: PolicySource = { stack: "aws", address: `alias/aws/${service} (${region})`, kind: "default", note: "AWS-managed key: its key policy cannot be changed" };
      addResourcePolicy("kms-key", where, "aws", undefined, [arn], [], awsManagedKeyPolicy(service, region, account));
    }
    return key;
  };

  const roles = new Map<string, RoleNode>();
  for (const role of roleByKey.values()) {
    roles.set(role.arn, role);
  }
  return { values, roles, resourcePolicies, keys, documents, ownedArns, problems, keyOf };
}

/** The statement AWS adds to a function's policy for an `aws_lambda_permission`. */
function lambdaPermissionDocument(values: TerraformValues, address: Address, config: Block): { arn: string; policy: unknown } {
  const fn = values.addressOf(address.stack, config.function_name, ["aws_lambda_function"]);
  const functionArn =
    fn !== undefined
      ? values.attribute(fn, "arn")
      : (() => {
          const name = values.resolveString(address.stack, String(config.function_name));
          return name.startsWith("arn:") ? name : buildArn("lambda", "function", { Region: values.regionOf(address.stack), Account: values.account, FunctionName: name });
        })();
  const resource = config.qualifier !== undefined ? `${functionArn}:${values.resolveString(address.stack, String(config.qualifier))}` : functionArn;
  const principal = values.resolveString(address.stack, String(config.principal));
  const condition: Record<string, Record<string, string>> = {};
  if (config.source_arn !== undefined) {
    condition.ArnLike = { "AWS:SourceArn": values.resolveString(address.stack, String(config.source_arn)) };
  }
  if (config.source_account !== undefined) {
    condition.StringEquals = { "AWS:SourceAccount": values.resolveString(address.stack, String(config.source_account)) };
  }
  return {
    arn: functionArn,
    policy: {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: typeof config.statement_id === "string" ? config.statement_id : undefined,
          Effect: "Allow",
          Principal: principal.endsWith(".amazonaws.com") ? { Service: principal } : { AWS: principal },
          Action: values.resolveString(address.stack, String(config.action)),
          Resource: resource,
          ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
        },
      ],
    },
  };
}
