"""ECS task scale-in protection of a Dask worker: a Dask worker preload.

The worker container writes this file from its task definition's environment
(``PROXIMATE_PROTECTION_PY``) and starts ``dask worker ... --preload <file>``.

A worker protects its ECS task as soon as it starts, before it registers with the scheduler,
so that ECS never picks it when the service scales in: ECS stops only unprotected tasks
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-scale-in-protection.html).
The protection lasts ``PROXIMATE_PROTECTION_MINUTES`` (1-2880, the ECS limits) and is renewed
at half-time. Only the scheduler's scaling plugin (scheduler_scaling.py) clears it, through
the handler ``proximate_protection``, after it has moved every key the worker held to other
workers of its pool; it sets it again if it puts a drained worker back to work.

The calls go to the ECS container agent's endpoint, ``$ECS_AGENT_URI/task-protection/v1/state``
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-scale-in-protection-endpoint.html),
which calls ECS ``UpdateTaskProtection`` / ``GetTaskProtection`` with the task role's
credentials: the worker task role needs ``ecs:UpdateTaskProtection`` and
``ecs:GetTaskProtection`` on its cluster's tasks. Without ``ECS_AGENT_URI`` (not on ECS)
protection is off and logged once. Works on distributed 2022.12 and 2024.6.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import time
import urllib.request
from typing import Any

MINUTES_ENV = "PROXIMATE_PROTECTION_MINUTES"
PROTECTION_PATH = "/task-protection/v1/state"
#: ECS accepts 1 to 2,880 minutes.
MIN_MINUTES, MAX_MINUTES = 1, 2880

logger = logging.getLogger("proximate.protection")


def agent_call(agent_uri: str, method: str, body: dict[str, Any] | None = None,
               timeout: float = 10.0) -> dict[str, Any]:
    """One request to the ECS agent's task protection endpoint; returns its JSON answer."""
    request = urllib.request.Request(
        agent_uri.rstrip("/") + PROTECTION_PATH, method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        answer = json.loads(response.read() or b"{}")
    if isinstance(answer, dict) and (answer.get("error") or answer.get("failure")):
        raise RuntimeError(f"ECS agent refused {method} {PROTECTION_PATH}: "
                           f"{answer.get('error') or answer.get('failure')}")
    return answer if isinstance(answer, dict) else {}


class TaskProtection:
    """The wanted protection of this worker's ECS task, set and renewed through the agent."""

    def __init__(self, agent_uri: str | None, minutes: int) -> None:
        self.agent_uri = agent_uri
        self.minutes = max(MIN_MINUTES, min(MAX_MINUTES, minutes))
        self.wanted: bool | None = None
        self.renew_at = 0.0
        self.last_error: str | None = None

    async def set(self, enabled: bool) -> bool:
        """PUT the protection (ECS UpdateTaskProtection, through the agent)."""
        self.wanted = enabled
        if not self.agent_uri:
            return False
        body: dict[str, Any] = {"ProtectionEnabled": enabled}
        if enabled:
            body["ExpiresInMinutes"] = self.minutes
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(None, agent_call, self.agent_uri, "PUT", body)
        except Exception as exc:
            self.last_error = f"{type(exc).__name__}: {exc}"
            logger.warning("task scale-in protection %s failed: %s", enabled, self.last_error)
            self.renew_at = time.monotonic() + 15  # try again soon
            return False
        self.last_error = None
        self.renew_at = time.monotonic() + self.minutes * 30  # renew at half-time
        logger.info("task scale-in protection %s (%d min)", "set" if enabled else "cleared",
                    self.minutes)
        return True

    async def state(self) -> dict[str, Any]:
        """GET the protection as ECS has it (GetTaskProtection, through the agent)."""
        if not self.agent_uri:
            return {}
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, agent_call, self.agent_uri, "GET", None)

    async def keep(self) -> None:
        """Renew while wanted; retry failed calls."""
        while True:
            await asyncio.sleep(5)
            if self.wanted is not None and time.monotonic() >= self.renew_at:
                if self.wanted or self.last_error:
                    await self.set(self.wanted)


def task_identity() -> dict[str, Any]:
    """This task's ARN and task definition revision from the ECS task metadata endpoint v4."""
    uri = os.environ.get("ECS_CONTAINER_METADATA_URI_V4")
    if uri:
        try:
            with urllib.request.urlopen(uri + "/task", timeout=5) as response:
                meta = json.loads(response.read())
            return {"task": meta.get("TaskARN"), "revision": int(meta.get("Revision") or 0)}
        except Exception as exc:  # pragma: no cover - only on ECS
            logger.warning("task metadata unavailable: %s", exc)
    # The agent URI is unique per task (and shared by a task's worker processes).
    return {"task": os.environ.get("ECS_AGENT_URI") or socket.gethostname(), "revision": None}


async def dask_setup(worker: Any) -> None:
    """Preload entry point (``dask worker ... --preload <this file>``)."""
    agent_uri = os.environ.get("ECS_AGENT_URI")
    protection = TaskProtection(agent_uri, int(os.environ.get(MINUTES_ENV, "60")))
    loop = asyncio.get_running_loop()
    identity = await loop.run_in_executor(None, task_identity)

    async def set_protection(enabled: bool = True, **_: Any) -> dict[str, Any]:
        ok = await protection.set(bool(enabled))
        return {"task": identity["task"], "enabled": bool(enabled), "ok": ok,
                "error": protection.last_error}

    async def task_info(**_: Any) -> dict[str, Any]:
        """Asked by the scheduler when the worker joins: who it is, and its protection as ECS has it."""
        try:
            ecs = (await protection.state()).get("protection")
        except Exception as exc:
            ecs = {"error": f"{type(exc).__name__}: {exc}"}
        return {**identity, "protection": protection.wanted, "agent": bool(agent_uri),
                "ecs_protection": ecs, "error": protection.last_error}

    worker.handlers["proximate_protection"] = set_protection
    worker.handlers["proximate_task_info"] = task_info
    if not agent_uri:
        logger.info("no ECS_AGENT_URI (not on ECS): task scale-in protection is off")
        return
    await protection.set(True)
    worker._proximate_protection = protection  # keeps a reference for the renewal task
    worker._proximate_protection_task = asyncio.ensure_future(protection.keep())
