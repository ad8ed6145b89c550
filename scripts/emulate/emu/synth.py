"""Finding (and when needed, producing) the synth output the emulation reads."""

from __future__ import annotations

import os
from pathlib import Path

from .sh import EmulationError, run

REPO = Path(__file__).resolve().parents[3]
SOURCES = ("main.ts", "cdktf.json", "stacks", "constructs", "modules")


def newest_source(repo: Path = REPO) -> float:
    newest = 0.0
    config = os.environ.get("PROXIMATE_CONFIG")
    paths = [repo / s for s in SOURCES] + ([Path(config)] if config else [])
    for path in paths:
        if path.is_file():
            newest = max(newest, path.stat().st_mtime)
        elif path.is_dir():
            for file in path.rglob("*.ts"):
                newest = max(newest, file.stat().st_mtime)
    return newest


def synthesize(out: Path, repo: Path = REPO) -> None:
    """``CDKTF_OUTDIR=<out> node scripts/app.js`` (what ``npx cdktf synth`` runs)."""
    run(["node", "scripts/app.js"], f"synthesize the topology into {out}", cwd=str(repo),
        env={**os.environ, "CDKTF_OUTDIR": str(out)}, timeout=300)


def resolve_synth_dir(explicit: str | None, repo: Path = REPO) -> tuple[Path, bool]:
    """The synth dir to read, and whether it was (re)synthesized now.

    An explicit directory is used as it is (it may be a deliberately modified copy). The
    default ``cdktf.out`` is synthesized when missing or older than the sources.
    """
    if explicit:
        path = Path(explicit).resolve()
        if not (path / "manifest.json").exists():
            raise EmulationError(f"{path} holds no manifest.json: not a cdktf synth output")
        return path, False
    path = repo / "cdktf.out"
    manifest = path / "manifest.json"
    if manifest.exists() and manifest.stat().st_mtime >= newest_source(repo):
        return path, False
    synthesize(path, repo)
    return path, True
