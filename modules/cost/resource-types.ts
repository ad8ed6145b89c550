/**
 * Every Terraform type a synthesized stack may hold, in one of three classes, so that nothing is
 * left out of an estimate silently (a test fails on a type that is in none):
 * - priced: it has an idle (fixed) cost or a per-host-hour cost, computed in estimate.ts;
 * - usage: it costs only with use (requests, GB, invocations): listed, not estimated;
 * - free: AWS charges nothing for it.
 */

/** Types with a cost computed from their synthesized attributes (see estimate.ts). */
export const PRICED_TYPES: readonly string[] = [
  "aws_autoscaling_group",
  "aws_cloudwatch_metric_alarm",
  "aws_ec2_transit_gateway_peering_attachment",
  "aws_ec2_transit_gateway_peering_attachment_accepter",
  "aws_ec2_transit_gateway_vpc_attachment",
  "aws_ecs_service",
  "aws_eip",
  "aws_fsx_lustre_file_system",
  "aws_instance",
  "aws_kms_key",
  "aws_lb",
  "aws_nat_gateway",
  "aws_opensearch_domain",
  "aws_sagemaker_notebook_instance",
  "aws_service_discovery_private_dns_namespace",
  "aws_vpc_endpoint",
];

/** Types that cost only with use, and the meter that bills them. */
export const USAGE_TYPES: Readonly<Record<string, string>> = {
  aws_cloudwatch_log_group: "CloudWatch Logs: per GB ingested and per GB-month stored",
  aws_ecr_pull_through_cache_rule: "ECR: cached image storage per GB-month",
  aws_flow_log: "VPC flow logs: per GB delivered to CloudWatch Logs",
  aws_fsx_data_repository_association: "no charge of its own; imports make S3 requests on the linked bucket",
  aws_lambda_function: "Lambda: per request and per GB-second",
  aws_lambda_invocation: "Lambda: one invocation at deploy time",
  aws_s3_bucket: "S3: per GB-month stored and per request",
  aws_s3_object: "S3: stored in its bucket (per GB-month)",
  aws_scheduler_schedule: "EventBridge Scheduler: per invocation",
  aws_service_discovery_service: "Cloud Map: per registered instance-month",
  aws_sfn_state_machine: "Step Functions: per state transition",
  aws_sns_topic: "SNS: per publish and per delivery",
  aws_sns_topic_subscription: "SNS: per delivery",
};

/** Types AWS does not charge for, with the reason. */
export const FREE_TYPES: Readonly<Record<string, string>> = {
  aws_appautoscaling_policy: "Application Auto Scaling has no charge",
  aws_appautoscaling_target: "Application Auto Scaling has no charge",
  aws_cloudwatch_log_resource_policy: "a policy",
  aws_default_security_group: "security groups have no charge",
  aws_ec2_transit_gateway: "the gateway itself has no charge (its attachments do)",
  aws_ec2_transit_gateway_route: "routes have no charge",
  aws_ec2_transit_gateway_route_table: "route tables have no charge",
  aws_ec2_transit_gateway_route_table_association: "no charge",
  aws_ec2_transit_gateway_route_table_propagation: "no charge",
  aws_ecs_capacity_provider: "ECS on EC2 has no charge of its own (the hosts are priced)",
  aws_ecs_cluster: "ECS has no charge of its own",
  aws_ecs_cluster_capacity_providers: "no charge",
  aws_ecs_task_definition: "no charge",
  aws_iam_instance_profile: "IAM has no charge",
  aws_iam_policy: "IAM has no charge",
  aws_iam_role: "IAM has no charge",
  aws_iam_role_policy: "IAM has no charge",
  aws_iam_role_policy_attachment: "IAM has no charge",
  aws_iam_service_linked_role: "IAM has no charge",
  aws_internet_gateway: "no charge (data transfer is billed where it applies)",
  aws_kms_alias: "aliases have no charge",
  aws_kms_key_policy: "a key policy is part of its key (the key is priced)",
  aws_launch_template: "no charge",
  aws_lb_listener: "no charge (the load balancer is priced)",
  aws_lb_target_group: "no charge",
  aws_opensearch_domain_policy: "a policy",
  aws_route: "routes have no charge",
  aws_route53_zone_association: "no charge",
  aws_route_table: "route tables have no charge",
  aws_route_table_association: "no charge",
  aws_s3_bucket_lifecycle_configuration: "bucket configuration",
  aws_s3_bucket_ownership_controls: "bucket configuration",
  aws_s3_bucket_policy: "bucket configuration",
  aws_s3_bucket_public_access_block: "bucket configuration",
  aws_s3_bucket_server_side_encryption_configuration: "bucket configuration",
  aws_s3_bucket_versioning: "bucket configuration (old versions are S3 storage)",
  aws_sagemaker_notebook_instance_lifecycle_configuration: "no charge",
  aws_security_group: "security groups have no charge",
  aws_sns_topic_policy: "a policy",
  aws_subnet: "subnets have no charge",
  aws_vpc: "VPCs have no charge",
  aws_vpc_security_group_egress_rule: "security group rules have no charge",
  aws_vpc_security_group_ingress_rule: "security group rules have no charge",
  "data.terraform_remote_state": "reads another stack's state",
};

/** The class of a Terraform type (`data.<type>` for data sources), or undefined when unclassified. */
export function costClass(type: string): "priced" | "usage" | "free" | undefined {
  if (PRICED_TYPES.includes(type)) {
    return "priced";
  }
  if (type in USAGE_TYPES) {
    return "usage";
  }
  if (type in FREE_TYPES) {
    return "free";
  }
  return undefined;
}
