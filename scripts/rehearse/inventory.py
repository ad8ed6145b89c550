#!/usr/bin/python3
"""What exists in the emulated AWS account, through the AWS APIs (boto3), for the rehearsal.

    inventory.py --endpoint URL --regions r1,r2 resources          # every resource, one JSON list
    inventory.py --endpoint URL --regions r1,r2 wiring             # Transit Gateway peerings as AWS sees them
    inventory.py --endpoint URL states --bucket B --prefix P       # the stacks' states in the S3 backend
    inventory.py --endpoint URL --regions r1,r2 start-workers      # each ECS-managed ASG runs one instance

`resources` lists, per Region of the topology and globally, every resource of every service
Proximate uses (EC2 networking and instances, Transit Gateways, ECS, ECR, ELB, Auto Scaling,
Application Auto Scaling, CloudWatch Logs and alarms, SNS, Step Functions, EventBridge Scheduler,
Lambda, KMS, Cloud Map, FSx, OpenSearch, SageMaker, IAM, S3, Route 53). The rehearsal lists the
empty account before the bootstrap and again after `cdktf destroy '*'`: anything new is a leftover.
A listing that fails is reported as such (a leftover that cannot be ruled out).
"""
import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from moto_server import locate_moto  # noqa: E402  (puts the vendored botocore first when needed)

CREDENTIALS = {"aws_access_key_id": "proximate-emulated", "aws_secret_access_key": "proximate-emulated"}


def client(boto3, endpoint, service, region):
    from botocore.config import Config

    return boto3.client(service, endpoint_url=endpoint, region_name=region, config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}), **CREDENTIALS)


def active_services(ecs, cluster):
    """The ACTIVE services of a cluster (DescribeServices takes 10 at a time)."""
    arns = ecs.list_services(cluster=cluster)["serviceArns"]
    active = []
    for start in range(0, len(arns), 10):
        described = ecs.describe_services(cluster=cluster, services=arns[start : start + 10])["services"]
        active.extend(s["serviceArn"] for s in described if s.get("status") == "ACTIVE")
    return active


def paged(c, operation, key, **kwargs):
    if c.can_paginate(operation):
        for page in c.get_paginator(operation).paginate(**kwargs):
            yield from page.get(key, [])
    else:
        yield from getattr(c, operation)(**kwargs).get(key, [])


