"""Saves a benchmark's JSON report to docs/figures/<bench>.json, where `npm run readme:figures`
renders the README's figures from (the same shape as scripts/readme/save.ts writes)."""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path
from typing import Any

FIGURES_DIR = Path(__file__).resolve().parents[3] / "docs" / "figures"


def save_figures(bench: str, command: str, lines: list[dict[str, Any]]) -> Path:
    """Writes the lines with when and where they were measured; returns the file."""
    load = " ".join(f"{v:.1f}" for v in os.getloadavg())
    saved = {
        "command": command,
        "measuredOn": datetime.date.today().isoformat(),
        "machine": f"{os.cpu_count()} cores, load average {load} at the end",
        "source": "the bench's output",
        "lines": lines,
    }
    FIGURES_DIR.mkdir(parents=True, exist_ok=True)
    target = FIGURES_DIR / f"{bench}.json"
    target.write_text(json.dumps(saved, indent=1, sort_keys=True) + "\n")
    return target
