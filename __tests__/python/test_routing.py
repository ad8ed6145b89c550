"""Routing against a real local Dask cluster: where loads run, and failures per Region."""

from __future__ import annotations

import math
import os
import signal
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import dask
import numpy as np
import pytest
import xarray as xr
from distributed import get_task_stream
from distributed.diagnostics.plugin import WorkerPlugin

import helpers
from helpers import CMIP6_REGION, ERA5_MONTHS, ERA5_REGION, ERA5_VAR, ERA5_YEARS, FALLBACK
from proximate import (
    Catalog,
    NoWorkersInPool,
    PlacementError,
    PoolWakeTimeout,
    RegionComputeError,
    RegionUnavailable,
    SchedulerUnreachable,
    clear_read_log,
    compute_in_region,
    compute_regions,
    connect,
    monthly_climatology,
    open_cmip6,
    open_entries,
    open_era5,
    pool_status,
    read_log,
    require_pool,
)
from proximate.catalog import CatalogEntry
from proximate.routing import HELPER_PLUGIN_PREFIX, helper_archive, helper_digest

EAST = {f"{ERA5_REGION}-0", f"{ERA5_REGION}-1"}
WEST = {f"{CMIP6_REGION}-0", f"{CMIP6_REGION}-1"}


def pool_addresses(client: Any, region: str) -> set[str]:
    return set(pool_status(client)[f"pool-{region}"].workers)


def era5_oracle(data: helpers.GeneratedData, months: tuple[int, ...]) -> dict[int, float]:
    """Area-weighted monthly means computed directly from the files (test side)."""
    out: dict[int, float] = {}
    for month in months:
        fields = []
        for year in ERA5_YEARS:
            with xr.open_dataset(data.era5_files[(year, month)], engine="h5netcdf") as ds:
                field = ds[ERA5_VAR].values.astype(float)
                weights = np.cos(np.deg2rad(ds["lat"].values))
            fields.append((field * weights[None, :, None]).sum(axis=(1, 2))
                          / (weights.sum() * field.shape[2]))
        out[month] = float(np.concatenate(fields).mean())
    return out


def test_pools_are_visible(client: Any) -> None:
    pools = pool_status(client)
    assert set(pools) == {f"pool-{ERA5_REGION}", f"pool-{CMIP6_REGION}"}
    assert set(pools[f"pool-{ERA5_REGION}"].names) == EAST
    assert pools[f"pool-{CMIP6_REGION}"].threads == 4.0
    assert require_pool(client, CMIP6_REGION).region == CMIP6_REGION


def test_era5_loads_run_only_on_the_us_east_1_pool(client: Any, data: helpers.GeneratedData
                                                   ) -> None:
    catalog = Catalog.open(data.catalog)
    clear_read_log(client)
    ds = open_era5(client, catalog, years=ERA5_YEARS, months=ERA5_MONTHS,
                   chunks={"time0": 168}, timeout=30)
    schema_reads = read_log(client)
    assert len(schema_reads) == len(ERA5_YEARS) * len(ERA5_MONTHS)
    assert {r.variable for r in schema_reads} == {"<schema>"}
    assert {r.worker for r in schema_reads} <= EAST
    assert ds[ERA5_VAR].dims == ("time0", "lat", "lon")
    assert ds.attrs["proximate_region"] == ERA5_REGION

    clear_read_log(client)
    climatology = monthly_climatology(ds[ERA5_VAR])
    with get_task_stream(client=client) as stream:
        result = compute_in_region(client, climatology, timeout=30)
    loads = [r for r in read_log(client) if r.variable == ERA5_VAR]

    hours = {(y, m): ds.time0.sel(time0=f"{y}-{m:02d}").size
             for y in ERA5_YEARS for m in ERA5_MONTHS}
    expected_blocks = sum(math.ceil(h / 168) for h in hours.values())
    assert len(loads) == expected_blocks  # every block read exactly once
    assert len({(r.path, r.block) for r in loads}) == expected_blocks
    assert {r.worker for r in loads} <= EAST and {r.pool for r in loads} == {"pool-us-east-1"}
    fallback = [r for r in loads if f"/{FALLBACK[0]}/{FALLBACK[1]:02d}/" in r.path]
    assert fallback and {r.via for r in fallback} == {"s3"}
    assert all(r.path.startswith("file://") for r in fallback)
    assert {r.via for r in loads if r not in fallback} == {"lustre"}

    east = pool_addresses(client, ERA5_REGION)
    ran_on = Counter(task["worker"] for task in stream.data)
    assert stream.data and set(ran_on) <= east, ran_on

    names = {a: w["name"] for a, w in client.scheduler_info()["workers"].items()}
    print("\nERA5 block reads (worker, via):", dict(Counter((r.worker, r.via) for r in loads)),
          "| all tasks of the compute per worker:",
          {names[a]: n for a, n in sorted(ran_on.items())})
    oracle = era5_oracle(data, ERA5_MONTHS)
    assert list(result["month"].values) == list(ERA5_MONTHS)
    np.testing.assert_allclose(result.values, [oracle[m] for m in ERA5_MONTHS], rtol=1e-6)
    assert result.attrs["units"] == "K"


