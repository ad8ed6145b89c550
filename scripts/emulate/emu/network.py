"""Network namespaces, veth pairs, routes and the router's nftables (the Transit Gateways).

One namespace per Region (``<prefix>-<region>``) holds the Region's hosts at ``.10`` of its
first private subnet and its S3 server at ``.20``; a veth pair joins it to the router namespace
(``<prefix>-tgw``), whose side carries ``.1`` (the VPC router address). Routes and forwarding
follow :mod:`emu.plan`. The router's ``inet proximate`` table counts bytes per Region pair and
direction; a cut Region gets its own table ``inet proximate_cut_<region>`` that drops its
traffic before it is counted.
"""

from __future__ import annotations

import json
from pathlib import Path

from .plan import REGION_IFACE, Plan, RegionPlan
from .sh import EmulationError, ok, run
from .state import State, StateStore

NFT_TABLE = "proximate"
DROPPED = "dropped: no Transit Gateway route"


def netns_exists(name: str) -> bool:
    return Path(f"/run/netns/{name}").exists()


def ns_exec(region: RegionPlan) -> list[str]:
    """argv prefix entering a Region's network and mount namespaces."""
    return ["nsenter", f"--net=/run/netns/{region.netns}", f"--mount={region.mntns}", "--"]


def netns_exec(netns: str) -> list[str]:
    """argv prefix entering a network namespace only (host mount namespace)."""
    return ["nsenter", f"--net=/run/netns/{netns}", "--"]


def _nft_ruleset(plan: Plan) -> str:
    lines = [f"table inet {NFT_TABLE} {{", "  chain forward {",
             "    type filter hook forward priority filter; policy drop;"]
    for link in plan.links:
        if link.forwarded:
            lines.append(f"    ip saddr {link.src_cidr} ip daddr {link.dst_cidr} counter accept "
                         f"comment \"{link.label}\"")
    lines.append(f"    counter comment \"{DROPPED}\"")
    lines += ["  }", "}"]
    return "\n".join(lines) + "\n"


def create_network(plan: Plan, state: State, store: StateStore) -> None:
    """Create the namespaces, links, addresses, routes and the router's rules."""
    names = [plan.router_ns, *(r.netns for r in plan.regions.values())]
    for name in names:
        if netns_exists(name):
            raise EmulationError(
                f"network namespace {name} already exists: run `emulate down` first "
                f"(state dir {store.dir})")
    for name in names:
        state.netns.append(name)
        store.save(state)
        run(["ip", "netns", "add", name], f"create network namespace {name}")
        run(["ip", "-n", name, "link", "set", "lo", "up"], f"bring up lo in {name}")
    run(["ip", "netns", "exec", plan.router_ns, "sysctl", "-qw", "net.ipv4.ip_forward=1"],
        f"enable IP forwarding in the router namespace {plan.router_ns}")
    for region in plan.regions.values():
        what = f"link {region.region} ({region.netns}) to the router ({plan.router_ns})"
        run(["ip", "link", "add", "name", REGION_IFACE, "netns", region.netns, "type", "veth",
             "peer", "name", region.router_iface, "netns", plan.router_ns], what)
        run(["ip", "-n", region.netns, "addr", "add", f"{region.host_ip}/{region.prefix_len}",
             "dev", REGION_IFACE], f"address {region.host_ip} in {region.netns}")
        if region.role == "worker":
            run(["ip", "-n", region.netns, "addr", "add", f"{region.s3_ip}/{region.prefix_len}",
                 "dev", REGION_IFACE], f"S3 address {region.s3_ip} in {region.netns}")
        run(["ip", "-n", plan.router_ns, "addr", "add",
             f"{region.gateway_ip}/{region.prefix_len}", "dev", region.router_iface],
            f"gateway address {region.gateway_ip} on {region.router_iface} in {plan.router_ns}")
        run(["ip", "-n", region.netns, "link", "set", REGION_IFACE, "up"], f"{what}: up")
        run(["ip", "-n", plan.router_ns, "link", "set", region.router_iface, "up"], f"{what}: up")
    for region in plan.regions.values():
        for cidr, peer in sorted(region.routes.items()):
            run(["ip", "-n", region.netns, "route", "add", cidr, "via", region.gateway_ip,
                 "dev", REGION_IFACE],
                f"route {region.region} -> {peer} ({cidr}) in {region.netns}")
    run(["ip", "netns", "exec", plan.router_ns, "nft", "-f", "-"],
        f"load the Transit Gateway rules (nftables) in {plan.router_ns}", input=_nft_ruleset(plan))


