"""Running commands: every failure says what was being done and what the command printed."""

from __future__ import annotations

import os
import subprocess
from typing import Mapping, Sequence


class EmulationError(RuntimeError):
    """A step of the emulation failed; the message names the step and the object."""


def run(argv: Sequence[str], what: str, *, check: bool = True, input: str | None = None,
        env: Mapping[str, str] | None = None, timeout: float = 120.0,
        cwd: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``argv``; raise :class:`EmulationError` naming ``what`` when it fails."""
    try:
        done = subprocess.run(list(argv), input=input, capture_output=True, text=True,
                              env=dict(env) if env is not None else None, timeout=timeout,
                              cwd=cwd, check=False)
    except FileNotFoundError as exc:
        raise EmulationError(f"{what}: {argv[0]} is not installed ({exc})") from exc
    except subprocess.TimeoutExpired as exc:
        raise EmulationError(f"{what}: `{' '.join(argv)}` did not finish in {timeout:g} s") from exc
    if check and done.returncode != 0:
        detail = (done.stderr.strip() or done.stdout.strip())[-1500:]
        raise EmulationError(
            f"{what}: `{' '.join(argv)}` exited with {done.returncode}: {detail}")
    return done


def ok(argv: Sequence[str], timeout: float = 30.0) -> bool:
    """True when ``argv`` exits 0 (no error raised)."""
    try:
        return subprocess.run(list(argv), capture_output=True, timeout=timeout,
                              check=False).returncode == 0
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return False


def require_root() -> None:
    """Namespaces, mounts and nftables need root."""
    if os.geteuid() != 0:
        raise EmulationError("the emulation needs root (network and mount namespaces, nftables)")
