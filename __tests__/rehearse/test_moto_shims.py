"""Each moto shim of the deploy rehearsal reproduces its AWS behaviour, through boto3 against the
launcher's server (scripts/rehearse/moto_server.py), as the AWS provider would see it.

Run: /usr/bin/python3 -m pytest __tests__/rehearse -p no:cacheprovider
"""
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "rehearse"))
from moto_server import locate_moto  # noqa: E402

locate_moto()
import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

CREATING_SECONDS = 1.0


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    ready = tmp_path_factory.mktemp("moto") / "ready.json"
    env = {**os.environ, "PROXIMATE_EMULATED_FSX_CREATING_SECONDS": str(CREATING_SECONDS)}
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "rehearse" / "moto_server.py"), "--no-install", "--ready-file", str(ready)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 120
    while not (ready.exists() and ready.read_text().strip()):
        assert server.poll() is None, "the emulator exited before serving"
        assert time.time() < deadline, "the emulator did not serve within 120 s"
        time.sleep(0.2)
    yield json.loads(ready.read_text())["endpoint"]
    server.terminate()
    server.wait(timeout=30)


def client(endpoint, service, region="eu-west-2", account=None):
    c = boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="proximate-emulated",
        aws_secret_access_key="proximate-emulated",
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )
    if account is not None:
        c.meta.events.register("before-sign.*.*", lambda request, **_: request.headers.__setitem__("x-moto-account-id", account))
    return c


def fresh_account():
    return str(uuid.uuid4().int)[:12]


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def test_the_launcher_serves_on_loopback_with_lambda_docker_off_and_every_shim(endpoint):
    import urllib.request

    assert endpoint.startswith("http://127.0.0.1:")
    config = json.loads(urllib.request.urlopen(f"{endpoint}/moto-api/config").read())
    assert config["lambda"]["use_docker"] is False


# IAM


def test_service_linked_roles_have_their_documented_names(endpoint):
    iam = client(endpoint, "iam", "us-east-1", account=fresh_account())
    created = iam.create_service_linked_role(AWSServiceName="ecs.amazonaws.com")["Role"]
    assert created["RoleName"] == "AWSServiceRoleForECS"
    assert created["Path"] == "/aws-service-role/ecs.amazonaws.com/"
    assert iam.get_role(RoleName="AWSServiceRoleForECS")["Role"]["RoleName"] == "AWSServiceRoleForECS"
    assert iam.create_service_linked_role(AWSServiceName="s3.data-source.lustre.fsx.amazonaws.com")["Role"]["RoleName"] == "AWSServiceRoleForFSxS3Access_fsx-lustre"
    with pytest.raises(ClientError) as again:
        iam.create_service_linked_role(AWSServiceName="ecs.amazonaws.com")
    assert error_code(again) == "InvalidInput"
    assert "has been taken in this account" in str(again.value)


# S3


def tls_only_policy(bucket, effect_condition):
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                    **({"Condition": effect_condition} if effect_condition is not None else {}),
                }
            ],
        }
    )


