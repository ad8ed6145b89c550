"""The synthesized topology, read from the Terraform JSON that ``cdktf synth`` wrote.

Nothing here comes from ``cdktf.json``: every address, route, command and
dataset is read from ``<synth>/stacks/<stack>/cdk.tf.json``, so a change in
the Terraform (a deleted route, another worker command) changes what the
emulation runs.

Stacks read per Region ``r``:

* ``network-r``   ``aws_vpc``, ``aws_subnet``, ``aws_route_table_association``, ``aws_route``
  (destinations via the Transit Gateway), ``aws_ec2_transit_gateway_route_table_propagation``
  (the TGW delivers to its own VPC), and in the client Region
  ``aws_service_discovery_private_dns_namespace``
* ``routes-r``    ``aws_ec2_transit_gateway_route`` (TGW routes to peer CIDRs)
* ``scheduler-r`` ``aws_ecs_task_definition``, ``aws_ecs_service``, ``aws_service_discovery_service``
* ``pool-r``      ``aws_ecs_task_definition``, ``aws_ecs_service``, ``aws_appautoscaling_target``,
  ``aws_fsx_data_repository_association``
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from .sh import EmulationError

REF = re.compile(r"^\$\{(?P<type>[a-z0-9_]+)\.(?P<name>[^.}]+)\.(?P<attr>[a-z_]+)\}$")


@dataclass(frozen=True)
class Ulimit:
    name: str
    soft: int
    hard: int


@dataclass(frozen=True)
class MountPoint:
    source_volume: str
    container_path: str
    read_only: bool


@dataclass(frozen=True)
class Container:
    """One container definition (``container_definitions`` is a JSON string in Terraform)."""

    name: str
    command: tuple[str, ...]
    environment: tuple[tuple[str, str], ...]
    ulimits: tuple[Ulimit, ...]
    mount_points: tuple[MountPoint, ...]
    port_mappings: tuple[int, ...]
    stop_timeout: int | None
    image: str


@dataclass(frozen=True)
class TaskDefinition:
    """An ``aws_ecs_task_definition`` with its one essential container."""

    stack: str
    family: str
    cpu_units: int
    memory_mib: int
    volumes: tuple[tuple[str, str], ...]  # (name, host_path)
    container: Container

    @property
    def host_path_of(self) -> dict[str, str]:
        return dict(self.volumes)


@dataclass(frozen=True)
class StepScaling:
    """A CloudWatch alarm and the step scaling policy it invokes (``aws_cloudwatch_metric_alarm``
    + ``aws_appautoscaling_policy`` of type StepScaling)."""

    namespace: str
    metric: str
    dimensions: tuple[tuple[str, str], ...]
    statistic: str
    period: int
    threshold: float
    comparison: str
    adjustment_type: str
    cooldown: int
    #: (lower bound, upper bound or None, adjustment), bounds relative to the threshold
    steps: tuple[tuple[float, float | None, int], ...]

    def breached(self, value: float) -> bool:
        return {"GreaterThanOrEqualToThreshold": value >= self.threshold,
                "GreaterThanThreshold": value > self.threshold,
                "LessThanThreshold": value < self.threshold,
                "LessThanOrEqualToThreshold": value <= self.threshold}[self.comparison]

    def adjustment(self, value: float) -> int | None:
        """The step whose interval holds ``value`` (lower bound inclusive, upper exclusive)."""
        offset = value - self.threshold
        for lower, upper, adjustment in self.steps:
            if offset >= lower and (upper is None or offset < upper):
                return adjustment
        return None


@dataclass(frozen=True)
class Service:
    """An ECS service running a task definition, with its scaling bounds."""

    task: TaskDefinition
    desired_count: int
    min_capacity: int | None
    max_capacity: int | None
    scaling: StepScaling | None = None


@dataclass(frozen=True)
class Dataset:
    """A data repository association: Lustre directory <-> S3 prefix."""

    name: str
    file_system_path: str
    data_repository_path: str

    @property
    def bucket(self) -> str:
        return self.data_repository_path[len("s3://"):].split("/", 1)[0]

    @property
    def prefix(self) -> str:
        """Key prefix inside the bucket, with a trailing ``/`` (empty for a whole bucket)."""
        rest = self.data_repository_path[len("s3://"):].split("/", 1)
        if len(rest) == 1 or not rest[1].strip("/"):
            return ""
        return rest[1].strip("/") + "/"


@dataclass(frozen=True)
class Subnet:
    name: str
    cidr: str
    tier: str
    zone: str


@dataclass(frozen=True)
class Region:
    """One Region as the Terraform describes it."""

    name: str
    role: str  # "client" or "worker"
    cidr: str
    subnets: tuple[Subnet, ...]
    #: destination CIDR -> route tables (Terraform names) holding a route to it via the TGW
    vpc_tgw_routes: Mapping[str, frozenset[str]]
    #: subnet name -> route table name
    subnet_route_table: Mapping[str, str]
    #: destinations of non-blackhole ``aws_ec2_transit_gateway_route`` in ``routes-<r>``
    tgw_routes: frozenset[str]
    #: the VPC attachment is propagated into the Region's TGW route table
    tgw_delivers_to_vpc: bool
    datasets: tuple[Dataset, ...] = ()
    service: Service | None = None

    @property
    def host_subnet(self) -> Subnet:
        """The subnet the emulated hosts live in: the private subnet with the lowest CIDR."""
        private = [s for s in self.subnets if s.tier == "private"]
        if not private:
            raise EmulationError(f"network-{self.name}: no private aws_subnet (tag Tier=private)")
        return min(private, key=lambda s: ipaddress.ip_network(s.cidr))

    def vpc_routes_from_host_subnet(self) -> frozenset[str]:
        """Destinations the host subnet's route table sends to the Transit Gateway."""
        table = self.subnet_route_table.get(self.host_subnet.name)
        if table is None:
            return frozenset()
        return frozenset(d for d, tables in self.vpc_tgw_routes.items() if table in tables)


