"""EC2 (Transit Gateway, instances) behaviour moto lacks."""
from . import shim


@shim
def transit_gateway_without_default_route_table():
    """A Transit Gateway created with default route-table association and propagation both
    disabled has no default route table (its options carry no AssociationDefaultRouteTableId or
    PropagationDefaultRouteTableId), and its attachments are associated with no route table until
    one is associated explicitly. moto always creates a default table and associates every
    attachment with it; detaching from it (as the provider does for
    `transit_gateway_default_route_table_association = false`) then fails with a server error.
    https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_TransitGatewayRequestOptions.html
    """
    from moto.ec2.models.transit_gateway import TransitGateway
    from moto.ec2.models.transit_gateway_attachments import TransitGatewayAttachment

    original_init = TransitGateway.__init__

    def __init__(self, backend, description, options=None):
        original_init(self, backend, description, options)
        if self.options.get("DefaultRouteTableAssociation") == "disable" and self.options.get("DefaultRouteTablePropagation") == "disable":
            backend.transit_gateways_route_tables.pop(self.default_route_table.id, None)
            self.default_route_table = None
            self.options.pop("AssociationDefaultRouteTableId", None)
            self.options.pop("PropagationDefaultRouteTableId", None)

    TransitGateway.__init__ = __init__

    def association(self):
        # The explicit association (AssociateTransitGatewayRouteTable) when there is one.
        if self.state == "available" and self._association_data:
            return {"State": self._association_data["state"], "TransitGatewayRouteTableId": self._association_data["transitGatewayRouteTableId"]}
        if self.state == "available" and self.transit_gateway_route_table:
            return {"State": "associated", "TransitGatewayRouteTableId": self.transit_gateway_route_table.id}
        return None

    TransitGatewayAttachment.association = property(association)

    from moto.ec2.exceptions import DuplicateTransitGatewayAttachmentError
    from moto.ec2.models.transit_gateway_attachments import TransitGatewayAttachmentBackend, TransitGatewayVpcAttachment

    original_create = TransitGatewayAttachmentBackend.create_transit_gateway_vpc_attachment

    def create_transit_gateway_vpc_attachment(self, transit_gateway_id, vpc_id, subnet_ids, tags=None, options=None):
        gateway = self.transit_gateways.get(transit_gateway_id)
        if gateway is None or gateway.default_route_table is not None:
            return original_create(self, transit_gateway_id, vpc_id, subnet_ids, tags=tags, options=options)
        # No default table: the attachment starts associated with nothing.
        if self.describe_transit_gateway_vpc_attachments(filters={"transit-gateway-id": transit_gateway_id, "vpc-id": [vpc_id]}):
            raise DuplicateTransitGatewayAttachmentError(transit_gateway_id)
        attachment = TransitGatewayVpcAttachment(self, transit_gateway=gateway, tags=tags, vpc_id=vpc_id, subnet_ids=subnet_ids, options=options)
        self.transit_gateway_attachments[attachment.id] = attachment
        return attachment

    TransitGatewayAttachmentBackend.create_transit_gateway_vpc_attachment = create_transit_gateway_vpc_attachment


@shim
def transit_gateway_attachment_ids_that_do_not_exist_are_not_found():
    """Accepting, rejecting or deleting a Transit Gateway attachment by an id that does not exist
    (in the Region asked) fails with InvalidTransitGatewayAttachmentID.NotFound. moto fails with a
    server error instead, which the provider retries for minutes before giving up.
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
    """
    from moto.ec2.exceptions import EC2ClientError
    from moto.ec2.models.transit_gateway_attachments import TransitGatewayAttachmentBackend

    def guarded(name):
        original = getattr(TransitGatewayAttachmentBackend, name)

        def operation(self, transit_gateway_attachment_id, *args, **kwargs):
            attachment = self.transit_gateway_attachments.get(transit_gateway_attachment_id)
            # A deleted attachment is still described for a while (see
            # transit_gateway_vpc_attachment_is_described_as_deleted) but can no longer be acted on.
            if attachment is None or getattr(attachment, "state", None) == "deleted":
                raise EC2ClientError(
                    "InvalidTransitGatewayAttachmentID.NotFound",
                    f"Transit Gateway Attachment {transit_gateway_attachment_id} was deleted or does not exist.",
                )
            return original(self, transit_gateway_attachment_id, *args, **kwargs)

        setattr(TransitGatewayAttachmentBackend, name, operation)

    for name in (
        "accept_transit_gateway_peering_attachment",
        "reject_transit_gateway_peering_attachment",
        "delete_transit_gateway_peering_attachment",
        "delete_transit_gateway_vpc_attachment",
    ):
        guarded(name)


