"""IAM behaviour moto lacks."""
from . import shim

# https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html and each
# service's "Using service-linked roles" page (linked per entry).
DOCUMENTED_ROLE_NAMES = {
    # https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-service-linked-roles.html
    "ecs.amazonaws.com": "AWSServiceRoleForECS",
    # https://docs.aws.amazon.com/opensearch-service/latest/developerguide/slr-aos.html
    "opensearchservice.amazonaws.com": "AWSServiceRoleForAmazonOpenSearchService",
    "es.amazonaws.com": "AWSServiceRoleForAmazonElasticsearchService",
    # https://docs.aws.amazon.com/autoscaling/ec2/userguide/autoscaling-service-linked-role.html
    "autoscaling.amazonaws.com": "AWSServiceRoleForAutoScaling",
    # https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-service-linked-roles.html
    "ecs.application-autoscaling.amazonaws.com": "AWSServiceRoleForApplicationAutoScaling_ECSService",
    # https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-service-linked-roles.html
    "elasticloadbalancing.amazonaws.com": "AWSServiceRoleForElasticLoadBalancing",
    # https://docs.aws.amazon.com/fsx/latest/LustreGuide/using-service-linked-roles.html
    "fsx.amazonaws.com": "AWSServiceRoleForAmazonFSx",
    "s3.data-source.lustre.fsx.amazonaws.com": "AWSServiceRoleForFSxS3Access_fsx-lustre",
    # https://docs.aws.amazon.com/vpc/latest/tgw/service-linked-roles.html
    "transitgateway.amazonaws.com": "AWSServiceRoleForVPCTransitGateway",
    # https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/service-linked-roles-spot-instance-requests.html
    "spot.amazonaws.com": "AWSServiceRoleForEC2Spot",
}


@shim
def service_linked_roles_have_their_documented_names():
    """CreateServiceLinkedRole names the role as the service documents it (e.g. `ecs.amazonaws.com`
    -> `AWSServiceRoleForECS`, `s3.data-source.lustre.fsx.amazonaws.com` ->
    `AWSServiceRoleForFSxS3Access_fsx-lustre`), so that GetRole by that name finds it, and creating
    one that exists fails with InvalidInput "has been taken in this account". moto derives lower-case
    names (`AWSServiceRoleForecs`) for most services.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateServiceLinkedRole.html
    """
    import json

    from moto.iam.exceptions import InvalidInput
    from moto.iam.models import IAMBackend

    original = IAMBackend.create_service_linked_role

    def create_service_linked_role(self, service_name, description, suffix):
        name = DOCUMENTED_ROLE_NAMES.get(service_name)
        if name is None:
            return original(self, service_name, description, suffix)
        if suffix:
            name = f"{name}_{suffix}"
        if name in {role.name for role in self.get_roles()}:
            raise InvalidInput(f"Service role name {name} has been taken in this account, please try a different suffix.")
        trust = {
            "Version": "2012-10-17",
            "Statement": [{"Action": ["sts:AssumeRole"], "Effect": "Allow", "Principal": {"Service": [service_name]}}],
        }
        return self.create_role(
            name,
            json.dumps(trust),
            f"/aws-service-role/{service_name}/",
            permissions_boundary=None,
            description=description,
            tags=[],
            max_session_duration="3600",
            linked_service=service_name,
        )

    IAMBackend.create_service_linked_role = create_service_linked_role
