"""Running a workload in the client Region and counting the bytes on every link around it."""

from __future__ import annotations

import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from . import network
from .client import PYTHON, client_env, in_client
from .plan import Plan
from .protocol import Session
from .state import StateStore

WORKLOAD = Path(__file__).resolve().parents[1] / "workload.py"
Counters = dict[str, dict[str, int]]


def link_bytes(before: Counters, after: Counters, plan: Plan) -> dict[str, int]:
    """Bytes per link (``src->dst``) between two counter snapshots."""
    return {l.label: after.get(l.label, {}).get("bytes", 0) - before.get(l.label, {}).get("bytes", 0)
            for l in plan.links}


@dataclass
class StageResult:
    name: str
    links: dict[str, int]
    seconds: float
    event: dict[str, Any] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.links.values())


@dataclass
class WorkloadRun:
    mode: str
    stages: list[StageResult]
    events: list[dict[str, Any]]
    results: Any
    wall_seconds: float


Handler = Callable[[dict[str, Any], Session], None]


def run_workload(plan: Plan, store: StateStore, mode: str, *, env: dict[str, str] | None = None,
                 handlers: dict[str, Handler] | None = None, event_timeout: float = 400.0) -> WorkloadRun:
    """Run ``workload.py <mode>`` in the client Region; snapshot counters at stage events.

    ``stage-start``/``stage-end`` events get counter snapshots and are acknowledged here;
    other events that wait for the host go to ``handlers`` (which must ``ack``).
    """
    out = store.sub("runs") / f"{mode}-{int(time.time() * 1000)}.pkl"
    argv = in_client(plan, store, [PYTHON, str(WORKLOAD), mode, str(out)])
    log = store.sub("logs") / f"workload-{mode}.log"
    session = Session(argv, {**client_env(plan, store), **(env or {})}, log)
    stages: list[StageResult] = []
    events: list[dict[str, Any]] = []
    started = time.monotonic()
    snapshot: Counters = {}
    stage_start = 0.0
    try:
        while True:
            event = session.next(event_timeout)
            events.append(event)
            kind = event["event"]
            if kind == "done":
                break
            if kind == "stage-start":
                snapshot = network.read_counters(plan)
                stage_start = time.monotonic()
                session.ack()
            elif kind == "stage-end":
                after = network.read_counters(plan)
                stages.append(StageResult(str(event["stage"]), link_bytes(snapshot, after, plan),
                                          time.monotonic() - stage_start, event))
                session.ack()
            elif handlers and kind in handlers:
                handlers[kind](event, session)
            elif kind in ("ready", "built", "restore-me"):
                session.ack()
    finally:
        code = session.close()
    if code != 0:
        raise RuntimeError(f"workload {mode} exited with {code}; see {log}")
    results = pickle.loads(out.read_bytes())
    out.unlink(missing_ok=True)
    return WorkloadRun(mode, stages, events, results, time.monotonic() - started)
