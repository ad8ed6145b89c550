/**
 * Name rules of every named resource Proximate synthesizes: which API member of which AWS
 * operation a Terraform argument becomes, and the length and character rules AWS applies to it.
 *
 * Where the service's API model states a rule (min, max, pattern of the member's shape), the
 * rule comes from the model: `api-models.generated.ts`, written by
 * `npm run generate:aws-models` from botocore's `data/<service>/<version>/service-2.json`
 * (test `__tests__/modules/aws/api-models.test.ts` proves the checked-in table matches the
 * vendored models). Where the model is silent (its shape is a bare `String`), the rule is written
 * here from the operation's API reference, quoted in `doc`.
 *
 * Terraform's `name_prefix` / `bucket_prefix` arguments get a 26-character unique suffix
 * (a timestamp and a counter, `id.PrefixedUniqueId` of terraform-plugin-sdk): the prefix has
 * 26 characters less than the name. Doc:
 * https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/s3_bucket#bucket_prefix
 * ("Must be lowercase and less than or equal to 37 characters in length", 63 - 26).
 */
import { API_NAME_CONSTRAINTS, ApiNameConstraint } from "./api-models.generated";

/** Characters Terraform appends to a `name_prefix`. */
export const TERRAFORM_PREFIX_SUFFIX_LENGTH = 26;

/** A Terraform argument that becomes a name in an AWS API request. */
export interface NameTarget {
  readonly type: string;
  readonly attribute: string;
  /** `name_prefix`-style argument: Terraform appends {@link TERRAFORM_PREFIX_SUFFIX_LENGTH} characters. */
  readonly prefix?: boolean;
  /** botocore service directory, e.g. `iam`. */
  readonly service: string;
  /** API operation, e.g. `CreateRole`. */
  readonly operation: string;
  /** Request member, e.g. `RoleName` (a path such as `IpPermissions.IpRanges.Description` for nested members). */
  readonly member: string;
  /** The rule is in DOCUMENTED_NAME_RULES only (a nested member the generator does not read). */
  readonly documentedOnly?: boolean;
}

/** A name rule as applied: from the model or from the API reference. */
export interface NameRule {
  readonly min?: number;
  readonly max?: number;
  /** Java-style regular expression of the model (matched against the whole value). */
  readonly pattern?: string;
  /** A further check the model cannot express; returns the problem, or undefined. */
  readonly extra?: (value: string) => string | undefined;
  /** What is allowed, in words (for messages). */
  readonly allowed?: string;
  /** Where the rule comes from: the model, or the API reference page. */
  readonly doc: string;
}