def test_bucket_policy_conditions_apply_to_the_request(endpoint):
    s3 = client(endpoint, "s3")
    bucket = f"tls-only-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    # The TLS-only statement denies plain HTTP only: a TLS client's requests pass.
    s3.put_bucket_policy(Bucket=bucket, Policy=tls_only_policy(bucket, {"Bool": {"aws:SecureTransport": "false"}}))
    s3.put_object(Bucket=bucket, Key="state", Body=b"x")
    assert s3.get_object(Bucket=bucket, Key="state")["Body"].read() == b"x"
    # A statement whose condition holds denies.
    s3.put_bucket_policy(Bucket=bucket, Policy=tls_only_policy(bucket, {"Bool": {"aws:SecureTransport": "true"}}))
    with pytest.raises(ClientError) as denied:
        s3.get_object(Bucket=bucket, Key="state")
    assert denied.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    # An operator the shim does not implement keeps a Deny in force (never more lenient than AWS).
    s3.put_bucket_policy(Bucket=bucket, Policy=tls_only_policy(bucket, {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))
    with pytest.raises(ClientError):
        s3.get_object(Bucket=bucket, Key="state")


def test_object_versions_are_deleted_by_id_when_versioning_is_suspended(endpoint):
    s3 = client(endpoint, "s3")
    bucket = f"state-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    # As Terraform leaves the state bucket: states with several versions, and a lock file deleted.
    for serial in (1, 2):
        s3.put_object(Bucket=bucket, Key="network-us-east-1.tfstate", Body=f"serial {serial}".encode())
    s3.put_object(Bucket=bucket, Key="network-us-east-1.tfstate.tflock", Body=b"{}")
    s3.delete_object(Bucket=bucket, Key="network-us-east-1.tfstate.tflock")
    # As the provider's force_destroy removes it: versioning suspended, then every version by ID.
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    listed = s3.list_object_versions(Bucket=bucket)
    versions = [(v["Key"], v["VersionId"]) for v in listed.get("Versions", []) + listed.get("DeleteMarkers", [])]
    assert len(versions) == 4
    # One version by its ID: only that one goes.
    first = next(v for v in listed["Versions"] if v["Key"] == "network-us-east-1.tfstate" and not v["IsLatest"])
    s3.delete_object(Bucket=bucket, Key=first["Key"], VersionId=first["VersionId"])
    remaining = s3.list_object_versions(Bucket=bucket)
    assert sorted(v["VersionId"] for v in remaining.get("Versions", []) + remaining.get("DeleteMarkers", [])) == sorted(i for k, i in versions if i != first["VersionId"])
    # The rest, delete markers included, in one DeleteObjects request.
    rest = [{"Key": k, "VersionId": i} for k, i in versions if i != first["VersionId"]]
    result = s3.delete_objects(Bucket=bucket, Delete={"Objects": rest})
    assert result.get("Errors", []) == [] and len(result["Deleted"]) == 3
    after = s3.list_object_versions(Bucket=bucket)
    assert after.get("Versions", []) == [] and after.get("DeleteMarkers", []) == []
    s3.delete_bucket(Bucket=bucket)
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


# EC2 / Transit Gateway


def test_transit_gateway_without_default_route_table(endpoint):
    ec2 = client(endpoint, "ec2", "us-west-2")
    vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.42.0.0/24")["Subnet"]["SubnetId"]
    gateway = ec2.create_transit_gateway(Options={"DefaultRouteTableAssociation": "disable", "DefaultRouteTablePropagation": "disable"})["TransitGateway"]
    gateway_id = gateway["TransitGatewayId"]
    assert "AssociationDefaultRouteTableId" not in gateway["Options"]
    assert "PropagationDefaultRouteTableId" not in gateway["Options"]
    tables = ec2.describe_transit_gateway_route_tables(Filters=[{"Name": "transit-gateway-id", "Values": [gateway_id]}])["TransitGatewayRouteTables"]
    assert tables == []
    attachment = ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=gateway_id, VpcId=vpc, SubnetIds=[subnet])["TransitGatewayVpcAttachment"]
    attachment_id = attachment["TransitGatewayAttachmentId"]
    described = ec2.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[attachment_id])["TransitGatewayAttachments"][0]
    assert "Association" not in described
    table = ec2.create_transit_gateway_route_table(TransitGatewayId=gateway_id)["TransitGatewayRouteTable"]["TransitGatewayRouteTableId"]
    ec2.associate_transit_gateway_route_table(TransitGatewayRouteTableId=table, TransitGatewayAttachmentId=attachment_id)
    described = ec2.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[attachment_id])["TransitGatewayAttachments"][0]
    assert described["Association"] == {"TransitGatewayRouteTableId": table, "State": "associated"}
    # With the defaults on, the gateway keeps its default table (AWS and moto agree).
    default = ec2.create_transit_gateway()["TransitGateway"]
    assert default["Options"]["AssociationDefaultRouteTableId"].startswith("tgw-rtb-")


# ECR


def test_ecr_pull_through_cache_rules_cache_an_upstream_registry(endpoint):
    ecr = client(endpoint, "ecr", "us-east-1", account=fresh_account())
    created = ecr.create_pull_through_cache_rule(ecrRepositoryPrefix="quay", upstreamRegistryUrl="quay.io")
    assert created["ecrRepositoryPrefix"] == "quay" and created["upstreamRegistryUrl"] == "quay.io"
    rules = ecr.describe_pull_through_cache_rules(ecrRepositoryPrefixes=["quay"])["pullThroughCacheRules"]
    assert [r["upstreamRegistryUrl"] for r in rules] == ["quay.io"]
    assert rules[0]["registryId"].isdigit()
    with pytest.raises(ClientError) as duplicate:
        ecr.create_pull_through_cache_rule(ecrRepositoryPrefix="quay", upstreamRegistryUrl="quay.io")
    assert error_code(duplicate) == "PullThroughCacheRuleAlreadyExistsException"
    with pytest.raises(ClientError) as docker_hub:
        ecr.create_pull_through_cache_rule(ecrRepositoryPrefix="hub", upstreamRegistryUrl="registry-1.docker.io")
    assert error_code(docker_hub) == "InvalidParameterException"
    ecr.delete_pull_through_cache_rule(ecrRepositoryPrefix="quay")
    with pytest.raises(ClientError) as gone:
        ecr.describe_pull_through_cache_rules(ecrRepositoryPrefixes=["quay"])
    assert error_code(gone) == "PullThroughCacheRuleNotFoundException"


# FSx


def lustre_file_system(endpoint, region="us-east-1"):
    ec2 = client(endpoint, "ec2", region)
    vpc = ec2.create_vpc(CidrBlock="10.43.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.43.0.0/24")["Subnet"]["SubnetId"]
    fsx = client(endpoint, "fsx", region)
    created = fsx.create_file_system(
        FileSystemType="LUSTRE",
        StorageCapacity=1200,
        StorageType="SSD",
        SubnetIds=[subnet],
        FileSystemTypeVersion="2.15",
        LustreConfiguration={"DeploymentType": "PERSISTENT_2", "PerUnitStorageThroughput": 125, "DataCompressionType": "LZ4"},
    )["FileSystem"]
    return fsx, created, vpc


