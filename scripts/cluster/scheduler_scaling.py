"""Demand-driven scaling of Proximate's worker pools: a Dask scheduler preload.

The scheduler container writes this file from its task definition's environment
(``PROXIMATE_SCALING_PY``) and starts ``dask scheduler --preload <file>``. Its settings come
from ``PROXIMATE_SCALING`` (JSON written at synth time, readable in the task definition).
It works on distributed 2022.12 (the emulation) and 2024.6 (the cluster image).

Every ``publishIntervalSeconds`` it, for each pool resource ``pool-<region>``:

1. measures the pool's demand: tasks ready to run on it (processing on its workers, or
   "no-worker" because the pool has none: ``Scheduler.unrunnable`` with the pool in their
   ``resource_restrictions``), their expected duration, and the bytes its workers hold;
2. turns it into a desired number of ECS worker tasks (enough to finish the ready work in
   ``targetDurationSeconds``, enough memory for what is held, at least one while there is
   any), shrinking only after demand has been lower for ``scaleInAfterSeconds``, keeping the
   workers of a pool with no work for ``idleSeconds`` and then going to its minimum;
3. publishes it as the CloudWatch metric ``DesiredTasks`` (dimension ``Pool``) in the pool's
   own Region, where an alarm invokes the ECS service's step scaling policy (ExactCapacity)
   once a minute while it has data
   (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-actions.html);
4. scales in gracefully: when the pool has more worker tasks than desired, it picks idle
   ones (no task processing), moves the keys they hold to other workers *of the same pool*
   (Dask's Active Memory Manager ``RetireWorker`` policy, restricted to the pool so that no
   data crosses Regions), and only then tells their worker processes to clear their ECS task
   scale-in protection. ECS stops only unprotected tasks when it scales in
   (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-scale-in-protection.html),
   so it stops exactly the drained ones. Drained tasks that ECS has not stopped when demand
   rises again are put back to work.

AWS calls (scheduler task role): ``cloudwatch:PutMetricData`` in each worker Region, on
namespace ``PROXIMATE_SCALING.namespace`` only.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import os
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable

from distributed.active_memory_manager import ActiveMemoryManagerExtension, RetireWorker
from distributed.core import Status
from distributed.diagnostics.plugin import SchedulerPlugin

CONFIG_ENV = "PROXIMATE_SCALING"
#: Emulation only: a CloudWatch endpoint override (real deployments leave it unset).
ENDPOINT_ENV = "PROXIMATE_CLOUDWATCH_ENDPOINT"
PLUGIN_NAME = "proximate-scaling"
#: Scheduler handler the notebook helper asks for pool status (desired, running, waking since).
STATUS_HANDLER = "proximate_pools"
#: Worker handlers registered by worker_protection.py.
WORKER_PROTECTION_HANDLER = "proximate_protection"
WORKER_INFO_HANDLER = "proximate_task_info"
#: Held bytes are kept under this share of the pool's memory limits (Dask's Adaptive uses 0.6).
MEMORY_TARGET = 0.6
#: A drain that has not moved a worker's keys within this time is abandoned (worker kept).
DRAIN_TIMEOUT = 600.0

logger = logging.getLogger("proximate.scaling")


@dataclass(frozen=True)
class PoolSettings:
    """One pool's scaling settings (``PROXIMATE_SCALING.pools[<pool>]``)."""

    pool: str
    region: str
    min_tasks: int
    max_tasks: int
    threads_per_task: int
    memory_bytes_per_task: int
    idle_seconds: float
    scale_in_after_seconds: float
    target_duration_seconds: float
    scale_out_step: int

    @classmethod
    def from_json(cls, pool: str, raw: dict[str, Any]) -> "PoolSettings":
        return cls(pool=pool, region=str(raw["region"]), min_tasks=int(raw["minTasks"]),
                   max_tasks=int(raw["maxTasks"]), threads_per_task=int(raw["threadsPerTask"]),
                   memory_bytes_per_task=int(raw["memoryBytesPerTask"]),
                   idle_seconds=float(raw["idleSeconds"]),
                   scale_in_after_seconds=float(raw["scaleInAfterSeconds"]),
                   target_duration_seconds=float(raw["targetDurationSeconds"]),
                   scale_out_step=int(raw["scaleOutStep"]))


