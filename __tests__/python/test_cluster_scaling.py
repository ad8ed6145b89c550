"""The scheduler's scaling plugin and the worker's task protection (scripts/cluster/)."""

from __future__ import annotations

import asyncio
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts" / "cluster"))

import scheduler_scaling as scaling  # noqa: E402
import worker_protection as protection  # noqa: E402

POOL = scaling.PoolSettings(pool="pool-a", region="us-east-1", min_tasks=0, max_tasks=6,
                            threads_per_task=2, memory_bytes_per_task=1_000_000,
                            idle_seconds=30, scale_in_after_seconds=10,
                            target_duration_seconds=1, scale_out_step=3)


def test_demand_counts_time_parallelism_and_memory() -> None:
    assert scaling.demand_tasks(scaling.PoolView(), POOL) == 0
    # 10 s of work at 1 s per 2-thread task -> 5 tasks; 3 ready tasks cap it at 2.
    assert scaling.demand_tasks(scaling.PoolView(ready=3, work_seconds=10), POOL) == 2
    assert scaling.demand_tasks(scaling.PoolView(ready=40, work_seconds=10), POOL) == 5
    assert scaling.demand_tasks(scaling.PoolView(ready=1, work_seconds=0.01), POOL) == 1
    # 1.5 MB held over 0.6 x 1 MB per task -> 3 tasks, even with no work.
    assert scaling.demand_tasks(scaling.PoolView(held_bytes=1_500_000), POOL) == 3


def test_smoother_scales_out_at_once_in_after_delay_and_idles_to_zero() -> None:
    smoother = scaling.Smoother(POOL)
    assert smoother.update(0, 4) == 4
    assert smoother.update(5, 1) == 4          # lower demand for less than 10 s
    assert smoother.update(16, 1) == 1         # lower for 10 s: shrink
    assert smoother.update(17, 0) == 1         # no work: warm for idle_seconds
    assert smoother.update(45, 0) == 1
    assert smoother.update(48, 0) == 0         # idle for 31 s: to the minimum
    assert smoother.update(49, 2) == 2         # and wakes at once


def test_bounds_and_scale_out_step() -> None:
    assert scaling.bounded(10, None, POOL) == 6
    assert scaling.bounded(6, 0, POOL) == 3
    assert scaling.bounded(0, 5, POOL) == 0
    assert scaling.bounded(0, 5, scaling.PoolSettings(**{**POOL.__dict__, "min_tasks": 1})) == 1


def test_settings_from_the_task_definition_environment() -> None:
    env = {scaling.CONFIG_ENV: json.dumps({
        "namespace": "Proximate/p", "metric": "DesiredTasks", "publishIntervalSeconds": 15,
        "pools": {"pool-a": {"region": "us-east-1", "minTasks": 0, "maxTasks": 6,
                             "threadsPerTask": 2, "memoryBytesPerTask": 1000000,
                             "idleSeconds": 30, "scaleInAfterSeconds": 10,
                             "targetDurationSeconds": 1, "scaleOutStep": 3}}})}
    settings = scaling.Settings.from_env(env)
    assert settings.pools["pool-a"] == POOL and settings.interval == 15


