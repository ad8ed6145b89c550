"""ECS-service stand-in: keeps one task running, restarts it when it exits, stops it on SIGTERM.

``python3 supervise.py <spec.json>`` (started by :mod:`emu.procs` in its own session). The
task runs in its own process group. On SIGTERM the supervisor sends SIGTERM to the task's main
process (as ``docker stop`` / ECS do), waits the task definition's ``stopTimeout``, then
SIGKILLs the task's process group, and exits. Every (re)start writes ``{pid, start}`` to the
spec's ``task_file`` so that ``down`` can find the task even if the supervisor is gone.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _start_time(pid: int) -> int | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(text[text.rfind(")") + 2:].split()[19])


def log(message: str) -> None:
    sys.stdout.write(f"[supervisor {time.strftime('%H:%M:%S')}] {message}\n")
    sys.stdout.flush()


def main(spec_path: str) -> int:
    spec: dict[str, Any] = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    # No mount namespace given (the control plane in the router namespace): the host's.
    argv = ["nsenter", f"--net=/run/netns/{spec['netns']}",
            *([f"--mount={spec['mntns']}"] if spec.get("mntns") else []), "--"]
    if spec.get("container", True):
        argv += ["unshare", "--mount", "--uts", "--propagation", "private", "--",
                 sys.executable, str(HERE / "container.py"), spec_path]
    else:
        argv = argv[:-1] + [f"--wd={spec.get('cwd') or '/'}", "--", *spec["command"]]
    stop_timeout = float(spec.get("stop_timeout") or 30)
    task_file = Path(spec["task_file"])
    stopping = False
    child: subprocess.Popen[bytes] | None = None

    def on_term(_signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True
        if child is not None and child.poll() is None:
            log(f"stopping task pid {child.pid} (SIGTERM, then SIGKILL after {stop_timeout:g} s)")
            try:
                os.kill(child.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    restarts = 0
    backoff = 1.0
    while not stopping:
        env = dict(spec.get("env", {})) if not spec.get("container", True) else None
        child = subprocess.Popen(argv, start_new_session=True, env=env,
                                 stdin=subprocess.DEVNULL)
        task_file.write_text(json.dumps({"pid": child.pid, "start": _start_time(child.pid),
                                         "restarts": restarts}), encoding="utf-8")
        log(f"task started: pid {child.pid} (restart {restarts})")
        started = time.monotonic()
        deadline: float | None = None
        while True:
            try:
                code = child.wait(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                pass
            if stopping and deadline is None:
                deadline = time.monotonic() + stop_timeout
            if deadline is not None and time.monotonic() > deadline:
                log(f"task pid {child.pid} did not stop in {stop_timeout:g} s: SIGKILL its group")
                try:
                    os.killpg(child.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        # Whatever the main process left in its group (e.g. a worker under a dying nanny).
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        log(f"task pid {child.pid} exited with {code}")
        if stopping or not spec.get("restart", True):
            break
        backoff = 1.0 if time.monotonic() - started > 30 else min(backoff * 2, 10.0)
        restarts += 1
        time.sleep(backoff)
    task_file.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