def wait_for(fsx, file_system_id, lifecycle):
    deadline = time.time() + 10 * CREATING_SECONDS
    while time.time() < deadline:
        current = fsx.describe_file_systems(FileSystemIds=[file_system_id])["FileSystems"][0]["Lifecycle"]
        if current == lifecycle:
            return
        time.sleep(0.2)
    raise AssertionError(f"{file_system_id} never {lifecycle}")


def test_fsx_file_system_reports_its_lifecycle_and_lustre_mount_name(endpoint):
    fsx, created, vpc = lustre_file_system(endpoint)
    assert created["Lifecycle"] == "CREATING"
    wait_for(fsx, created["FileSystemId"], "AVAILABLE")
    described = fsx.describe_file_systems(FileSystemIds=[created["FileSystemId"]])["FileSystems"][0]
    assert len(described["LustreConfiguration"]["MountName"]) == 8
    assert described["LustreConfiguration"]["DeploymentType"] == "PERSISTENT_2"
    assert described["FileSystemTypeVersion"] == "2.15"
    assert described["VpcId"] == vpc
    assert described["OwnerId"].isdigit()


def test_fsx_data_repository_associations_link_a_lustre_path_to_s3(endpoint):
    fsx, created, _ = lustre_file_system(endpoint, "us-west-2")
    file_system_id = created["FileSystemId"]
    association = fsx.create_data_repository_association(
        FileSystemId=file_system_id, FileSystemPath="/era5", DataRepositoryPath="s3://era5-pds", BatchImportMetaDataOnCreate=True, Tags=[{"Key": "Dataset", "Value": "era5"}]
    )["Association"]
    assert association["Lifecycle"] == "CREATING"
    time.sleep(CREATING_SECONDS + 0.2)
    described = fsx.describe_data_repository_associations(AssociationIds=[association["AssociationId"]])["Associations"][0]
    assert described["Lifecycle"] == "AVAILABLE"
    assert (described["FileSystemPath"], described["DataRepositoryPath"], described["BatchImportMetaDataOnCreate"]) == ("/era5", "s3://era5-pds", True)
    assert fsx.list_tags_for_resource(ResourceARN=described["ResourceARN"])["Tags"] == [{"Key": "Dataset", "Value": "era5"}]
    with pytest.raises(ClientError) as overlap:
        fsx.create_data_repository_association(FileSystemId=file_system_id, FileSystemPath="/era5/zarr", DataRepositoryPath="s3://other")
    assert error_code(overlap) == "BadRequest"
    with pytest.raises(ClientError) as missing:
        fsx.create_data_repository_association(FileSystemId="fs-00000000", FileSystemPath="/x", DataRepositoryPath="s3://x")
    assert error_code(missing) == "FileSystemNotFound"
    fsx.delete_data_repository_association(AssociationId=association["AssociationId"])
    time.sleep(CREATING_SECONDS + 0.2)
    with pytest.raises(ClientError) as gone:
        fsx.describe_data_repository_associations(AssociationIds=[association["AssociationId"]])
    assert error_code(gone) == "DataRepositoryAssociationNotFound"


def test_fsx_processes_one_association_request_at_a_time(endpoint):
    fsx, created, _ = lustre_file_system(endpoint, "eu-central-1")
    file_system_id = created["FileSystemId"]
    fsx.create_data_repository_association(FileSystemId=file_system_id, FileSystemPath="/a", DataRepositoryPath="s3://bucket-a")
    with pytest.raises(ClientError) as busy:
        fsx.create_data_repository_association(FileSystemId=file_system_id, FileSystemPath="/b", DataRepositoryPath="s3://bucket-b")
    assert error_code(busy) == "BadRequest"
    assert "one data repository association request at a time" in str(busy.value)
    time.sleep(CREATING_SECONDS + 0.2)
    second = fsx.create_data_repository_association(FileSystemId=file_system_id, FileSystemPath="/b", DataRepositoryPath="s3://bucket-b")["Association"]
    assert second["FileSystemPath"] == "/b"


# Service-linked roles that services need


def test_ecs_capacity_provider_needs_service_linked_role(endpoint):
    account = fresh_account()
    ecs = client(endpoint, "ecs", "us-east-1", account=account)
    autoscaling = client(endpoint, "autoscaling", "us-east-1", account=account)
    ec2 = client(endpoint, "ec2", "us-east-1", account=account)
    template = ec2.create_launch_template(LaunchTemplateName="t", LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "t3.micro"})["LaunchTemplate"]["LaunchTemplateId"]
    autoscaling.create_auto_scaling_group(AutoScalingGroupName="g", MinSize=0, MaxSize=1, LaunchTemplate={"LaunchTemplateId": template}, AvailabilityZones=["us-east-1a"])
    arn = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["g"])["AutoScalingGroups"][0]["AutoScalingGroupARN"]
    with pytest.raises(ClientError) as refused:
        ecs.create_capacity_provider(name="p", autoScalingGroupProvider={"autoScalingGroupArn": arn})
    assert error_code(refused) == "ClientException"
    assert "service linked role" in str(refused.value)
    client(endpoint, "iam", "us-east-1", account=account).create_service_linked_role(AWSServiceName="ecs.amazonaws.com")
    assert ecs.create_capacity_provider(name="p", autoScalingGroupProvider={"autoScalingGroupArn": arn})["capacityProvider"]["name"] == "p"


