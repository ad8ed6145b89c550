"""The whole system on one machine: up, what runs where, bench, faults, down.

Runs in file order on one emulation (session fixture ``emulation``); needs root.
"""

from __future__ import annotations

import ipaddress
import json
import os
import shlex
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from conftest import E2E_PREFIX
from emu import cluster, mounts, network, procs
from emu.bench import RTOL, bench
from emu.faults import FAULT_TIMEOUT, NOWORKERS_WAKE_TIMEOUT, run_fault, run_noworkers
from emu.plan import S3_PORT
from emu.state import StateStore

FETCH = r"""
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=30) as r:
    body = r.read()
import hashlib; print(len(body), hashlib.md5(body).hexdigest())
"""


def loaded(state: Path) -> tuple[StateStore, Any, Any, Any]:
    return cluster.load(state)


def task_pid(store: StateStore, name: str) -> int:
    task = procs.current_task(store, name)
    assert task is not None, f"{name} has no running task"
    return task[0]


def cmdline(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/cmdline").read_bytes().rstrip(b"\0").decode().split("\0")


def environ(pid: int) -> dict[str, str]:
    items = Path(f"/proc/{pid}/environ").read_bytes().rstrip(b"\0").decode().split("\0")
    return dict(item.split("=", 1) for item in items if "=" in item)


def exec_words(script: str, host: str) -> list[str]:
    """The words of the ``exec dask ...`` part of a task's ``sh -c`` script (after writing its preload)."""
    words = shlex.split(script.split(" && ", 1)[-1].replace("$(hostname)", host))
    assert words[:2] == ["exec", "dask"], words
    return words


def hostname_of(pid: int) -> str:
    return subprocess.run(["nsenter", f"--uts=/proc/{pid}/ns/uts", "hostname"], capture_output=True,
                          text=True, check=True).stdout.strip()


def test_up_builds_namespaces_routes_and_router(emulation: Path) -> None:
    store, state, topology, plan = loaded(emulation)
    assert state.phase == "up"
    assert sorted(state.netns) == sorted([f"{E2E_PREFIX}-tgw"] + [f"{E2E_PREFIX}-{r}" for r in topology.regions])
    for region in plan.regions.values():
        subnet = str(ipaddress.ip_network(f"{region.host_ip}/{region.prefix_len}", strict=False))
        assert sorted(network.routes_in(region)) == sorted([*region.routes, subnet])
    counters = network.read_counters(plan)
    assert sorted(k for k in counters if "->" in k) == sorted(l.label for l in plan.links)


def test_scheduler_and_workers_run_the_task_definitions(emulation: Path) -> None:
    store, state, topology, plan = loaded(emulation)
    scheduler = topology.regions[topology.client].service
    pid = task_pid(store, "scheduler")
    words = exec_words(scheduler.task.container.command[-1], "")
    assert cmdline(pid)[1:] == ["/usr/bin/dask", *words[2:]]
    assert words[-2:] == ["--preload", "/tmp/proximate_scaling.py"]  # the scaling preload
    assert environ(pid)["DASK_DISTRIBUTED__SCHEDULER__WORKER_TTL"] == "60s"
    assert "pool-us-east-1" in json.loads(environ(pid)["PROXIMATE_SCALING"])["pools"]
    names = set()
    for name, record in state.procs.items():
        if record.kind != "worker":
            continue
        service = topology.regions[record.region].service
        pid = task_pid(store, name)
        host = hostname_of(pid)
        words = exec_words(service.task.container.command[-1], host)
        assert cmdline(pid)[1:] == ["/usr/bin/dask", *words[2:]]
        env = environ(pid)
        for key, value in service.task.container.environment:
            assert env[key] == value
        # What the ECS agent injects: the task protection endpoint (here the emulated agent).
        assert env["ECS_AGENT_URI"].endswith(f"/api/{name}")
        assert host not in names
        names.add(host)
        limits = Path(f"/proc/{pid}/limits").read_text()
        assert "Max open files" in limits
    workers = state.info["workers"]
    assert len(workers) == 2 * len(topology.workers)
    by_name = {w["name"]: w for w in workers.values()}
    assert len(by_name) == len(workers)  # Dask names are unique
    for w in workers.values():
        region = w["name"].split("-ip-")[0]
        assert w["resources"] == {f"pool-{region}": 4}
        assert w["nthreads"] == 4
        # as synthesized (not scaled down): 90 % of the m6i.xlarge task, 15035 MiB (what the ECS agent registers)
        assert w["memory_limit"] == 14188806144


def test_lustre_mounts_are_private_to_their_region(emulation: Path) -> None:
    store, state, topology, plan = loaded(emulation)
    east, west, client = plan.regions["us-east-1"], plan.regions["us-west-2"], plan.regions["eu-west-2"]
    era5 = mounts.lustre_files(east, "/fsx/era5")
    assert len(era5) == 36 and era5[0] == "/fsx/era5/2017/01/data/air_temperature_at_2_metres.nc"
    cmip6 = mounts.lustre_files(west, "/fsx/cmip6")
    assert "/fsx/cmip6/UKESM1-0-LL/ssp585/r1i1p1f2/Amon/tas/gn/v20190726/tas/.zarray" in cmip6
    assert "/fsx/cmip6/UKESM1-0-LL/ssp585/r1i1p1f2/Amon/tas/gn/v20190726/.zmetadata" in cmip6
    assert mounts.lustre_files(west, "/fsx/era5") == []
    assert mounts.lustre_files(east, "/fsx/cmip6") == []
    assert mounts.lustre_files(client, "/fsx") == []
    assert not os.listdir("/fsx")  # the host sees an empty mount point
    pid = task_pid(store, "worker-us-east-1-1")
    touch = subprocess.run(["nsenter", f"--mount=/proc/{pid}/ns/mnt", "touch", "/fsx/era5/x"],
                           capture_output=True, text=True)
    assert touch.returncode != 0 and "Read-only" in touch.stderr  # the task mounts it read-only


def test_s3_reads_stay_in_the_region(emulation: Path) -> None:
    store, state, topology, plan = loaded(emulation)
    east, client = plan.regions["us-east-1"], plan.regions["eu-west-2"]
    key = "era5-pds/2018/07/data/air_temperature_at_2_metres.nc"
    lustre = subprocess.run([*network.ns_exec(east), "md5sum", "/fsx/era5/" + key.split("/", 1)[1]],
                            capture_output=True, text=True, check=True).stdout.split()[0]

    def fetch(region: Any, url: str) -> tuple[int, int, str]:
        before = network.read_counters(plan)
        out = subprocess.run([*network.ns_exec(region), "/usr/bin/python3", "-c", FETCH, url],
                             capture_output=True, text=True, check=True).stdout.split()
        after = network.read_counters(plan)
        crossed = after["us-east-1->eu-west-2"]["bytes"] - before["us-east-1->eu-west-2"]["bytes"]
        return int(out[0]), crossed, out[1]

    size, crossed, md5 = fetch(east, f"http://{plan.s3_endpoint_name}:{S3_PORT}/{key}")
    assert size > 4_000_000 and md5 == lustre  # the Lustre file is the S3 object
    assert crossed < 200_000  # heartbeats only: the 5 MB read did not leave us-east-1
    size2, crossed2, _ = fetch(client, f"http://s3.us-east-1.{topology.dns_namespace}:{S3_PORT}/{key}")
    assert size2 == size and crossed2 >= size  # from the client Region it crosses the router


def test_catalog_built_by_the_indexer(emulation: Path) -> None:
    store, state, topology, plan = loaded(emulation)
    docs = [json.loads(line) for line in (emulation / "catalog.ndjson").read_text().splitlines()]
    era5 = [d for d in docs if d["dataset"] == "era5"]
    cmip6 = [d for d in docs if d["dataset"] == "cmip6"]
    assert len(era5) == 36 and len(cmip6) == 1 and len(docs) == 37
    assert {d["region"] for d in era5} == {"us-east-1"} and {d["pool"] for d in era5} == {"pool-us-east-1"}
    lustre = set(mounts.lustre_files(plan.regions["us-east-1"], "/fsx/era5"))
    assert {d["lustre_path"] for d in era5} == lustre
    store_doc = cmip6[0]
    assert store_doc["source_id"] == "UKESM1-0-LL" and store_doc["version"] == "v20190726"
    assert store_doc["lustre_path"] == "/fsx/cmip6/UKESM1-0-LL/ssp585/r1i1p1f2/Amon/tas/gn/v20190726"
    assert store_doc["object_count"] == len(mounts.lustre_files(plan.regions["us-west-2"], store_doc["lustre_path"]))


def test_bench_proximity(emulation: Path, artifacts: Path, shared: dict[str, Any]) -> None:
    report, proximate, naive = bench(emulation)
    (artifacts / "bench.json").write_text(json.dumps(report, sort_keys=True) + "\n")
    shared["maps"] = proximate.results["maps"]
    assert report["ratio_naive_over_proximate"] >= 50
    assert report["proximate"]["total"] <= report["proximate_limit_bytes"]
    assert report["between_worker_regions_bytes"] == {"analysis": 0, "maps": 0}
    assert report["checks"]["answers_agree"], report["max_abs_difference_K"]
    assert report["proximate"]["reads_via"] == ["lustre"]
    assert report["checks"]["reads_in_owning_region"]
    assert report["naive"]["total"] >= report["naive"]["fetched_bytes"]
    assert report["ok"], report["checks"]


def _close(a: Any, b: Any) -> bool:
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return x.shape == y.shape and float(np.nanmax(np.abs(x - y))) <= RTOL * float(np.nanmax(np.abs(y)))


def test_cut_link_fails_one_region_only_and_recovers(emulation: Path, artifacts: Path,
                                                     shared: dict[str, Any]) -> None:
    result = run_fault("us-east-1", emulation)
    results = result.pop("results")
    (artifacts / "fault.json").write_text(json.dumps(result, sort_keys=True, default=str) + "\n")
    assert result["cut_while_busy_workers"] >= 1  # the cut landed during the computation
    error = result["error"]
    assert error is not None and error["region"] == "us-east-1"
    assert "RegionUnavailable" in error["mro"] and "Region us-east-1" in error["message"]
    assert result["error_after_cut_seconds"] <= FAULT_TIMEOUT + 15  # bounded: no hang
    assert result["delivered"] == ["us-west-2"] and result["other_errors"] == {}
    assert result["rerun_ok"] == ["us-east-1", "us-west-2"], result["rerun_errors"]
    assert result["rejoin_seconds"] < 120
    if "maps" in shared:
        assert _close(results["partial"]["us-west-2"], shared["maps"]["cmip6"])
        assert _close(results["rerun"]["us-east-1"], shared["maps"]["era5"])
        assert _close(results["rerun"]["us-west-2"], shared["maps"]["cmip6"])


def test_stopped_pool_raises_no_workers_in_pool(emulation: Path, artifacts: Path) -> None:
    result = run_noworkers("us-west-2", emulation)
    (artifacts / "noworkers.json").write_text(json.dumps(result, sort_keys=True, default=str) + "\n")
    error = result["outcome"]["errors"]["us-west-2"]
    # The pool scales on demand, so the helper waits for it to wake (it cannot: the service places
    # no task) up to PROXIMATE_WAKE_TIMEOUT, then names the Region.
    assert error["type"] == "PoolWakeTimeout" and "NoWorkersInPool" in error["mro"]
    assert error["region"] == "us-west-2" and "pool 'pool-us-west-2' " in error["message"]
    assert "PROXIMATE_WAKE_TIMEOUT" in error["message"]
    assert result["outcome"]["ok"] == ["us-east-1"]  # the other Region still delivers
    assert result["outcome"]["seconds"] < NOWORKERS_WAKE_TIMEOUT + 15  # bounded wait
    assert result["open"]["raised"] == "PoolWakeTimeout" and result["open"]["region"] == "us-west-2"
    assert len(result["restarted"]) == 2  # the service places its two tasks again


def test_down_leaves_nothing_behind(emulation: Path) -> None:
    store, state, topology, plan = loaded(emulation)
    netns = list(state.netns)
    recorded = list(state.procs.values())
    tasks = [procs.current_task(store, r.name) for r in recorded]
    problems = cluster.down(emulation)
    assert problems == []
    assert not any(network.netns_exists(n) for n in netns)
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    assert not [n for n in netns if n in listed]
    assert not [r for r in recorded if r.alive()]
    assert not [t for t in tasks if t is not None and procs.proc_start_time(t[0]) == t[1]]
    assert not cluster.processes_in_namespaces(netns)
    assert not [p for p in mounts.mount_points() if p.startswith(str(emulation))]
    links = subprocess.run(["ip", "-j", "link"], capture_output=True, text=True).stdout
    assert "rg0" not in links and "tgw0" not in links  # no veth left in the host namespace
    assert not StateStore(emulation).exists()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(pytest.main([__file__, "-q"]))
