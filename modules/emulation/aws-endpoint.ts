import { InputError } from "../errors";

/**
 * The test-only switch that points every synthesized stack at an emulated AWS API (moto in
 * server mode on 127.0.0.1, see scripts/rehearse/). main.ts reads it from the environment and
 * passes it down as an option; with it unset nothing here is used and the synthesized JSON is
 * byte-identical to a build without this module.
 */

/** The environment variable main.ts (and the bootstrap) read. */
export const AWS_ENDPOINT_ENV = "PROXIMATE_AWS_ENDPOINT";

/** Credentials the emulator accepts; never valid anywhere else. */
export const EMULATED_CREDENTIALS = { accessKey: "proximate-emulated", secretKey: "proximate-emulated" } as const;

/**
 * Validates the switch: only a loopback HTTP URL with a port (the emulator never listens
 * anywhere else, and a typo must not send fake credentials to a real address).
 */
export function parseAwsEndpoint(value: string | undefined): string | undefined {
  if (value === undefined || value === "") {
    return undefined;
  }
  const match = /^http:\/\/(127\.0\.0\.1|localhost):(\d{1,5})\/?$/.exec(value);
  const port = match ? Number(match[2]) : 0;
  if (match === null || port < 1 || port > 65535) {
    throw new InputError(`invalid ${AWS_ENDPOINT_ENV}`, [
      {
        path: AWS_ENDPOINT_ENV,
        value,
        message: "is not the address of a local AWS emulator",
        allowed: "http://127.0.0.1:<port> (test-only: unset it to deploy to AWS)",
        rule: "aws-endpoint",
      },
    ]);
  }
  return `http://${match[1]}:${port}`;
}

/**
 * Provider `endpoints` keys (AWS provider 5.x) by Terraform type prefix, most specific first.
 * Types listed under `ec2` are the EC2 API's (VPC, subnets, routes, Transit Gateways, instances,
 * launch templates, security groups, flow logs, endpoints).
 */
const SERVICE_BY_PREFIX: readonly (readonly [string, string])[] = [
  ["aws_cloudwatch_log_", "logs"],
  ["aws_cloudwatch_event_", "events"],
  ["aws_cloudwatch_", "cloudwatch"],
  ["aws_appautoscaling_", "appautoscaling"],
  ["aws_autoscaling_", "autoscaling"],
  ["aws_ecs_", "ecs"],
  ["aws_ecr_", "ecr"],
  ["aws_iam_", "iam"],
  ["aws_s3_", "s3"],
  ["aws_lb", "elbv2"],
  ["aws_alb", "elbv2"],
  ["aws_fsx_", "fsx"],
  ["aws_opensearch_", "opensearch"],
  ["aws_sagemaker_", "sagemaker"],
  ["aws_sns_", "sns"],
  ["aws_sqs_", "sqs"],
  ["aws_sfn_", "sfn"],
  ["aws_scheduler_", "scheduler"],
  ["aws_lambda_", "lambda"],
  ["aws_kms_", "kms"],
  ["aws_service_discovery_", "servicediscovery"],
  ["aws_route53_", "route53"],
  ["aws_ssm_", "ssm"],
  ["aws_secretsmanager_", "secretsmanager"],
  ["aws_dynamodb_", "dynamodb"],
  ["aws_acm_", "acm"],
  ["aws_caller_identity", "sts"],
  ["aws_vpc", "ec2"],
  ["aws_subnet", "ec2"],
  ["aws_route", "ec2"],
  ["aws_internet_gateway", "ec2"],
  ["aws_nat_gateway", "ec2"],
  ["aws_eip", "ec2"],
  ["aws_default_", "ec2"],
  ["aws_security_group", "ec2"],
  ["aws_flow_log", "ec2"],
  ["aws_ec2_", "ec2"],
  ["aws_instance", "ec2"],
  ["aws_launch_template", "ec2"],
  ["aws_network_", "ec2"],
  ["aws_ebs_", "ec2"],
  ["aws_ami", "ec2"],
  ["aws_availability_zone", "ec2"],
  ["aws_key_pair", "ec2"],
];

/** Types that call no AWS API (evaluated by the provider itself). */
const LOCAL_TYPES = new Set(["aws_iam_policy_document", "aws_region", "aws_partition", "aws_arn"]);

/** Services the provider calls for every stack: STS (the caller's account). */
const ALWAYS = ["sts"] as const;

/**
 * The provider `endpoints` keys a set of Terraform resource and data source types needs. An
 * `aws_` type this table does not know fails the synth (with the switch on only): a new service
 * must be routed to the emulator explicitly, never silently to AWS.
 */
export function endpointServicesFor(types: Iterable<string>): string[] {
  const services = new Set<string>(ALWAYS);
  const unknown: string[] = [];
  for (const type of types) {
    if (!type.startsWith("aws_") || LOCAL_TYPES.has(type)) {
      continue;
    }
    const entry = SERVICE_BY_PREFIX.find(([prefix]) => type.startsWith(prefix));
    if (entry === undefined) {
      unknown.push(type);
    } else {
      services.add(entry[1]);
    }
  }
  if (unknown.length > 0) {
    throw new Error(
      `${AWS_ENDPOINT_ENV}: no emulator endpoint is known for ${[...new Set(unknown)].sort().join(", ")}; add the type's service to modules/emulation/aws-endpoint.ts`,
    );
  }
  return [...services].sort();
}

/** The AWS provider arguments (Terraform names), apart from `endpoints`, that talk to the emulator. */
export function emulatedProviderSettings(): Record<string, unknown> {
  return {
    access_key: EMULATED_CREDENTIALS.accessKey,
    secret_key: EMULATED_CREDENTIALS.secretKey,
    skip_credentials_validation: true,
    skip_metadata_api_check: "true",
    skip_region_validation: true,
    s3_use_path_style: true,
  };
}

/** The provider's `endpoints` block: every service of `services` at the emulator. */
export function emulatedEndpoints(endpoint: string, services: readonly string[]): Record<string, string>[] {
  return [Object.fromEntries(services.map((service) => [service, endpoint]))];
}

/**
 * S3 backend settings (cdktf `S3BackendConfig` names) that keep the state in the emulator's S3;
 * cdktf copies them into every `terraform_remote_state` that reads the stack.
 */
export function emulatedBackendConfig(endpoint: string): {
  readonly endpoints: { readonly s3: string; readonly sts: string; readonly iam: string };
  readonly usePathStyle: true;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly skipCredentialsValidation: true;
  readonly skipMetadataApiCheck: true;
  readonly skipRegionValidation: true;
} {
  return {
    endpoints: { s3: endpoint, sts: endpoint, iam: endpoint },
    usePathStyle: true,
    accessKey: EMULATED_CREDENTIALS.accessKey,
    secretKey: EMULATED_CREDENTIALS.secretKey,
    skipCredentialsValidation: true,
    skipMetadataApiCheck: true,
    skipRegionValidation: true,
  };
}