def test_cmip6_loads_run_only_on_the_us_west_2_pool(client: Any, data: helpers.GeneratedData
                                                    ) -> None:
    catalog = Catalog.open(data.catalog)
    clear_read_log(client)
    ds = open_cmip6(client, catalog, source_id="UKESM1-0-LL", member_id="r1i1p1f2",
                    chunks={"time": 12}, timeout=30)
    assert ds["tas"].dims == ("time", "lat", "lon")
    assert ds["time"].values[0].calendar == "360_day"
    assert float(ds["height"]) == 2.0 and "lat_bnds" in ds.data_vars
    assert ds["tas"].chunks == ((12, 12, 12, 12), (9,), (18,))
    clim = monthly_climatology(ds["tas"], years=[2016, 2017], lat=(-30, 30), lon=(-20, 60))
    with get_task_stream(client=client) as stream:
        result = compute_in_region(client, clim, CMIP6_REGION, timeout=30)
    loads = [r for r in read_log(client) if r.variable == "tas"]
    assert len(loads) == 2  # only the chunks of 2016 and 2017
    assert {r.worker for r in loads} <= WEST and {r.via for r in loads} == {"lustre"}
    assert {t["worker"] for t in stream.data} <= pool_addresses(client, CMIP6_REGION)
    names = {a: w["name"] for a, w in client.scheduler_info()["workers"].items()}
    print("\nCMIP6 block reads (worker, via, block):",
          sorted((r.worker, r.via, r.block) for r in loads),
          "| all tasks per worker:", dict(Counter(names[t["worker"]] for t in stream.data)))

    full = xr.open_zarr(data.cmip6_store)
    sel = full["tas"].sel(lat=slice(-30, 30))
    sel = sel.isel(lon=np.nonzero((full.lon.values >= 340) | (full.lon.values <= 60))[0])
    sel = sel.isel(time=np.nonzero(np.isin(full.time.dt.year.values, [2016, 2017]))[0])
    w = np.cos(np.deg2rad(sel.lat.values))
    series = (sel.values * w[None, :, None]).sum(axis=(1, 2)) / (w.sum() * sel.shape[2])
    months = sel.time.dt.month.values
    expected = [series[months == m].mean() for m in range(1, 13)]
    np.testing.assert_allclose(result.values, expected, rtol=1e-6)


def test_only_small_results_move_between_pools(client: Any, data: helpers.GeneratedData
                                               ) -> None:
    catalog = Catalog.open(data.catalog)
    era5 = open_era5(client, catalog, years=ERA5_YEARS, months=[1], timeout=30)
    cmip6 = open_cmip6(client, catalog, timeout=30)
    work = {ERA5_REGION: monthly_climatology(era5[ERA5_VAR]),
            CMIP6_REGION: monthly_climatology(cmip6["tas"], months=[1])}
    client.run(lambda dask_worker: dask_worker.transfer_incoming_log.clear())
    clear_read_log(client)
    outcomes = compute_regions(client, work, timeout=30)
    assert outcomes.ok and set(outcomes) == {ERA5_REGION, CMIP6_REGION}
    values = outcomes.unwrap()
    assert values[ERA5_REGION].shape == (1,) and values[CMIP6_REGION].shape == (1,)
    log = read_log(client)
    assert {r.worker for r in log if r.region == ERA5_REGION} <= EAST
    assert {r.worker for r in log if r.region == CMIP6_REGION} <= WEST
    assert {r.region for r in log} == {ERA5_REGION, CMIP6_REGION}
    # No worker fetched data from a worker of the other pool.
    names = {a: i["name"] for a, i in client.scheduler_info()["workers"].items()}
    transfers = client.run(lambda dask_worker: [t["who"] for t in dask_worker.transfer_incoming_log])
    for address, sources in transfers.items():
        for source in sources:
            pools = (names[source].rsplit("-", 1)[0], names[address].rsplit("-", 1)[0])
            assert pools[0] == pools[1], pools