def test_opensearch_vpc_domain_needs_service_linked_role(endpoint):
    account = fresh_account()
    opensearch = client(endpoint, "opensearch", "eu-west-2", account=account)
    ec2 = client(endpoint, "ec2", "eu-west-2", account=account)
    vpc = ec2.create_vpc(CidrBlock="10.44.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.44.0.0/24")["Subnet"]["SubnetId"]
    with pytest.raises(ClientError) as refused:
        opensearch.create_domain(DomainName="catalog", VPCOptions={"SubnetIds": [subnet]})
    assert error_code(refused) == "ValidationException"
    assert "service-linked role" in str(refused.value)
    assert opensearch.create_domain(DomainName="public")["DomainStatus"]["DomainName"] == "public"
    client(endpoint, "iam", "us-east-1", account=account).create_service_linked_role(AWSServiceName="opensearchservice.amazonaws.com")
    assert opensearch.create_domain(DomainName="catalog", VPCOptions={"SubnetIds": [subnet]})["DomainStatus"]["DomainName"] == "catalog"


# Cloud Map


def test_cloud_map_private_namespace_owns_a_private_zone_for_its_vpc(endpoint):
    ec2 = client(endpoint, "ec2", "ap-southeast-2")
    vpc = ec2.create_vpc(CidrBlock="10.45.0.0/16")["Vpc"]["VpcId"]
    cloud_map = client(endpoint, "servicediscovery", "ap-southeast-2")
    operation = cloud_map.create_private_dns_namespace(Name="rehearsal.internal", Vpc=vpc)["OperationId"]
    namespace_id = cloud_map.get_operation(OperationId=operation)["Operation"]["Targets"]["NAMESPACE"]
    zone_id = cloud_map.get_namespace(Id=namespace_id)["Namespace"]["Properties"]["DnsProperties"]["HostedZoneId"]
    assert not zone_id.startswith("/")
    route53 = client(endpoint, "route53", "us-east-1")
    zone = route53.get_hosted_zone(Id=zone_id)
    assert zone["HostedZone"]["Name"] == "rehearsal.internal."
    assert zone["HostedZone"]["Config"]["PrivateZone"] is True
    assert {"VPCId": vpc, "VPCRegion": "ap-southeast-2"} in zone["VPCs"]
    cloud_map.delete_namespace(Id=namespace_id)
    with pytest.raises(ClientError) as gone:
        route53.get_hosted_zone(Id=zone_id)
    assert error_code(gone) == "NoSuchHostedZone"


# Step Functions


def test_step_functions_validates_state_machine_definitions(endpoint):
    sfn = client(endpoint, "stepfunctions", "us-east-1")
    good = {"StartAt": "Import", "States": {"Import": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:fsx:createDataRepositoryTask", "Next": "Done"}, "Done": {"Type": "Succeed"}}}
    assert sfn.validate_state_machine_definition(definition=json.dumps(good))["result"] == "OK"
    broken = {"StartAt": "Import", "States": {"Import": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "Next": "Missing"}}}
    result = sfn.validate_state_machine_definition(definition=json.dumps(broken))
    assert result["result"] == "FAIL"
    assert {d["code"] for d in result["diagnostics"]} >= {"MISSING_TRANSITION_TARGET"}
    assert sfn.validate_state_machine_definition(definition="{not json")["result"] == "FAIL"
    arn = sfn.create_state_machine(name="m", definition=json.dumps(good), roleArn="arn:aws:iam::123456789012:role/r")["stateMachineArn"]
    assert sfn.list_state_machine_versions(stateMachineArn=arn)["stateMachineVersions"] == []


# Tags


def test_application_auto_scaling_targets_carry_tags(endpoint):
    ecs = client(endpoint, "ecs", "us-east-1")
    ecs.create_cluster(clusterName="c")
    task = ecs.register_task_definition(family="t", containerDefinitions=[{"name": "w", "image": "x", "memory": 128}])["taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(cluster="c", serviceName="s", taskDefinition=task, desiredCount=1)
    scaling = client(endpoint, "application-autoscaling", "us-east-1")
    arn = scaling.register_scalable_target(
        ServiceNamespace="ecs", ResourceId="service/c/s", ScalableDimension="ecs:service:DesiredCount", MinCapacity=1, MaxCapacity=2, Tags={"Project": "proximate"}
    )["ScalableTargetARN"]
    assert scaling.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"Project": "proximate"}
    scaling.tag_resource(ResourceARN=arn, Tags={"Stack": "pool"})
    scaling.untag_resource(ResourceARN=arn, TagKeys=["Project"])
    assert scaling.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"Stack": "pool"}
    with pytest.raises(ClientError) as unknown:
        scaling.list_tags_for_resource(ResourceARN=arn.replace("scalable-target/", "scalable-target/nope"))
    assert error_code(unknown) == "ResourceNotFoundException"