def regional_listers(c):
    """(service, kind, function(client) -> ids) for one Region."""
    ec2 = [
        ("vpc", lambda e: [v["VpcId"] for v in paged(e, "describe_vpcs", "Vpcs")]),
        ("subnet", lambda e: [v["SubnetId"] for v in paged(e, "describe_subnets", "Subnets")]),
        ("route-table", lambda e: [v["RouteTableId"] for v in paged(e, "describe_route_tables", "RouteTables")]),
        ("internet-gateway", lambda e: [v["InternetGatewayId"] for v in paged(e, "describe_internet_gateways", "InternetGateways")]),
        ("nat-gateway", lambda e: [v["NatGatewayId"] for v in paged(e, "describe_nat_gateways", "NatGateways") if v["State"] not in ("deleted", "deleting")]),
        ("elastic-ip", lambda e: [v["AllocationId"] for v in e.describe_addresses().get("Addresses", [])]),
        ("security-group", lambda e: [v["GroupId"] for v in paged(e, "describe_security_groups", "SecurityGroups")]),
        ("vpc-endpoint", lambda e: [v["VpcEndpointId"] for v in paged(e, "describe_vpc_endpoints", "VpcEndpoints") if v["State"].lower() not in ("deleted", "deleting")]),
        ("transit-gateway", lambda e: [v["TransitGatewayId"] for v in paged(e, "describe_transit_gateways", "TransitGateways") if v["State"] not in ("deleted", "deleting")]),
        (
            "transit-gateway-attachment",
            lambda e: [v["TransitGatewayAttachmentId"] for v in paged(e, "describe_transit_gateway_attachments", "TransitGatewayAttachments") if v["State"] not in ("deleted", "deleting", "rejected", "failed")],
        ),
        (
            "transit-gateway-route-table",
            lambda e: [v["TransitGatewayRouteTableId"] for v in paged(e, "describe_transit_gateway_route_tables", "TransitGatewayRouteTables") if v["State"] not in ("deleted", "deleting")],
        ),
        (
            "instance",
            lambda e: [i["InstanceId"] for r in paged(e, "describe_instances", "Reservations") for i in r["Instances"] if i["State"]["Name"] not in ("terminated", "shutting-down")],
        ),
        ("launch-template", lambda e: [v["LaunchTemplateId"] for v in paged(e, "describe_launch_templates", "LaunchTemplates")]),
        ("flow-log", lambda e: [v["FlowLogId"] for v in paged(e, "describe_flow_logs", "FlowLogs")]),
        ("network-interface", lambda e: [v["NetworkInterfaceId"] for v in paged(e, "describe_network_interfaces", "NetworkInterfaces")]),
    ]
    return [
        *[("ec2", kind, fn) for kind, fn in ec2],
        ("ecs", "cluster", lambda e: [a for a in e.list_clusters()["clusterArns"] if e.describe_clusters(clusters=[a])["clusters"][0]["status"] == "ACTIVE"]),
        # A deleted service is DRAINING, then INACTIVE, and still described for a while; only ACTIVE ones remain.
        # https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteService.html
        ("ecs", "service", lambda e: [s for a in e.list_clusters()["clusterArns"] for s in active_services(e, a)]),
        ("ecs", "capacity-provider", lambda e: [p["name"] for p in e.describe_capacity_providers()["capacityProviders"] if p["name"] not in ("FARGATE", "FARGATE_SPOT")]),
        ("ecs", "task-definition", lambda e: e.list_task_definitions(status="ACTIVE")["taskDefinitionArns"]),
        ("ecr", "repository", lambda e: [r["repositoryName"] for r in paged(e, "describe_repositories", "repositories")]),
        ("ecr", "pull-through-cache-rule", lambda e: [r["ecrRepositoryPrefix"] for r in e.describe_pull_through_cache_rules().get("pullThroughCacheRules", [])]),
        ("elbv2", "load-balancer", lambda e: [v["LoadBalancerArn"] for v in paged(e, "describe_load_balancers", "LoadBalancers")]),
        ("elbv2", "target-group", lambda e: [v["TargetGroupArn"] for v in paged(e, "describe_target_groups", "TargetGroups")]),
        ("autoscaling", "group", lambda e: [v["AutoScalingGroupName"] for v in paged(e, "describe_auto_scaling_groups", "AutoScalingGroups")]),
        ("application-autoscaling", "scalable-target", lambda e: [v["ResourceId"] for v in paged(e, "describe_scalable_targets", "ScalableTargets", ServiceNamespace="ecs")]),
        ("application-autoscaling", "scaling-policy", lambda e: [v["PolicyName"] for v in paged(e, "describe_scaling_policies", "ScalingPolicies", ServiceNamespace="ecs")]),
        ("logs", "log-group", lambda e: [v["logGroupName"] for v in paged(e, "describe_log_groups", "logGroups")]),
        ("logs", "resource-policy", lambda e: [v["policyName"] for v in e.describe_resource_policies().get("resourcePolicies", [])]),
        ("cloudwatch", "alarm", lambda e: [v["AlarmName"] for v in paged(e, "describe_alarms", "MetricAlarms")]),
        ("sns", "topic", lambda e: [v["TopicArn"] for v in paged(e, "list_topics", "Topics")]),
        ("sns", "subscription", lambda e: [v["SubscriptionArn"] for v in paged(e, "list_subscriptions", "Subscriptions")]),
        ("stepfunctions", "state-machine", lambda e: [v["stateMachineArn"] for v in paged(e, "list_state_machines", "stateMachines")]),
        ("scheduler", "schedule", lambda e: [v["Name"] for v in paged(e, "list_schedules", "Schedules")]),
        ("lambda", "function", lambda e: [v["FunctionName"] for v in paged(e, "list_functions", "Functions")]),
        (
            "kms",
            "key",
            lambda e: [
                k["KeyId"]
                for k in paged(e, "list_keys", "Keys")
                if (m := e.describe_key(KeyId=k["KeyId"])["KeyMetadata"])["KeyManager"] == "CUSTOMER" and m["KeyState"] not in ("PendingDeletion", "PendingReplicaDeletion")
            ],
        ),
        ("kms", "alias", lambda e: [a["AliasName"] for a in paged(e, "list_aliases", "Aliases") if not a["AliasName"].startswith("alias/aws/")]),
        ("servicediscovery", "namespace", lambda e: [v["Id"] for v in paged(e, "list_namespaces", "Namespaces")]),
        ("servicediscovery", "service", lambda e: [v["Id"] for v in paged(e, "list_services", "Services")]),
        ("fsx", "file-system", lambda e: [v["FileSystemId"] for v in paged(e, "describe_file_systems", "FileSystems")]),
        ("fsx", "data-repository-association", lambda e: [v["AssociationId"] for v in e.describe_data_repository_associations().get("Associations", [])]),
        ("opensearch", "domain", lambda e: [v["DomainName"] for v in e.list_domain_names().get("DomainNames", [])]),
        ("sagemaker", "notebook-instance", lambda e: [v["NotebookInstanceName"] for v in paged(e, "list_notebook_instances", "NotebookInstances")]),
        ("sagemaker", "notebook-lifecycle-config", lambda e: [v["NotebookInstanceLifecycleConfigName"] for v in paged(e, "list_notebook_instance_lifecycle_configs", "NotebookInstanceLifecycleConfigs")]),
    ]


