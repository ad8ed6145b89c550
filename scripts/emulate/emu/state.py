"""The state directory: what ``up`` created, recorded as it goes, so ``down`` can undo it.

Everything is written *before or right after* it is created (atomic rewrite of
``state.json``), so that ``down`` also works after ``up`` crashed half way.
Processes are recorded with their start time (``/proc/<pid>/stat`` field 22):
``down`` signals a PID only while it still is the process that was started.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_STATE_DIR = Path(os.environ.get("PROXIMATE_EMULATE_STATE", "/run/proximate-emulate"))


def proc_start_time(pid: int) -> int | None:
    """Start time of ``pid`` in clock ticks since boot, or None when it is gone.

    A zombie counts as gone (it is reaped here when it is a child of this process, e.g. a
    supervisor started by an in-process ``up`` in the tests).
    """
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    fields = text[text.rfind(")") + 2:].split()
    if fields[0] in ("Z", "X"):
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        return None
    return int(fields[19])


@dataclass
class ProcRecord:
    """A process ``up`` started (a supervisor or a one-shot helper)."""

    name: str
    pid: int
    start: int
    region: str
    kind: str  # "scheduler", "worker", "s3", ...

    def alive(self) -> bool:
        """True while the PID still names the process that was started."""
        return proc_start_time(self.pid) == self.start


@dataclass
class State:
    prefix: str
    synth_dir: str
    netns: list[str] = field(default_factory=list)
    mntns: list[str] = field(default_factory=list)  # persistent mount namespace files
    bind_mounts: list[str] = field(default_factory=list)  # host-side mounts to undo (reverse)
    created_dirs: list[str] = field(default_factory=list)  # host dirs to rmdir when empty
    created_files: list[str] = field(default_factory=list)
    procs: dict[str, ProcRecord] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)
    phase: str = "starting"
    updated: float = 0.0


class StateStore:
    """``<dir>/state.json`` plus working files (logs, hosts, S3 directories, catalog)."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.path = directory / "state.json"

    def exists(self) -> bool:
        return self.path.exists()

    def load(self) -> State:
        raw = json.loads(self.path.read_text(encoding="utf-8"))
        procs = {k: ProcRecord(**v) for k, v in raw.pop("procs", {}).items()}
        return State(**raw, procs=procs)

    def save(self, state: State) -> None:
        """Write ``state``, keeping processes another writer recorded meanwhile.

        The emulated ECS service controller (:mod:`emu.control`) records the worker tasks it
        starts while ``up`` or a test may hold an older copy: records are only ever added, so
        saving merges them, under a lock.
        """
        state.updated = time.time()
        self.dir.mkdir(parents=True, exist_ok=True)
        with open(self.dir / "state.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if self.path.exists():
                try:
                    on_disk = json.loads(self.path.read_text(encoding="utf-8")).get("procs", {})
                except (OSError, json.JSONDecodeError):
                    on_disk = {}
                for name, record in on_disk.items():
                    state.procs.setdefault(name, ProcRecord(**record))
            tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
            data = asdict(state)
            tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
            os.replace(tmp, self.path)

    def sub(self, *parts: str) -> Path:
        path = self.dir.joinpath(*parts)
        path.mkdir(parents=True, exist_ok=True)
        return path
