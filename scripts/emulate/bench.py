#!/usr/bin/python3
"""npm run bench:proximity - with the emulation up (npm run emulate -- up), run the seed analysis
data-proximate (the proximate helper) and naive (raw data pulled to the client Region), count
the bytes on every inter-Region link in the router, check the answers agree, print ONE JSON line.
Exit code 1 when a target is missed (see "checks"). `--save` also writes the line to
docs/figures/proximity.json (the README's figures, npm run readme:figures)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from emu.bench import run_bench  # noqa: E402
from emu.figures import save_figures  # noqa: E402
from emu.sh import EmulationError  # noqa: E402
from emu.state import DEFAULT_STATE_DIR  # noqa: E402


def main(argv: list[str]) -> int:
    save = "--save" in argv
    argv = [a for a in argv if a != "--save"]
    state = Path(argv[0]) if argv else DEFAULT_STATE_DIR
    try:
        report = run_bench(state)
    except EmulationError as exc:
        print(f"bench:proximity: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(report, sort_keys=True))
    if save and report["ok"]:
        print(f"figures saved to {save_figures('proximity', 'npm run bench:proximity', [report])}", file=sys.stderr)
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