@dataclass(frozen=True)
class Topology:
    synth_dir: Path
    regions: Mapping[str, Region]
    client: str
    workers: tuple[str, ...]
    dns_namespace: str
    scheduler_service_name: str
    stacks: tuple[str, ...] = field(default=())

    @property
    def scheduler_host(self) -> str:
        return f"{self.scheduler_service_name}.{self.dns_namespace}"

    def region_of_cidr(self, cidr: str) -> str | None:
        for region in self.regions.values():
            if region.cidr == cidr:
                return region.name
        return None


def _resources(stack: Mapping[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return dict(stack.get("resource", {}).get(kind, {}) or {})


def _ref_name(value: Any, kind: str, where: str) -> str:
    match = REF.match(str(value))
    if match is None or match.group("type") != kind:
        raise EmulationError(f"{where}: expected a reference to {kind}, got {value!r}")
    return match.group("name")


def _load_stack(synth_dir: Path, stacks: Mapping[str, str], name: str) -> dict[str, Any]:
    rel = stacks.get(name)
    if rel is None:
        raise EmulationError(f"{synth_dir}: stack {name!r} is not in manifest.json")
    path = synth_dir / rel
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise EmulationError(f"cannot read stack {name} at {path}: {exc}") from exc


def _task_definition(stack_name: str, stack: Mapping[str, Any]) -> TaskDefinition:
    defs = _resources(stack, "aws_ecs_task_definition")
    if len(defs) != 1:
        raise EmulationError(f"{stack_name}: expected one aws_ecs_task_definition, found {len(defs)}")
    tf_name, td = next(iter(defs.items()))
    where = f"{stack_name}: aws_ecs_task_definition.{tf_name}"
    try:
        containers = json.loads(td["container_definitions"])
    except (KeyError, TypeError, json.JSONDecodeError) as exc:
        raise EmulationError(f"{where}: container_definitions is not a JSON string: {exc}") from exc
    essential = [c for c in containers if c.get("essential", True)]
    if len(essential) != 1:
        raise EmulationError(f"{where}: expected one essential container, found {len(essential)}")
    c = essential[0]
    command = c.get("command")
    if not command or not all(isinstance(a, str) for a in command):
        raise EmulationError(f"{where}: container {c.get('name')!r} has no command list")
    container = Container(
        name=str(c["name"]),
        command=tuple(command),
        environment=tuple((str(e["name"]), str(e["value"])) for e in c.get("environment", [])),
        ulimits=tuple(Ulimit(str(u["name"]), int(u["softLimit"]), int(u["hardLimit"]))
                      for u in c.get("ulimits", [])),
        mount_points=tuple(MountPoint(str(m["sourceVolume"]), str(m["containerPath"]),
                                      bool(m.get("readOnly", False)))
                           for m in c.get("mountPoints", [])),
        port_mappings=tuple(int(p["containerPort"]) for p in c.get("portMappings", [])),
        stop_timeout=int(c["stopTimeout"]) if "stopTimeout" in c else None,
        image=str(c.get("image", "")),
    )
    volumes = tuple((str(v["name"]), str(v.get("host_path", ""))) for v in td.get("volume", []) or [])
    return TaskDefinition(stack=stack_name, family=str(td.get("family", tf_name)),
                          cpu_units=int(td.get("cpu", 0) or 0),
                          memory_mib=int(td.get("memory", 0) or 0),
                          volumes=volumes, container=container)


def _service(stack_name: str, stack: Mapping[str, Any]) -> Service:
    task = _task_definition(stack_name, stack)
    services = _resources(stack, "aws_ecs_service")
    if len(services) != 1:
        raise EmulationError(f"{stack_name}: expected one aws_ecs_service, found {len(services)}")
    service = next(iter(services.values()))
    targets = _resources(stack, "aws_appautoscaling_target")
    lo = hi = None
    for target in targets.values():
        if target.get("scalable_dimension") == "ecs:service:DesiredCount":
            lo, hi = int(target["min_capacity"]), int(target["max_capacity"])
    return Service(task=task, desired_count=int(service.get("desired_count", 1)),
                   min_capacity=lo, max_capacity=hi, scaling=_step_scaling(stack_name, stack))


def _step_scaling(stack_name: str, stack: Mapping[str, Any]) -> StepScaling | None:
    """The alarm-driven step scaling policy of the service, if it has one."""
    policies = {tf: p for tf, p in _resources(stack, "aws_appautoscaling_policy").items()
                if p.get("policy_type") == "StepScaling"}
    for tf, alarm in _resources(stack, "aws_cloudwatch_metric_alarm").items():
        for action in alarm.get("alarm_actions", []):
            match = re.match(r"^\$\{aws_appautoscaling_policy\.([^.]+)\.arn\}$", str(action))
            if match is None or match.group(1) not in policies:
                continue
            config = policies[match.group(1)]["step_scaling_policy_configuration"]
            steps = tuple(
                (float(s.get("metric_interval_lower_bound") or "-inf"),
                 None if s.get("metric_interval_upper_bound") in (None, "") else float(s["metric_interval_upper_bound"]),
                 int(s["scaling_adjustment"]))
                for s in config["step_adjustment"])
            return StepScaling(
                namespace=str(alarm["namespace"]), metric=str(alarm["metric_name"]),
                dimensions=tuple(sorted((str(k), str(v)) for k, v in (alarm.get("dimensions") or {}).items())),
                statistic=str(alarm.get("statistic", "Average")), period=int(alarm["period"]),
                threshold=float(alarm["threshold"]), comparison=str(alarm["comparison_operator"]),
                adjustment_type=str(config.get("adjustment_type")), cooldown=int(config.get("cooldown", 300)),
                steps=steps)
    return None


def _network(name: str, stack_name: str, stack: Mapping[str, Any]) -> dict[str, Any]:
    vpcs = _resources(stack, "aws_vpc")
    if len(vpcs) != 1:
        raise EmulationError(f"{stack_name}: expected one aws_vpc, found {len(vpcs)}")
    cidr = str(next(iter(vpcs.values()))["cidr_block"])
    subnets = tuple(
        Subnet(tf, str(s["cidr_block"]), str((s.get("tags") or {}).get("Tier", "")),
               str(s.get("availability_zone", "")))
        for tf, s in _resources(stack, "aws_subnet").items())
    assoc: dict[str, str] = {}
    for tf, a in _resources(stack, "aws_route_table_association").items():
        where = f"{stack_name}: aws_route_table_association.{tf}"
        if "subnet_id" in a:
            assoc[_ref_name(a["subnet_id"], "aws_subnet", where)] = _ref_name(
                a["route_table_id"], "aws_route_table", where)
    routes: dict[str, set[str]] = {}
    for tf, r in _resources(stack, "aws_route").items():
        if not r.get("transit_gateway_id") or not r.get("destination_cidr_block"):
            continue
        table = _ref_name(r["route_table_id"], "aws_route_table", f"{stack_name}: aws_route.{tf}")
        routes.setdefault(str(r["destination_cidr_block"]), set()).add(table)
    attachments = set(_resources(stack, "aws_ec2_transit_gateway_vpc_attachment"))
    delivers = False
    for p in _resources(stack, "aws_ec2_transit_gateway_route_table_propagation").values():
        match = REF.match(str(p.get("transit_gateway_attachment_id", "")))
        if (match is not None and match.group("type") == "aws_ec2_transit_gateway_vpc_attachment"
                and match.group("name") in attachments):
            delivers = True
    namespaces = [str(n["name"]) for n in
                  _resources(stack, "aws_service_discovery_private_dns_namespace").values()]
    return {"cidr": cidr, "subnets": subnets, "assoc": assoc,
            "routes": {d: frozenset(t) for d, t in routes.items()}, "delivers": delivers,
            "namespaces": namespaces}


def load_topology(synth_dir: str | Path) -> Topology:
    """Read the synth output in ``synth_dir`` (the directory holding ``manifest.json``)."""
    root = Path(synth_dir)
    manifest_path = root / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise EmulationError(f"cannot read {manifest_path}: {exc} (synthesize first)") from exc
    stacks = {str(k): str(v["synthesizedStackPath"]) for k, v in manifest["stacks"].items()}

    def regions_with(prefix: str) -> list[str]:
        return sorted(s[len(prefix):] for s in stacks if s.startswith(prefix))

    clients = regions_with("scheduler-")
    workers = regions_with("pool-")
    if len(clients) != 1:
        raise EmulationError(f"{root}: expected one scheduler-<region> stack, found {clients}")
    if not workers:
        raise EmulationError(f"{root}: no pool-<region> stack")
    client = clients[0]
    regions: dict[str, Region] = {}
    dns_namespace = ""
    for name in [client, *workers]:
        net = _network(name, f"network-{name}", _load_stack(root, stacks, f"network-{name}"))
        tgw_routes = frozenset(
            str(r["destination_cidr_block"])
            for r in _resources(_load_stack(root, stacks, f"routes-{name}"),
                                "aws_ec2_transit_gateway_route").values()
            if r.get("destination_cidr_block") and not r.get("blackhole"))
        role = "client" if name == client else "worker"
        datasets: tuple[Dataset, ...] = ()
        if role == "client":
            if len(net["namespaces"]) != 1:
                raise EmulationError(
                    f"network-{name}: expected one aws_service_discovery_private_dns_namespace, "
                    f"found {net['namespaces']}")
            dns_namespace = net["namespaces"][0]
            stack = _load_stack(root, stacks, f"scheduler-{name}")
            service = _service(f"scheduler-{name}", stack)
            names = [str(s["name"]) for s in _resources(stack, "aws_service_discovery_service").values()]
            if len(names) != 1:
                raise EmulationError(
                    f"scheduler-{name}: expected one aws_service_discovery_service, found {names}")
            scheduler_name = names[0]
        else:
            stack = _load_stack(root, stacks, f"pool-{name}")
            service = _service(f"pool-{name}", stack)
            datasets = tuple(
                Dataset(str((d.get("tags") or {}).get("Dataset", tf)), str(d["file_system_path"]),
                        str(d["data_repository_path"]))
                for tf, d in _resources(stack, "aws_fsx_data_repository_association").items())
        regions[name] = Region(
            name=name, role=role, cidr=net["cidr"], subnets=net["subnets"],
            vpc_tgw_routes=net["routes"], subnet_route_table=net["assoc"], tgw_routes=tgw_routes,
            tgw_delivers_to_vpc=net["delivers"], datasets=datasets, service=service)
    return Topology(synth_dir=root, regions=regions, client=client, workers=tuple(workers),
                    dns_namespace=dns_namespace, scheduler_service_name=scheduler_name,
                    stacks=tuple(sorted(stacks)))
