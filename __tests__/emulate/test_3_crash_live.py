"""`down` cleans up after an `up` that was killed half way (state recorded as it goes)."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from conftest import REPO, SIDE_PREFIX, SIDE_STATE
from emu import cluster, mounts, network
from emu.state import StateStore


def test_down_after_up_was_killed(synth_dir: Path) -> None:
    store = StateStore(SIDE_STATE)
    if store.exists():
        cluster.down(SIDE_STATE)
    up = subprocess.Popen(["/usr/bin/python3", str(REPO / "scripts/emulate/emulate.py"), "--state",
                           str(SIDE_STATE), "up", "--synth", str(synth_dir), "--prefix", SIDE_PREFIX],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    recorded: dict[str, Any] = {}
    try:
        while time.monotonic() < deadline and up.poll() is None:
            if store.path.exists():
                try:
                    recorded = json.loads(store.path.read_text())
                except json.JSONDecodeError:
                    recorded = {}
                if any(p.get("kind") == "worker" for p in recorded.get("procs", {}).values()):
                    break
            time.sleep(0.1)
        assert up.poll() is None, "up finished or failed before workers were started"
        up.send_signal(signal.SIGKILL)  # the crash: no cleanup of any kind
        up.wait()
    finally:
        if up.poll() is None:
            up.kill()
            up.wait()
    state = store.load()
    netns = list(state.netns)
    assert netns and all(network.netns_exists(n) for n in netns)
    alive = [r for r in state.procs.values() if r.alive()]
    assert any(r.kind == "scheduler" for r in alive) and any(r.kind == "worker" for r in alive)

    problems = cluster.down(SIDE_STATE)
    assert problems == []
    assert not any(network.netns_exists(n) for n in netns)
    assert not [r for r in state.procs.values() if r.alive()]
    assert not cluster.processes_in_namespaces(netns)
    points = mounts.mount_points()
    assert not [p for p in points if p.startswith(str(SIDE_STATE))]
    assert not store.exists()