def test_sagemaker_lifecycle_configurations_carry_tags(endpoint):
    sagemaker = client(endpoint, "sagemaker", "eu-west-2")
    arn = sagemaker.create_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName="lc", OnStart=[{"Content": "ZWNobw=="}])["NotebookInstanceLifecycleConfigArn"]
    sagemaker.add_tags(ResourceArn=arn, Tags=[{"Key": "Project", "Value": "proximate"}])
    assert sagemaker.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "Project", "Value": "proximate"}]


def test_transit_gateway_attachment_ids_that_do_not_exist_are_not_found(endpoint):
    ec2 = client(endpoint, "ec2", "eu-west-2")
    for operation in (ec2.accept_transit_gateway_peering_attachment, ec2.delete_transit_gateway_peering_attachment, ec2.delete_transit_gateway_vpc_attachment):
        with pytest.raises(ClientError) as missing:
            operation(TransitGatewayAttachmentId="tgw-attach-0123456789abcdef0")
        assert error_code(missing) == "InvalidTransitGatewayAttachmentID.NotFound"


def vpc_attachment(ec2, second_octet, **attachment_args):
    """A VPC 10.<n>.0.0/16 with one /24 subnet, a Transit Gateway and the VPC's attachment to it."""
    vpc = ec2.create_vpc(CidrBlock=f"10.{second_octet}.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{second_octet}.0.0/24")["Subnet"]["SubnetId"]
    gateway = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    attachment = ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=gateway, VpcId=vpc, SubnetIds=[subnet], **attachment_args)
    return gateway, attachment["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]


def test_transit_gateway_vpc_attachment_is_described_as_deleted(endpoint):
    ec2 = client(endpoint, "ec2", "ap-northeast-2")
    _, attachment = vpc_attachment(ec2, 48)
    ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=attachment)
    described = ec2.describe_transit_gateway_vpc_attachments(TransitGatewayAttachmentIds=[attachment])["TransitGatewayVpcAttachments"]
    assert [(a["TransitGatewayAttachmentId"], a["State"]) for a in described] == [(attachment, "deleted")]
    listed = ec2.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[attachment])["TransitGatewayAttachments"]
    assert [a["State"] for a in listed] == ["deleted"]
    # Deleted means gone for every action: a second delete is NotFound, as for an id that never existed.
    with pytest.raises(ClientError) as again:
        ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=attachment)
    assert error_code(again) == "InvalidTransitGatewayAttachmentID.NotFound"


def test_nat_gateway_deletion_deletes_its_network_interface(endpoint):
    ec2 = client(endpoint, "ec2", "ap-northeast-3")
    vpc = ec2.create_vpc(CidrBlock="10.49.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.49.0.0/24")["Subnet"]["SubnetId"]
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    gateway = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation)["NatGateway"]["NatGatewayId"]
    interfaces = lambda: [i["NetworkInterfaceId"] for i in ec2.describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": [subnet]}])["NetworkInterfaces"]]
    assert len(interfaces()) == 1
    ec2.delete_nat_gateway(NatGatewayId=gateway)
    assert interfaces() == []
    # The Elastic IP address stays allocated until released.
    assert [a["AllocationId"] for a in ec2.describe_addresses(AllocationIds=[allocation])["Addresses"]] == [allocation]


def test_primary_interface_created_at_launch_is_deleted_on_termination(endpoint):
    ec2 = client(endpoint, "ec2", "ap-southeast-3")
    autoscaling = client(endpoint, "autoscaling", "ap-southeast-3")
    vpc = ec2.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.50.0.0/24", AvailabilityZone="ap-southeast-3a")["Subnet"]["SubnetId"]
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    interfaces = lambda: sorted(i["NetworkInterfaceId"] for i in ec2.describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": [subnet]}])["NetworkInterfaces"])
    # As the data host is launched: a subnet and no interface of its own.
    host = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, SubnetId=subnet)["Instances"][0]["InstanceId"]
    # An interface the request keeps on purpose stays after termination.
    kept = ec2.run_instances(
        ImageId=image, MinCount=1, MaxCount=1, NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": subnet, "DeleteOnTermination": False}]
    )["Instances"][0]["NetworkInterfaces"][0]["NetworkInterfaceId"]
    # As the worker pool is launched: an Auto Scaling group from a launch template with an interface.
    template = ec2.create_launch_template(
        LaunchTemplateName="workers-eni",
        LaunchTemplateData={"ImageId": image, "InstanceType": "t3.micro", "NetworkInterfaces": [{"DeviceIndex": 0, "DeleteOnTermination": True, "AssociatePublicIpAddress": False}]},
    )["LaunchTemplate"]["LaunchTemplateId"]
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="workers-eni", MinSize=0, MaxSize=1, DesiredCapacity=1, LaunchTemplate={"LaunchTemplateId": template}, VPCZoneIdentifier=subnet
    )
    assert len(interfaces()) == 3
    ec2.terminate_instances(InstanceIds=[host])
    autoscaling.delete_auto_scaling_group(AutoScalingGroupName="workers-eni", ForceDelete=True)
    assert interfaces() == [kept]


