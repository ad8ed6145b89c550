"""Service behaviour that depends on the account's service-linked roles, which moto ignores."""
from . import shim


def _role_exists(account_id, name):
    from moto.iam.models import iam_backends

    backend = iam_backends[account_id]["aws"]
    return any(role.name == name for role in backend.get_roles())


@shim
def ecs_capacity_provider_needs_service_linked_role():
    """CreateCapacityProvider fails with ClientException "Unable to assume the service linked role"
    while the account has no AWSServiceRoleForECS: ECS manages the Auto Scaling group through it.
    CreateCluster only tries to create the role, and a capacity provider created alongside the first
    cluster fails, which is why `npm run bootstrap` creates it beforehand.
    https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-service-linked-roles.html
    """
    from moto.ecs.exceptions import EcsClientException
    from moto.ecs.models import EC2ContainerServiceBackend

    original = EC2ContainerServiceBackend.create_capacity_provider

    def create_capacity_provider(self, name, asg_details, tags):
        if not _role_exists(self.account_id, "AWSServiceRoleForECS"):
            raise EcsClientException("Unable to assume the service linked role. Please verify that the ECS service linked role exists.")
        return original(self, name, asg_details, tags)

    EC2ContainerServiceBackend.create_capacity_provider = create_capacity_provider


@shim
def opensearch_vpc_domain_needs_service_linked_role():
    """CreateDomain with VPC options fails with ValidationException while the account has no
    AWSServiceRoleForAmazonOpenSearchService (OpenSearch creates the domain's network interfaces
    with it) and the caller does not create it.
    https://docs.aws.amazon.com/opensearch-service/latest/developerguide/slr-aos.html
    """
    from moto.core.exceptions import JsonRESTError
    from moto.opensearch.models import OpenSearchServiceBackend

    original = OpenSearchServiceBackend.create_domain

    def create_domain(self, *args, **kwargs):
        vpc_options = kwargs.get("vpc_options")
        if vpc_options and not _role_exists(self.account_id, "AWSServiceRoleForAmazonOpenSearchService"):
            raise JsonRESTError(
                "ValidationException",
                "Before you can proceed, you must enable a service-linked role to give Amazon OpenSearch Service permissions to access your VPC.",
            )
        return original(self, *args, **kwargs)

    OpenSearchServiceBackend.create_domain = create_domain
