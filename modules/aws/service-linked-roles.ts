/**
 * Service-linked roles: IAM roles owned by an AWS service, one per account, that the service
 * assumes to manage resources on our behalf (ENIs in our VPCs, instances of an Auto Scaling
 * group, ...). They are account-wide and shared with every other workload of the account, so a
 * topology never owns them in its Terraform state (destroying one topology must not delete a role
 * other workloads use, and creating one that exists fails with "has been taken in this account").
 * `npm run bootstrap` ensures, idempotently, every role the synthesized resources need before the
 * first `cdktf deploy`.
 *
 * Docs: https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html
 */

/** One service-linked role and the resources that need it. */
export interface ServiceLinkedRole {
  /** The role's name in every account, e.g. `AWSServiceRoleForECS`. */
  readonly roleName: string;
  /** The `AWSServiceName` of `iam:CreateServiceLinkedRole`, e.g. `ecs.amazonaws.com`. */
  readonly serviceName: string;
  /** Terraform resource types whose creation (or operation) needs the role. */
  readonly resourceTypes: readonly string[];
  /**
   * Whether the service creates the role itself on first use (when the caller may call
   * `iam:CreateServiceLinkedRole`). When false, or when resources that need it are created in
   * parallel with the one that creates it, the role must exist beforehand.
   */
  readonly createdOnFirstUse: boolean;
  /** Why the role is needed and what happens without it. */
  readonly why: string;
  /** The AWS documentation page stating it. */
  readonly doc: string;
}

/** Every service-linked role a Proximate topology can need. */
export const SERVICE_LINKED_ROLES: readonly ServiceLinkedRole[] = [
  {
    roleName: "AWSServiceRoleForECS",
    serviceName: "ecs.amazonaws.com",
    resourceTypes: ["aws_ecs_cluster", "aws_ecs_capacity_provider", "aws_ecs_service"],
    createdOnFirstUse: true,
    why:
      "ECS manages awsvpc task ENIs, capacity-provider managed scaling and Cloud Map registrations with it. CreateCluster only attempts to create it, and a capacity provider created in parallel with the first cluster fails with \"Unable to assume the service linked role\"",
    doc: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-service-linked-roles.html",
  },
  {
    roleName: "AWSServiceRoleForAmazonOpenSearchService",
    serviceName: "opensearchservice.amazonaws.com",
    resourceTypes: ["aws_opensearch_domain"],
    createdOnFirstUse: true,
    why: "OpenSearch Service creates the ENIs of a VPC domain with it; without it (and without iam:CreateServiceLinkedRole) CreateDomain with VPCOptions fails",
    doc: "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/slr-aos.html",
  },
  {
    roleName: "AWSServiceRoleForAutoScaling",
    serviceName: "autoscaling.amazonaws.com",
    resourceTypes: ["aws_autoscaling_group"],
    createdOnFirstUse: true,
    why: "EC2 Auto Scaling launches and terminates the group's instances with it",
    doc: "https://docs.aws.amazon.com/autoscaling/ec2/userguide/autoscaling-service-linked-role.html",
  },
  {
    roleName: "AWSServiceRoleForApplicationAutoScaling_ECSService",
    serviceName: "ecs.application-autoscaling.amazonaws.com",
    resourceTypes: ["aws_appautoscaling_target"],
    createdOnFirstUse: true,
    why: "Application Auto Scaling changes an ECS service's desired count and reads its alarms with it",
    doc: "https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-service-linked-roles.html",
  },
  {
    roleName: "AWSServiceRoleForElasticLoadBalancing",
    serviceName: "elasticloadbalancing.amazonaws.com",
    resourceTypes: ["aws_lb"],
    createdOnFirstUse: true,
    why: "Elastic Load Balancing manages the load balancer's network interfaces with it",
    doc: "https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-service-linked-roles.html",
  },
  {
    roleName: "AWSServiceRoleForAmazonFSx",
    serviceName: "fsx.amazonaws.com",
    resourceTypes: ["aws_fsx_lustre_file_system"],
    createdOnFirstUse: true,
    why: "FSx creates the file system's network interfaces and publishes its metrics with it",
    doc: "https://docs.aws.amazon.com/fsx/latest/LustreGuide/using-service-linked-roles.html",
  },
  {
    roleName: "AWSServiceRoleForFSxS3Access_fsx-lustre",
    serviceName: "s3.data-source.lustre.fsx.amazonaws.com",
    resourceTypes: ["aws_fsx_data_repository_association"],
    createdOnFirstUse: true,
    why: "FSx for Lustre reads the linked S3 bucket (imports, data repository tasks) with it",
    doc: "https://docs.aws.amazon.com/fsx/latest/LustreGuide/using-service-linked-roles.html",
  },
  {
    roleName: "AWSServiceRoleForVPCTransitGateway",
    serviceName: "transitgateway.amazonaws.com",
    resourceTypes: ["aws_ec2_transit_gateway_vpc_attachment"],
    createdOnFirstUse: true,
    why: "Transit Gateway creates the attachment's network interfaces in the VPC's subnets with it",
    doc: "https://docs.aws.amazon.com/vpc/latest/tgw/service-linked-roles.html",
  },
  {
    roleName: "AWSServiceRoleForECRPullThroughCache",
    serviceName: "pullthroughcache.ecr.amazonaws.com",
    resourceTypes: ["aws_ecr_pull_through_cache_rule"],
    createdOnFirstUse: true,
    why: "ECR pulls images from the upstream registry and pushes them into the private cache repositories with it",
    doc: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/slr-pullthroughcache.html",
  },
];