def limit_bandwidth(plan: Plan, mbit: float) -> None:
    """Cap every Region's traffic through the router at ``mbit`` Mbit/s each way (tc tbf).

    Outbound on the Region's ``tgw0``, inbound on the router's side of its link. No latency:
    this kernel has no netem.
    """
    for region in plan.regions.values():
        for netns, iface in ((region.netns, REGION_IFACE), (plan.router_ns, region.router_iface)):
            run(["ip", "netns", "exec", netns, "tc", "qdisc", "add", "dev", iface, "root", "tbf",
                 "rate", f"{mbit}mbit", "burst", "256kb", "latency", "200ms"],
                f"limit {iface} in {netns} to {mbit} Mbit/s")


def destroy_network(names: list[str]) -> list[str]:
    """Delete the namespaces (veths and nftables go with them); returns problems."""
    problems = []
    for name in reversed(names):
        if netns_exists(name) and not ok(["ip", "netns", "del", name]):
            problems.append(f"could not delete network namespace {name}")
    return problems


def routes_in(region: RegionPlan) -> list[str]:
    """Destinations of the routes actually present in a Region's namespace."""
    out = run(["ip", "-n", region.netns, "-j", "route", "show"], f"list routes in {region.netns}")
    return [str(r["dst"]) for r in json.loads(out.stdout or "[]")]


def read_counters(plan: Plan) -> dict[str, dict[str, int]]:
    """Bytes and packets per link label (``src->dst``) and for the drop counter."""
    out = run(["ip", "netns", "exec", plan.router_ns, "nft", "-j", "list", "table", "inet",
               NFT_TABLE], f"read the Transit Gateway counters in {plan.router_ns}")
    counters: dict[str, dict[str, int]] = {}
    for item in json.loads(out.stdout)["nftables"]:
        rule = item.get("rule")
        if not rule:
            continue
        counter = next((e["counter"] for e in rule.get("expr", []) if "counter" in e), None)
        if counter is not None and "comment" in rule:
            counters[str(rule["comment"])] = {"bytes": int(counter["bytes"]),
                                              "packets": int(counter["packets"])}
    return counters


def _cut_table(region: str) -> str:
    return "proximate_cut_" + region.replace("-", "_")


def cut(plan: Plan, region: str) -> None:
    """Drop every packet to or from ``region`` in the router (its link is cut)."""
    cidr = plan.regions[region].cidr
    table = _cut_table(region)
    rules = (f"table inet {table} {{\n  chain forward {{\n"
             f"    type filter hook forward priority -10; policy accept;\n"
             f"    ip saddr {cidr} drop\n    ip daddr {cidr} drop\n  }}\n}}\n")
    run(["ip", "netns", "exec", plan.router_ns, "nft", "-f", "-"],
        f"cut the link of {region} ({cidr}) in {plan.router_ns}", input=rules)


def restore(plan: Plan, region: str) -> None:
    """Undo :func:`cut` for ``region``."""
    table = _cut_table(region)
    if table in cut_tables(plan):
        run(["ip", "netns", "exec", plan.router_ns, "nft", "delete", "table", "inet", table],
            f"restore the link of {region} in {plan.router_ns}")


def cut_tables(plan: Plan) -> list[str]:
    out = run(["ip", "netns", "exec", plan.router_ns, "nft", "-j", "list", "tables"],
              f"list nftables tables in {plan.router_ns}")
    return [str(t["table"]["name"]) for t in json.loads(out.stdout)["nftables"]
            if "table" in t and str(t["table"]["name"]).startswith("proximate_cut_")]