def test_ebs_default_key_is_aws_managed(endpoint):
    ec2 = client(endpoint, "ec2", "eu-north-1")
    ec2.create_volume(AvailabilityZone="eu-north-1a", Size=8, Encrypted=True)
    kms = client(endpoint, "kms", "eu-north-1")
    assert kms.describe_key(KeyId="alias/aws/ebs")["KeyMetadata"]["KeyManager"] == "AWS"


def test_transit_gateway_vpc_attachment_is_tagged_at_creation(endpoint):
    ec2 = client(endpoint, "ec2", "ca-central-1")
    _, attachment = vpc_attachment(ec2, 46, TagSpecifications=[{"ResourceType": "transit-gateway-attachment", "Tags": [{"Key": "Name", "Value": "hub"}]}])
    described = ec2.describe_transit_gateway_vpc_attachments(TransitGatewayAttachmentIds=[attachment])["TransitGatewayVpcAttachments"][0]
    assert described["Tags"] == [{"Key": "Name", "Value": "hub"}]


def test_transit_gateway_static_routes_name_their_attachment(endpoint):
    ec2 = client(endpoint, "ec2", "sa-east-1")
    gateway, attachment = vpc_attachment(ec2, 47)
    table = ec2.create_transit_gateway_route_table(TransitGatewayId=gateway)["TransitGatewayRouteTable"]["TransitGatewayRouteTableId"]
    ec2.create_transit_gateway_route(TransitGatewayRouteTableId=table, DestinationCidrBlock="10.9.0.0/16", TransitGatewayAttachmentId=attachment)
    routes = ec2.search_transit_gateway_routes(TransitGatewayRouteTableId=table, Filters=[{"Name": "type", "Values": ["static"]}])["Routes"]
    assert [(r["DestinationCidrBlock"], [a["TransitGatewayAttachmentId"] for a in r["TransitGatewayAttachments"]]) for r in routes] == [("10.9.0.0/16", [attachment])]


def test_transit_gateway_peering_attachment_tags_are_per_side(endpoint):
    west = client(endpoint, "ec2", "us-west-1")
    east = client(endpoint, "ec2", "us-east-2")
    requester = west.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    accepter = east.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    attachment = west.create_transit_gateway_peering_attachment(
        TransitGatewayId=requester,
        PeerTransitGatewayId=accepter,
        PeerAccountId="123456789012",
        PeerRegion="us-east-2",
        TagSpecifications=[{"ResourceType": "transit-gateway-attachment", "Tags": [{"Key": "Side", "Value": "requester"}]}],
    )["TransitGatewayPeeringAttachment"]["TransitGatewayAttachmentId"]
    east.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=attachment)
    east.create_tags(Resources=[attachment], Tags=[{"Key": "Side", "Value": "accepter"}])

    def side(ec2):
        found = [a for a in ec2.describe_transit_gateway_peering_attachments(TransitGatewayAttachmentIds=[attachment])["TransitGatewayPeeringAttachments"] if "RequesterTgwInfo" in a][0]
        return found["State"], {t["Key"]: t["Value"] for t in found.get("Tags", [])}

    assert side(west) == ("available", {"Side": "requester"})
    assert side(east) == ("available", {"Side": "accepter"})


def test_ecs_service_keeps_its_capacity_provider_strategy_and_settings(endpoint):
    account = fresh_account()
    client(endpoint, "iam", "us-east-1", account=account).create_service_linked_role(AWSServiceName="ecs.amazonaws.com")
    ecs = client(endpoint, "ecs", "us-east-1", account=account)
    autoscaling = client(endpoint, "autoscaling", "us-east-1", account=account)
    ec2 = client(endpoint, "ec2", "us-east-1", account=account)
    template = ec2.create_launch_template(LaunchTemplateName="t", LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "t3.micro"})["LaunchTemplate"]["LaunchTemplateId"]
    autoscaling.create_auto_scaling_group(AutoScalingGroupName="g", MinSize=0, MaxSize=1, LaunchTemplate={"LaunchTemplateId": template}, AvailabilityZones=["us-east-1a"])
    arn = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["g"])["AutoScalingGroups"][0]["AutoScalingGroupARN"]
    ecs.create_cluster(clusterName="workers")
    ecs.create_capacity_provider(name="hosts", autoScalingGroupProvider={"autoScalingGroupArn": arn})
    task = ecs.register_task_definition(family="w", containerDefinitions=[{"name": "w", "image": "x", "memory": 128}])["taskDefinition"]["taskDefinitionArn"]
    strategy = [{"capacityProvider": "hosts", "weight": 1, "base": 0}]
    ecs.create_service(
        cluster="workers", serviceName="dask", taskDefinition=task, desiredCount=0, capacityProviderStrategy=strategy, healthCheckGracePeriodSeconds=120, availabilityZoneRebalancing="DISABLED"
    )
    service = ecs.describe_services(cluster="workers", services=["dask"])["services"][0]
    assert service["capacityProviderStrategy"] == strategy
    assert service["healthCheckGracePeriodSeconds"] == 120
    assert service["availabilityZoneRebalancing"] == "DISABLED"
    assert service.get("launchType") in (None, "")