@dataclass(frozen=True)
class Settings:
    namespace: str
    metric: str
    interval: float
    pools: dict[str, PoolSettings]

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Settings":
        raw = json.loads((env if env is not None else os.environ)[CONFIG_ENV])
        return cls(namespace=str(raw["namespace"]), metric=str(raw.get("metric", "DesiredTasks")),
                   interval=float(raw["publishIntervalSeconds"]),
                   pools={p: PoolSettings.from_json(p, v) for p, v in raw["pools"].items()})


@dataclass
class PoolView:
    """What the scheduler knows about one pool right now."""

    ready: int = 0
    work_seconds: float = 0.0
    held_bytes: int = 0
    #: task key -> worker addresses (one ECS task may run several worker processes)
    groups: dict[str, list[str]] = field(default_factory=dict)
    busy: set[str] = field(default_factory=set)


def demand_tasks(view: PoolView, pool: PoolSettings) -> int:
    """Worker tasks the pool needs now (before bounds and smoothing)."""
    if view.ready == 0 and view.held_bytes == 0:
        return 0
    cpu = 0
    if view.ready:
        by_time = math.ceil(view.work_seconds / (pool.target_duration_seconds * pool.threads_per_task))
        by_parallelism = math.ceil(view.ready / pool.threads_per_task)
        cpu = max(1, min(by_time, by_parallelism))
    memory = math.ceil(view.held_bytes / (MEMORY_TARGET * pool.memory_bytes_per_task)) if view.held_bytes else 0
    return max(cpu, memory, 1)


class Smoother:
    """Scale out at once; scale in after ``scale_in_after``; go idle after ``idle_seconds``."""

    def __init__(self, pool: PoolSettings) -> None:
        self.pool = pool
        self.history: deque[tuple[float, int]] = deque()
        self.last_busy: float | None = None
        self.frozen = 0

    def touch(self, now: float, tasks: int) -> None:
        """New capacity (a worker joined, the scheduler started) counts as activity: kept warm."""
        self.last_busy = now
        self.frozen = max(self.frozen, tasks)

    def update(self, now: float, raw: int, current: int | None = None) -> int:
        """The target task count; ``current`` is the tasks the pool has (an idle pool never grows)."""
        self.history.append((now, raw))
        while self.history and self.history[0][0] < now - self.pool.scale_in_after_seconds:
            self.history.popleft()
        window = max(r for _, r in self.history)
        if raw > 0:
            self.last_busy, self.frozen = now, window
            return window
        if self.last_busy is not None and now - self.last_busy < self.pool.idle_seconds:
            # A pool with no work keeps its workers warm for a while, but asks for no more.
            return self.frozen if current is None else min(self.frozen, current)
        return 0


def bounded(target: int, previous: int | None, pool: PoolSettings) -> int:
    """The pool's bounds, and at most ``scale_out_step`` more tasks than last published."""
    value = min(max(target, pool.min_tasks), pool.max_tasks)
    if previous is not None and value > previous + pool.scale_out_step:
        value = previous + pool.scale_out_step
    return value


def task_duration(scheduler: Any, ts: Any) -> float:
    """Expected run time of a task (its prefix's average), without touching scheduler state."""
    average = getattr(ts.prefix, "duration_average", -1)
    if average is not None and average >= 0:
        return float(average)
    return float(getattr(scheduler, "UNKNOWN_TASK_DURATION", 0.5))


class PoolRetireWorker(RetireWorker):
    """Dask's RetireWorker policy, but keys only move to running workers of the same pool."""

    def __init__(self, address: str, pool: str) -> None:
        super().__init__(address)
        self.pool = pool

    def run(self):  # type: ignore[no-untyped-def]
        scheduler = self.manager.scheduler
        peers = {ws for ws in scheduler.running
                 if ws.address != self.address and ws.resources.get(self.pool)}
        inner = super().run()
        reply = None
        while True:
            try:
                suggestion = inner.send(reply)
            except StopIteration:
                return
            op, ts = suggestion[0], suggestion[1]
            candidates = suggestion[2] if len(suggestion) > 2 else None
            if op == "replicate":
                candidates = set(peers) if candidates is None else set(candidates) & peers
            reply = yield (op, ts, candidates)


