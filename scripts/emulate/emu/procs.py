"""Services (the scheduler, worker tasks, S3 servers) run under :mod:`emu.supervise`.

Only PIDs started here are ever signalled, each checked against its recorded start time.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .sh import EmulationError
from .state import ProcRecord, State, StateStore, proc_start_time

HERE = Path(__file__).resolve().parent
PYTHON = "/usr/bin/python3"


@dataclass(frozen=True)
class ServiceSpec:
    """One supervised process: a container task, or a plain command in a Region."""

    name: str
    region: str
    kind: str
    netns: str
    mntns: str
    command: list[str]
    hostname: str = ""
    environment: dict[str, str] = field(default_factory=dict)
    ulimits: list[tuple[str, int, int]] = field(default_factory=list)
    tmpfs: list[str] = field(default_factory=list)
    readonly: list[str] = field(default_factory=list)
    stop_timeout: int = 30
    restart: bool = True
    container: bool = True
    env: dict[str, str] = field(default_factory=dict)  # plain commands only
    cwd: str = "/"


def task_file(store: StateStore, name: str) -> Path:
    return store.sub("procs") / f"{name}.task.json"


def start_service(spec: ServiceSpec, store: StateStore, state: State) -> ProcRecord:
    """Start the supervisor of ``spec`` in its own session; record it in the state."""
    spec_path = store.sub("procs") / f"{spec.name}.json"
    data = asdict(spec)
    data["task_file"] = str(task_file(store, spec.name))
    spec_path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    log_path = store.sub("logs") / f"{spec.name}.log"
    with open(log_path, "ab") as log:
        child = subprocess.Popen(
            [PYTHON, str(HERE / "supervise.py"), str(spec_path)], stdin=subprocess.DEVNULL,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"})
    start = proc_start_time(child.pid)
    if start is None:
        raise EmulationError(f"supervisor of {spec.name} (pid {child.pid}) exited at once; "
                             f"see {log_path}")
    record = ProcRecord(name=spec.name, pid=child.pid, start=start, region=spec.region,
                        kind=spec.kind)
    state.procs[spec.name] = record
    store.save(state)
    return record


def current_task(store: StateStore, name: str) -> tuple[int, int] | None:
    """(pid, start) of the service's running task, if its supervisor recorded one alive."""
    path = task_file(store, name)
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    pid, start = int(info["pid"]), info.get("start")
    if start is None or proc_start_time(pid) != start:
        return None
    return pid, int(start)


def task_restarts(store: StateStore, name: str) -> int:
    try:
        return int(json.loads(task_file(store, name).read_text())["restarts"])
    except (OSError, ValueError, KeyError):
        return 0


def _signal(pid: int, start: int, sig: int, group: bool = False) -> None:
    if proc_start_time(pid) != start:
        return
    try:
        if group:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)
    except ProcessLookupError:
        pass


def stop_services(records: list[ProcRecord], store: StateStore, timeout: float) -> list[str]:
    """SIGTERM the supervisors (they stop their tasks), wait, then SIGKILL what is left."""
    problems: list[str] = []
    tasks = {r.name: current_task(store, r.name) for r in records}
    for record in records:
        task = tasks[record.name]
        if record.alive():
            _signal(record.pid, record.start, signal.SIGTERM)
        elif task is not None:
            _signal(task[0], task[1], signal.SIGTERM)  # supervisor gone (crash): stop its task
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        busy = [r for r in records if r.alive() or _task_alive(tasks[r.name])]
        if not busy:
            break
        time.sleep(0.2)
    for record in records:
        task = tasks[record.name]
        if record.alive():
            problems.append(f"supervisor {record.name} (pid {record.pid}) ignored SIGTERM for "
                            f"{timeout:g} s: SIGKILL")
            _signal(record.pid, record.start, signal.SIGKILL)
        if task is not None and _task_alive(task):
            problems.append(f"task {record.name} (pid {task[0]}) still ran: SIGKILL its group")
            _signal(task[0], task[1], signal.SIGKILL, group=True)
    return problems


def _task_alive(task: tuple[int, int] | None) -> bool:
    return task is not None and proc_start_time(task[0]) == task[1]


def run_in(argv: list[str], what: str, timeout: float = 300.0,
           env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a one-shot command (already wrapped with nsenter) and fail clearly."""
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env,
                          check=False)
    if done.returncode != 0:
        raise EmulationError(f"{what}: exited with {done.returncode}: "
                             f"{(done.stderr.strip() or done.stdout.strip())[-2000:]}")
    return done


def python() -> str:
    if not Path(PYTHON).exists():
        raise EmulationError(f"{PYTHON} is missing (Debian's python3 with python3-distributed)")
    return PYTHON if sys.executable != PYTHON else sys.executable


def relaunch(store: StateStore, state: State, name: str) -> ProcRecord:
    """Start the supervisor of a recorded service again (same spec file)."""
    spec_path = store.sub("procs") / f"{name}.json"
    try:
        data = json.loads(spec_path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise EmulationError(f"service {name}: no spec at {spec_path}") from exc
    data.pop("task_file", None)
    data["ulimits"] = [tuple(u) for u in data.get("ulimits", [])]
    return start_service(ServiceSpec(**data), store, state)
