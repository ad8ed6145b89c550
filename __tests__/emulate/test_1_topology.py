"""What the emulation reads from the synth output and plans from it (no root needed)."""

from __future__ import annotations

import shlex
from pathlib import Path

from conftest import delete_resources
from emu.cluster import _task_spec
from emu.plan import make_plan
from emu.topology import load_topology

DEST = "destination_cidr_block"


def test_reads_the_synthesized_topology(synth_dir: Path) -> None:
    topo = load_topology(synth_dir)
    assert topo.client == "eu-west-2"
    assert topo.workers == ("us-east-1", "us-west-2")
    assert topo.scheduler_host == "scheduler.proximate.internal"
    assert {r: topo.regions[r].cidr for r in topo.regions} == {
        "eu-west-2": "10.0.0.0/16", "us-east-1": "10.1.0.0/16", "us-west-2": "10.2.0.0/16"}
    era5, = topo.regions["us-east-1"].datasets
    assert (era5.name, era5.file_system_path, era5.bucket, era5.prefix) == ("era5", "/era5", "era5-pds", "")
    cmip6, = topo.regions["us-west-2"].datasets
    assert (cmip6.file_system_path, cmip6.bucket, cmip6.prefix) == (
        "/cmip6", "cmip6-pds", "CMIP6/ScenarioMIP/MOHC/")
    scheduler = topo.regions["eu-west-2"].service
    assert scheduler is not None
    assert scheduler.task.container.command[:2] == ("sh", "-c")
    assert " && exec dask scheduler --port 8786 " in scheduler.task.container.command[2]
    assert ("DASK_DISTRIBUTED__SCHEDULER__WORKER_TTL", "60s") in scheduler.task.container.environment
    east = topo.regions["us-east-1"].service
    assert east is not None and east.scaling is not None  # the alarm and its step policy
    assert (east.scaling.metric, east.scaling.dimensions) == ("DesiredTasks", (("Pool", "pool-us-east-1"),))
    assert east.scaling.adjustment(0) == 0 and east.scaling.adjustment(5) == 5 and east.scaling.adjustment(99) == 12


def test_worker_tasks_run_the_task_definition_command(synth_dir: Path) -> None:
    topo = load_topology(synth_dir)
    plan = make_plan(topo, "pxu", Path("/nonexistent"))
    for name in topo.workers:
        service = topo.regions[name].service
        assert service is not None
        spec = _task_spec(service, plan.regions[name], "worker", "w", "ip-test")
        assert spec.command == list(service.task.container.command)  # verbatim, not a copy
        words = shlex.split(spec.command[-1].split(" && ", 1)[-1])
        assert words[:3] == ["exec", "dask", "worker"]
        assert f"--resources pool-{name}=4" in spec.command[-1]
        assert "--worker-port 9000:9015" in spec.command[-1]
        assert spec.readonly == ["/fsx"]
        assert dict(spec.environment) == dict(service.task.container.environment)


def test_default_plan_routes_every_pair(synth_dir: Path) -> None:
    plan = make_plan(load_topology(synth_dir), "pxu", Path("/nonexistent"))
    assert all(link.forwarded for link in plan.links)
    assert len(plan.links) == 6
    for a in plan.regions:
        for b in plan.regions:
            if a != b:
                assert plan.reachable(a, b) == (True, [])
    assert plan.regions["us-east-1"].host_ip == "10.1.0.10"
    assert plan.regions["us-east-1"].s3_ip == "10.1.0.20"
    assert ("10.0.0.10", "scheduler.proximate.internal") in plan.hosts["us-west-2"]


def test_deleted_vpc_route_is_planned_as_missing(synth_copy) -> None:  # type: ignore[no-untyped-def]
    copy = synth_copy("network-us-east-1", delete_resources(
        "aws_route", lambda r: r.get(DEST) == "10.0.0.0/16" and "us-east-1a" in str(r["route_table_id"])))
    plan = make_plan(load_topology(copy), "pxu", Path("/nonexistent"))
    assert "10.0.0.0/16" not in plan.regions["us-east-1"].routes
    ok, reasons = plan.reachable("us-east-1", "eu-west-2")
    assert not ok
    assert any("network-us-east-1" in r and "aws_route to 10.0.0.0/16" in r for r in reasons)
    assert plan.reachable("us-west-2", "eu-west-2")[0]


def test_deleted_tgw_route_is_planned_as_dropped(synth_copy) -> None:  # type: ignore[no-untyped-def]
    copy = synth_copy("routes-eu-west-2", delete_resources(
        "aws_ec2_transit_gateway_route", lambda r: r.get(DEST) == "10.1.0.0/16"))
    plan = make_plan(load_topology(copy), "pxu", Path("/nonexistent"))
    link = plan.link("eu-west-2", "us-east-1")
    assert not link.forwarded
    assert "routes-eu-west-2 has no aws_ec2_transit_gateway_route to 10.1.0.0/16" in link.reason
    assert plan.link("us-east-1", "eu-west-2").forwarded  # the other direction still exists
    assert not plan.reachable("us-east-1", "eu-west-2")[0]  # but TCP needs both
