#!/usr/bin/python3
"""npm run bench:scaling - (root) demand scaling of a worker pool on the emulation with real Dask:
synthesizes the default topology with short scaling settings, brings the emulation up with the
alarms and step scaling policies played and the pools at zero, measures scale from zero, a
burst, a scale-in during a running computation (lost keys, recomputed tasks, identical result),
idle scale to zero and a second wake-up, brings it down, and prints ONE JSON line. Exit code 1
when a check fails (see "checks"). `--save` also writes the line to docs/figures/scaling.json
(the README's figures, npm run readme:figures)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from emu.figures import save_figures  # noqa: E402
from emu.scaling import bench  # noqa: E402
from emu.sh import EmulationError  # noqa: E402


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="npm run bench:scaling --", description=__doc__)
    parser.add_argument("--state", type=Path,
                        default=Path(os.environ.get("PROXIMATE_SCALING_STATE", "/run/proximate-emulate-scaling")))
    parser.add_argument("--keep", action="store_true", help="leave the emulation up afterwards")
    parser.add_argument("--save", action="store_true", help="also write the line to docs/figures/scaling.json")
    args = parser.parse_args(argv)
    try:
        report = bench(args.state.resolve(), keep=args.keep)
    except EmulationError as exc:
        print(f"bench:scaling: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(report, sort_keys=True))
    if args.save and report["ok"]:
        print(f"figures saved to {save_figures('scaling', 'npm run bench:scaling', [report])}", file=sys.stderr)
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