/**
 * Resource types (by prefix) that need no service-linked role, and why: every Terraform type a
 * topology synthesizes is either in {@link SERVICE_LINKED_ROLES} or matched here, so that a new
 * resource type is classified on purpose (the AWS-SERVICE-LINKED-ROLES guardrail reports
 * unclassified types).
 */
export const NO_SERVICE_LINKED_ROLE: readonly { readonly prefix: string; readonly why: string; readonly doc: string }[] = [
  {
    prefix: "aws_vpc",
    why: "VPC networking (VPCs, endpoints, flow logs, security group rules) acts with the caller's permissions or the flow log's own role",
    doc: "https://docs.aws.amazon.com/vpc/latest/userguide/security-iam.html",
  },
  { prefix: "aws_subnet", why: "VPC networking", doc: "https://docs.aws.amazon.com/vpc/latest/userguide/security-iam.html" },
  { prefix: "aws_route", why: "VPC and Route 53 routing and zone associations act with the caller's permissions", doc: "https://docs.aws.amazon.com/vpc/latest/userguide/security-iam.html" },
  { prefix: "aws_internet_gateway", why: "VPC networking", doc: "https://docs.aws.amazon.com/vpc/latest/userguide/security-iam.html" },
  { prefix: "aws_nat_gateway", why: "VPC networking", doc: "https://docs.aws.amazon.com/vpc/latest/userguide/security-iam.html" },
  { prefix: "aws_eip", why: "VPC networking", doc: "https://docs.aws.amazon.com/vpc/latest/userguide/security-iam.html" },
  { prefix: "aws_default_security_group", why: "VPC networking", doc: "https://docs.aws.amazon.com/vpc/latest/userguide/security-iam.html" },
  { prefix: "aws_security_group", why: "VPC networking", doc: "https://docs.aws.amazon.com/vpc/latest/userguide/security-iam.html" },
  { prefix: "aws_flow_log", why: "flow logs publish with the IAM role they are given", doc: "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html" },
  {
    prefix: "aws_ec2_transit_gateway",
    why: "only VPC attachments use AWSServiceRoleForVPCTransitGateway (listed); gateways, route tables and peerings do not",
    doc: "https://docs.aws.amazon.com/vpc/latest/tgw/service-linked-roles.html",
  },
  { prefix: "aws_launch_template", why: "EC2 launch templates and instances act with the caller's permissions and the instance profile", doc: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/security-iam.html" },
  { prefix: "aws_instance", why: "EC2 instances act with the instance profile", doc: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html" },
  { prefix: "aws_iam_", why: "IAM itself (aws_iam_service_linked_role is refused by the guardrail: the bootstrap owns service-linked roles)", doc: "https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html" },
  { prefix: "aws_s3_", why: "S3 buckets and objects", doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-service-linked-roles.html" },
  { prefix: "aws_kms_", why: "KMS keys are used by services through grants and key policies", doc: "https://docs.aws.amazon.com/kms/latest/developerguide/using-service-linked-roles.html" },
  { prefix: "aws_cloudwatch_", why: "log groups, resource policies and metric alarms (no EC2 alarm actions)", doc: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-service-linked-roles.html" },
  { prefix: "aws_sns_", why: "SNS topics and subscriptions", doc: "https://docs.aws.amazon.com/sns/latest/dg/sns-using-identity-based-policies.html" },
  { prefix: "aws_sfn_", why: "Step Functions state machines act with their execution role", doc: "https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html" },
  { prefix: "aws_scheduler_", why: "EventBridge Scheduler invokes targets with the schedule's execution role", doc: "https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role" },
  {
    prefix: "aws_lambda_",
    why: "Lambda creates a VPC function's network interfaces with the function's execution role",
    doc: "https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html",
  },
  {
    prefix: "aws_sagemaker_notebook_instance",
    why: "notebook instances act with their execution role (the SageMaker notebooks service-linked role is for Studio domains)",
    doc: "https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html",
  },
  {
    prefix: "aws_service_discovery_",
    why: "Cloud Map namespaces and services; ECS registers tasks with AWSServiceRoleForECS (listed)",
    doc: "https://docs.aws.amazon.com/cloud-map/latest/dg/security-iam.html",
  },
  { prefix: "aws_ecs_task_definition", why: "task definitions are data; tasks run with their execution and task roles", doc: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html" },
  { prefix: "aws_ecs_cluster_capacity_providers", why: "an association of the cluster (AWSServiceRoleForECS, listed for the cluster)", doc: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-service-linked-roles.html" },
  { prefix: "aws_lb_", why: "listeners and target groups belong to the load balancer (AWSServiceRoleForElasticLoadBalancing, listed for aws_lb)", doc: "https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-service-linked-roles.html" },
  { prefix: "aws_opensearch_domain_policy", why: "the domain's access policy (the domain itself is listed)", doc: "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/slr.html" },
  { prefix: "aws_appautoscaling_policy", why: "a policy of the scalable target (listed)", doc: "https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-service-linked-roles.html" },
];

/** How a Terraform type stands with respect to service-linked roles. */
export function serviceLinkedRoleClass(type: string):
  | { readonly kind: "needs"; readonly roles: readonly ServiceLinkedRole[] }
  | { readonly kind: "none"; readonly why: string; readonly doc: string }
  | { readonly kind: "unclassified" } {
  const roles = SERVICE_LINKED_ROLES.filter((role) => role.resourceTypes.includes(type));
  if (roles.length > 0) {
    return { kind: "needs", roles };
  }
  const none = NO_SERVICE_LINKED_ROLE.filter((entry) => type.startsWith(entry.prefix)).sort((a, b) => b.prefix.length - a.prefix.length)[0];
  return none === undefined ? { kind: "unclassified" } : { kind: "none", why: none.why, doc: none.doc };
}

/** The roles needed by a set of Terraform resource types, in table order. */
export function serviceLinkedRolesFor(resourceTypes: Iterable<string>): ServiceLinkedRole[] {
  const present = new Set(resourceTypes);
  return SERVICE_LINKED_ROLES.filter((role) => role.resourceTypes.some((type) => present.has(type)));
}
