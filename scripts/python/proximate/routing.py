"""Run each Region's share of a computation on that Region's worker pool.

How pinning works, and why this way
-----------------------------------
Workers of Region ``r`` are started with the resource ``pool-r=<threads>``.
:func:`compute_regions` submits each Region's collection with
``client.compute(collection, resources={"pool-r": 1})``. Distributed
applies that restriction to *every* task of the graph after graph
optimisation, so the loads, the reduction and the final "finalize" task all
run in the pool and the result stays there until it is gathered.

``dask.annotate(resources=...)`` is not used: annotations are attached to
layers before optimisation, and the default array optimisation fuses tasks
into new ones without the annotation. Measured with distributed 2022.12, half
the loads then ran in the wrong Region. Loads built by
:mod:`proximate.data` also refuse to run outside their pool, so a mistake
shows up as a :class:`~proximate.errors.PlacementError`, never as silent
cross-Region traffic.

Only reduced results cross Regions: each Region's collection should already
be reduced (a climatology, a mean); its small result travels worker ->
scheduler -> client and the combination runs on the client with numpy.
Never compute one graph that mixes Regions: its combining tasks would run in
one Region and pull the other's data across.

Pools that scale on demand: the scheduler's scaling plugin (scripts/cluster/
scheduler_scaling.py) raises a pool's desired task count as soon as work for it
waits. A Region whose pool has no workers is then submitted anyway and waited
for, with a line every ``report_every`` seconds saying the pool is waking up
(desired and running tasks, time so far), up to ``PROXIMATE_WAKE_TIMEOUT``
(:class:`~proximate.errors.PoolWakeTimeout`). Without that plugin an empty pool
is refused at once with :class:`~proximate.errors.NoWorkersInPool`.

Failure handling: every wait is bounded. A Region whose pool has no workers,
loses them, or does not deliver within ``timeout`` gets a
:class:`~proximate.errors.RegionUnavailable` naming it, while the other
Regions of the same call carry on; the futures are released in every case so
no errored task lingers on the scheduler and a retry recomputes from scratch.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, Sequence

from .config import Settings
from .errors import (
    NoWorkersInPool,
    PlacementError,
    PoolWakeTimeout,
    RegionComputeError,
    RegionError,
    RegionUnavailable,
    SchedulerUnreachable,
)

POOL_PREFIX = "pool-"
#: What a bounded wait on the scheduler raises (asyncio's TimeoutError is distinct before 3.11).
COMM_ERRORS: tuple[type[BaseException], ...] = (OSError, TimeoutError, asyncio.TimeoutError)
#: Layer names of loader tasks built by :mod:`proximate.data`.
LOAD_LAYER = re.compile(r"^proximate-load-(?P<region>.+)-(?P<token>[0-9a-f]{32})$")


def pool_name(region: str) -> str:
    """The Dask resource name of a Region's worker pool (``pool-<region>``)."""
    return f"{POOL_PREFIX}{region}"


def region_of_pool(pool: str) -> str:
    """The Region of a pool resource name."""
    if not pool.startswith(POOL_PREFIX):
        raise ValueError(f"{pool!r} is not a pool resource name (pool-<region>)")
    return pool[len(POOL_PREFIX):]