def global_listers():
    return [
        ("iam", "role", lambda e: [r["RoleName"] for r in paged(e, "list_roles", "Roles") if not r["Path"].startswith("/aws-service-role/")]),
        ("iam", "service-linked-role", lambda e: [r["RoleName"] for r in paged(e, "list_roles", "Roles") if r["Path"].startswith("/aws-service-role/")]),
        ("iam", "instance-profile", lambda e: [r["InstanceProfileName"] for r in paged(e, "list_instance_profiles", "InstanceProfiles")]),
        ("iam", "policy", lambda e: [p["PolicyName"] for p in paged(e, "list_policies", "Policies", Scope="Local")]),
        ("s3", "bucket", lambda e: [b["Name"] for b in e.list_buckets().get("Buckets", [])]),
        ("route53", "hosted-zone", lambda e: [z["Id"].split("/")[-1] + " " + z["Name"] for z in paged(e, "list_hosted_zones", "HostedZones")]),
    ]


def resources(boto3, endpoint, regions):
    items, errors = [], []

    def collect(service, kind, fn, region):
        try:
            for ident in fn(client(boto3, endpoint, service, region)):
                items.append({"service": service, "region": region, "kind": kind, "id": ident})
        except Exception as error:  # a listing that fails cannot rule a leftover out
            errors.append({"service": service, "region": region, "kind": kind, "error": f"{type(error).__name__}: {error}"[:300]})

    for region in regions:
        for service, kind, fn in regional_listers(None):
            collect(service, kind, fn, region)
    for service, kind, fn in global_listers():
        collect(service, kind, fn, "us-east-1" if service != "route53" else "us-east-1")
    return {"resources": items, "errors": errors}


