"""Container stand-in: runs inside a task's own mount and UTS namespaces, then execs the command.

Started by the supervisor as
``nsenter --net=<region netns> --mount=<region mntns> -- unshare --mount --uts --propagation
private -- /usr/bin/python3 container.py <spec.json>``. It gives the task what an ECS task has:
its own hostname (so ``$(hostname)`` in the command is unique), a private ``/tmp``, the host
volume mounted read-only where the task definition says so, the task definition's ulimits and
environment, then ``exec``s the task definition's command unchanged.
"""

from __future__ import annotations

import json
import os
import resource
import socket
import subprocess
import sys
from typing import Any

BASE_ENV = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "HOME": "/root",
    "LANG": "C.UTF-8",
}
RLIMITS = {"nofile": resource.RLIMIT_NOFILE, "nproc": resource.RLIMIT_NPROC,
           "core": resource.RLIMIT_CORE, "memlock": resource.RLIMIT_MEMLOCK,
           "stack": resource.RLIMIT_STACK}


def _mount(argv: list[str], what: str) -> None:
    done = subprocess.run(["mount", *argv], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(f"container: {what} failed: {done.stderr.strip()}\n")
        raise SystemExit(125)


def main(spec_path: str) -> None:
    with open(spec_path, encoding="utf-8") as handle:
        spec: dict[str, Any] = json.load(handle)
    socket.sethostname(spec["hostname"])
    for path in spec.get("tmpfs", []):
        _mount(["-t", "tmpfs", "-o", "mode=1777", "tmpfs", path], f"tmpfs on {path}")
    for path in spec.get("readonly", []):
        _mount(["--bind", path, path], f"bind {path}")
        _mount(["-o", "remount,bind,ro", path], f"read-only {path}")
    for name, soft, hard in spec.get("ulimits", []):
        if name not in RLIMITS:
            sys.stderr.write(f"container: ulimit {name} is not emulated\n")
            continue
        _, max_hard = resource.getrlimit(RLIMITS[name])
        if max_hard != resource.RLIM_INFINITY and hard > max_hard:
            sys.stderr.write(f"container: ulimit {name} {soft}/{hard} capped to this machine's "
                             f"hard limit {max_hard}\n")
            soft, hard = min(soft, max_hard), max_hard
        resource.setrlimit(RLIMITS[name], (soft, hard))
    env = {**BASE_ENV, "HOSTNAME": spec["hostname"], **spec.get("environment", {})}
    os.chdir(spec.get("cwd", "/"))
    command: list[str] = spec["command"]
    os.execvpe(command[0], command, env)


if __name__ == "__main__":
    main(sys.argv[1])