/** Every named argument of the resource types Proximate synthesizes. */
export const NAME_TARGETS: readonly NameTarget[] = [
  { type: "aws_appautoscaling_policy", attribute: "name", service: "application-autoscaling", operation: "PutScalingPolicy", member: "PolicyName" },
  { type: "aws_autoscaling_group", attribute: "name", service: "autoscaling", operation: "CreateAutoScalingGroup", member: "AutoScalingGroupName" },
  { type: "aws_autoscaling_group", attribute: "name_prefix", prefix: true, service: "autoscaling", operation: "CreateAutoScalingGroup", member: "AutoScalingGroupName" },
  { type: "aws_cloudwatch_log_group", attribute: "name", service: "logs", operation: "CreateLogGroup", member: "logGroupName" },
  { type: "aws_cloudwatch_metric_alarm", attribute: "alarm_name", service: "cloudwatch", operation: "PutMetricAlarm", member: "AlarmName" },
  { type: "aws_cloudwatch_metric_alarm", attribute: "alarm_description", service: "cloudwatch", operation: "PutMetricAlarm", member: "AlarmDescription" },
  { type: "aws_ecr_pull_through_cache_rule", attribute: "ecr_repository_prefix", service: "ecr", operation: "CreatePullThroughCacheRule", member: "ecrRepositoryPrefix" },
  { type: "aws_ecs_capacity_provider", attribute: "name", service: "ecs", operation: "CreateCapacityProvider", member: "name" },
  { type: "aws_ecs_cluster", attribute: "name", service: "ecs", operation: "CreateCluster", member: "clusterName" },
  { type: "aws_ecs_service", attribute: "name", service: "ecs", operation: "CreateService", member: "serviceName" },
  { type: "aws_ecs_task_definition", attribute: "family", service: "ecs", operation: "RegisterTaskDefinition", member: "family" },
  { type: "aws_iam_instance_profile", attribute: "name", service: "iam", operation: "CreateInstanceProfile", member: "InstanceProfileName" },
  { type: "aws_iam_instance_profile", attribute: "name_prefix", prefix: true, service: "iam", operation: "CreateInstanceProfile", member: "InstanceProfileName" },
  { type: "aws_iam_role", attribute: "name", service: "iam", operation: "CreateRole", member: "RoleName" },
  { type: "aws_iam_role", attribute: "name_prefix", prefix: true, service: "iam", operation: "CreateRole", member: "RoleName" },
  { type: "aws_iam_role", attribute: "description", service: "iam", operation: "CreateRole", member: "Description" },
  { type: "aws_iam_role_policy", attribute: "name", service: "iam", operation: "PutRolePolicy", member: "PolicyName" },
  { type: "aws_lambda_function", attribute: "function_name", service: "lambda", operation: "CreateFunction", member: "FunctionName" },
  { type: "aws_lambda_function", attribute: "description", service: "lambda", operation: "CreateFunction", member: "Description" },
  { type: "aws_launch_template", attribute: "name", service: "ec2", operation: "CreateLaunchTemplate", member: "LaunchTemplateName" },
  { type: "aws_launch_template", attribute: "name_prefix", prefix: true, service: "ec2", operation: "CreateLaunchTemplate", member: "LaunchTemplateName" },
  { type: "aws_lb", attribute: "name", service: "elbv2", operation: "CreateLoadBalancer", member: "Name" },
  { type: "aws_lb_target_group", attribute: "name", service: "elbv2", operation: "CreateTargetGroup", member: "Name" },
  { type: "aws_opensearch_domain", attribute: "domain_name", service: "opensearch", operation: "CreateDomain", member: "DomainName" },
  { type: "aws_s3_bucket", attribute: "bucket", service: "s3", operation: "CreateBucket", member: "Bucket" },
  { type: "aws_s3_bucket", attribute: "bucket_prefix", prefix: true, service: "s3", operation: "CreateBucket", member: "Bucket" },
  { type: "aws_sagemaker_notebook_instance", attribute: "name", service: "sagemaker", operation: "CreateNotebookInstance", member: "NotebookInstanceName" },
  {
    type: "aws_sagemaker_notebook_instance_lifecycle_configuration",
    attribute: "name",
    service: "sagemaker",
    operation: "CreateNotebookInstanceLifecycleConfig",
    member: "NotebookInstanceLifecycleConfigName",
  },
  { type: "aws_scheduler_schedule", attribute: "name", service: "scheduler", operation: "CreateSchedule", member: "Name" },
  { type: "aws_scheduler_schedule", attribute: "description", service: "scheduler", operation: "CreateSchedule", member: "Description" },
  { type: "aws_security_group", attribute: "name", service: "ec2", operation: "CreateSecurityGroup", member: "GroupName" },
  { type: "aws_security_group", attribute: "description", service: "ec2", operation: "CreateSecurityGroup", member: "Description" },
  {
    type: "aws_vpc_security_group_ingress_rule",
    attribute: "description",
    service: "ec2",
    operation: "AuthorizeSecurityGroupIngress",
    member: "IpPermissions.IpRanges.Description",
    documentedOnly: true,
  },
  {
    type: "aws_vpc_security_group_egress_rule",
    attribute: "description",
    service: "ec2",
    operation: "AuthorizeSecurityGroupEgress",
    member: "IpPermissions.IpRanges.Description",
    documentedOnly: true,
  },
  { type: "aws_service_discovery_private_dns_namespace", attribute: "name", service: "servicediscovery", operation: "CreatePrivateDnsNamespace", member: "Name" },
  { type: "aws_service_discovery_service", attribute: "name", service: "servicediscovery", operation: "CreateService", member: "Name" },
  { type: "aws_sfn_state_machine", attribute: "name", service: "stepfunctions", operation: "CreateStateMachine", member: "name" },
  { type: "aws_sns_topic", attribute: "name", service: "sns", operation: "CreateTopic", member: "Name" },
];

const ECS_NAME = /^[A-Za-z0-9_-]{1,255}$/;

/**
 * Rules the models leave out (the member's shape is a bare `String`), written from the API
 * reference of the operation. Keyed `service:Operation.Member`.
 */