def wiring(boto3, endpoint, regions):
    """Transit Gateway peerings seen from each side: ids, states, and the routes over them."""
    peerings = []
    for region in regions:
        e = client(boto3, endpoint, "ec2", region)
        gateways = {g["TransitGatewayId"] for g in paged(e, "describe_transit_gateways", "TransitGateways")}
        for p in paged(e, "describe_transit_gateway_peering_attachments", "TransitGatewayPeeringAttachments"):
            if "RequesterTgwInfo" not in p:
                continue  # moto lists VPC attachments here too
            peerings.append(
                {
                    "region": region,
                    "id": p["TransitGatewayAttachmentId"],
                    "state": p["State"],
                    "requester": {"region": p["RequesterTgwInfo"].get("Region"), "tgw": p["RequesterTgwInfo"].get("TransitGatewayId")},
                    "accepter": {"region": p["AccepterTgwInfo"].get("Region"), "tgw": p["AccepterTgwInfo"].get("TransitGatewayId")},
                    "local_gateways": sorted(gateways),
                }
            )
        for table in paged(e, "describe_transit_gateway_route_tables", "TransitGatewayRouteTables"):
            routes = e.search_transit_gateway_routes(TransitGatewayRouteTableId=table["TransitGatewayRouteTableId"], Filters=[{"Name": "type", "Values": ["static"]}])
            for route in routes.get("Routes", []):
                for attachment in route.get("TransitGatewayAttachments", []):
                    peerings.append({"region": region, "route": route["DestinationCidrBlock"], "attachment": attachment.get("TransitGatewayAttachmentId"), "type": attachment.get("ResourceType")})
    return peerings


def _config(attributes):
    """A remote state's `config` (a dynamic value: Terraform stores it as {"value": ..., "type": ...})."""
    config = attributes.get("config") or {}
    return config.get("value", config) if isinstance(config, dict) else {}


def states(boto3, endpoint, bucket, prefix):
    """Every object under the prefix: state files with their resource and remote-state counts, lock files."""
    s3 = client(boto3, endpoint, "s3", "us-east-1")
    found = []
    for item in paged(s3, "list_objects_v2", "Contents", Bucket=bucket, Prefix=prefix):
        key = item["Key"]
        entry = {"key": key}
        if key.endswith(".tfstate"):
            state = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read() or b"{}")
            managed = [r for r in state.get("resources", []) if r.get("mode") == "managed"]
            remote = [r for r in state.get("resources", []) if r.get("type") == "terraform_remote_state"]
            entry.update(
                {
                    "resources": sum(len(r.get("instances", [])) for r in managed),
                    "remote_state_reads": [
                        {"name": r["name"], "backend": i["attributes"].get("backend"), "endpoint": (_config(i["attributes"]).get("endpoints") or {}).get("s3")}
                        for r in remote
                        for i in r.get("instances", [])
                    ],
                }
            )
        found.append(entry)
    return found


def start_workers(boto3, endpoint, regions):
    """Every Auto Scaling group that ECS manages (tag AmazonECSManaged) gets one running instance, as
    a pool under load would: the instance starts protected from scale-in (the group's setting), which
    is what a teardown must cope with."""
    started = []
    for region in regions:
        autoscaling = client(boto3, endpoint, "autoscaling", region)
        for group in paged(autoscaling, "describe_auto_scaling_groups", "AutoScalingGroups"):
            if any(t["Key"] == "AmazonECSManaged" for t in group.get("Tags", [])):
                autoscaling.set_desired_capacity(AutoScalingGroupName=group["AutoScalingGroupName"], DesiredCapacity=max(1, group["MinSize"]))
                started.append(f"{region} {group['AutoScalingGroupName']}")
    return {"groups": started}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--regions", default="us-east-1")
    parser.add_argument("--bucket")
    parser.add_argument("--prefix", default="")
    parser.add_argument("mode", choices=["resources", "wiring", "states", "start-workers"])
    args = parser.parse_args(argv)
    locate_moto()
    import boto3

    regions = [r for r in args.regions.split(",") if r]
    if args.mode == "resources":
        result = resources(boto3, args.endpoint, regions)
    elif args.mode == "start-workers":
        result = start_workers(boto3, args.endpoint, regions)
    elif args.mode == "wiring":
        result = wiring(boto3, args.endpoint, regions)
    else:
        result = states(boto3, args.endpoint, args.bucket, args.prefix)
    json.dump(result, sys.stdout, indent=1, default=str)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