class CloudWatchPublisher:
    """Puts the pool metrics into the CloudWatch of the pool's own Region."""

    def __init__(self, namespace: str, endpoint_url: str | None = None) -> None:
        self.namespace = namespace
        self.endpoint_url = endpoint_url
        self._clients: dict[str, Any] = {}

    def put(self, region: str, metric_data: list[dict[str, Any]]) -> None:
        cloudwatch = self._clients.get(region)
        if cloudwatch is None:
            import boto3

            # Metrics live per Region: Application Auto Scaling in <region> reads <region>'s
            # CloudWatch, so the scheduler calls that Region's endpoint (through the client
            # VPC's NAT gateway).
            cloudwatch = boto3.client("cloudwatch", region_name=region, endpoint_url=self.endpoint_url)
            self._clients[region] = cloudwatch
        cloudwatch.put_metric_data(Namespace=self.namespace, MetricData=metric_data)


class ScalingPlugin(SchedulerPlugin):
    """Publishes each pool's desired task count and drains the tasks it no longer needs."""

    name = PLUGIN_NAME

    def __init__(self, scheduler: Any, settings: Settings,
                 publish: Callable[[str, list[dict[str, Any]]], None] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.scheduler = scheduler
        self.settings = settings
        self.clock = clock
        self.publish = publish or CloudWatchPublisher(
            settings.namespace, os.environ.get(ENDPOINT_ENV) or None).put
        self.smoothers = {p: Smoother(s) for p, s in settings.pools.items()}
        self.published: dict[str, int] = {}
        self.targets: dict[str, int] = {}
        self.views: dict[str, PoolView] = {}
        self.waking_since: dict[str, float] = {}
        self.task_of: dict[str, str] = {}       # worker address -> ECS task key
        self.revision_of: dict[str, int] = {}   # task key -> task definition revision
        self.draining: set[str] = set()
        self.drained: dict[str, float] = {}     # task key -> when it was drained
        self.events: deque[dict[str, Any]] = deque(maxlen=200)
        self.publish_errors = 0
        self._loop_task: asyncio.Task[None] | None = None
        self._background: set[asyncio.Task[Any]] = set()

    # -- plugin hooks -------------------------------------------------------------------

    async def start(self, scheduler: Any) -> None:
        for smoother in self.smoothers.values():
            smoother.touch(self.clock(), 0)
        if self._loop_task is None:
            self._loop_task = asyncio.ensure_future(self._run())

    async def close(self) -> None:
        for task in [self._loop_task, *self._background]:
            if task is not None:
                task.cancel()

    def add_worker(self, scheduler: Any = None, worker: str = "") -> None:
        self.task_of.setdefault(worker, worker)
        ws = self.scheduler.workers.get(worker)
        for name, smoother in self.smoothers.items():
            if ws is not None and ws.resources.get(name):
                tasks = len({self.task_of.get(w.address, w.address) for w in self.scheduler.workers.values()
                             if w.resources.get(name)})
                smoother.touch(self.clock(), tasks)
        self._spawn(self._learn(worker))

    def remove_worker(self, scheduler: Any = None, worker: str = "", **kwargs: Any) -> None:
        key = self.task_of.pop(worker, None)
        if key is not None and key not in self.task_of.values():
            self.drained.pop(key, None)

    # -- the loop -----------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:  # never let the scaling loop die with the scheduler running
                logger.exception("scaling tick failed")
            await asyncio.sleep(self.settings.interval)

    def view(self, pool: str) -> PoolView:
        view = PoolView()
        for ws in self.scheduler.workers.values():
            if not ws.resources.get(pool):
                continue
            key = self.task_of.get(ws.address, ws.address)
            view.groups.setdefault(key, []).append(ws.address)
            view.held_bytes += int(ws.nbytes)
            if ws.processing:
                view.busy.add(key)
            for ts in ws.processing:
                view.ready += 1
                view.work_seconds += task_duration(self.scheduler, ts)
        for ts in self.scheduler.unrunnable:
            restrictions = ts.resource_restrictions
            if restrictions and pool in restrictions:
                view.ready += 1
                view.work_seconds += task_duration(self.scheduler, ts)
        return view

    async def tick(self) -> dict[str, int]:
        now = self.clock()
        by_region: dict[str, list[dict[str, Any]]] = {}
        for name, pool in self.settings.pools.items():
            view = self.view(name)
            self.views[name] = view
            active = [k for k in view.groups if k not in self.draining and k not in self.drained]
            target = self.smoothers[name].update(now, demand_tasks(view, pool), len(active))
            desired = bounded(target, self.published.get(name), pool)
            self.targets[name] = target
            self.published[name] = desired
            if desired > len(active):
                self.waking_since.setdefault(name, time.time())
            else:
                self.waking_since.pop(name, None)
            self._actuate(name, view, active, desired)
            by_region.setdefault(pool.region, []).extend(
                self._metric(name, metric, value) for metric, value in (
                    (self.settings.metric, desired), ("ReadyTasks", view.ready),
                    ("RunningTasks", len(view.groups))))
        loop = asyncio.get_running_loop()
        for region, data in by_region.items():
            try:
                await loop.run_in_executor(None, self.publish, region, data)
            except Exception as exc:  # no network or credentials: keep scheduling, say why
                self.publish_errors += 1
                if self.publish_errors in (1, 10) or self.publish_errors % 100 == 0:
                    logger.warning("publishing pool metrics to CloudWatch in %s failed (%d times): %s",
                                   region, self.publish_errors, exc)
        return dict(self.published)

    def _metric(self, pool: str, name: str, value: float) -> dict[str, Any]:
        return {"MetricName": name, "Dimensions": [{"Name": "Pool", "Value": pool}],
                "Value": float(value), "Unit": "Count"}

    def _actuate(self, name: str, view: PoolView, active: list[str], desired: int) -> None:
        if desired < len(active):
            idle = [k for k in active if k not in view.busy]
            held = {k: sum(int(self.scheduler.workers[a].nbytes) for a in view.groups[k]
                           if a in self.scheduler.workers) for k in idle}
            # Older task definition revisions first (lets an ECS deployment finish), then the
            # tasks holding the least data.
            idle.sort(key=lambda k: (self.revision_of.get(k, 0), held[k]))
            for key in idle[: len(active) - desired]:
                self.draining.add(key)
                self._spawn(self._drain(name, key, list(view.groups[key])))
        elif desired > len(active):
            for key in sorted(self.drained, key=self.drained.get)[: desired - len(active)]:
                if key in view.groups:
                    self.drained.pop(key)
                    self._spawn(self._reactivate(name, key, list(view.groups[key])))

    # -- draining -----------------------------------------------------------------------

    async def _drain(self, pool: str, key: str, workers: list[str]) -> None:
        started = time.time()
        try:
            moved = await asyncio.gather(*(self._retire(pool, a) for a in workers))
            if all(moved):
                await self._protect(workers, False)
                self.drained[key] = self.clock()
                self._event("drained", pool, key, workers, seconds=time.time() - started,
                            keys_moved=sum(moved))
            else:
                await self._set_running(workers)
                self._event("drain-aborted", pool, key, workers)
        finally:
            self.draining.discard(key)

    async def _retire(self, pool: str, address: str) -> int:
        """Move ``address``'s unique keys to its pool; returns keys moved + 1, or 0 if it can't."""
        scheduler = self.scheduler
        ws = scheduler.workers.get(address)
        if ws is None:
            return 1
        unique = sum(1 for ts in ws.has_what if len(ts.who_has or ()) == 1)
        amm = scheduler.extensions.get("amm")
        temporary = None
        if amm is None or not amm.running:
            amm = temporary = ActiveMemoryManagerExtension(
                scheduler, policies=set(), register=False, start=True, interval=2.0)
        stimulus_id = f"proximate-drain-{time.time()}"
        try:
            policy = PoolRetireWorker(address, pool)
            amm.add_policy(policy)
            scheduler.handle_worker_status_change(Status.closing_gracefully, ws, stimulus_id)
            scheduler.stream_comms[address].send(
                {"op": "worker-status-change", "status": "closing_gracefully",
                 "stimulus_id": stimulus_id})
            amm.run_once()
            deadline = time.monotonic() + DRAIN_TIMEOUT
            while not policy.done():
                if time.monotonic() > deadline:
                    policy.no_recipients = True
                    break
                await asyncio.sleep(0.1)
            if policy in amm.policies:
                amm.policies.discard(policy)
            return 0 if policy.no_recipients else unique + 1
        finally:
            if temporary is not None:
                temporary.stop()

    async def _set_running(self, workers: list[str]) -> None:
        stimulus_id = f"proximate-reactivate-{time.time()}"
        for address in workers:
            ws = self.scheduler.workers.get(address)
            if ws is None:
                continue
            self.scheduler.handle_worker_status_change(Status.running, ws, stimulus_id)
            self.scheduler.stream_comms[address].send(
                {"op": "worker-status-change", "status": "running", "stimulus_id": stimulus_id})

    async def _reactivate(self, pool: str, key: str, workers: list[str]) -> None:
        await self._set_running(workers)
        await self._protect(workers, True)
        self._event("reactivated", pool, key, workers)

    async def _protect(self, workers: list[str], enabled: bool) -> None:
        async def one(address: str) -> None:
            try:
                await asyncio.wait_for(
                    self.scheduler.rpc(address).proximate_protection(enabled=enabled), 15)
            except Exception as exc:
                logger.warning("worker %s: could not set task protection to %s: %s",
                               address, enabled, exc)
        await asyncio.gather(*(one(a) for a in workers))

    async def _learn(self, address: str) -> None:
        """Which ECS task a new worker process belongs to (several may share one)."""
        try:
            info = await asyncio.wait_for(self.scheduler.rpc(address).proximate_task_info(), 15)
        except Exception as exc:
            logger.info("worker %s reports no ECS task (%s): treated as its own task", address, exc)
            return
        if address in self.scheduler.workers and isinstance(info, dict) and info.get("task"):
            self.task_of[address] = str(info["task"])
            if info.get("revision") is not None:
                self.revision_of[str(info["task"])] = int(info["revision"])

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _event(self, action: str, pool: str, key: str, workers: list[str], **extra: Any) -> None:
        event = {"time": time.time(), "action": action, "pool": pool, "task": key,
                 "workers": workers, **extra}
        self.events.append(event)
        logger.info("%s", json.dumps(event, sort_keys=True))
        self.scheduler.log_event(PLUGIN_NAME, event)

    # -- status for the notebook helper -------------------------------------------------

    def status(self) -> dict[str, Any]:
        pools = {}
        for name, pool in self.settings.pools.items():
            view = self.views.get(name, PoolView())
            pools[name] = {
                "region": pool.region, "desired": self.published.get(name, 0),
                "target": self.targets.get(name, 0), "running": len(view.groups),
                "draining": sum(1 for k in view.groups if k in self.draining),
                "drained": sum(1 for k in view.groups if k in self.drained),
                "ready": view.ready, "held_bytes": view.held_bytes,
                "waking_since": self.waking_since.get(name), "min": pool.min_tasks,
                "max": pool.max_tasks, "idle_seconds": pool.idle_seconds}
        return {"scaling": "demand", "interval": self.settings.interval, "pools": pools,
                "events": list(self.events)[-20:], "now": time.time()}


async def dask_setup(scheduler: Any) -> None:
    """Preload entry point (``dask scheduler --preload <this file>``)."""
    settings = Settings.from_env()
    plugin = ScalingPlugin(scheduler, settings)
    scheduler.add_plugin(plugin, name=PLUGIN_NAME)
    scheduler.handlers[STATUS_HANDLER] = lambda **_: plugin.status()
    logger.info("demand scaling of %s every %g s (CloudWatch namespace %s)",
                ", ".join(sorted(settings.pools)), settings.interval, settings.namespace)