@shim
def transit_gateway_vpc_attachment_is_described_as_deleted():
    """After DeleteTransitGatewayVpcAttachment the attachment is still described, by id and in
    listings, with the state `deleted` (the VPC attachment's states run `available`, `deleting`,
    `deleted`); the AWS provider's destroy waits until it reads `deleted`. moto forgets the
    attachment at once, so the provider finds nothing 20 times in a row and fails the destroy with
    "couldn't find resource (21 retries)".
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_TransitGatewayVpcAttachment.html
    https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html
    """
    from moto.ec2.models.transit_gateway_attachments import TransitGatewayAttachmentBackend

    original = TransitGatewayAttachmentBackend.delete_transit_gateway_vpc_attachment

    def delete_transit_gateway_vpc_attachment(self, transit_gateway_attachment_id, *args, **kwargs):
        attachment = original(self, transit_gateway_attachment_id, *args, **kwargs)
        attachment.state = "deleted"
        self.transit_gateway_attachments[transit_gateway_attachment_id] = attachment
        return attachment

    TransitGatewayAttachmentBackend.delete_transit_gateway_vpc_attachment = delete_transit_gateway_vpc_attachment


@shim
def transit_gateway_vpc_attachment_is_tagged_at_creation():
    """CreateTransitGatewayVpcAttachment applies the tags of its `transit-gateway-attachment`
    TagSpecification, and describing the attachment returns them. moto reads the tags of a
    `transit-gateway-route-table` specification instead, so the attachment has none and every plan
    wants to add them back.
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateTransitGatewayVpcAttachment.html
    """
    from moto.core.responses import ActionResult
    from moto.ec2.responses.transit_gateway_attachments import TransitGatewayAttachment

    def create_transit_gateway_vpc_attachment(self):
        attachment = self.ec2_backend.create_transit_gateway_vpc_attachment(
            transit_gateway_id=self._get_param("TransitGatewayId"),
            tags=self._parse_tag_specification().get("transit-gateway-attachment", {}),
            vpc_id=self._get_param("VpcId"),
            subnet_ids=self._get_param("SubnetIds", []),
            options=self._get_param("Options", {}),
        )
        return ActionResult({"TransitGatewayVpcAttachment": attachment})

    TransitGatewayAttachment.create_transit_gateway_vpc_attachment = create_transit_gateway_vpc_attachment


@shim
def transit_gateway_static_routes_name_their_attachment():
    """SearchTransitGatewayRoutes returns, for each static route, the attachment it sends traffic
    to (`TransitGatewayAttachments`: id, resource id and type). moto stores the attachment in a
    shape the response drops, so every route reads back without its attachment and the provider
    plans to replace it.
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_TransitGatewayRoute.html
    """
    from moto.ec2.models.transit_gateway_route_tables import TransitGatewayRouteTableBackend

    original = TransitGatewayRouteTableBackend.create_transit_gateway_route

    def create_transit_gateway_route(self, transit_gateway_route_table_id, destination_cidr_block, transit_gateway_attachment_id=None, blackhole=False):
        route = original(self, transit_gateway_route_table_id, destination_cidr_block, transit_gateway_attachment_id, blackhole)
        attached = route.get("transitGatewayAttachments")
        if isinstance(attached, dict):
            route["transitGatewayAttachments"] = [attached]
        return route

    TransitGatewayRouteTableBackend.create_transit_gateway_route = create_transit_gateway_route