class FakeAgent(BaseHTTPRequestHandler):
    calls: list[tuple[str, str, Any]] = []

    def do_PUT(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeAgent.calls.append(("PUT", self.path, body))
        self._answer({"protection": {"ProtectionEnabled": body["ProtectionEnabled"]}})

    def do_GET(self) -> None:  # noqa: N802
        FakeAgent.calls.append(("GET", self.path, None))
        self._answer({"protection": {"ProtectionEnabled": True}})

    def _answer(self, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def agent() -> Any:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeAgent)
    FakeAgent.calls = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/task-1"
    server.shutdown()


def test_worker_protects_its_task_through_the_agent(agent: str) -> None:
    async def scenario() -> None:
        guard = protection.TaskProtection(agent, 90)
        assert await guard.set(True)
        assert await guard.set(False)
        assert (await guard.state())["protection"]["ProtectionEnabled"] is True

    asyncio.run(scenario())
    assert FakeAgent.calls == [
        ("PUT", "/api/task-1/task-protection/v1/state", {"ProtectionEnabled": True, "ExpiresInMinutes": 90}),
        ("PUT", "/api/task-1/task-protection/v1/state", {"ProtectionEnabled": False}),
        ("GET", "/api/task-1/task-protection/v1/state", None)]
    assert protection.TaskProtection(agent, 99999).minutes == 2880


def test_without_an_agent_protection_is_off() -> None:
    guard = protection.TaskProtection(None, 60)
    assert asyncio.run(guard.set(True)) is False and guard.wanted is True


def make(n: int, seed: int) -> Any:
    return np.random.default_rng(seed).normal(size=n)


def slow(i: int) -> int:
    import time

    time.sleep(0.05)
    return i


def test_scale_in_moves_keys_within_the_pool_then_clears_protection() -> None:
    """Two workers in pool-a, one in pool-b: draining a pool-a worker never sends keys to pool-b."""
    from distributed import Client, Scheduler, Worker

    async def scenario() -> None:
        async with Scheduler(host="127.0.0.1", port=0, dashboard_address=None) as s:
            workers = [Worker(s.address, nthreads=1, resources={"pool-a": 1}, name="a0"),
                       Worker(s.address, nthreads=1, resources={"pool-a": 1}, name="a1"),
                       Worker(s.address, nthreads=1, resources={"pool-b": 1}, name="b0")]
            for w in workers:
                await w
            calls: list[tuple[str, bool]] = []
            for w in workers:
                async def handler(enabled: bool = True, _name: str = w.name, **_: Any) -> dict[str, Any]:
                    calls.append((_name, enabled))
                    return {"ok": True}
                w.handlers["proximate_protection"] = handler
            published: list[tuple[str, list[dict[str, Any]]]] = []
            settings = scaling.Settings("Proximate/t", "DesiredTasks", 1, {"pool-a": POOL})
            clock = [0.0]
            plugin = scaling.ScalingPlugin(s, settings, publish=lambda r, d: published.append((r, d)),
                                           clock=lambda: clock[0])
            s.add_plugin(plugin, name=scaling.PLUGIN_NAME)
            async with Client(s.address, asynchronous=True) as c:
                futures = c.map(make, [1000] * 6, range(6), resources={"pool-a": 1}, pure=False)
                await c.gather(futures)
                a_addr = {w.address for w in workers[:2]}
                assert {ws.address for f in futures for ws in s.tasks[f.key].who_has} == a_addr
                await plugin.tick()
                assert plugin.published["pool-a"] == 1  # 48 kB held: one task's worth
                clock[0] = 20.0
                await plugin.tick()  # two tasks, one desired: drain one
                for _ in range(100):
                    if plugin.drained:
                        break
                    await asyncio.sleep(0.05)
                assert len(plugin.drained) == 1
                drained = next(iter(plugin.drained))
                keep = (a_addr - {drained}).pop()
                for f in futures:  # every key now on the remaining pool-a worker, none on pool-b
                    holders = {ws.address for ws in s.tasks[f.key].who_has}
                    assert keep in holders and workers[2].address not in holders
                drained_name = s.workers[drained].name
                assert (drained_name, False) in calls and ("b0", False) not in calls
                assert s.workers[drained].status.name == "closing_gracefully"
                region, data = published[-1]
                assert region == "us-east-1"
                assert {d["MetricName"]: d["Value"] for d in data} == {
                    "DesiredTasks": 1.0, "ReadyTasks": 0.0, "RunningTasks": 2.0}
                # Demand returns before ECS stopped it: the drained worker goes back to work.
                more = c.map(slow, range(40), resources={"pool-a": 1}, pure=False)
                for _ in range(100):
                    if sum(len(ws.processing) for ws in s.workers.values()) >= 10:
                        break
                    await asyncio.sleep(0.02)
                clock[0] = 21.0
                await plugin.tick()
                await asyncio.sleep(0.5)
                assert drained not in plugin.drained
                assert s.workers[drained].status.name == "running"
                assert (drained_name, True) in calls
                await c.gather(more)
                status = plugin.status()["pools"]["pool-a"]
                assert status["running"] == 2 and status["max"] == 6
            await plugin.close()
            for w in workers:
                await w.close()

    asyncio.run(scenario())


def test_new_capacity_is_kept_warm_for_the_idle_time() -> None:
    smoother = scaling.Smoother(POOL)
    smoother.touch(0, 2)                 # two tasks joined (or the scheduler started)
    assert smoother.update(1, 0, 2) == 2
    assert smoother.update(29, 0, 2) == 2
    assert smoother.update(31, 0, 2) == 0


def test_an_idle_pool_never_asks_for_more_tasks() -> None:
    smoother = scaling.Smoother(POOL)
    assert smoother.update(0, 1, 1) == 1
    smoother.touch(2, 4)                 # late workers joined as the work ended
    assert smoother.update(3, 0, 4) == 4
    assert smoother.update(4, 0, 2) == 2  # two of them gone: not asked for again
