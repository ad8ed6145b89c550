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
            if transit_gateway_attachment_id not in self.transit_gateway_attachments:
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
