"""bench:scaling - demand scaling of a worker pool, measured on the emulation with real Dask.

Synthesizes the default topology with short scaling settings (:data:`SHORT_POOL`), brings the
emulation up with the alarms and step policies played (``--scaling``, pools at zero), runs
``scaling_workload.py`` in the client Region and reads the emulated control planes' records
(``control/events.jsonl``, ``control/metrics.jsonl``) on the same clock.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from . import cluster, network
from .client import PYTHON, client_env, in_client
from .measure import link_bytes
from .sh import EmulationError
from .synth import REPO

#: Pool settings of the measured topology (the emulation's time is short; AWS defaults are
#: 15 s / 120 s / 900 s / 60 s): publish every 2 s, shrink after 4 s of lower demand, go to
#: zero after 12 s idle, size pools to finish ready work in 2 s, at most 4 tasks.
SHORT_POOL = {"maxTasks": 4, "publishIntervalSeconds": 2, "scaleInAfterSeconds": 4,
              "idleSeconds": 12, "targetDurationSeconds": 2, "scaleOutStep": 4}
#: The earliest an idle pool may be empty, in seconds after the client saw its computation
#: finish. The scheduler's idle clock starts at its last task, before the client receives the
#: result; on a loaded machine that lag reached 1.1 s (CI, 2026-11-30), so the bound allows one
#: publishing interval for it.
IDLE_LOWER_BOUND = SHORT_POOL["idleSeconds"] - SHORT_POOL["publishIntervalSeconds"]
#: The alarms' 60 s period and the policy cooldown (60 s) play as this many seconds.
ALARM_PERIOD = 2.0
REGION = "us-east-1"
WORKLOAD = Path(__file__).resolve().parents[1] / "scaling_workload.py"


def synth_short(out: Path) -> Path:
    """The default topology with :data:`SHORT_POOL`, synthesized into ``out``."""
    config = json.loads((REPO / "cdktf.json").read_text())["context"]["proximate"]
    config["pool"] = {**config.get("pool", {}), **SHORT_POOL}
    out.mkdir(parents=True, exist_ok=True)
    config_path = out / "topology.json"
    config_path.write_text(json.dumps(config, indent=1))
    synth = out / "cdktf.out"
    done = subprocess.run(["node", "scripts/app.js"], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, "PROXIMATE_CONFIG": str(config_path), "CDKTF_OUTDIR": str(synth)})
    if done.returncode != 0:
        raise EmulationError(f"synth of the short-scaling topology failed: {done.stderr[-2000:]}")
    return synth


def _metrics(store: Any) -> list[dict[str, Any]]:
    try:
        lines = (store.dir / "control" / "metrics.jsonl").read_text().splitlines()
    except OSError:
        return []
    return [json.loads(line) for line in lines if line.strip()]


def run_scenario(state_dir: Path, region: str = REGION) -> dict[str, Any]:
    """Run the workload on an emulation that is up with ``--scaling``; the report."""
    store, state, topology, plan = cluster.load(state_dir)
    if not state.info.get("scaling"):
        raise EmulationError("the emulation plays no scaling policy: bring it up with --scaling")
    out = store.sub("runs") / f"scaling-{int(time.time())}.json"
    before = network.read_counters(plan)
    argv = in_client(plan, store, [PYTHON, str(WORKLOAD), region, str(out)])
    log = store.sub("logs") / "workload-scaling.log"
    with open(log, "ab") as err:
        done = subprocess.run(argv, env=client_env(plan, store), stdout=subprocess.PIPE,
                              stderr=err, timeout=900)
    if done.returncode != 0 or not out.exists():
        raise EmulationError(f"scaling workload failed ({done.returncode}); see {log}")
    crossed = link_bytes(before, network.read_counters(plan), plan)
    result = json.loads(out.read_text())
    return report(result, cluster.control_events(store), _metrics(store), crossed, topology, region)


def report(result: dict[str, Any], events: list[dict[str, Any]], metrics: list[dict[str, Any]],
           crossed: dict[str, int], topology: Any, region: str) -> dict[str, Any]:
    pool = f"pool-{region}"
    interval = float(result["scaling"]["interval"])
    desired = [m for m in metrics if m["metric"] == "DesiredTasks" and m["dimensions"] == [["Pool", pool]]]
    zero, comp, idle, wake = result["zero"], result["computation"], result["idle"], result["wake"]

    def rise_after(t: float) -> float | None:
        """Seconds from ``t`` to the first published DesiredTasks above its value at ``t``."""
        before = [m["value"] for m in desired if m["time"] <= t]
        base = before[-1] if before else 0.0
        later = [m for m in desired if m["time"] > t and m["value"] > base]
        return round(later[0]["time"] - t, 2) if later else None

    stops = [e for e in events if e.get("action") == "stop" and e.get("region") == region]
    during = [e for e in stops if comp["started"] <= e["time"] <= comp["finished"]]
    starts_elsewhere = [e for e in events if e.get("action") == "start" and e.get("region") != region]
    last_stop = max((e["time"] for e in stops if e["time"] >= comp["finished"]), default=None)
    workers = [w for w in topology.workers if w != region]
    between_workers = sum(v for k, v in crossed.items()
                          if k.split("->")[0] in topology.workers and k.split("->")[1] in topology.workers)
    figures = {
        "bench": "scaling",
        "region": region,
        "settings": {**SHORT_POOL, "alarmPeriodSeconds": ALARM_PERIOD},
        "from_zero": {
            "first_task_seconds": round(zero["first_task_started"] - zero["submitted"], 2),
            "result_seconds": round(zero["returned"] - zero["submitted"], 2),
            "desired_rose_after_seconds": rise_after(zero["submitted"]),
            "helper_reported": zero["reports"][:1],
        },
        "burst": {
            "desired_rose_after_seconds": rise_after(comp["started"]),
            "publish_interval_seconds": interval,
            "max_desired": max((m["value"] for m in desired if comp["started"] <= m["time"] <= comp["finished"]), default=0),
            "max_running": max((e.get("running", 0) for e in events if e.get("action") == "start"
                                and e.get("region") == region), default=0),
        },
        "scale_in": {
            "computation_seconds": round(comp["finished"] - comp["started"], 1),
            "tasks": comp["tasks"],
            "tasks_processed": comp["tasks_processed"],
            "tasks_stopped_during_computation": len(during),
            "stopped_while_protected": sum(1 for e in during if e.get("protected")),
            "drained_tasks": len(comp["drains"]),
            "keys_moved": sum(max(0, int(d.get("keys_moved", 1)) - len(d.get("workers", [])))
                              for d in comp["drains"]),
            "lost_keys": len(comp["lost_keys"]),
            "recomputed_tasks": len(comp["recomputed_keys"]),
            "identical_to_undisturbed": comp["identical"],
            "aborted_drains": len(comp["aborted_drains"]),
        },
        "idle": {
            "idle_seconds": SHORT_POOL["idleSeconds"],
            "empty_after_seconds": None if idle["empty_at"] is None else round(idle["empty_at"] - comp["finished"], 1),
            "last_task_stopped_after_seconds": None if last_stop is None else round(last_stop - comp["finished"], 1),
        },
        "wake_again": {
            "first_task_seconds": round(wake["first_task_started"] - wake["submitted"], 2),
            "result_seconds": round(wake["returned"] - wake["submitted"], 2),
        },
        "other_pools_started_tasks": len(starts_elsewhere),
        "bytes_between_worker_regions": between_workers,
        "other_regions": workers,
    }
    s = figures
    checks = {
        "from_zero_runs": s["from_zero"]["first_task_seconds"] > 0,
        "burst_desired_rises_within_one_interval": (s["burst"]["desired_rose_after_seconds"] is not None
                                                    and s["burst"]["desired_rose_after_seconds"] <= interval + 0.5),
        "burst_scales_out": s["burst"]["max_running"] >= 2,
        "scale_in_during_computation": s["scale_in"]["tasks_stopped_during_computation"] >= 1,
        "no_protected_task_stopped": s["scale_in"]["stopped_while_protected"] == 0,
        "zero_lost_keys": s["scale_in"]["lost_keys"] == 0,
        "zero_recomputed_tasks": s["scale_in"]["recomputed_tasks"] == 0,
        "identical_result": bool(s["scale_in"]["identical_to_undisturbed"]),
        "idle_to_zero_after_idle_time": (s["idle"]["empty_after_seconds"] is not None
                                         and s["idle"]["empty_after_seconds"] >= IDLE_LOWER_BOUND),
        "wakes_again": s["wake_again"]["first_task_seconds"] > 0,
        "other_pools_stay_at_zero": s["other_pools_started_tasks"] == 0,
        "no_bytes_between_worker_regions": between_workers == 0,
    }
    figures["checks"] = checks
    figures["ok"] = all(checks.values())
    return figures


def bench(state_dir: Path, prefix: str = "pxsc", keep: bool = False) -> dict[str, Any]:
    """Synthesize, bring up (scaling on, pools at zero), measure, bring down."""
    with tempfile.TemporaryDirectory(prefix="proximate-scaling-") as tmp:
        synth = synth_short(Path(tmp))
        if cluster.StateStore(state_dir).exists():
            cluster.down(state_dir, log=_log)
        try:
            cluster.up(cluster.UpOptions(synth_dir=str(synth), state_dir=state_dir, prefix=prefix,
                                         tasks_per_pool=0, scaling=True, alarm_period=ALARM_PERIOD),
                       log=_log)
            return run_scenario(state_dir)
        finally:
            if not keep:
                cluster.down(state_dir, log=_log)


def _log(message: str) -> None:
    print(f"[emulate] {message}", file=sys.stderr, flush=True)
