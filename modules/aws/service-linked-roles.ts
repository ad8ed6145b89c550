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
];

/** The roles needed by a set of Terraform resource types, in table order. */
export function serviceLinkedRolesFor(resourceTypes: Iterable<string>): ServiceLinkedRole[] {
  const present = new Set(resourceTypes);
  return SERVICE_LINKED_ROLES.filter((role) => role.resourceTypes.some((type) => present.has(type)));
}