export const DOCUMENTED_NAME_RULES: Readonly<Record<string, NameRule>> = {
  "ecs:CreateCluster.clusterName": {
    max: 255,
    pattern: ECS_NAME.source,
    allowed: "up to 255 letters, numbers, underscores and hyphens",
    doc: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCluster.html",
  },
  "ecs:CreateService.serviceName": {
    max: 255,
    pattern: ECS_NAME.source,
    allowed: "up to 255 letters, numbers, underscores and hyphens",
    doc: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html",
  },
  "ecs:RegisterTaskDefinition.family": {
    max: 255,
    pattern: ECS_NAME.source,
    allowed: "up to 255 letters, numbers, underscores and hyphens",
    doc: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html",
  },
  "ecs:CreateCapacityProvider.name": {
    max: 255,
    pattern: ECS_NAME.source,
    extra: (value) => (/^(aws|ecs|fargate)/i.test(value) ? 'starts with "aws", "ecs" or "fargate"' : undefined),
    allowed: 'up to 255 letters, numbers, underscores and hyphens, not starting with "aws", "ecs" or "fargate"',
    doc: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCapacityProvider.html",
  },
  "ec2:CreateLaunchTemplate.LaunchTemplateName": {
    min: 3,
    max: 128,
    pattern: "[a-zA-Z0-9\\(\\)\\.\\-/_]+",
    allowed: "3-128 letters, numbers and ( ) . - / _",
    doc: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplate.html",
  },
  "ec2:CreateSecurityGroup.GroupName": {
    max: 255,
    pattern: "[a-zA-Z0-9 ._\\-:/()#,@\\[\\]+=&;{}!$*]+",
    extra: (value) => (value.toLowerCase().startsWith("sg-") ? 'starts with "sg-"' : undefined),
    allowed: "up to 255 of a-z A-Z 0-9 spaces ._-:/()#,@[]+=&;{}!$*, not starting with sg-",
    doc: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html",
  },
  "ec2:CreateSecurityGroup.Description": {
    max: 255,
    pattern: "[a-zA-Z0-9 ._\\-:/()#,@\\[\\]+=&;{}!$*]*",
    allowed: "up to 255 of a-z A-Z 0-9 spaces ._-:/()#,@[]+=&;{}!$*",
    doc: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html",
  },
  "ec2:AuthorizeSecurityGroupIngress.IpPermissions.IpRanges.Description": {
    max: 255,
    pattern: "[a-zA-Z0-9 ._\\-:/()#,@\\[\\]+=;{}!$*]*",
    allowed: "up to 255 of a-z A-Z 0-9 spaces ._-:/()#,@[]+=;{}!$*",
    doc: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html",
  },
  "ec2:AuthorizeSecurityGroupEgress.IpPermissions.IpRanges.Description": {
    max: 255,
    pattern: "[a-zA-Z0-9 ._\\-:/()#,@\\[\\]+=;{}!$*]*",
    allowed: "up to 255 of a-z A-Z 0-9 spaces ._-:/()#,@[]+=;{}!$*",
    doc: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html",
  },
  "elbv2:CreateLoadBalancer.Name": {
    max: 32,
    pattern: "[A-Za-z0-9-]+",
    extra: (value) =>
      value.startsWith("-") || value.endsWith("-") ? "begins or ends with a hyphen" : value.startsWith("internal-") ? 'begins with "internal-"' : undefined,
    allowed: 'at most 32 alphanumeric characters or hyphens, not beginning or ending with a hyphen, not beginning with "internal-"',
    doc: "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html",
  },
  "elbv2:CreateTargetGroup.Name": {
    max: 32,
    pattern: "[A-Za-z0-9-]+",
    extra: (value) => (value.startsWith("-") || value.endsWith("-") ? "begins or ends with a hyphen" : undefined),
    allowed: "at most 32 alphanumeric characters or hyphens, not beginning or ending with a hyphen",
    doc: "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html",
  },
  "lambda:CreateFunction.FunctionName": {
    // The model's 1-140 and its pattern cover ARNs; a bare name is limited to 64 characters.
    max: 64,
    pattern: "[a-zA-Z0-9-_]+",
    allowed: "1-64 letters, numbers, hyphens and underscores (a bare function name)",
    doc: "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html",
  },
  "s3:CreateBucket.Bucket": {
    min: 3,
    max: 63,
    pattern: "[a-z0-9][a-z0-9.-]*[a-z0-9]",
    extra: (value) =>
      value.includes("..")
        ? "has two adjacent periods"
        : /^\d+\.\d+\.\d+\.\d+$/.test(value)
          ? "is formatted as an IP address"
          : value.startsWith("xn--") || value.startsWith("sthree-")
            ? "starts with a reserved prefix (xn--, sthree-)"
            : value.endsWith("-s3alias") || value.endsWith("--ol-s3") || value.endsWith(".mrap") || value.endsWith("--x-s3")
              ? "ends with a reserved suffix (-s3alias, --ol-s3, .mrap, --x-s3)"
              : undefined,
    allowed: "3-63 lowercase letters, numbers, periods and hyphens, beginning and ending with a letter or number",
    doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
  },
  "sns:CreateTopic.Name": {
    min: 1,
    max: 256,
    pattern: "[A-Za-z0-9_-]+",
    allowed: "1-256 ASCII letters, numbers, underscores and hyphens (a standard topic)",
    doc: "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html",
  },
  "stepfunctions:CreateStateMachine.name": {
    // The model has 1-80 only; the API reference also excludes whitespace, brackets, wildcards and special characters.
    pattern: "[A-Za-z0-9_-]+",
    allowed: "1-80 letters, numbers, hyphens and underscores",
    doc: "https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html",
  },
};

