"""Fixtures of the emulation tests: a fresh synth output, copies to break, the running emulation.

The live tests need root (namespaces, mounts, nftables) and Debian's python3-distributed; run
them with ``bash scripts/emulate/e2e.sh`` (``npm run test:e2e``), which installs what is
missing, runs the files in order and always brings the emulation down.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts" / "emulate"))

from emu import cluster  # noqa: E402
from emu.state import StateStore  # noqa: E402

#: State dirs and namespace prefixes of the tests: apart from a developer's `emulate up`.
E2E_STATE = Path(os.environ.get("PROXIMATE_E2E_STATE", "/run/proximate-emulate-e2e"))
E2E_PREFIX = "pxci"
SIDE_STATE = Path("/run/proximate-emulate-e2e-side")
SIDE_PREFIX = "pxrt"
ARTIFACTS = Path(os.environ.get("PROXIMATE_E2E_OUT", "/tmp/proximate-e2e"))


@pytest.fixture(scope="session")
def synth_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default topology synthesized now (``CDKTF_OUTDIR=<dir> node scripts/app.js``)."""
    given = os.environ.get("PROXIMATE_E2E_SYNTH")
    if given:
        return Path(given)
    out = tmp_path_factory.mktemp("synth") / "cdktf.out"
    subprocess.run(["node", "scripts/app.js"], cwd=REPO, check=True,
                   env={**os.environ, "CDKTF_OUTDIR": str(out)})
    return out


@pytest.fixture
def synth_copy(synth_dir: Path, tmp_path: Path) -> Callable[[str, Callable[[dict[str, Any]], None]], Path]:
    """A copy of the synth output with one stack's JSON edited by ``edit``."""

    def make(stack: str, edit: Callable[[dict[str, Any]], None]) -> Path:
        copy = tmp_path / "cdktf.out"
        if not copy.exists():
            shutil.copytree(synth_dir, copy)
        path = copy / "stacks" / stack / "cdk.tf.json"
        data = json.loads(path.read_text())
        edit(data)
        path.write_text(json.dumps(data, indent=2))
        return copy

    return make


def delete_resources(kind: str, predicate: Callable[[dict[str, Any]], bool]) -> Callable[[dict[str, Any]], None]:
    """An edit deleting every ``kind`` resource for which ``predicate`` holds (at least one)."""

    def edit(stack: dict[str, Any]) -> None:
        block = stack["resource"][kind]
        doomed = [name for name, body in block.items() if predicate(body)]
        assert doomed, f"nothing to delete among {kind} {sorted(block)}"
        for name in doomed:
            del block[name]

    return edit


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def emulation(synth_dir: Path) -> Iterator[Path]:
    """The full emulation (default topology, 2 worker tasks per Region), brought down at the end."""
    if StateStore(E2E_STATE).exists():
        cluster.down(E2E_STATE)  # a previous run that was killed
    try:
        cluster.up(cluster.UpOptions(synth_dir=str(synth_dir), state_dir=E2E_STATE,
                                     prefix=E2E_PREFIX, tasks_per_pool=2))
        yield E2E_STATE
    finally:
        if StateStore(E2E_STATE).exists():
            cluster.down(E2E_STATE)


@pytest.fixture(scope="session")
def shared() -> dict[str, Any]:
    """Results handed from one live test to the next (the bench's answers)."""
    return {}