@shim
def launch_template_tags_stay_off_its_launch_data():
    """CreateLaunchTemplate's top-level TagSpecifications (resource type `launch-template`) tag the
    template itself; the tags the template applies to what it launches are those of
    `LaunchTemplateData.TagSpecifications` only. moto copies the template's own tags into its launch
    data, so every plan wants to remove a `launch-template` tag specification that was never asked.
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplate.html
    """
    from moto.ec2.responses.launch_templates import LaunchTemplates

    original = LaunchTemplates.create_launch_template

    def create_launch_template(self):
        own_types = set(self._parse_tag_specification())
        requested = [s.get("ResourceType") for s in (self._get_param("LaunchTemplateData", {}) or {}).get("TagSpecifications", [])]
        result = original(self)
        template = self.ec2_backend.get_launch_template_by_name(self._get_param("LaunchTemplateName"))
        data = template.default_version().data
        if "TagSpecifications" in data:
            kept = [s for s in data["TagSpecifications"] if s.get("ResourceType") not in own_types or s.get("ResourceType") in requested]
            if kept:
                data["TagSpecifications"] = kept
            else:
                del data["TagSpecifications"]
        return result

    LaunchTemplates.create_launch_template = create_launch_template


@shim
def instance_without_public_ip_has_no_address_association():
    """A network interface without a public IPv4 address has no `Association` in
    DescribeInstances / DescribeNetworkInterfaces. moto returns an empty one, which the provider reads
    as "a public IP is associated" and plans to replace the instance
    (`associate_public_ip_address = false`).
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceNetworkInterface.html
    """
    from moto.ec2.models.elastic_network_interfaces import NetworkInterface

    original = NetworkInterface.association.fget

    def association(self):
        return original(self) if self.public_ip else None

    NetworkInterface.association = property(association)


@shim
def instance_security_groups_are_its_primary_interface_groups():
    """An instance's `SecurityGroups` are those of its primary network interface, also when the
    groups were given on the interface (as the provider does with `associate_public_ip_address`).
    moto lists only the groups given at the top of RunInstances, so `vpc_security_group_ids` reads
    back empty.
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Instance.html
    """
    from moto.ec2.models.instances import Instance

    def get(self):
        own = self.__dict__.get("_own_security_groups") or []
        primary = getattr(self, "nics", {}).get(0)
        if own or primary is None:
            return own
        return list(primary._group_set)

    def put(self, value):
        self.__dict__["_own_security_groups"] = value

    Instance.security_groups = property(get, put)


@shim
def security_group_rules_that_reference_a_group_keep_their_description():
    """A security group rule whose source or destination is another security group keeps its
    description (DescribeSecurityGroupRules `Description`). moto returns descriptions of CIDR rules
    only, so every plan wants to set them again.
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SecurityGroupRule.html
    """
    from moto.ec2.models.security_groups import SecurityGroupRule

    def description(self):
        return self.ip_range.get("Description") or (self.source_group or {}).get("Description")

    SecurityGroupRule.description = property(description)


class _PeerSide:
    """The accepter Region's view of a peering attachment: one attachment (state, ids) with each
    Region's own tags."""

    def __init__(self, shared, backend):
        object.__setattr__(self, "_shared", shared)
        object.__setattr__(self, "ec2_backend", backend)

    def __getattr__(self, name):
        return getattr(object.__getattribute__(self, "_shared"), name)

    def __setattr__(self, name, value):
        setattr(object.__getattribute__(self, "_shared"), name, value)

    def get_tags(self):
        return self.ec2_backend.describe_tags(filters={"resource-id": [self._shared.id]})

    @property
    def tags(self):
        return [{"Key": t["key"], "Value": t["value"]} for t in self.get_tags()]

    @property
    def tag_set(self):
        return self.get_tags()

    @property
    def tag_list(self):
        return self.get_tags()

    def add_tag(self, key, value):
        self.ec2_backend.create_tags([self._shared.id], {key: value})

    def add_tags(self, tag_map):
        for key, value in tag_map.items():
            self.add_tag(key, value)


