"""Fault tests: a Region's link cut during a computation, and a pool with no workers."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from . import cluster, network
from .measure import run_workload
from .protocol import Session
from .state import DEFAULT_STATE_DIR

#: Per-Region compute timeout for the fault run (PROXIMATE_TIMEOUT). The scheduler's worker TTL
#: (60 s, from the task definition) is checked every 60 s, so a silent Region leaves the pool
#: 60-120 s after the cut unless TCP notices first; the timeout bounds the wait either way.
FAULT_TIMEOUT = 90.0
#: Smaller ERA5 blocks (31 time steps, 4 per file) so that the cut Region is still busy when the cut lands.
FAULT_CHUNKS = {"time0": 31}
#: PROXIMATE_WAKE_TIMEOUT of the stopped-pool run: how long the helper waits for the pool to wake.
NOWORKERS_WAKE_TIMEOUT = 12.0


def run_fault(region: str, state_dir: Path = DEFAULT_STATE_DIR,
              timeout: float = FAULT_TIMEOUT) -> dict[str, Any]:
    """Cut ``region`` as soon as its workers run the computation; restore when asked."""
    store, state, topology, plan = cluster.load(state_dir)
    timeline: dict[str, float] = {}

    def on_running(event: dict[str, Any], _session: Session) -> None:
        network.cut(plan, region)
        timeline["cut"] = time.time()
        timeline["busy_workers"] = float(len(event.get("processing", {})))

    def on_restore(_event: dict[str, Any], session: Session) -> None:
        network.restore(plan, region)
        timeline["restored"] = time.time()
        session.ack()

    try:
        run = run_workload(plan, store, "fault", env={
            "PROXIMATE_EMULATE_CUT": region, "PROXIMATE_TIMEOUT": str(timeout),
            "PROXIMATE_EMULATE_CHUNKS": json.dumps(FAULT_CHUNKS)},
            handlers={"running": on_running, "restore-me": on_restore}, event_timeout=400)
    finally:
        network.restore(plan, region)  # never leave a link cut behind
    events = {e["event"]: e for e in run.events}
    outcome, rerun = events["outcome"], events["rerun"]
    cut_at = timeline.get("cut")
    return {
        "region": region,
        "tasks": events["ready"].get("tasks"),
        "cut_while_busy_workers": int(timeline.get("busy_workers", 0)),
        "error": outcome["errors"].get(region),
        "error_after_cut_seconds": None if cut_at is None else round(outcome["finished"] - cut_at, 1),
        "compute_seconds": outcome["seconds"],
        "delivered": outcome["ok"],
        "other_errors": {r: e for r, e in outcome["errors"].items() if r != region},
        "rejoin_seconds": round(events["rejoined"]["seconds"], 1),
        "rejoined_workers": events["rejoined"]["workers"],
        "rerun_ok": rerun["ok"],
        "rerun_errors": rerun["errors"],
        "rerun_seconds": round(rerun["seconds"], 1),
        "timeout": timeout,
        "results": run.results,
    }


def run_noworkers(region: str, state_dir: Path = DEFAULT_STATE_DIR) -> dict[str, Any]:
    """Stop ``region``'s worker tasks after the collections are built; start them again."""
    store, state, topology, plan = cluster.load(state_dir)
    stopped: dict[str, Any] = {}

    def on_built(_event: dict[str, Any], session: Session) -> None:
        t0 = time.time()
        stopped["problems"] = cluster.stop_pool(region, state_dir)
        stopped["seconds"] = round(time.time() - t0, 1)
        session.ack()

    try:
        run = run_workload(plan, store, "noworkers", env={"PROXIMATE_EMULATE_STOPPED": region,
                                                           "PROXIMATE_WAKE_TIMEOUT": str(NOWORKERS_WAKE_TIMEOUT)},
                           handlers={"built": on_built}, event_timeout=300)
    finally:
        restarted = cluster.start_pool(region, state_dir)
    events = {e["event"]: e for e in run.events}
    want = {f"pool-{w}": int(state.info.get("tasks_per_pool", 2)) for w in topology.workers}
    rejoin_started = time.time()
    cluster.wait_workers(plan, store, want, 180.0, topology.client)
    return {
        "region": region,
        "stop": stopped,
        "outcome": events["outcome"],
        "open": events["open"],
        "restarted": restarted,
        "rejoin_seconds": round(time.time() - rejoin_started, 1),
    }
