"""ECS behaviour moto lacks."""
import json

from . import shim

# Service settings CreateService accepts and DescribeServices returns as they were given.
KEPT = {
    "capacityProviderStrategy": "capacity_provider_strategy",
    "availabilityZoneRebalancing": "availability_zone_rebalancing",
    "healthCheckGracePeriodSeconds": "health_check_grace_period_seconds",
    "enableECSManagedTags": "enable_ecs_managed_tags",
    "enableExecuteCommand": "enable_execute_command",
    "deploymentConfiguration": "deployment_configuration",
}


@shim
def ecs_service_keeps_its_capacity_provider_strategy_and_settings():
    """DescribeServices returns the capacity provider strategy a service was created with (and no
    launch type then), its health-check grace period, Availability Zone rebalancing, managed-tag,
    execute-command and deployment settings. moto drops them, so every plan replaces a service that
    runs on a capacity provider (the strategy forces replacement) and updates the others.
    https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html
    https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Service.html
    """
    from moto.ecs.responses import EC2ContainerServiceResponse

    original_create = EC2ContainerServiceResponse.create_service

    def create_service(self):
        result = original_create(self)
        params = json.loads(self.body or "{}")
        service = self.ecs_backend._get_service(params.get("cluster", "default"), params["serviceName"])
        for key, attribute in KEPT.items():
            if key in params:
                setattr(service, attribute, params[key])
        if params.get("capacityProviderStrategy"):
            service.launch_type = None  # a service on capacity providers has no launch type
        return result

    original_update = EC2ContainerServiceResponse.update_service

    def update_service(self):
        params = json.loads(self.body or "{}")
        result = original_update(self)
        service = self.ecs_backend._get_service(params.get("cluster", "default"), params["service"])
        for key, attribute in KEPT.items():
            if key in params:
                setattr(service, attribute, params[key])
        return result

    EC2ContainerServiceResponse.create_service = create_service
    EC2ContainerServiceResponse.update_service = update_service


@shim
def ecs_capacity_providers_are_all_described_when_none_are_named():
    """DescribeCapacityProviders without `capacityProviders` describes every capacity provider of
    the account in the Region (up to `maxResults`, with `nextToken`). moto iterates over the missing
    list and fails with a server error, so an account cannot be listed.
    https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeCapacityProviders.html
    """
    from moto.ecs.models import EC2ContainerServiceBackend

    original = EC2ContainerServiceBackend.describe_capacity_providers

    def describe_capacity_providers(self, names):
        if names is None:
            return list(self.capacity_providers.values()), []
        return original(self, names)

    EC2ContainerServiceBackend.describe_capacity_providers = describe_capacity_providers
