"""What the emulation builds from a topology: namespaces, addresses, routes, links (pure).

Model of the network (one direction, Region A to Region B):

1. A's hosts live in A's first private subnet (lowest CIDR). A packet to B leaves A's
   namespace only if that subnet's route table has an ``aws_route`` to B's CIDR via the
   Transit Gateway (``network-A``): then the namespace has a route to B's CIDR via the router.
2. The router namespace (all Transit Gateways and their peerings) forwards A -> B only if
   ``routes-A`` has an ``aws_ec2_transit_gateway_route`` to B's CIDR and B's TGW delivers to
   its VPC (``network-B`` propagates its VPC attachment into its TGW route table). It is an
   nftables forward chain, policy drop, one ``counter accept`` rule per allowed pair: the
   counters are the inter-Region bytes.

TCP needs both directions, so a missing route on either side breaks the pair, as in AWS.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

from .topology import Region, Topology

HOST_OFFSET = 10      # the Region's hosts (scheduler, worker tasks, data host, client)
S3_OFFSET = 20        # the Region's S3 server (stand-in for the S3 gateway endpoint)
GATEWAY_OFFSET = 1    # the VPC router (.1 of the subnet), here the router namespace
S3_PORT = 4568
REGION_IFACE = "tgw0"


@dataclass(frozen=True)
class RegionPlan:
    region: str
    role: str
    cidr: str
    netns: str
    mntns: Path
    router_iface: str
    host_ip: str
    s3_ip: str
    gateway_ip: str
    prefix_len: int
    #: peer CIDR -> peer Region, for routes installed in this namespace
    routes: dict[str, str]
    #: peer Region -> why this namespace has no route to it
    missing_routes: dict[str, str]

    @property
    def s3_endpoint(self) -> str:
        return f"http://{self.s3_ip}:{S3_PORT}"


@dataclass(frozen=True)
class Link:
    """One direction between two Regions through the Transit Gateways."""

    src: str
    dst: str
    src_cidr: str
    dst_cidr: str
    forwarded: bool
    reason: str  # why not forwarded ("" when forwarded)

    @property
    def label(self) -> str:
        return f"{self.src}->{self.dst}"


@dataclass(frozen=True)
class Plan:
    prefix: str
    state_dir: Path
    router_ns: str
    regions: dict[str, RegionPlan]
    links: tuple[Link, ...]
    #: hosts-file lines per Region (every namespace resolves the scheduler)
    hosts: dict[str, tuple[tuple[str, str], ...]]
    scheduler_host: str
    scheduler_address: str
    s3_endpoint_name: str

    def link(self, src: str, dst: str) -> Link:
        for link in self.links:
            if link.src == src and link.dst == dst:
                return link
        raise KeyError(f"no link {src}->{dst}")

    def reachable(self, a: str, b: str) -> tuple[bool, list[str]]:
        """Whether TCP between Regions a and b can work, and every reason it cannot."""
        reasons: list[str] = []
        for src, dst in ((a, b), (b, a)):
            plan = self.regions[src]
            if self.regions[dst].cidr not in plan.routes:
                reasons.append(plan.missing_routes.get(dst, f"{src} has no route to {dst}"))
            link = self.link(src, dst)
            if not link.forwarded:
                reasons.append(link.reason)
        return not reasons, reasons


def _address(cidr: str, offset: int) -> str:
    return str(ipaddress.ip_network(cidr)[offset])


def _missing_vpc_route(region: Region, peer: Region) -> str:
    subnet = region.host_subnet
    table = region.subnet_route_table.get(subnet.name, "<no route table association>")
    return (f"network-{region.name}: route table {table} of subnet {subnet.name} "
            f"({subnet.cidr}) has no aws_route to {peer.cidr} ({peer.name}) via the Transit Gateway")


def _link(src: Region, dst: Region) -> Link:
    reasons = []
    if dst.cidr not in src.tgw_routes:
        reasons.append(f"routes-{src.name} has no aws_ec2_transit_gateway_route to {dst.cidr} "
                       f"({dst.name})")
    if not dst.tgw_delivers_to_vpc:
        reasons.append(f"network-{dst.name} does not propagate its VPC attachment into its "
                       "Transit Gateway route table")
    return Link(src.name, dst.name, src.cidr, dst.cidr, not reasons, "; ".join(reasons))


def make_plan(topology: Topology, prefix: str, state_dir: Path) -> Plan:
    """The namespaces, addresses, routes and links for ``topology``."""
    if not prefix or len(prefix) > 6 or not prefix.replace("-", "").isalnum():
        raise ValueError(f"namespace prefix {prefix!r}: 1-6 letters, digits or '-'")
    order = [topology.client, *topology.workers]
    plans: dict[str, RegionPlan] = {}
    for index, name in enumerate(order):
        region = topology.regions[name]
        subnet = ipaddress.ip_network(region.host_subnet.cidr)
        installed = region.vpc_routes_from_host_subnet()
        routes: dict[str, str] = {}
        missing: dict[str, str] = {}
        for peer_name in order:
            if peer_name == name:
                continue
            peer = topology.regions[peer_name]
            if peer.cidr in installed:
                routes[peer.cidr] = peer_name
            else:
                missing[peer_name] = _missing_vpc_route(region, peer)
        plans[name] = RegionPlan(
            region=name, role=region.role, cidr=region.cidr, netns=f"{prefix}-{name}",
            mntns=state_dir / "ns" / f"{name}.mnt", router_iface=f"rg{index}",
            host_ip=_address(str(subnet), HOST_OFFSET), s3_ip=_address(str(subnet), S3_OFFSET),
            gateway_ip=_address(str(subnet), GATEWAY_OFFSET), prefix_len=subnet.prefixlen,
            routes=routes, missing_routes=missing)
    links = tuple(_link(topology.regions[a], topology.regions[b])
                  for a in order for b in order if a != b)
    client = plans[topology.client]
    endpoint_name = f"s3-endpoint.{topology.dns_namespace}"
    hosts: dict[str, tuple[tuple[str, str], ...]] = {}
    for name in order:
        lines = [("127.0.0.1", "localhost"), (client.host_ip, topology.scheduler_host)]
        for worker in topology.workers:
            lines.append((plans[worker].s3_ip, f"s3.{worker}.{topology.dns_namespace}"))
        if topology.regions[name].role == "worker":
            # The Region's own S3 under one name, as a gateway endpoint makes S3 Region-local.
            lines.append((plans[name].s3_ip, endpoint_name))
        hosts[name] = tuple(lines)
    scheduler_port = _scheduler_port(topology)
    return Plan(prefix=prefix, state_dir=state_dir, router_ns=f"{prefix}-tgw", regions=plans,
                links=links, hosts=hosts, scheduler_host=topology.scheduler_host,
                scheduler_address=f"tcp://{topology.scheduler_host}:{scheduler_port}",
                s3_endpoint_name=endpoint_name)


def _scheduler_port(topology: Topology) -> int:
    service = topology.regions[topology.client].service
    command = list(service.task.container.command) if service else []
    if "--port" in command and command.index("--port") + 1 < len(command):
        return int(command[command.index("--port") + 1])
    return 8786