def test_lambda_function_keeps_its_logging_configuration(endpoint):
    import io
    import zipfile

    iam = client(endpoint, "iam", "us-east-1")
    role = iam.create_role(RoleName=f"fn-{uuid.uuid4().hex[:6]}", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}))["Role"]["Arn"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.js", "exports.handler = async () => ({})")
    aws_lambda = client(endpoint, "lambda", "ap-northeast-1")
    aws_lambda.create_function(
        FunctionName="indexer", Runtime="nodejs20.x", Role=role, Handler="index.handler", Code={"ZipFile": buffer.getvalue()}, LoggingConfig={"LogFormat": "Text", "LogGroup": "/aws/lambda/custom"}
    )
    assert aws_lambda.get_function_configuration(FunctionName="indexer")["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": "/aws/lambda/custom"}
    aws_lambda.create_function(FunctionName="plain", Runtime="nodejs20.x", Role=role, Handler="index.handler", Code={"ZipFile": buffer.getvalue()})
    assert aws_lambda.get_function(FunctionName="plain")["Configuration"]["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": "/aws/lambda/plain"}


def test_sagemaker_notebook_instance_keeps_its_platform(endpoint):
    sagemaker = client(endpoint, "sagemaker", "eu-west-2")
    sagemaker.create_notebook_instance(
        NotebookInstanceName="nb", InstanceType="ml.t3.medium", RoleArn="arn:aws:iam::123456789012:role/r", PlatformIdentifier="notebook-al2-v3"
    )
    assert sagemaker.describe_notebook_instance(NotebookInstanceName="nb")["PlatformIdentifier"] == "notebook-al2-v3"


def test_sagemaker_lifecycle_configurations_take_their_tags_at_creation(endpoint):
    sagemaker = client(endpoint, "sagemaker", "eu-west-2")
    arn = sagemaker.create_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName="tagged", Tags=[{"Key": "Stack", "Value": "notebook"}])["NotebookInstanceLifecycleConfigArn"]
    assert sagemaker.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "Stack", "Value": "notebook"}]


def test_instances_launched_with_an_interface_spec_keep_its_groups_and_no_public_ip(endpoint):
    ec2 = client(endpoint, "ec2", "eu-north-1")
    vpc = ec2.create_vpc(CidrBlock="10.48.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.48.0.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="host", Description="host", VpcId=vpc)["GroupId"]
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    instance = ec2.run_instances(
        ImageId=image, MinCount=1, MaxCount=1, NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": subnet, "Groups": [group], "AssociatePublicIpAddress": False}]
    )["Instances"][0]["InstanceId"]
    described = ec2.describe_instances(InstanceIds=[instance])["Reservations"][0]["Instances"][0]
    assert [g["GroupId"] for g in described["SecurityGroups"]] == [group]
    assert "Association" not in described["NetworkInterfaces"][0]
    assert "PublicIpAddress" not in described


def test_launch_template_tags_stay_off_its_launch_data(endpoint):
    ec2 = client(endpoint, "ec2", "eu-north-1")
    ec2.create_launch_template(
        LaunchTemplateName="workers",
        LaunchTemplateData={"InstanceType": "t3.micro", "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "worker"}]}]},
        TagSpecifications=[{"ResourceType": "launch-template", "Tags": [{"Key": "Stack", "Value": "pool"}]}],
    )
    data = ec2.describe_launch_template_versions(LaunchTemplateName="workers")["LaunchTemplateVersions"][0]["LaunchTemplateData"]
    assert [s["ResourceType"] for s in data["TagSpecifications"]] == ["instance"]
    template = ec2.describe_launch_templates(LaunchTemplateNames=["workers"])["LaunchTemplates"][0]
    assert {t["Key"]: t["Value"] for t in template["Tags"]} == {"Stack": "pool"}


def test_security_group_rules_that_reference_a_group_keep_their_description(endpoint):
    ec2 = client(endpoint, "ec2", "eu-north-1")
    vpc = ec2.create_vpc(CidrBlock="10.49.0.0/16")["Vpc"]["VpcId"]
    lustre = ec2.create_security_group(GroupName="lustre", Description="lustre", VpcId=vpc)["GroupId"]
    workers = ec2.create_security_group(GroupName="workers", Description="workers", VpcId=vpc)["GroupId"]
    rule = ec2.authorize_security_group_ingress(
        GroupId=lustre, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 988, "ToPort": 988, "UserIdGroupPairs": [{"GroupId": workers, "Description": "Lustre from workers"}]}]
    )["SecurityGroupRules"][0]["SecurityGroupRuleId"]
    described = ec2.describe_security_group_rules(SecurityGroupRuleIds=[rule])["SecurityGroupRules"][0]
    assert described["Description"] == "Lustre from workers"
    assert described["ReferencedGroupInfo"]["GroupId"] == workers


