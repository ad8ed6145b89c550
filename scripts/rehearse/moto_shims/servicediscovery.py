"""Cloud Map behaviour moto lacks."""
from . import shim


@shim
def cloud_map_private_namespace_owns_a_private_zone_for_its_vpc():
    """CreatePrivateDnsNamespace creates a Route 53 private hosted zone named like the namespace,
    associated with the namespace's VPC, and reports the zone's bare id (`Z...`) as
    `DnsProperties.HostedZoneId`; DeleteNamespace deletes that zone. moto names the zone
    `<name>-hz`, associates no VPC, reports `/hostedzone/<id>` (so an `aws_route53_zone_association`
    of the reported id is never found again) and leaves the zone behind.
    https://docs.aws.amazon.com/cloud-map/latest/api/API_CreatePrivateDnsNamespace.html
    https://docs.aws.amazon.com/cloud-map/latest/api/API_DnsProperties.html
    """
    from moto.route53 import route53_backends
    from moto.servicediscovery.models import ServiceDiscoveryBackend
    from moto.utilities.utils import get_partition

    def zones(self):
        return route53_backends[self.account_id][get_partition(self.region_name)]

    original_create = ServiceDiscoveryBackend.create_private_dns_namespace

    def create_private_dns_namespace(self, name, creator_request_id, description, vpc, tags, properties):
        before = set(zones(self).zones)
        operation_id = original_create(self, name, creator_request_id, description, vpc, tags, properties)
        backend = zones(self)
        for zone_id in set(backend.zones) - before:
            zone = backend.zones[zone_id]
            zone.name = name if name.endswith(".") else f"{name}."
            zone.add_vpc(vpc, self.region_name)
        for namespace in self.namespaces.values():
            hosted = namespace.dns_properties.get("HostedZoneId") if namespace.dns_properties else None
            if hosted and hosted.startswith("/hostedzone/"):
                namespace.dns_properties["HostedZoneId"] = hosted[len("/hostedzone/") :]
        return operation_id

    original_delete = ServiceDiscoveryBackend.delete_namespace

    def delete_namespace(self, namespace_id):
        namespace = self.namespaces.get(namespace_id)
        hosted = (namespace.dns_properties or {}).get("HostedZoneId") if namespace is not None else None
        operation_id = original_delete(self, namespace_id)
        if hosted:
            zones(self).zones.pop(hosted.replace("/hostedzone/", ""), None)
        return operation_id

    ServiceDiscoveryBackend.create_private_dns_namespace = create_private_dns_namespace
    ServiceDiscoveryBackend.delete_namespace = delete_namespace