def test_unpinned_reads_in_the_wrong_pool_are_refused(client: Any, data: helpers.GeneratedData
                                                      ) -> None:
    catalog = Catalog.open(data.catalog)
    era5 = open_era5(client, catalog, years=2018, months=1, timeout=30)
    west = sorted(pool_addresses(client, CMIP6_REGION))
    future = client.compute(era5[ERA5_VAR].mean(), workers=west)
    with pytest.raises(PlacementError, match="is not in pool-us-east-1"):
        future.result(timeout=30)
    future.release()
    with pytest.raises(PlacementError, match="outside a Dask worker of pool-us-east-1"):
        era5[ERA5_VAR].mean().compute(scheduler="sync")


def test_a_graph_mixing_regions_is_rejected(client: Any, data: helpers.GeneratedData) -> None:
    catalog = Catalog.open(data.catalog)
    era5 = open_era5(client, catalog, years=2018, months=1, timeout=30)
    cmip6 = open_cmip6(client, catalog, timeout=30)
    mixed = era5[ERA5_VAR].mean() - cmip6["tas"].mean()
    with pytest.raises(PlacementError, match="loads data of us-west-2"):
        compute_in_region(client, mixed, ERA5_REGION, timeout=10)
    with pytest.raises(ValueError, match="cannot infer the Region"):
        compute_in_region(client, mixed, timeout=10)
    assert float(compute_in_region(client, cmip6["tas"].max(), timeout=30)) > 250


def test_pool_without_workers_is_a_clear_error(client: Any, data: helpers.GeneratedData) -> None:
    started = time.monotonic()
    with pytest.raises(NoWorkersInPool) as info:
        compute_in_region(client, dask.delayed(sum)([1, 2]), "ap-south-1", timeout=30)
    assert time.monotonic() - started < 5
    message = str(info.value)
    assert info.value.region == "ap-south-1" and info.value.pool == "pool-ap-south-1"
    assert "Region ap-south-1: no Dask workers in pool 'pool-ap-south-1'" in message
    assert "pool-us-east-1 (4 threads)" in message and "pool-us-west-2 (4 threads)" in message
    assert "workers[].minTasks" in message and "register-scalable-target" in message
    assert "--region ap-south-1" in message and "--min-capacity" in message
    assert isinstance(info.value, RegionUnavailable)

    entry = Catalog.open(data.catalog).search("era5", years=2018, months=1)[0]
    moved = CatalogEntry.from_document({**entry.to_document(), "region": "ap-south-1",
                                        "pool": "pool-ap-south-1"})
    with pytest.raises(NoWorkersInPool, match="ap-south-1"):
        open_entries(client, [moved], timeout=10)


def test_unreachable_scheduler_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    address = f"tcp://127.0.0.1:{helpers.free_port()}"
    monkeypatch.setenv("PROXIMATE_SCHEDULER", address)
    started = time.monotonic()
    with pytest.raises(SchedulerUnreachable) as info:
        connect(timeout=1.5)
    assert time.monotonic() - started < 10
    assert info.value.address == address
    assert f"could not reach the Dask scheduler at {address} within 1.5 s" in str(info.value)