@shim
def transit_gateway_peering_attachment_tags_are_per_side():
    """A Transit Gateway peering attachment has one id in both Regions, but each side keeps its own
    tags: the requester's (set at creation) and the accepter's (set when accepting) are separate.
    moto shares one object between the Regions, so the accepter reads the requester's tags back and
    every plan wants to change them.
    https://docs.aws.amazon.com/vpc/latest/tgw/tgw-peering.html
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AcceptTransitGatewayPeeringAttachment.html
    """
    from moto.ec2.models.transit_gateway_attachments import TransitGatewayAttachmentBackend

    original = TransitGatewayAttachmentBackend.create_transit_gateway_peering_attachment

    def create_transit_gateway_peering_attachment(self, transit_gateway_id, peer_transit_gateway_id, peer_region, peer_account_id, tags):
        attachment = original(self, transit_gateway_id, peer_transit_gateway_id, peer_region, peer_account_id, tags)
        for backend in self._get_peering_attachment_backend_refs():
            if backend is not self and backend.transit_gateway_attachments.get(attachment.id) is attachment:
                backend.transit_gateway_attachments[attachment.id] = _PeerSide(attachment, backend)
        return attachment

    TransitGatewayAttachmentBackend.create_transit_gateway_peering_attachment = create_transit_gateway_peering_attachment


@shim
def nat_gateway_deletion_deletes_its_network_interface():
    """Deleting a NAT gateway deletes the network interface AWS created for it (a
    requester-managed interface in the gateway's subnet); only its Elastic IP address stays
    allocated. moto marks the gateway deleted but keeps the interface, so the account looks as if
    the destroy had left an interface behind, and a real subnet with it could not be deleted.
    https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-working-with.html
    https://docs.aws.amazon.com/vpc/latest/userguide/requester-managed-eni.html
    """
    from moto.ec2.models.nat_gateways import NatGatewayBackend

    original = NatGatewayBackend.delete_nat_gateway

    def delete_nat_gateway(self, nat_gateway_id, *args, **kwargs):
        gateway = original(self, nat_gateway_id, *args, **kwargs)
        interface = getattr(gateway, "_eni", None)
        if interface is not None and interface.id in self.enis:
            self.enis.pop(interface.id, None)
        return gateway

    NatGatewayBackend.delete_nat_gateway = delete_nat_gateway


@shim
def ebs_default_key_is_aws_managed():
    """The key that encrypts EBS volumes when no key is named (`alias/aws/ebs`) is an AWS managed
    key: AWS creates it on first use and it is not the customer's to delete. moto creates it as a
    customer managed key, so every Region where an encrypted volume was created looks as if the
    destroy had left a key behind.
    https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key
    https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html
    """
    from moto.ec2.models.elastic_block_store import EBSBackend
    from moto.kms import kms_backends

    original = EBSBackend._create_default_encryption_key

    def _create_default_encryption_key(self):
        arn = original(self)
        kms_backends[self.account_id][self.region_name].describe_key("alias/aws/ebs").key_manager = "AWS"
        return arn

    EBSBackend._create_default_encryption_key = _create_default_encryption_key


@shim
def primary_interface_created_at_launch_is_deleted_on_termination():
    """The primary network interface that a launch creates for an instance (RunInstances with a
    subnet and no interface of its own, or a launch template's interface) is deleted when the
    instance terminates, unless the request set DeleteOnTermination to false. A primary interface
    cannot be detached, so it lives and dies with its instance. moto creates it with
    DeleteOnTermination false unless the request names it, and ignores a launch template's
    interfaces, so every terminated instance leaves its interface (and its subnet address) behind.
    https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-eni.html
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceNetworkInterfaceSpecification.html
    """
    from moto.ec2.models.instances import Instance

    original = Instance.prep_nics

    def prep_nics(self, nic_spec, *args, **kwargs):
        requested = next((dict(n) for n in nic_spec or [] if int(n.get("DeviceIndex", -1)) == 0), {})
        original(self, nic_spec, *args, **kwargs)
        primary = self.nics.get(0)
        if primary is not None and not requested.get("NetworkInterfaceId") and "DeleteOnTermination" not in requested:
            primary.delete_on_termination = True

    Instance.prep_nics = prep_nics