function smallest(...values: (number | undefined)[]): number | undefined {
  const known = values.filter((value): value is number => value !== undefined);
  return known.length === 0 ? undefined : Math.min(...known);
}

/** The key of a target in the model tables. */
export function memberKey(target: Pick<NameTarget, "service" | "operation" | "member">): string {
  return `${target.service}:${target.operation}.${target.member}`;
}

/** The rule of a target: the model's constraints, tightened by the documented rule where there is one. */
export function nameRule(target: NameTarget): NameRule {
  const key = memberKey(target);
  const model: ApiNameConstraint | undefined = API_NAME_CONSTRAINTS[key];
  const documented = DOCUMENTED_NAME_RULES[key];
  const fromModel: NameRule = {
    min: model?.min,
    max: model?.max,
    pattern: model?.pattern,
    doc: `botocore model ${target.service} ${target.operation} ${target.member}`,
  };
  if (documented === undefined) {
    return fromModel;
  }
  return {
    min: documented.min ?? fromModel.min,
    max: smallest(documented.max, fromModel.max),
    pattern: documented.pattern ?? fromModel.pattern,
    extra: documented.extra,
    allowed: documented.allowed,
    doc: documented.doc,
  };
}

const compiled = new Map<string, RegExp | null>();

/**
 * A model pattern as a JavaScript regular expression matching the whole value. The models use
 * Java syntax; `\p{Print}` (printable characters) has no JavaScript counterpart and is mapped
 * to its POSIX meaning. Returns null when the pattern cannot be compiled (then it is not applied).
 */
export function compilePattern(pattern: string): RegExp | null {
  let regex = compiled.get(pattern);
  if (regex === undefined) {
    const source = pattern
      .replace(/\\p\{Print\}/g, "[\\x20-\\x7E]")
      // Java's supplementary range \uD800\uDC00-\uDBFF\uDFFF (a surrogate pair) as UTF-16 code units.
      .replace(/\\uD800\\uDC00-\\uDBFF\\uDFFF/gi, "\\uD800-\\uDFFF")
      .replace(/^\^/, "")
      .replace(/\$$/, "");
    try {
      regex = new RegExp(`^(?:${source})$`);
    } catch {
      regex = null;
    }
    compiled.set(pattern, regex);
  }
  return regex;
}

/** What is wrong with `value` as the target's name, or undefined when AWS accepts it. */
export function checkName(target: NameTarget, value: string): string | undefined {
  const rule = nameRule(target);
  const budget = target.prefix ? TERRAFORM_PREFIX_SUFFIX_LENGTH : 0;
  // A prefix is checked as the name Terraform makes of it: the prefix and 26 digits.
  const name = target.prefix ? `${value}${"0".repeat(TERRAFORM_PREFIX_SUFFIX_LENGTH)}` : value;
  if (rule.max !== undefined && name.length > rule.max) {
    return target.prefix
      ? `is ${value.length} characters; with Terraform's ${budget}-character suffix the name has ${name.length}, more than the ${rule.max} AWS allows (${rule.max - budget} for a prefix)`
      : `is ${value.length} characters, more than the ${rule.max} AWS allows`;
  }
  if (rule.min !== undefined && name.length < rule.min) {
    return `is ${value.length} characters, fewer than the ${rule.min} AWS requires`;
  }
  if (rule.pattern !== undefined) {
    const regex = compilePattern(rule.pattern);
    if (regex !== null && !regex.test(name)) {
      return `does not match the pattern ${rule.pattern}${rule.allowed !== undefined ? ` (${rule.allowed})` : ""}`;
    }
  }
  return rule.extra?.(name);
}

/** The targets of one Terraform type. */
export function nameTargetsOf(type: string): readonly NameTarget[] {
  return NAME_TARGETS.filter((target) => target.type === type);
}

/** Maximum length of a name for `type.attribute` (after any prefix budget), if AWS sets one. */
export function maxNameLength(type: string, attribute: string): number | undefined {
  const target = NAME_TARGETS.find((t) => t.type === type && t.attribute === attribute);
  if (target === undefined) {
    throw new Error(`no name target ${type}.${attribute}`);
  }
  const max = nameRule(target).max;
  return max === undefined ? undefined : target.prefix ? max - TERRAFORM_PREFIX_SUFFIX_LENGTH : max;
}