def test_failed_task_is_reported_for_its_region_and_released(client: Any) -> None:
    def boom(x: int) -> int:
        raise ValueError(f"bad chunk {x}")

    bad = dask.delayed(boom, pure=True)(7)
    good = dask.delayed(helpers.worker_name, pure=False)()
    outcomes = compute_regions(client, {CMIP6_REGION: bad, ERA5_REGION: good}, timeout=20)
    assert outcomes[ERA5_REGION].ok and outcomes[ERA5_REGION].value in EAST
    error = outcomes.errors[CMIP6_REGION]
    assert isinstance(error, RegionComputeError) and error.region == CMIP6_REGION
    assert "ValueError: bad chunk 7" in str(error) and isinstance(error.__cause__, ValueError)
    with pytest.raises(RegionComputeError) as info:
        outcomes.unwrap()
    assert info.value.partial[ERA5_REGION] in EAST
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        erred = client.run_on_scheduler(
            lambda dask_scheduler: [k for k, t in dask_scheduler.tasks.items()
                                    if t.state == "erred"])
        if not erred:
            break
        time.sleep(0.1)
    assert erred == []


def _wait_for(predicate: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_lost_region_fails_in_bounded_time_and_recovers(client: Any, cluster: Any,
                                                        data: helpers.GeneratedData,
                                                        tmp_path: Path) -> None:
    """A third Region served by a real `dask worker` process whose link we cut (SIGSTOP)."""
    region = "eu-central-1"
    proc = helpers.start_worker_process(cluster.scheduler_address, region, f"{region}-0")
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        _wait_for(lambda: f"pool-{region}" in pool_status(client), 60, "the subprocess worker")
        catalog = Catalog.open(data.catalog)
        era5 = open_era5(client, catalog, years=2018, months=1, timeout=30)
        marker = tmp_path / "started"
        work = {region: dask.delayed(helpers.slow_value, pure=False)(str(marker), 1.0, 42.0),
                ERA5_REGION: era5[ERA5_VAR].mean()}

        # 1. Cut the link while the Region computes: bounded failure naming the Region,
        #    the other Region's result still arrives.
        started = time.monotonic()
        running = pool.submit(compute_regions, client, work, timeout=4)
        _wait_for(marker.exists, 20, "the task to start")
        os.kill(proc.pid, signal.SIGSTOP)
        outcomes = running.result(timeout=30)
        elapsed = time.monotonic() - started
        assert elapsed < 4 + 3, elapsed
        error = outcomes.errors[region]
        assert isinstance(error, RegionUnavailable) and error.region == region
        assert f"Region {region}: no result within 4 s; pool pool-{region} has 1 worker(s)" \
            in str(error)
        assert outcomes[ERA5_REGION].ok
        era5_mean = float(outcomes[ERA5_REGION].value)
        with pytest.raises(RegionUnavailable, match=region) as info:
            outcomes.unwrap()
        assert float(info.value.partial[ERA5_REGION]) == era5_mean

        # 2. The link returns: the same call succeeds.
        os.kill(proc.pid, signal.SIGCONT)
        values = compute_regions(client, work, timeout=30).unwrap()
        assert values[region] == 42.0 and float(values[ERA5_REGION]) == era5_mean

        # 3. The Region's workers vanish mid-computation: detected without waiting the timeout.
        marker.unlink()
        work[region] = dask.delayed(helpers.slow_value, pure=False)(str(marker), 20.0, 1.0)
        started = time.monotonic()
        running = pool.submit(compute_regions, client, work, timeout=60)
        _wait_for(marker.exists, 20, "the task to start")
        proc.kill()
        outcomes = running.result(timeout=60)
        assert time.monotonic() - started < 15
        assert "lost all its workers" in str(outcomes.errors[region])
        assert outcomes[ERA5_REGION].ok

        # 4. Later calls fail fast with the scaling hint.
        _wait_for(lambda: f"pool-{region}" not in pool_status(client), 10, "worker removal")
        with pytest.raises(NoWorkersInPool, match="minTasks"):
            compute_in_region(client, work[region], region, timeout=10)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGCONT)
            proc.kill()
        proc.wait(timeout=10)
        pool.shutdown(wait=False)


