/**
 * AWS operations that check permissions when a resource is created, so that the permissions
 * must exist (and have propagated: IAM is eventually consistent) before the resource is.
 * The IAM-BEFORE-USE guardrail requires each such resource to wait, in Terraform's graph, for
 * the policies it relies on.
 *
 * IAM: "Changes that you make are not always immediately visible ... we recommend that you do not
 * include such IAM changes in the critical, high-availability code paths ... verify that the
 * changes have been propagated before production workflows depend on them." AWS documents no
 * fixed duration to wait, so a deploy-time call that depends on a fresh policy must also retry.
 * Doc: https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency
 */

/** What a created resource needs to exist first. */
export type CreateTimeNeed =
  /**
   * The identity policies of the role named by `roleAttribute`: those granting one of `actions`,
   * or all of them when `actions` is absent.
   */
  | { readonly kind: "role-policies"; readonly roleAttribute: string; readonly actions?: readonly string[] }
  /** The role of the Lambda function named by `function_name`. */
  | { readonly kind: "function-role-policies" }
  /** A CloudWatch Logs resource policy admitting the service. */
  | { readonly kind: "log-resource-policy"; readonly servicePrincipal: string }
  /** The bucket policy of the bucket named by `access_logs.bucket`. */
  | { readonly kind: "access-log-bucket-policy" };

/** One resource type whose creation AWS checks against permissions. */
export interface CreateTimeCheck {
  readonly type: string;
  /** Whether this resource's configuration triggers the check. */
  readonly applies: (config: Readonly<Record<string, unknown>>) => boolean;
  readonly need: CreateTimeNeed;
  readonly why: string;
  readonly doc: string;
}

function first(value: unknown): Readonly<Record<string, unknown>> | undefined {
  const item = Array.isArray(value) ? value[0] : value;
  return item !== null && typeof item === "object" ? (item as Record<string, unknown>) : undefined;
}

const enabled = (value: unknown) => value === true || value === "true";

/**
 * Actions of the AWS managed policies our roles attach (for finding which attachment grants a
 * needed action). Doc: https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaVPCAccessExecutionRole.html
 */
export const MANAGED_POLICY_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole": [
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
  ],
};

export const CREATE_TIME_CHECKS: readonly CreateTimeCheck[] = [
  {
    type: "aws_lambda_function",
    applies: (config) => first(config.vpc_config)?.subnet_ids !== undefined,
    need: { kind: "role-policies", roleAttribute: "role", actions: ["ec2:CreateNetworkInterface"] },
    why: "CreateFunction with a VPC configuration checks that the execution role may create network interfaces (ec2:CreateNetworkInterface ...) and fails otherwise",
    doc: "https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html",
  },
  {
    type: "aws_sfn_state_machine",
    applies: (config) => {
      const logging = first(config.logging_configuration);
      return logging !== undefined && logging.level !== "OFF" && logging.log_destination !== undefined;
    },
    need: { kind: "role-policies", roleAttribute: "role_arn", actions: ["logs:CreateLogDelivery"] },
    why: "CreateStateMachine with logging checks that the role may deliver logs (logs:CreateLogDelivery ...) and fails with \"The state machine IAM Role is not authorized to access the Log Destination\"",
    doc: "https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html",
  },
  {
    type: "aws_flow_log",
    applies: (config) => config.iam_role_arn !== undefined,
    need: { kind: "role-policies", roleAttribute: "iam_role_arn", actions: ["logs:PutLogEvents"] },
    why: "a flow log publishes to CloudWatch Logs with its role from creation on; without the role's permissions it records an access error and delivers nothing",
    doc: "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html",
  },
  {
    type: "aws_lambda_invocation",
    applies: () => true,
    need: { kind: "function-role-policies" },
    why: "the function runs at deploy time with its role: a call it makes before the role's policies propagate is denied and fails the apply",
    doc: "https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency",
  },
  {
    type: "aws_sagemaker_notebook_instance",
    applies: (config) => config.lifecycle_config_name !== undefined,
    need: { kind: "role-policies", roleAttribute: "role_arn" },
    why: "the lifecycle configuration runs while the instance is created, with the instance's role; if it fails (e.g. AccessDenied reading its bundle) the instance fails",
    doc: "https://docs.aws.amazon.com/sagemaker/latest/dg/notebook-lifecycle-config.html",
  },
  {
    type: "aws_opensearch_domain",
    applies: (config) => (Array.isArray(config.log_publishing_options) ? config.log_publishing_options : [config.log_publishing_options]).some((o) => o !== undefined && o !== null && (o as Record<string, unknown>).enabled !== false),
    need: { kind: "log-resource-policy", servicePrincipal: "es.amazonaws.com" },
    why: "CreateDomain with log publishing checks that a CloudWatch Logs resource policy lets es.amazonaws.com write to the log groups",
    doc: "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/createdomain-configure-slow-logs.html",
  },
  {
    type: "aws_lb",
    applies: (config) => enabled(first(config.access_logs)?.enabled),
    need: { kind: "access-log-bucket-policy" },
    why: "enabling access logs checks that the bucket policy lets the Region's log delivery principal write, and fails with \"Access Denied for bucket\"",
    doc: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html",
  },
];
