"""Deleting a route in the Terraform breaks the emulated network there, and only there.

Each test edits a copy of the synth output, brings up the network part of the emulation
(namespaces, router, routes, hosts files) from it, listens on the scheduler's address in the
client Region and connects from both worker Regions.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Iterator

import pytest

from conftest import SIDE_PREFIX, SIDE_STATE, delete_resources
from emu import cluster, network
from emu.cluster import UpOptions
from emu.sh import EmulationError
from emu.state import StateStore

DEST = "destination_cidr_block"
PORT = 8786
PROBE = r"""
import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=float(sys.argv[3])).close()
    print("connected")
except OSError as exc:
    print(type(exc).__name__, exc.errno)
"""
LISTEN = r"""
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(16); print("listening", flush=True)
while True:
    c, _ = s.accept(); c.close()
"""


def probe(netns: str, host: str, timeout: float = 3.0) -> str:
    done = subprocess.run([*network.netns_exec(netns), "/usr/bin/python3", "-c", PROBE, host,
                           str(PORT), str(timeout)], capture_output=True, text=True, timeout=30)
    return done.stdout.strip()


@pytest.fixture
def network_from(request: pytest.FixtureRequest) -> Iterator[object]:
    """Bring up the network of a synth dir; yields (plan, listener); always brought down."""
    state: dict[str, object] = {}

    def start(synth: Path) -> object:
        if StateStore(SIDE_STATE).exists():
            cluster.down(SIDE_STATE)
        cluster.up(UpOptions(synth_dir=str(synth), state_dir=SIDE_STATE, prefix=SIDE_PREFIX,
                             network_only=True))
        _, _, _, plan = cluster.load(SIDE_STATE)
        client = plan.regions["eu-west-2"]
        listener = subprocess.Popen([*network.netns_exec(client.netns), "/usr/bin/python3", "-c",
                                     LISTEN, client.host_ip, str(PORT)], stdout=subprocess.PIPE, text=True)
        assert listener.stdout is not None and listener.stdout.readline().strip() == "listening"
        state["listener"] = listener
        return plan

    yield start
    listener = state.get("listener")
    if isinstance(listener, subprocess.Popen):
        listener.kill()  # the one process this fixture started, by its PID
        listener.wait()
    problems = cluster.down(SIDE_STATE)
    assert problems == []


def test_route_deleted_in_network_stack_breaks_that_region(synth_copy, network_from) -> None:  # type: ignore[no-untyped-def]
    copy = synth_copy("network-us-east-1", delete_resources(
        "aws_route", lambda r: r.get(DEST) == "10.0.0.0/16" and "us-east-1a" in str(r["route_table_id"])))
    plan = network_from(copy)
    assert "10.0.0.0/16" not in network.routes_in(plan.regions["us-east-1"])
    assert "10.0.0.0/16" in network.routes_in(plan.regions["us-west-2"])
    # The scheduler's address, from each worker Region: the one without the route fails at once.
    assert probe(plan.regions["us-east-1"].netns, "10.0.0.10").startswith("OSError 101")  # ENETUNREACH
    assert probe(plan.regions["us-west-2"].netns, "10.0.0.10") == "connected"


def test_tgw_route_deleted_in_routes_stack_drops_replies(synth_copy, network_from) -> None:  # type: ignore[no-untyped-def]
    copy = synth_copy("routes-eu-west-2", delete_resources(
        "aws_ec2_transit_gateway_route", lambda r: r.get(DEST) == "10.1.0.0/16"))
    plan = network_from(copy)
    before = network.read_counters(plan)["dropped: no Transit Gateway route"]["packets"]
    # us-east-1 still routes to the client Region, but the replies have no TGW route back.
    assert probe(plan.regions["us-east-1"].netns, "10.0.0.10", timeout=2.0).startswith("TimeoutError")
    assert probe(plan.regions["us-west-2"].netns, "10.0.0.10") == "connected"
    time.sleep(0.2)
    after = network.read_counters(plan)
    assert after["dropped: no Transit Gateway route"]["packets"] > before
    assert "eu-west-2->us-east-1" not in after  # no accept rule (and no counter) for that direction
    assert after["us-east-1->eu-west-2"]["packets"] > 0  # the SYNs went through


def test_route_deleted_in_network_stack_keeps_that_pool_out(synth_copy) -> None:  # type: ignore[no-untyped-def]
    """The whole emulation on the broken copy: us-east-1's workers never reach the scheduler."""
    copy = synth_copy("network-us-east-1", delete_resources(
        "aws_route", lambda r: r.get(DEST) == "10.0.0.0/16" and "us-east-1a" in str(r["route_table_id"])))
    if StateStore(SIDE_STATE).exists():
        cluster.down(SIDE_STATE)
    try:
        # us-east-1 has no path, so the wait ends once us-west-2 has joined (well before the
        # timeout, however loaded the machine): the message carries no "in 300 s".
        with pytest.raises(EmulationError) as failure:
            cluster.up(UpOptions(synth_dir=str(copy), state_dir=SIDE_STATE, prefix=SIDE_PREFIX,
                                 join_timeout=300))
        message = str(failure.value)
        assert message.startswith("workers did not join the scheduler: missing ")
        assert "'pool-us-east-1': 2" in message and "pool-us-west-2" not in message
        assert "network-us-east-1" in message and "aws_route to 10.0.0.0/16" in message
    finally:
        assert cluster.down(SIDE_STATE) == []
