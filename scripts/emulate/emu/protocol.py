"""A line protocol between a client-Region process and the host that measures around it.

The client process prints one JSON object per event on stdout (``{"event": ...}``) and,
for events that need the host to act (read counters, cut a link), waits for one line on
stdin. The host side (:class:`Session`) reads events with a deadline, so nothing hangs.
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any


def emit(event: str, wait: bool = False, **data: Any) -> str:
    """(client side) Print an event; with ``wait``, block until the host answers."""
    sys.stdout.write(json.dumps({"event": event, "time": time.time(), **data}, default=str) + "\n")
    sys.stdout.flush()
    if wait:
        return sys.stdin.readline().strip()
    return ""


class ProtocolError(RuntimeError):
    """The client process did not behave as expected (names the event and the log)."""


class Session:
    """(host side) A client process and its events."""

    def __init__(self, argv: list[str], env: dict[str, str], log_path: Path) -> None:
        self.log_path = log_path
        self._log = open(log_path, "ab")
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self._log, env=env, text=True, bufsize=1)
        self._events: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                event = None
            if isinstance(event, dict) and "event" in event:
                self._events.put(event)
            else:
                self._log.write(line.encode())
                self._log.flush()
        self._events.put(None)

    def next(self, timeout: float, expect: str | None = None) -> dict[str, Any]:
        try:
            event = self._events.get(timeout=timeout)
        except queue.Empty:
            raise ProtocolError(f"no event from the client process within {timeout:g} s "
                                f"(expected {expect or 'any'}); see {self.log_path}") from None
        if event is None:
            code = self.proc.wait()
            raise ProtocolError(f"the client process exited with {code} before "
                                f"{expect or 'the next event'}; see {self.log_path}:\n"
                                + _tail(self.log_path))
        if expect is not None and event["event"] not in (expect, "error"):
            raise ProtocolError(f"expected event {expect}, got {event}")
        if event["event"] == "error":
            raise ProtocolError(f"client error: {event.get('message')}; see {self.log_path}")
        return event

    def ack(self, text: str = "ok") -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def close(self, timeout: float = 30.0) -> int:
        try:
            if self.proc.stdin:
                self.proc.stdin.close()
        except OSError:
            pass
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        self._log.close()
        return code


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