def test_region_timeout_releases_work_and_names_region(client: Any, tmp_path: Path) -> None:
    """A hung Region (slow task) times out; after it frees up, the same call succeeds."""
    gate = tmp_path / "gate"
    gate.write_text("closed")

    def wait_for_gate(path: str) -> str:
        deadline = time.monotonic() + 20
        while Path(path).exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        return helpers.worker_name()

    work = {CMIP6_REGION: dask.delayed(wait_for_gate, pure=True)(str(gate)),
            ERA5_REGION: dask.delayed(helpers.worker_name, pure=False)()}
    started = time.monotonic()
    outcomes = compute_regions(client, work, timeout=1.5)
    # Bounded: without the timeout the call would wait for the gate forever.
    assert time.monotonic() - started < 10
    assert isinstance(outcomes.errors[CMIP6_REGION], RegionUnavailable)
    assert "no result within 1.5 s" in str(outcomes.errors[CMIP6_REGION])
    assert outcomes.results[ERA5_REGION] in EAST
    threading.Timer(0.2, gate.unlink).start()
    again = compute_regions(client, work, timeout=20).unwrap()
    assert again[CMIP6_REGION] in WEST and again[ERA5_REGION] in EAST


def test_connect_ships_the_helper_to_workers_that_lack_it(tmp_path: Path) -> None:
    """The cluster image has no `proximate`: connect() must make it importable on the workers.

    Scheduler and worker are processes of their own whose path holds neither the package nor
    the tests, like the image: nothing may reach them pickled by reference to `proximate`.
    """
    import subprocess
    import sys

    from distributed import Client

    def has_proximate() -> bool:
        import importlib.util
        return importlib.util.find_spec("proximate") is not None

    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    address = f"tcp://127.0.0.1:{helpers.free_port()}"
    bare = [sys.executable, "-m"]
    common = {"env": env, "cwd": "/", "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    processes = [subprocess.Popen(
        [*bare, "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
         "--port", address.rsplit(":", 1)[1], "--no-dashboard"], **common)]
    try:
        processes.append(subprocess.Popen(
            [*bare, "distributed.cli.dask_worker", address, "--nthreads", "1", "--name", "bare-worker",
             "--resources", "pool-bare=1", "--no-nanny", "--host", "127.0.0.1", "--no-dashboard",
             "--local-directory", str(tmp_path)], **common))
        with Client(address, timeout=30) as observer:
            deadline = time.monotonic() + 30
            while not observer.scheduler_info()["workers"]:
                assert time.monotonic() < deadline, "the bare worker did not join"
                time.sleep(0.2)
            assert list(observer.run(has_proximate).values()) == [False]
            unshipped = connect(address, timeout=10, ship=False)
            unshipped.close()
            assert isinstance(unshipped, Client)
            assert list(observer.run(has_proximate).values()) == [False]
            # An older helper version registered earlier must give way to the current one.
            observer.register_worker_plugin(WorkerPlugin(), name=f"{HELPER_PLUGIN_PREFIX}0000000000000000")
            current = f"{HELPER_PLUGIN_PREFIX}{helper_digest()}"
            shipped = connect(address, timeout=10)
            try:
                assert list(observer.run(has_proximate).values()) == [True]
                assert helper_plugins(observer) == [current]
                files = zips_under(tmp_path)
                assert list(files) == [f"proximate-{helper_digest()}.zip"]
            finally:
                shipped.close()
            # Connecting again sends nothing: same single plugin, the worker's zip untouched.
            again = connect(address, timeout=10)
            again.close()
            assert helper_plugins(observer) == [current]
            assert zips_under(tmp_path) == files
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(timeout=30)


def helper_plugins(client: Any) -> list[str]:
    names = client.run_on_scheduler(lambda dask_scheduler: sorted(dask_scheduler.worker_plugins))
    return [n for n in names if n.startswith(HELPER_PLUGIN_PREFIX)]


def zips_under(directory: Path) -> dict[str, tuple[int, int]]:
    """The helper zips a worker stored under ``directory``: name -> (inode, mtime in ns)."""
    return {path.name: (path.stat().st_ino, path.stat().st_mtime_ns)
            for path in sorted(directory.rglob("proximate*.zip"))}


def helper_zips(dask_worker: Any) -> dict[str, tuple[int, int]]:
    """Run on an in-process worker: the helper zips in its directory."""
    return zips_under(Path(dask_worker.local_directory))


