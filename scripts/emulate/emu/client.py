"""The scientist's side: processes in the client Region with the notebook's environment."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from .network import ns_exec
from .plan import S3_PORT, Plan
from .sh import EmulationError
from .state import StateStore

REPO = Path(__file__).resolve().parents[3]
HELPER_DIR = REPO / "scripts" / "python"
PYTHON = "/usr/bin/python3"


def client_env(plan: Plan, store: StateStore) -> dict[str, str]:
    """What the SageMaker lifecycle configuration exports, pointed at the emulation."""
    return {
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(HELPER_DIR),
        "PROXIMATE_SCHEDULER": plan.scheduler_address,
        "PROXIMATE_CATALOG": str(store.dir / "catalog.ndjson"),
        "PROXIMATE_S3_ENDPOINT": f"http://{plan.s3_endpoint_name}:{S3_PORT}",
        "PROXIMATE_EMULATE_STATE": str(store.dir),
        # Each worker Region's S3 by name, for the naive baseline (crosses the router).
        "PROXIMATE_EMULATE_S3_ENDPOINTS": json.dumps({
            r.region: f"http://s3.{r.region}.{plan.s3_endpoint_name.split('.', 1)[1]}:{S3_PORT}"
            for r in plan.regions.values() if r.role == "worker"}),
    }


def in_client(plan: Plan, store: StateStore, argv: list[str]) -> list[str]:
    client = next(r for r in plan.regions.values() if r.role == "client")
    return [*ns_exec(client), *argv]


def client_python(plan: Plan, store: StateStore, code: str, what: str,
                  timeout: float = 120.0, args: list[str] | None = None) -> object:
    """Run ``code`` with Debian's python in the client Region; it must print one JSON value last."""
    argv = in_client(plan, store, [PYTHON, "-c", code, *(args or [])])
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                              env=client_env(plan, store), check=False)
    except subprocess.TimeoutExpired as exc:
        raise EmulationError(f"{what}: no answer from the client Region in {timeout:g} s") from exc
    if done.returncode != 0:
        raise EmulationError(f"{what}: exited with {done.returncode}: "
                             f"{(done.stderr.strip() or done.stdout.strip())[-2000:]}")
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    if not lines:
        raise EmulationError(f"{what}: printed nothing")
    return json.loads(lines[-1])


WAIT_WORKERS = r"""
import json, sys, time
from distributed import Client
want = json.loads(sys.argv[1]); deadline = time.time() + float(sys.argv[2])
with Client(__import__("os").environ["PROXIMATE_SCHEDULER"], timeout=30) as c:
    while True:
        info = c.scheduler_info()["workers"]
        pools = {}
        for addr, w in info.items():
            for res, q in (w.get("resources") or {}).items():
                pools.setdefault(res, []).append(w.get("name"))
        if all(len(pools.get(p, [])) >= n for p, n in want.items()) or time.time() > deadline:
            break
        time.sleep(0.5)
print(json.dumps({"pools": pools, "workers": {a: {"name": w.get("name"), "nthreads": w.get("nthreads"),
      "memory_limit": w.get("memory_limit"), "resources": w.get("resources")} for a, w in info.items()}}))
"""

SHIP_HELPER = r"""
import json
from distributed import Client
from proximate.routing import ship_helper
def probe():
    import importlib.util
    return importlib.util.find_spec("proximate") is not None
with Client(__import__("os").environ["PROXIMATE_SCHEDULER"], timeout=30) as c:
    before = c.run(probe)
    shipped = ship_helper(c)
    after = c.run(probe)
print(json.dumps({"importable_before": before, "importable_after": after, "archive": shipped}))
"""
