"""The AWS control planes of worker scaling, emulated: one process in the router namespace.

``python3 control.py <config.json>`` (started by ``up`` as the service ``control``). From the
router namespace every Region reaches it at its gateway address (``.1``), port
:data:`CONTROL_PORT`. It plays, per worker Region:

* **CloudWatch** ``PutMetricData`` (query protocol, as botocore sends it; the Region is the
  SigV4 credential scope's): datapoints kept in memory and appended to ``control/metrics.jsonl``.
* **the ECS agent's task protection endpoint** ``/api/<task>/task-protection/v1/state``
  (``ECS_AGENT_URI`` of each worker task): PUT sets ``ProtectionEnabled`` with
  ``ExpiresInMinutes`` (default 120, 1-2880), GET returns it; expired protection is off
  (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-scale-in-protection-endpoint.html).
* **the alarm and the step scaling policy** read from the synthesized pool stack: every
  ``alarm_period`` seconds (the alarm's 60 s period, compressed) the statistic of the
  datapoints of the last period is compared with the threshold; in ALARM the policy's step
  sets the desired count (ExactCapacity, clamped to the scalable target's min/max; after a
  scaling activity, scale-in waits the compressed cooldown). No data: INSUFFICIENT_DATA, no
  action (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-actions.html).
* **the ECS service**: starts worker tasks up to the desired count, and on scale-in stops only
  tasks without scale-in protection, as ECS does
  (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-scale-in-protection.html);
  protected tasks stay until their protection is cleared or expires. A task that exits is
  restarted by its supervisor (the service replacing it).

With ``scaling: false`` the desired count stays at its initial value (fixed pools). Writing
``control/suspend-<region>`` stops the Region's tasks and starts none (a service that cannot
place tasks); deleting it resumes. Every decision is appended to ``control/events.jsonl``.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from emu import procs  # noqa: E402
from emu.state import StateStore  # noqa: E402

CONTROL_PORT = 4599
DEFAULT_PROTECTION_MINUTES = 120


class ControlPlane:
    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.store = StateStore(Path(config["state_dir"]))
        self.dir = self.store.sub("control")
        self.lock = threading.Lock()
        self.metrics: list[dict[str, Any]] = []
        self.protection: dict[str, dict[str, Any]] = {}
        self.regions: dict[str, dict[str, Any]] = {}
        for name, region in config["regions"].items():
            self.regions[name] = {**region, "desired": int(region["initial"]), "next": 1,
                                  "tasks": [], "last_eval": 0.0, "last_scaling": 0.0}
        self.stopping = False

    # -- records ------------------------------------------------------------------------

    def event(self, **data: Any) -> None:
        data = {"time": time.time(), **data}
        with open(self.dir / "events.jsonl", "a", encoding="utf-8") as out:
            out.write(json.dumps(data, sort_keys=True) + "\n")

    def put_metric_data(self, region: str, form: dict[str, list[str]]) -> None:
        one = {k: v[0] for k, v in form.items()}
        namespace = one.get("Namespace", "")
        now = time.time()
        points = []
        i = 1
        while f"MetricData.member.{i}.MetricName" in one:
            prefix = f"MetricData.member.{i}."
            dims = []
            j = 1
            while f"{prefix}Dimensions.member.{j}.Name" in one:
                dims.append([one[f"{prefix}Dimensions.member.{j}.Name"],
                             one[f"{prefix}Dimensions.member.{j}.Value"]])
                j += 1
            points.append({"time": now, "region": region, "namespace": namespace,
                           "metric": one[prefix + "MetricName"], "dimensions": sorted(dims),
                           "value": float(one.get(prefix + "Value", "0"))})
            i += 1
        with self.lock:
            self.metrics.extend(points)
            cutoff = now - 600
            self.metrics = [p for p in self.metrics if p["time"] >= cutoff]
        with open(self.dir / "metrics.jsonl", "a", encoding="utf-8") as out:
            for point in points:
                out.write(json.dumps(point, sort_keys=True) + "\n")

    def set_protection(self, task: str, body: dict[str, Any]) -> dict[str, Any]:
        enabled = bool(body["ProtectionEnabled"])
        minutes = int(body.get("ExpiresInMinutes") or DEFAULT_PROTECTION_MINUTES)
        if not 1 <= minutes <= 2880:
            return {"error": {"Code": "InvalidParameterException",
                              "Message": f"ExpiresInMinutes {minutes} outside 1-2880"}}
        record = {"ProtectionEnabled": enabled,
                  "ExpirationDate": time.time() + minutes * 60 if enabled else None}
        with self.lock:
            self.protection[task] = record
        (self.dir / "protection.json").write_text(json.dumps(self.protection, sort_keys=True))
        self.event(action="protection", task=task, enabled=enabled, minutes=minutes if enabled else None)
        return {"protection": {**record, "TaskArn": task}}

    def protected(self, task: str, now: float) -> bool:
        record = self.protection.get(task)
        return bool(record and record["ProtectionEnabled"] and record["ExpirationDate"] > now)

    # -- the alarm, the policy and the service --------------------------------------------

    def evaluate(self, name: str, region: dict[str, Any], now: float) -> None:
        scaling = region.get("scaling")
        if not self.config.get("scaling") or not scaling:
            return
        period = float(self.config["alarm_period"])
        if now - region["last_eval"] < period:
            return
        region["last_eval"] = now
        dims = sorted([list(d) for d in scaling["dimensions"]])
        with self.lock:
            values = [p["value"] for p in self.metrics
                      if p["region"] == name and p["namespace"] == scaling["namespace"]
                      and p["metric"] == scaling["metric"] and p["dimensions"] == dims
                      and p["time"] >= now - period]
        if not values:
            return  # INSUFFICIENT_DATA: no action
        statistic = {"Maximum": max, "Minimum": min,
                     "Average": lambda v: sum(v) / len(v)}.get(scaling["statistic"], max)(values)
        ops = {"GreaterThanOrEqualToThreshold": statistic >= scaling["threshold"],
               "GreaterThanThreshold": statistic > scaling["threshold"],
               "LessThanThreshold": statistic < scaling["threshold"],
               "LessThanOrEqualToThreshold": statistic <= scaling["threshold"]}
        if not ops[scaling["comparison"]]:
            return
        capacity = None
        for lower, upper, adjustment in scaling["steps"]:
            offset = statistic - scaling["threshold"]
            if offset >= lower and (upper is None or offset < upper):
                capacity = adjustment
        if capacity is None or scaling["adjustment_type"] != "ExactCapacity":
            return
        capacity = max(region["min"], min(region["max"], capacity))
        cooldown = scaling["cooldown"] * period / scaling["period"]
        if capacity < region["desired"] and now - region["last_scaling"] < cooldown:
            return  # scale-in waits for the cooldown
        if capacity != region["desired"]:
            self.event(action="desired", region=name, previous=region["desired"], desired=capacity,
                       metric=statistic)
            region["desired"] = capacity
            region["last_scaling"] = now

    def reconcile(self, name: str, region: dict[str, Any], now: float) -> None:
        state = self.store.load()
        alive = [t for t in region["tasks"] if state.procs.get(t) and state.procs[t].alive()]
        region["tasks"] = alive
        suspended = (self.dir / f"suspend-{name}").exists()
        desired = 0 if suspended else region["desired"]
        if len(alive) < desired and not suspended:
            for _ in range(desired - len(alive)):
                task = f"worker-{name}-{region['next']}"
                region["next"] += 1
                spec = procs.ServiceSpec(**{**region["spec"], "name": task,
                                            "hostname": f"{region['hostname']}-t{region['next'] - 1}",
                                            "environment": {**region["spec"]["environment"],
                                                            "ECS_AGENT_URI": f"{region['agent']}/api/{task}"}})
                spec = procs.ServiceSpec(**{**spec.__dict__, "ulimits": [tuple(u) for u in spec.ulimits]})
                procs.start_service(spec, self.store, self.store.load())
                region["tasks"].append(task)
                self.event(action="start", region=name, task=task, desired=desired,
                           running=len(region["tasks"]))
        elif len(alive) > desired:
            excess = len(alive) - desired
            stoppable = alive if suspended else [t for t in alive if not self.protected(t, now)]
            doomed = stoppable[:excess]
            if doomed:
                records = [state.procs[t] for t in doomed]
                for task in doomed:
                    region["tasks"].remove(task)
                    self.event(action="stop", region=name, task=task, desired=desired,
                               protected=self.protected(task, now), suspended=suspended)
                threading.Thread(target=procs.stop_services, args=(records, self.store, 75.0),
                                 daemon=True).start()
        (self.dir / f"service-{name}.json").write_text(json.dumps(
            {"desired": desired, "running": region["tasks"], "suspended": suspended,
             "protected": [t for t in region["tasks"] if self.protected(t, now)]}))

    def run(self) -> None:
        while not self.stopping:
            now = time.time()
            for name, region in self.regions.items():
                try:
                    self.evaluate(name, region, now)
                    self.reconcile(name, region, now)
                except Exception as exc:  # keep the control plane alive, say what failed
                    self.event(action="error", region=name, error=f"{type(exc).__name__}: {exc}")
            time.sleep(0.25)


def handler_for(plane: ControlPlane) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _reply(self, code: int, body: bytes, kind: str = "application/json") -> None:
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def do_POST(self) -> None:  # noqa: N802 - CloudWatch (query protocol)
            form = urllib.parse.parse_qs(self._body().decode())
            auth = self.headers.get("Authorization", "")
            region = auth.split("Credential=", 1)[-1].split("/")[2] if "Credential=" in auth else ""
            if form.get("Action") != ["PutMetricData"]:
                self._reply(400, b"<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>",
                            "text/xml")
                return
            plane.put_metric_data(region, form)
            self._reply(200, b'<PutMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">'
                             b"<ResponseMetadata><RequestId>emulated</RequestId></ResponseMetadata>"
                             b"</PutMetricDataResponse>", "text/xml")

        def _task(self) -> str | None:
            parts = self.path.split("/")
            if len(parts) >= 3 and parts[1] == "api" and self.path.endswith("/task-protection/v1/state"):
                return parts[2]
            return None

        def do_PUT(self) -> None:  # noqa: N802 - task protection
            task = self._task()
            if task is None:
                self._reply(404, b"{}")
                return
            answer = plane.set_protection(task, json.loads(self._body() or b"{}"))
            self._reply(400 if "error" in answer else 200, json.dumps(answer).encode())

        def do_GET(self) -> None:  # noqa: N802
            task = self._task()
            if task is None:
                self._reply(404, b"{}")
                return
            record = plane.protection.get(task, {"ProtectionEnabled": False, "ExpirationDate": None})
            self._reply(200, json.dumps({"protection": {**record, "TaskArn": task}}).encode())

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


def main(config_path: str) -> int:
    config = json.loads(Path(config_path).read_text(encoding="utf-8"))
    plane = ControlPlane(config)
    server = ThreadingHTTPServer(("0.0.0.0", CONTROL_PORT), handler_for(plane))
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def on_term(_signum: int, _frame: Any) -> None:
        plane.stopping = True

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    plane.event(action="started", scaling=bool(config.get("scaling")),
                alarm_period=config.get("alarm_period"))
    plane.run()
    server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