#: Worker-plugin names of shipped helper versions: ``proximate-helper-<digest>``.
HELPER_PLUGIN_PREFIX = "proximate-helper-"
#: Zip entries carry this timestamp so the same sources always give the same bytes.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def _helper_sources() -> list[tuple[str, bytes]]:
    """This ``proximate`` package's source files (no caches) as (zip entry name, bytes), sorted."""
    from pathlib import Path

    package = Path(__file__).resolve().parent
    return [(str(Path("proximate") / path.relative_to(package)), path.read_bytes())
            for path in sorted(package.rglob("*"))
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"]


def helper_digest(sources: list[tuple[str, bytes]] | None = None) -> str:
    """A short SHA-256 over the helper's sources (read when not given): names a shipped version."""
    import hashlib

    digest = hashlib.sha256()
    for name, data in _helper_sources() if sources is None else sources:
        digest.update(name.encode() + b"\0" + len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()[:16]


def helper_zip_name(digest: str) -> str:
    """The file name a helper version has on the workers."""
    return f"proximate-{digest}.zip"


def helper_archive(directory: str | None = None) -> str:
    """Zip this ``proximate`` package into ``directory`` as ``proximate-<digest>.zip``.

    The archive is reproducible (sorted entries, fixed timestamps and modes) and named after
    its content, so a version that is already on a worker is never rewritten in place: a
    worker's import system caches a zip's directory by path, and rewriting a zip it has
    imported from breaks that cache. Returns the zip's path.
    """
    import tempfile
    import zipfile
    from pathlib import Path

    sources = _helper_sources()
    target = Path(directory or tempfile.mkdtemp(prefix="proximate-ship-")) / \
        helper_zip_name(helper_digest(sources))
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sources:
            entry = zipfile.ZipInfo(name, date_time=_ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, data)
    return str(target)


def ship_helper(client: Any) -> str:
    """Make ``proximate`` importable on every worker, present and future; idempotent.

    The cluster image holds Dask and the data libraries but not this helper, whose loader
    tasks run on the workers. The zipped package is registered with the scheduler as an
    ``UploadFile`` worker plugin named ``proximate-helper-<digest>``, so workers that join
    later (scale out, restarts, a Region whose link came back) receive it too.

    Connecting again with the same helper sends nothing: the plugin is already registered
    and every worker has it. A changed helper is shipped under its new name and older
    versions are unregistered, so joining workers receive only the current one. (Workers
    that imported an older version reload the top-level package; restart them to reload
    every submodule.) Returns the zip's name as the workers store it.
    """
    import tempfile

    from distributed.diagnostics.plugin import UploadFile

    digest = helper_digest()
    name = f"{HELPER_PLUGIN_PREFIX}{digest}"
    # A lambda travels by value: the scheduler's image does not have this package either.
    registered = client.run_on_scheduler(lambda dask_scheduler: sorted(dask_scheduler.worker_plugins))
    if name not in registered:
        with tempfile.TemporaryDirectory(prefix="proximate-ship-") as directory:
            plugin = UploadFile(helper_archive(directory))  # reads the zip into memory
        client.register_worker_plugin(plugin, name=name)
    for stale in registered:
        if stale.startswith(HELPER_PLUGIN_PREFIX) and stale != name:
            client.unregister_worker_plugin(stale)
    return helper_zip_name(digest)


def connect(address: str | None = None, *, timeout: float | None = None,
            ship: bool = True, **client_kwargs: Any) -> Any:
    """Connect a :class:`distributed.Client` to the scheduler, bounded by ``timeout``.

    Defaults come from ``PROXIMATE_SCHEDULER`` and ``PROXIMATE_CONNECT_TIMEOUT``. With
    ``ship`` (the default) the helper package is sent to the workers (:func:`ship_helper`).
    Raises :class:`SchedulerUnreachable` naming the address and the timeout.
    """
    from distributed import Client

    settings = Settings.from_env()
    target = address or settings.scheduler
    limit = timeout if timeout is not None else settings.connect_timeout
    try:
        client = Client(target, timeout=limit, **client_kwargs)
    except COMM_ERRORS as exc:
        raise SchedulerUnreachable(target, limit, exc) from exc
    if ship:
        ship_helper(client)
    return client


@dataclass(frozen=True)
class PoolStatus:
    """Workers that currently serve one pool."""

    pool: str
    workers: tuple[str, ...]
    names: tuple[str, ...]
    threads: float
    last_seen_age: float | None

    @property
    def region(self) -> str:
        """The pool's Region."""
        return region_of_pool(self.pool)


def pool_status(client: Any, timeout: float = 10.0) -> dict[str, PoolStatus]:
    """Ask the scheduler (bounded) which workers serve each ``pool-*`` resource."""
    try:
        identity = client.sync(client.scheduler.identity, callback_timeout=timeout)
    except COMM_ERRORS as exc:
        raise SchedulerUnreachable(str(client.scheduler.address), timeout, exc) from exc
    now = time.time()
    acc: dict[str, dict[str, Any]] = {}
    for address, info in identity.get("workers", {}).items():
        for resource, quantity in (info.get("resources") or {}).items():
            if not resource.startswith(POOL_PREFIX) or not quantity:
                continue
            entry = acc.setdefault(resource, {"workers": [], "names": [], "threads": 0.0,
                                              "seen": []})
            entry["workers"].append(address)
            entry["names"].append(str(info.get("name", address)))
            entry["threads"] += float(quantity)
            if info.get("last_seen"):
                entry["seen"].append(now - float(info["last_seen"]))
    return {
        pool: PoolStatus(pool, tuple(v["workers"]), tuple(v["names"]), v["threads"],
                         min(v["seen"]) if v["seen"] else None)
        for pool, v in acc.items()
    }


#: Scheduler handler of the scaling plugin (scripts/cluster/scheduler_scaling.py).
SCALING_STATUS_HANDLER = "proximate_pools"


def scaling_status(client: Any, timeout: float = 10.0) -> dict[str, Any] | None:
    """The scheduler's demand scaling per pool (desired/running tasks, waking since), or None.

    None when the scheduler runs no scaling plugin (pools of fixed size or CPU scaling).
    """
    try:
        status = client.sync(getattr(client.scheduler, SCALING_STATUS_HANDLER),
                             callback_timeout=timeout)
    except Exception:  # no such handler, or no answer: behave as without scaling
        return None
    return status if isinstance(status, dict) and "pools" in status else None


def waking_message(region: str, pool: str, info: dict[str, Any], waited: float,
                   limit: float) -> str:
    """What a scientist sees while a pool wakes up."""
    desired = int(info.get("desired", 0))
    asked = (f"{desired} worker task(s) requested" if desired > 0
             else "work queued, the scheduler is about to request worker tasks")
    return (f"proximate: {pool} ({region}) is waking up: {asked}, "
            f"{int(info.get('running', 0))} running, {waited:.0f} s so far "
            f"(waits up to {limit:g} s; starting an EC2 host, pulling the image and mounting "
            "Lustre usually takes a few minutes)")


def require_pool(client: Any, region: str, timeout: float = 10.0) -> PoolStatus:
    """Return the Region's pool status or raise :class:`NoWorkersInPool`."""
    pools = pool_status(client, timeout)
    pool = pool_name(region)
    status = pools.get(pool)
    if status is None or status.threads <= 0:
        raise NoWorkersInPool(region, pool, {p: s.threads for p, s in pools.items()})
    return status


def regions_of(collection: Any) -> set[str]:
    """Regions whose loaders (built by :mod:`proximate.data`) a collection contains."""
    import dask

    found: set[str] = set()
    items = collection if isinstance(collection, (list, tuple)) else [collection]
    for item in items:
        if not dask.is_dask_collection(item):
            continue
        graph = item.__dask_graph__()
        for name in getattr(graph, "layers", {}):
            match = LOAD_LAYER.match(str(name))
            if match:
                found.add(match.group("region"))
    return found


@dataclass
class RegionOutcome:
    """What one Region's share of a call produced: a value or an error."""

    region: str
    value: Any = None
    error: RegionError | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when the Region delivered its result."""
        return self.error is None


@dataclass
class RegionOutcomes(Mapping[str, RegionOutcome]):
    """Per-Region outcomes of :func:`compute_regions`, in submission order."""

    outcomes: dict[str, RegionOutcome] = field(default_factory=dict)

    def __getitem__(self, region: str) -> RegionOutcome:
        return self.outcomes[region]

    def __iter__(self) -> Iterator[str]:
        return iter(self.outcomes)

    def __len__(self) -> int:
        return len(self.outcomes)

    @property
    def ok(self) -> bool:
        """True when every Region delivered."""
        return all(o.ok for o in self.outcomes.values())

    @property
    def results(self) -> dict[str, Any]:
        """Values of the Regions that delivered (partial results)."""
        return {r: o.value for r, o in self.outcomes.items() if o.ok}

    @property
    def errors(self) -> dict[str, RegionError]:
        """Errors of the Regions that failed."""
        return {r: o.error for r, o in self.outcomes.items() if o.error is not None}

    def unwrap(self) -> dict[str, Any]:
        """All values, or raise the first Region's error.

        The raised error carries ``partial`` (values of the Regions that
        delivered) and ``failures`` (every failed Region's error).
        """
        errors = self.errors
        if not errors:
            return self.results
        first = next(iter(errors.values()))
        first.partial = self.results
        first.failures = errors
        if len(errors) > 1:
            others = "; ".join(str(e) for r, e in errors.items() if e is not first)
            first.args = (f"{first.args[0]} (also failed: {others})",)
        raise first


def _classify(region: str, exc: BaseException) -> RegionError:
    """Turn a task's exception into a Region error."""
    from distributed.scheduler import KilledWorker

    if isinstance(exc, RegionError):
        return exc
    if isinstance(exc, KilledWorker):
        err: RegionError = RegionUnavailable(
            region, f"workers died repeatedly while running the work ({exc})"
        )
    elif isinstance(exc, PlacementError):
        err = RegionComputeError(region, f"placement check failed: {exc}")
    else:
        err = RegionComputeError(region, f"a task failed: {type(exc).__name__}: {exc}")
    err.__cause__ = exc
    return err


def _describe(status: PoolStatus | None, pool: str) -> str:
    if status is None:
        return f"pool {pool} now has no workers"
    seen = (f", last heartbeat {status.last_seen_age:.0f} s ago"
            if status.last_seen_age is not None else "")
    return f"pool {pool} has {len(status.workers)} worker(s){seen}"


def compute_regions(
    client: Any,
    work: Mapping[str, Any],
    *,
    timeout: float | None = None,
    poll: float = 0.5,
    check_every: float = 2.0,
    optimize_graph: bool = True,
    wake_timeout: float | None = None,
    report: Any = print,
    report_every: float = 15.0,
) -> RegionOutcomes:
    """Compute ``{region: collection}`` each on its own pool; never raises per Region.

    A collection may be one dask collection or a list/tuple of them (the
    value is then a list). Returns :class:`RegionOutcomes`; call
    ``.unwrap()`` to get ``{region: value}`` or the first Region's error.
    Regions are submitted together and run concurrently; the whole call is
    bounded by ``timeout`` (default ``PROXIMATE_TIMEOUT``), plus, when a pool
    that scales on demand has to wake up, ``wake_timeout`` (default
    ``PROXIMATE_WAKE_TIMEOUT``) during which ``report`` receives a waking-up
    line every ``report_every`` seconds.
    """
    settings = Settings.from_env()
    limit = timeout if timeout is not None else settings.compute_timeout
    wake_limit = wake_timeout if wake_timeout is not None else settings.wake_timeout
    start = time.monotonic()
    deadline = start + limit
    for region, coll in work.items():
        foreign = regions_of(coll) - {region}
        if foreign:
            raise PlacementError(
                f"the collection given for Region {region} loads data of "
                f"{', '.join(sorted(foreign))}; compute each Region's reduction separately "
                "and combine the small results on the client"
            )

    outcomes: dict[str, RegionOutcome] = {r: RegionOutcome(r) for r in work}
    changed = threading.Event()  # set whenever one of the futures completes
    pending: dict[str, list[Any]] = {}
    is_list: dict[str, bool] = {}
    pools = pool_status(client)
    scaling: dict[str, Any] | None = None
    if any((pools.get(pool_name(r)) is None or pools[pool_name(r)].threads <= 0) for r in work):
        scaling = scaling_status(client)
    waking: dict[str, float] = {}   # region -> when its wait for workers began
    reported: dict[str, float] = {}
    try:
        for region, coll in work.items():
            pool = pool_name(region)
            status = pools.get(pool)
            if status is None or status.threads <= 0:
                if scaling is None or pool not in scaling.get("pools", {}):
                    outcomes[region].error = NoWorkersInPool(
                        region, pool, {p: s.threads for p, s in pools.items()})
                    continue
                waking[region] = time.monotonic()  # submitted anyway: the demand wakes the pool
                if waking:
                    deadline = max(deadline, start + limit + wake_limit)
            is_list[region] = isinstance(coll, (list, tuple))
            items = list(coll) if is_list[region] else [coll]
            futures = client.compute(items, resources={pool: 1},
                                     optimize_graph=optimize_graph)
            pending[region] = list(futures)
            for future in futures:
                future.add_done_callback(lambda _: changed.set())

        last_check = time.monotonic()
        while pending:
            now = time.monotonic()
            for region in list(pending):
                futures = pending[region]
                states = {f.status for f in futures}
                if states <= {"finished"}:
                    remaining = max(deadline - time.monotonic(), 0.1)
                    try:
                        values = [f.result(timeout=remaining) for f in futures]
                    except COMM_ERRORS as exc:
                        outcomes[region].error = RegionUnavailable(
                            region, f"result computed but not received within {limit:g} s "
                                    f"({type(exc).__name__}: {exc})")
                    else:
                        outcomes[region].value = values if is_list[region] else values[0]
                elif "error" in states:
                    failed = next(f for f in futures if f.status == "error")
                    try:
                        task_error = failed.exception(timeout=max(deadline - now, 0.1))
                        outcomes[region].error = _classify(region, task_error)
                    except COMM_ERRORS as fetch_error:
                        outcomes[region].error = RegionUnavailable(
                            region, f"task failed and its error could not be fetched: "
                                    f"{fetch_error}")
                elif states & {"cancelled", "lost"}:
                    outcomes[region].error = RegionUnavailable(
                        region, f"the scheduler dropped the work ({'/'.join(sorted(states))}); "
                                "its workers probably left")
                else:
                    continue
                outcomes[region].seconds = time.monotonic() - start
                for f in pending.pop(region):
                    f.release()

            if not pending:
                break
            now = time.monotonic()
            if now >= deadline:
                try:
                    pools = pool_status(client)
                except SchedulerUnreachable:
                    pools = {}
                for region in list(pending):
                    outcomes[region].error = RegionUnavailable(
                        region, f"no result within {limit:g} s; "
                                f"{_describe(pools.get(pool_name(region)), pool_name(region))}")
                    outcomes[region].seconds = now - start
                break
            if now - last_check >= check_every:
                last_check = now
                fresh: dict[str, PoolStatus] | None
                try:
                    fresh = pool_status(client)
                except SchedulerUnreachable:
                    fresh = None  # the overall deadline still bounds the wait
                if fresh is not None:
                    pools = fresh
                    for region in list(waking):
                        status = pools.get(pool_name(region))
                        if status is not None and status.threads > 0:
                            del waking[region]  # woke up: from now on like any pool
                    if waking and report is not None:
                        scaling = scaling_status(client) or scaling
                    for region in list(waking):
                        pool = pool_name(region)
                        waited = now - waking[region]
                        info = (scaling or {}).get("pools", {}).get(pool, {})
                        if region not in pending:
                            del waking[region]
                        elif waited > wake_limit:
                            outcomes[region].error = PoolWakeTimeout(
                                region, pool, int(info.get("desired", 0)), waited, wake_limit,
                                {p: s.threads for p, s in pools.items()})
                            outcomes[region].seconds = now - start
                            del waking[region]
                            for f in pending.pop(region):
                                f.release()
                        elif report is not None and now - reported.get(region, -1e9) >= report_every:
                            reported[region] = now
                            report(waking_message(region, pool, info, waited, wake_limit))
                    for region in list(pending):
                        pool = pool_name(region)
                        status = pools.get(pool)
                        if region in waking:
                            continue
                        if status is None or status.threads <= 0:
                            outcomes[region].error = RegionUnavailable(
                                region, f"pool {pool} lost all its workers while computing "
                                        "(network link or tasks gone?)")
                            outcomes[region].seconds = now - start
                            for f in pending.pop(region):
                                f.release()
            if pending:
                changed.wait(timeout=max(min(poll, deadline - time.monotonic()), 0.01))
                changed.clear()
    finally:
        for futures in pending.values():
            for f in futures:
                f.release()
    return RegionOutcomes(outcomes)


def compute_in_region(client: Any, collection: Any, region: str | None = None, *,
                      timeout: float | None = None) -> Any:
    """Compute one collection on the pool of ``region`` and return its (small) result.

    ``region`` defaults to the single Region whose data the collection loads.
    Raises :class:`RegionUnavailable` / :class:`NoWorkersInPool` /
    :class:`RegionComputeError` naming the Region.
    """
    if region is None:
        found = regions_of(collection)
        if len(found) != 1:
            raise ValueError(
                f"cannot infer the Region: the collection loads data of {sorted(found) or 'none'}; "
                "pass region="
            )
        region = found.pop()
    return compute_regions(client, {region: collection}, timeout=timeout).unwrap()[region]


def submit_in_region(client: Any, region: str, calls: Sequence[tuple[Any, tuple[Any, ...]]],
                     *, timeout: float | None = None) -> list[Any]:
    """Run plain function calls ``[(fn, args), ...]`` on the Region's pool (bounded)."""
    import dask

    tasks = [dask.delayed(fn, pure=False)(*args) for fn, args in calls]
    return compute_in_region(client, tasks, region, timeout=timeout)