def test_auto_scaling_group_with_instances_is_deleted_only_by_force(endpoint):
    ec2 = client(endpoint, "ec2", "ap-south-1")
    autoscaling = client(endpoint, "autoscaling", "ap-south-1")
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    template = ec2.create_launch_template(LaunchTemplateName="hosts", LaunchTemplateData={"ImageId": image, "InstanceType": "t3.micro"})["LaunchTemplate"]["LaunchTemplateId"]
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="pool", MinSize=0, MaxSize=2, DesiredCapacity=1, LaunchTemplate={"LaunchTemplateId": template}, AvailabilityZones=["ap-south-1a"], NewInstancesProtectedFromScaleIn=True
    )
    instance = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["pool"])["AutoScalingGroups"][0]["Instances"][0]["InstanceId"]
    autoscaling.update_auto_scaling_group(AutoScalingGroupName="pool", MinSize=0, DesiredCapacity=0)
    assert len(autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["pool"])["AutoScalingGroups"][0]["Instances"]) == 1  # protected: still there
    with pytest.raises(ClientError) as in_use:
        autoscaling.delete_auto_scaling_group(AutoScalingGroupName="pool")
    assert error_code(in_use) == "ResourceInUse"
    autoscaling.delete_auto_scaling_group(AutoScalingGroupName="pool", ForceDelete=True)
    assert autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["pool"])["AutoScalingGroups"] == []
    state = ec2.describe_instances(InstanceIds=[instance])["Reservations"][0]["Instances"][0]["State"]["Name"]
    assert state in ("shutting-down", "terminated")


def test_ecs_capacity_providers_are_all_described_when_none_are_named(endpoint):
    account = fresh_account()
    ecs = client(endpoint, "ecs", "us-east-1", account=account)
    autoscaling = client(endpoint, "autoscaling", "us-east-1", account=account)
    ec2 = client(endpoint, "ec2", "us-east-1", account=account)
    client(endpoint, "iam", "us-east-1", account=account).create_service_linked_role(AWSServiceName="ecs.amazonaws.com")
    template = ec2.create_launch_template(LaunchTemplateName="t", LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "t3.micro"})["LaunchTemplate"]["LaunchTemplateId"]
    assert ecs.describe_capacity_providers()["capacityProviders"] == []
    for name in ("b", "a"):
        autoscaling.create_auto_scaling_group(AutoScalingGroupName=name, MinSize=0, MaxSize=1, LaunchTemplate={"LaunchTemplateId": template}, AvailabilityZones=["us-east-1a"])
        arn = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]["AutoScalingGroupARN"]
        ecs.create_capacity_provider(name=name, autoScalingGroupProvider={"autoScalingGroupArn": arn})
    assert sorted(p["name"] for p in ecs.describe_capacity_providers()["capacityProviders"]) == ["a", "b"]
    named = ecs.describe_capacity_providers(capacityProviders=["a", "missing"])
    assert [p["name"] for p in named["capacityProviders"]] == ["a"]
    assert [f["reason"] for f in named["failures"]] == ["MISSING"]


def test_sagemaker_lists_notebook_instance_lifecycle_configurations(endpoint):
    sagemaker = client(endpoint, "sagemaker", "sa-east-1")
    assert sagemaker.list_notebook_instance_lifecycle_configs()["NotebookInstanceLifecycleConfigs"] == []
    for name in ("env-b", "env-a", "other"):
        sagemaker.create_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName=name, OnStart=[{"Content": "ZWNobw=="}])
    listed = sagemaker.list_notebook_instance_lifecycle_configs()["NotebookInstanceLifecycleConfigs"]
    assert [c["NotebookInstanceLifecycleConfigName"] for c in listed] == ["env-a", "env-b", "other"]
    assert listed[0]["NotebookInstanceLifecycleConfigArn"].endswith(":notebook-instance-lifecycle-config/env-a")
    paged = sagemaker.get_paginator("list_notebook_instance_lifecycle_configs").paginate(NameContains="env", PaginationConfig={"PageSize": 1})
    assert [c["NotebookInstanceLifecycleConfigName"] for page in paged for c in page["NotebookInstanceLifecycleConfigs"]] == ["env-a", "env-b"]
    sagemaker.delete_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName="other")
    assert len(sagemaker.list_notebook_instance_lifecycle_configs()["NotebookInstanceLifecycleConfigs"]) == 2


def test_the_leftover_listing_counts_only_active_ecs_services(endpoint):
    from inventory import active_services

    ecs = client(endpoint, "ecs", "eu-south-1")
    ecs.create_cluster(clusterName="listing")
    ecs.register_task_definition(family="listing", containerDefinitions=[{"name": "c", "image": "busybox", "memory": 128}])
    kept = ecs.create_service(cluster="listing", serviceName="kept", taskDefinition="listing", desiredCount=0)["service"]["serviceArn"]
    ecs.create_service(cluster="listing", serviceName="gone", taskDefinition="listing", desiredCount=0)
    ecs.delete_service(cluster="listing", service="gone")
    assert active_services(ecs, "listing") == [kept]