def test_helper_archive_is_reproducible_and_named_by_content(tmp_path: Path) -> None:
    import zipfile

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = Path(helper_archive(str(tmp_path / "a")))
    time.sleep(2.1)  # zip timestamps have 2 s resolution: a clock-stamped archive would differ
    second = Path(helper_archive(str(tmp_path / "b")))
    assert first.name == second.name == f"proximate-{helper_digest()}.zip"
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        names = archive.namelist()
        assert "proximate/__init__.py" in names and "proximate/routing.py" in names
        assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_connecting_repeatedly_to_in_process_workers_is_safe(cluster: Any, client: Any) -> None:
    """Rewriting a zip that workers sharing one process imported from broke their zipimport
    cache (KeyError in pkgutil); shipping the same helper again must not touch the workers."""
    address = cluster.scheduler_address
    connect(address, timeout=10).close()
    shipped = client.run(helper_zips)
    assert len(shipped) == 4
    assert {tuple(files) for files in shipped.values()} == {(f"proximate-{helper_digest()}.zip",)}
    for _ in range(3):
        connect(address, timeout=10).close()
    assert client.run(helper_zips) == shipped, "a shipped helper was rewritten"
    assert helper_plugins(client) == [f"{HELPER_PLUGIN_PREFIX}{helper_digest()}"]


def _scaling_handler(pools: dict[str, Any]) -> Any:
    def install(dask_scheduler: Any) -> None:
        dask_scheduler.handlers["proximate_pools"] = lambda **_: {
            "scaling": "demand", "pools": {p: {"desired": 1, "running": 0, **v} for p, v in pools.items()}}
    return install


def _remove_scaling_handler(dask_scheduler: Any) -> None:
    dask_scheduler.handlers.pop("proximate_pools", None)


def test_a_pool_at_zero_that_scales_on_demand_is_waited_for_with_progress(client: Any, cluster: Any) -> None:
    """The scheduler says the pool scales on demand: the work is submitted, the helper reports
    the pool waking up, and the result arrives once a worker joins."""
    region = "eu-north-1"
    client.run_on_scheduler(_scaling_handler({f"pool-{region}": {"region": region}}))
    lines: list[str] = []
    proc = None
    try:
        def wake() -> None:
            nonlocal proc
            time.sleep(3)
            proc = helpers.start_worker_process(cluster.scheduler_address, region, f"{region}-0")

        threading.Thread(target=wake, daemon=True).start()
        started = time.monotonic()
        outcomes = compute_regions(client, {region: dask.delayed(helpers.worker_name, pure=False)()},
                                   timeout=60, wake_timeout=60, report=lines.append,
                                   report_every=1, check_every=0.5)
        assert outcomes[region].ok and outcomes[region].value == f"{region}-0"
        assert time.monotonic() - started >= 3
        assert lines and lines[0].startswith(f"proximate: pool-{region} ({region}) is waking up: "
                                             "1 worker task(s) requested, 0 running")
    finally:
        client.run_on_scheduler(_remove_scaling_handler)
        if proc is not None:
            proc.kill()
            proc.wait(timeout=10)


def test_a_pool_that_does_not_wake_fails_after_the_wake_limit(client: Any) -> None:
    region = "ap-south-2"
    client.run_on_scheduler(_scaling_handler({f"pool-{region}": {"region": region}}))
    try:
        started = time.monotonic()
        outcomes = compute_regions(client, {region: dask.delayed(sum)([1, 2]), CMIP6_REGION: dask.delayed(sum)([3, 4])},
                                   timeout=30, wake_timeout=3, report=None, check_every=0.5)
        assert 3 <= time.monotonic() - started < 10
        error = outcomes.errors[region]
        assert isinstance(error, PoolWakeTimeout) and isinstance(error, NoWorkersInPool)
        assert f"pool 'pool-{region}' was asked for 1 worker task(s)" in str(error)
        assert "and no worker joined within 3 s" in str(error)
        assert "PROXIMATE_WAKE_TIMEOUT" in str(error)
        assert outcomes[CMIP6_REGION].value == 7
    finally:
        client.run_on_scheduler(_remove_scaling_handler)
