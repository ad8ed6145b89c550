#!/usr/bin/python3
"""What bench:scaling runs in the client Region (real Dask against the emulated topology).

    scaling_workload.py <region> <out.json>

Four phases on the pool of ``<region>`` (which starts at zero tasks), timestamps in wall-clock
seconds (the host reads the control planes' logs on the same clock):

1. **from zero**: one task through ``proximate.compute_regions``; the pool has no worker, the
   helper reports it waking up; the task returns when and where it ran;
2. **burst + scale-in during a computation**: 64 parallel tasks (2 s, 256 kB results each) and
   an independent chain of 45 one-second steps, then one task combining every result. The
   burst makes the pool scale out; during the chain the pool needs one task, so the scheduler
   drains the idle ones (their results move to the worker that stays) while the computation
   runs. A scheduler plugin counts every task's transitions: keys computed twice, and keys lost
   (memory -> released, then computed again). The answer is compared with the same graph
   computed in this process;
3. **idle**: the time until the pool has no worker left;
4. **wakes again**: one task through the helper, as in 1.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

PARTS, PART_SECONDS, CHAIN, CHAIN_SECONDS = 64, 2.0, 45, 1.0


def first_task() -> dict[str, Any]:
    from distributed import get_worker

    return {"started": time.time(), "worker": get_worker().name}


def part(i: int, seconds: float) -> Any:
    import numpy as np

    time.sleep(seconds)
    return np.random.default_rng(i).normal(size=32768)  # 256 kB


def step(previous: float, i: int, seconds: float) -> float:
    time.sleep(seconds)
    return previous * 1.5 + i


def combine(parts: list[Any], chain: float) -> Any:
    import numpy as np

    return np.sum(np.stack(parts), axis=0) + chain


def graph(slow: bool = True) -> Any:
    """The computation; ``slow=False`` is the same arithmetic without the waits (the reference)."""
    import dask

    parts = [dask.delayed(part, pure=True)(i, PART_SECONDS if slow else 0) for i in range(PARTS)]
    chain = dask.delayed(step, pure=True)(0.0, 0, CHAIN_SECONDS if slow else 0)
    for i in range(1, CHAIN):
        chain = dask.delayed(step, pure=True)(chain, i, CHAIN_SECONDS if slow else 0)
    return dask.delayed(combine, pure=True)(parts, chain)


def install_counter(dask_scheduler: Any) -> None:
    """Counts, per key, entries into ``processing`` and ``memory -> released`` transitions."""
    from distributed.diagnostics.plugin import SchedulerPlugin

    class Counter(SchedulerPlugin):
        name = "proximate-bench-counter"

        def __init__(self) -> None:
            self.processing: dict[str, int] = {}
            self.released_from_memory: dict[str, int] = {}
            self.lost_then_recomputed: set[str] = set()

        def transition(self, key: Any, start: str, finish: str, *args: Any, **kwargs: Any) -> None:
            key = str(key)
            if finish == "processing":
                self.processing[key] = self.processing.get(key, 0) + 1
                if self.released_from_memory.get(key):
                    self.lost_then_recomputed.add(key)
            if start == "memory" and finish == "released":
                self.released_from_memory[key] = self.released_from_memory.get(key, 0) + 1

    dask_scheduler.add_plugin(Counter(), name=Counter.name)


def read_counter(dask_scheduler: Any) -> dict[str, Any]:
    counter = dask_scheduler.plugins["proximate-bench-counter"]
    return {"processing": dict(counter.processing),
            "lost_then_recomputed": sorted(counter.lost_then_recomputed)}


def scaling_events(dask_scheduler: Any) -> list[dict[str, Any]]:
    return list(dask_scheduler.plugins["proximate-scaling"].events)


def main(region: str, out: Path) -> None:
    import dask
    from distributed import Client, wait

    from proximate import compute_regions, pool_status, scaling_status

    pool = f"pool-{region}"
    lines: list[dict[str, Any]] = []

    def report(line: str) -> None:
        lines.append({"time": time.time(), "line": line})
        print(line, file=sys.stderr, flush=True)

    result: dict[str, Any] = {"region": region}
    with Client(os.environ["PROXIMATE_SCHEDULER"], timeout=30) as client:
        client.run_on_scheduler(install_counter)
        status = scaling_status(client)
        result["scaling"] = {"interval": status["interval"], "pool": status["pools"][pool]} if status else None

        # 1. from zero
        assert pool not in pool_status(client), f"{pool} has workers before the test"
        submitted = time.time()
        ran = compute_regions(client, {region: dask.delayed(first_task, pure=False)()},
                              timeout=120, wake_timeout=120, report=report, report_every=2,
                              check_every=0.5).unwrap()[region]
        result["zero"] = {"submitted": submitted, "first_task_started": ran["started"],
                          "returned": time.time(), "worker": ran["worker"],
                          "reports": [l["line"] for l in lines]}

        # 2. burst, then scale-in while the computation runs
        expected = dask.compute(graph(slow=False), scheduler="sync")[0]
        started = time.time()
        future = client.compute(graph(), resources={pool: 1})
        wait(future, timeout=300)
        answer = future.result()
        finished = time.time()
        counter = client.run_on_scheduler(read_counter)
        keys = {str(k) for k in graph().__dask_graph__()}
        counter["processing"] = {k: n for k, n in counter["processing"].items() if k in keys}
        recomputed = sorted(k for k, n in counter["processing"].items() if n > 1)
        events = client.run_on_scheduler(scaling_events)
        future.release()
        del future
        result["computation"] = {
            "started": started, "finished": finished, "tasks": PARTS + CHAIN + 1,
            "tasks_processed": len(counter["processing"]),
            "recomputed_keys": recomputed, "lost_keys": counter["lost_then_recomputed"],
            "identical": bool((answer == expected).all()),
            "drains": [e for e in events if e["action"] == "drained" and started <= e["time"] <= finished],
            "aborted_drains": [e for e in events if e["action"] == "drain-aborted"],
        }

        # 3. idle: the pool goes to zero
        deadline = time.time() + 180
        while pool in pool_status(client) and time.time() < deadline:
            time.sleep(0.25)
        result["idle"] = {"empty_at": time.time() if pool not in pool_status(client) else None}

        # 4. wakes again
        lines.clear()
        submitted = time.time()
        ran = compute_regions(client, {region: dask.delayed(first_task, pure=False)()},
                              timeout=120, wake_timeout=120, report=report, report_every=2,
                              check_every=0.5).unwrap()[region]
        result["wake"] = {"submitted": submitted, "first_task_started": ran["started"],
                          "returned": time.time(), "reports": [l["line"] for l in lines]}
        result["events"] = client.run_on_scheduler(scaling_events)
    out.write_text(json.dumps(result, sort_keys=True, default=str))


if __name__ == "__main__":
    import logging

    logging.getLogger("distributed").setLevel(logging.ERROR)
    main(sys.argv[1], Path(sys.argv[2]))
