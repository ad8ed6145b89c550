"""``up``, ``down`` and ``status`` of the emulated deployment."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from . import client as clientmod
from . import mounts, network, procs, s3
from .control import CONTROL_PORT
from .datagen import DataSpec, GeneratedObjects, generate
from .plan import S3_PORT, Plan, RegionPlan, make_plan
from .sh import EmulationError, require_root, run
from .state import DEFAULT_STATE_DIR, State, StateStore
from .synth import REPO, resolve_synth_dir
from .topology import Service, Topology, load_topology

DEFAULT_PREFIX = "pxe"
DATA_CACHE = Path(os.environ.get("PROXIMATE_EMULATE_CACHE", "/var/tmp/proximate-emulate/data"))
TOOLS = ("ip", "nft", "nsenter", "unshare", "mount", "umount", "node", "npm")
PY_CHECK = "import distributed, dask, xarray, zarr, netCDF4, h5netcdf, cftime, numpy, pandas, fsspec"

Log = Callable[[str], None]


def _print(message: str) -> None:
    print(f"[emulate] {message}", flush=True)


@dataclass(frozen=True)
class UpOptions:
    synth_dir: str | None = None
    state_dir: Path = DEFAULT_STATE_DIR
    prefix: str = DEFAULT_PREFIX
    tasks_per_pool: int = 2
    network_only: bool = False
    bandwidth_mbit: float | None = None
    join_timeout: float = 180.0
    data: DataSpec = DataSpec()
    #: Play the synthesized alarms and step scaling policies (False: pools stay at ``tasks_per_pool``).
    scaling: bool = False
    #: The alarms' 60 s period, compressed for the emulation (cooldowns scale with it).
    alarm_period: float = 2.0


def check_tools() -> None:
    require_root()
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        raise EmulationError(f"missing tools: {', '.join(missing)} (apt-get install iproute2 "
                             "nftables util-linux; node/npm from the project's toolchain)")
    done = subprocess.run(["/usr/bin/python3", "-c", PY_CHECK], capture_output=True, text=True)
    if done.returncode != 0:
        raise EmulationError("Debian's /usr/bin/python3 lacks the Dask stack: "
                             f"{done.stderr.strip().splitlines()[-1] if done.stderr else ''} "
                             "(bash scripts/emulate/install-deps.sh)")


def load(state_dir: Path) -> tuple[StateStore, State, Topology, Plan]:
    """The running emulation's state, topology and plan."""
    store = StateStore(state_dir)
    if not store.exists():
        raise EmulationError(f"the emulation is not up (no {store.path}): npm run emulate -- up")
    state = store.load()
    topology = load_topology(state.synth_dir)
    return store, state, topology, make_plan(topology, state.prefix, state_dir)


def _wait_tcp(region: RegionPlan, host: str, port: int, what: str, timeout: float) -> None:
    code = ("import socket,sys,time\nd=time.time()+float(sys.argv[3])\n"
            "while True:\n try:\n  socket.create_connection((sys.argv[1],int(sys.argv[2])),1).close(); break\n"
            " except OSError:\n  time.sleep(0.2)\n  if time.time()>d: sys.exit(1)\n")
    done = subprocess.run([*network.ns_exec(region), "/usr/bin/python3", "-c", code, host,
                           str(port), str(timeout)], capture_output=True, text=True)
    if done.returncode != 0:
        raise EmulationError(f"{what}: {host}:{port} not reachable from {region.netns} "
                             f"within {timeout:g} s")


def _hostname(ip: str, task: int | None = None) -> str:
    name = "ip-" + ip.replace(".", "-")
    return name if task is None else f"{name}-t{task}"


def control_url(region: RegionPlan) -> str:
    """The emulated AWS control planes (emu.control), as seen from a Region's namespace."""
    return f"http://{region.gateway_ip}:{CONTROL_PORT}"


def _task_spec(service: Service, region: RegionPlan, kind: str, name: str,
               hostname: str, extra_env: dict[str, str] | None = None) -> procs.ServiceSpec:
    container = service.task.container
    readonly = []
    for mount in container.mount_points:
        host_path = service.task.host_path_of.get(mount.source_volume)
        if host_path != mount.container_path:
            raise EmulationError(
                f"{service.task.stack}: volume {mount.source_volume} maps host {host_path} to "
                f"{mount.container_path}; the emulation supports identical paths only")
        if mount.read_only:
            readonly.append(mount.container_path)
    return procs.ServiceSpec(
        name=name, region=region.region, kind=kind, netns=region.netns, mntns=str(region.mntns),
        command=list(container.command), hostname=hostname,
        environment={**dict(container.environment), **(extra_env or {})},
        ulimits=[(u.name, u.soft, u.hard) for u in container.ulimits],  # capped by container.py
        tmpfs=["/tmp"], readonly=readonly, stop_timeout=container.stop_timeout or 30)


def _scaled_down(topology: Topology) -> list[str]:
    """What of the task definitions this machine cannot give as synthesized (nothing else is)."""
    import resource

    notes = []
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    for region in topology.regions.values():
        if region.service is None:
            continue
        for limit in region.service.task.container.ulimits:
            if limit.name == "nofile" and hard != resource.RLIM_INFINITY and limit.hard > hard:
                notes.append(f"{region.service.task.family}: ulimit nofile {limit.soft}/{limit.hard} "
                             f"capped to this machine's hard limit {hard}")
    return notes


def _datasets(topology: Topology, spec: DataSpec, log: Log) -> dict[str, list[tuple[str, GeneratedObjects]]]:
    """Generated objects per worker Region: [(file_system_path, objects)]."""
    out: dict[str, list[tuple[str, GeneratedObjects]]] = {}
    for name in topology.workers:
        for dataset in topology.regions[name].datasets:
            objects = generate(DATA_CACHE, dataset.name, dataset.bucket, dataset.prefix, spec)
            log(f"data {dataset.name}: {len(objects.keys)} objects, "
                f"{objects.total_bytes / 1e6:.1f} MB in s3://{dataset.bucket}/{dataset.prefix}")
            out.setdefault(name, []).append((dataset.file_system_path, objects))
    return out


def up(options: UpOptions, log: Log = _print) -> dict[str, object]:
    """Bring the topology to life; returns a summary. On failure, the state allows ``down``."""
    check_tools()
    synth_dir, synthesized = resolve_synth_dir(options.synth_dir)
    if synthesized:
        log(f"synthesized {synth_dir} (missing or older than the sources)")
    topology = load_topology(synth_dir)
    plan = make_plan(topology, options.prefix, options.state_dir)
    _check_task_count(topology, options.tasks_per_pool)
    store = StateStore(options.state_dir)
    if store.exists():
        raise EmulationError(f"the emulation is already up (state {store.path}): "
                             "run `npm run emulate -- down` first")
    state = State(prefix=options.prefix, synth_dir=str(synth_dir))
    shutil.rmtree(store.dir / "logs", ignore_errors=True)  # logs of an earlier run
    store.save(state)
    started = time.monotonic()

    def elapsed() -> str:
        return f"({time.monotonic() - started:.1f} s)"

    _start_network(plan, options, store, state, log)
    log(f"network: {len(plan.regions)} Region namespaces + router {plan.router_ns} {elapsed()}")
    data = {} if options.network_only else _datasets(topology, options.data, log)
    _start_mount_namespaces(plan, data, store, state)
    if options.network_only:
        state.phase = "up"
        state.info["network_only"] = True
        store.save(state)
        return {"state": str(store.dir), "synth": str(synth_dir), "network_only": True}
    _start_storage(topology, plan, data, store, state)
    log(f"Lustre mounts filled, S3 servers up {elapsed()}")
    log(f"catalog: {build_catalog(topology, plan, store)} documents in {store.dir / 'catalog.ndjson'}")
    _start_scheduler(topology, plan, store, state)
    log(f"scheduler listening at {plan.scheduler_address} {elapsed()}")
    notes = _scaled_down(topology)
    for note in notes:
        log(f"scaled down: {note}")
    info = _start_workers(topology, plan, options, store, state)
    pools = info["pools"]
    log(f"workers joined: {json.dumps(pools, sort_keys=True)} {elapsed()}")
    shipped = _ship_helper(plan, store)
    if not all(shipped["importable_before"].values()):
        log("the worker image (as synthesized: no proximate package) cannot import proximate; "
            "shipped it with proximate.routing.ship_helper (an UploadFile worker plugin, so "
            "rejoining workers get it)")
    state.info.update({"workers": info["workers"],
                       "helper_importable_before_upload": shipped["importable_before"],
                       "helper_shipped": shipped["importable_after"],
                       "tasks_per_pool": options.tasks_per_pool, "scaled_down": notes,
                       "data_bytes": {n: sum(o.total_bytes for _, o in d) for n, d in data.items()},
                       "up_seconds": round(time.monotonic() - started, 1)})
    state.phase = "up"
    store.save(state)
    env_file = store.dir / "client.env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in clientmod.client_env(plan, store).items()))
    log(f"up {elapsed()}; client environment in {env_file}")
    return {"state": str(store.dir), "synth": str(synth_dir), "scheduler": plan.scheduler_address,
            "pools": pools, "scaled_down": notes, "seconds": round(time.monotonic() - started, 1)}


def _check_task_count(topology: Topology, tasks: int) -> None:
    for name in topology.workers:
        service = topology.regions[name].service
        assert service is not None
        lo, hi = service.min_capacity or 0, service.max_capacity or tasks
        if not lo <= tasks <= hi:
            raise EmulationError(f"pool-{name}: {tasks} worker tasks is outside the scalable "
                                 f"target's {lo}-{hi} (aws_appautoscaling_target)")


def _start_network(plan: Plan, options: UpOptions, store: StateStore, state: State, log: Log) -> None:
    network.create_network(plan, state, store)
    if options.bandwidth_mbit:
        network.limit_bandwidth(plan, options.bandwidth_mbit)
        state.info["bandwidth_mbit"] = options.bandwidth_mbit
    for link in plan.links:
        if not link.forwarded:
            log(f"no Transit Gateway path {link.label}: {link.reason}")
    for region in plan.regions.values():
        for peer, reason in region.missing_routes.items():
            log(f"no route {region.region} -> {peer}: {reason}")


def _start_mount_namespaces(plan: Plan, data: dict[str, list[tuple[str, GeneratedObjects]]],
                            store: StateStore, state: State) -> None:
    mounts.register(store)
    mounts.prepare_ns_dir(store, state)
    for name, region in plan.regions.items():
        hosts = mounts.write_hosts(plan, name, store, state)
        size = None
        if region.role == "worker":
            total = sum(o.total_bytes for _, o in data.get(name, []))
            size = int(total * 1.1 / 2**20) + 64
        mounts.create_region_mntns(region, hosts, size, store, state)


def _start_storage(topology: Topology, plan: Plan, data: dict[str, list[tuple[str, GeneratedObjects]]],
                   store: StateStore, state: State) -> None:
    """Fill each worker Region's Lustre mount and start its S3 server with the same objects."""
    for name, datasets in data.items():
        region = plan.regions[name]
        s3_dir = store.sub("s3", name)
        for path, objects in datasets:
            prefix = next(d.prefix for d in topology.regions[name].datasets
                          if d.file_system_path == path)
            mounts.fill_lustre(region, path, objects.root / prefix)
            s3.seed(s3_dir, objects)
        buckets = sorted({o.bucket for _, o in datasets})
        procs.start_service(s3.server_spec(region, s3_dir, buckets), store, state)
    for name in data:
        region = plan.regions[name]
        _wait_tcp(region, region.s3_ip, S3_PORT, f"S3 server of {name}", 30)


def _start_scheduler(topology: Topology, plan: Plan, store: StateStore, state: State) -> None:
    client_region = plan.regions[topology.client]
    scheduler = topology.regions[topology.client].service
    assert scheduler is not None
    # What the task gets from its environment on AWS: credentials (task role) and, here, the
    # emulated CloudWatch endpoint in place of the worker Regions' public ones.
    aws = {"AWS_ACCESS_KEY_ID": "emulated", "AWS_SECRET_ACCESS_KEY": "emulated",
           "AWS_DEFAULT_REGION": topology.client,
           "PROXIMATE_CLOUDWATCH_ENDPOINT": control_url(client_region)}
    procs.start_service(_task_spec(scheduler, client_region, "scheduler", "scheduler",
                                   _hostname(client_region.host_ip), aws), store, state)
    port = int(plan.scheduler_address.rsplit(":", 1)[1])
    _wait_tcp(client_region, plan.scheduler_host, port, "Dask scheduler", 60)


def _start_workers(topology: Topology, plan: Plan, options: UpOptions, store: StateStore,
                   state: State) -> dict[str, Any]:
    """Start the emulated control planes (emu.control): they start the worker tasks."""
    tasks = options.tasks_per_pool
    regions: dict[str, Any] = {}
    for name in topology.workers:
        service = topology.regions[name].service
        assert service is not None
        region = plan.regions[name]
        spec = _task_spec(service, region, "worker", f"worker-{name}", "")
        scaling = service.scaling
        regions[name] = {
            "initial": tasks, "min": service.min_capacity or 0,
            "max": service.max_capacity if service.max_capacity is not None else tasks,
            "spec": {**spec.__dict__, "ulimits": [list(u) for u in spec.ulimits]},
            "hostname": _hostname(region.host_ip), "agent": control_url(region),
            "scaling": None if scaling is None else {
                "namespace": scaling.namespace, "metric": scaling.metric,
                "dimensions": [list(d) for d in scaling.dimensions], "statistic": scaling.statistic,
                "period": scaling.period, "threshold": scaling.threshold,
                "comparison": scaling.comparison, "adjustment_type": scaling.adjustment_type,
                "cooldown": scaling.cooldown, "steps": [list(s) for s in scaling.steps]}}
    config = {"state_dir": str(store.dir), "scaling": options.scaling,
              "alarm_period": options.alarm_period, "regions": regions}
    config_path = store.sub("control") / "config.json"
    config_path.write_text(json.dumps(config, indent=1), encoding="utf-8")
    router = plan.router_ns
    procs.start_service(procs.ServiceSpec(
        name="control", region="router", kind="control", netns=router, mntns="",
        command=[procs.PYTHON, str(Path(__file__).resolve().parent / "control.py"), str(config_path)],
        container=False, restart=True, stop_timeout=10,
        env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}), store, state)
    state.info.update({"scaling": options.scaling, "alarm_period": options.alarm_period})
    want = {f"pool-{name}": tasks for name in topology.workers}
    return wait_workers(plan, store, want, options.join_timeout, topology.client)


def _ship_helper(plan: Plan, store: StateStore) -> dict[str, Any]:
    """The synthesized image has no ``proximate``: ship it as a worker plugin, as connect() does."""
    shipped = clientmod.client_python(plan, store, clientmod.SHIP_HELPER,
                                      "ship the proximate helper to the workers")
    assert isinstance(shipped, dict)
    return shipped


def wait_workers(plan: Plan, store: StateStore, want: dict[str, int], timeout: float,
                 client_region: str | None = None) -> dict[str, Any]:
    """Wait until every pool has its workers; fail early when a task keeps crashing.

    A pool whose Region the synthesized network gives no path to the scheduler's Region
    (``plan.reachable``) can never join, so it is not waited for: the wait ends once every
    reachable pool has joined (or at ``timeout``) and the error names the missing routes.
    """
    unreachable: dict[str, list[str]] = {}
    for pool in want:
        worker_region = pool[len("pool-"):]
        if client_region and worker_region in plan.regions:
            ok, reasons = plan.reachable(worker_region, client_region)
            if not ok:
                unreachable[pool] = reasons
    awaited = {p: n for p, n in want.items() if p not in unreachable}
    argv = clientmod.in_client(plan, store, [clientmod.PYTHON, "-c", clientmod.WAIT_WORKERS,
                                             json.dumps(awaited), str(timeout)])
    waiter = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=clientmod.client_env(plan, store))
    base: dict[str, int] = {}
    try:
        while waiter.poll() is None:
            names = [n for n, r in store.load().procs.items() if r.kind == "worker"]
            for name in names:
                base.setdefault(name, procs.task_restarts(store, name))
            for name in names:
                if procs.task_restarts(store, name) - base[name] >= 2:
                    log_path = store.dir / "logs" / f"{name}.log"
                    tail = log_path.read_text(errors="replace").strip().splitlines()[-8:]
                    raise EmulationError(f"worker task {name} keeps exiting (restarted "
                                         f"{procs.task_restarts(store, name)} times); "
                                         f"{log_path}:\n" + "\n".join(tail))
            time.sleep(0.5)
        out, err = waiter.communicate()
    finally:
        if waiter.poll() is None:
            waiter.kill()
            waiter.wait()
    if waiter.returncode != 0 or not out.strip():
        raise EmulationError(f"wait for the workers: exited with {waiter.returncode}: "
                             f"{err.strip()[-2000:]}")
    info = json.loads(out.strip().splitlines()[-1])
    assert isinstance(info, dict)
    pools = info["pools"]
    short = {p: n - len(pools.get(p, [])) for p, n in want.items() if len(pools.get(p, [])) < n}
    if short:
        why = [reason for pool in short for reason in unreachable.get(pool, [])]
        timed_out = any(pool not in unreachable for pool in short)
        when = f" in {timeout:g} s" if timed_out else ""
        raise EmulationError(f"workers did not join the scheduler{when}: missing "
                             f"{short}" + (f"; the network has no path: {'; '.join(why)}" if why else "")
                             + f"; see {store.dir / 'logs'}")
    return info


def build_catalog(topology: Topology, plan: Plan, store: StateStore) -> int:
    """Run the real indexer CLI in each worker Region against its S3; write the NDJSON."""
    lines: list[str] = []
    for name in topology.workers:
        region = plan.regions[name]
        argv = [*network.ns_exec(region)[:-1], f"--wd={REPO}", "--",
                "npm", "run", "--silent", "catalog", "--", "--region", name,
                "--endpoint", region.s3_endpoint]
        for dataset in topology.regions[name].datasets:
            argv += ["--dataset", dataset.name, "--s3", dataset.data_repository_path,
                     "--path", dataset.file_system_path]
        env = {**os.environ, "AWS_ACCESS_KEY_ID": "S3RVER", "AWS_SECRET_ACCESS_KEY": "S3RVER",
               "AWS_REGION": name}
        done = procs.run_in(argv, f"catalog indexer for {name}", timeout=180, env=env)
        docs = [line for line in done.stdout.splitlines() if line.strip()]
        if not docs:
            raise EmulationError(f"catalog indexer for {name} printed no document")
        lines += docs
    (store.dir / "catalog.ndjson").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def processes_in_namespaces(netns: list[str]) -> dict[int, str]:
    """PIDs whose network namespace is one of ours (only our processes enter them)."""
    inodes = {}
    for name in netns:
        try:
            inodes[os.stat(f"/run/netns/{name}").st_ino] = name
        except OSError:
            continue
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            link = os.readlink(entry / "ns" / "net")
        except OSError:
            continue
        inode = int(link[link.index("[") + 1:-1])
        if inode in inodes:
            found[int(entry.name)] = inodes[inode]
    return found


def down(state_dir: Path = DEFAULT_STATE_DIR, log: Log = _print, keep_logs: bool = True) -> list[str]:
    """Stop everything ``up`` started (workers before the scheduler) and verify nothing is left.

    Returns the problems found; an empty list means a clean teardown.
    """
    require_root()
    store = StateStore(state_dir)
    if not store.exists():
        log(f"nothing to bring down (no {store.path})")
        return []
    state = store.load()
    state.phase = "stopping"
    store.save(state)
    problems: list[str] = []
    order = ["control", "worker", "scheduler", "s3"]
    for kind in order + sorted({r.kind for r in state.procs.values()} - set(order)):
        records = [r for r in state.procs.values() if r.kind == kind]
        if records:
            timeout = 75.0 if kind == "worker" else 30.0
            problems += procs.stop_services(records, store, timeout)
            log(f"stopped {len(records)} {kind} service(s)")
    # Anything else inside our namespaces was started by us too (e.g. a helper of an `up`
    # that was killed): only our processes enter them.
    leftovers = processes_in_namespaces(state.netns)
    for pid, ns in sorted(leftovers.items()):
        log(f"killing leftover process {pid} in {ns}: {_cmdline(pid)}")
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 10
    while processes_in_namespaces(state.netns) and time.monotonic() < deadline:
        time.sleep(0.2)
    problems += mounts.destroy_mounts(state)
    problems += network.destroy_network(state.netns)
    problems += mounts.unregister(store)
    problems += verify_clean(state)
    for child in list(store.dir.iterdir()):
        if child.name == "logs" and keep_logs:
            continue
        if child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)
    for problem in problems:
        log(f"problem: {problem}")
    log("down: nothing left" if not problems else f"down: {len(problems)} problem(s)")
    return problems


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:200]
    except OSError:
        return "?"


def verify_clean(state: State) -> list[str]:
    """What of the recorded namespaces, mounts and processes still exists."""
    left = []
    for name in state.netns:
        if network.netns_exists(name):
            left.append(f"network namespace {name} still exists")
    points = mounts.mount_points()
    for path in [*state.mntns, *state.bind_mounts]:
        if path in points:
            left.append(f"mount {path} still exists")
    for record in state.procs.values():
        if record.alive():
            left.append(f"process {record.name} (pid {record.pid}) still runs")
    if processes_in_namespaces(state.netns):
        left.append("processes still run in the emulation's namespaces")
    listed = run(["ip", "netns", "list"], "list network namespaces").stdout.split()
    for name in state.netns:
        if name in listed:
            left.append(f"`ip netns list` still shows {name}")
    return left


def status(state_dir: Path = DEFAULT_STATE_DIR) -> dict[str, object]:
    store, state, topology, plan = load(state_dir)
    services = {}
    for name, record in sorted(state.procs.items()):
        task = procs.current_task(store, name)
        services[name] = {"kind": record.kind, "region": record.region,
                          "supervisor": record.pid if record.alive() else None,
                          "task": task[0] if task else None,
                          "restarts": procs.task_restarts(store, name)}
    return {"phase": state.phase, "state": str(store.dir), "synth": state.synth_dir,
            "namespaces": state.netns, "scheduler": plan.scheduler_address,
            "links": {l.label: ("forwarded" if l.forwarded else l.reason) for l in plan.links},
            "routes": {r.region: sorted(r.routes) for r in plan.regions.values()},
            "cut": network.cut_tables(plan), "services": services,
            "ecs_services": {r: service_state(store, r) for r in topology.workers},
            "counters": network.read_counters(plan)}


def service_state(store: StateStore, region: str) -> dict[str, Any]:
    """The emulated ECS service of a worker Region: desired count, running and protected tasks."""
    try:
        return json.loads((store.dir / "control" / f"service-{region}.json").read_text())
    except (OSError, json.JSONDecodeError):
        return {}


def control_events(store: StateStore) -> list[dict[str, Any]]:
    """Every decision of the emulated control planes so far (emu.control)."""
    try:
        lines = (store.dir / "control" / "events.jsonl").read_text().splitlines()
    except OSError:
        return []
    return [json.loads(line) for line in lines if line.strip()]


def stop_pool(region: str, state_dir: Path = DEFAULT_STATE_DIR, timeout: float = 90.0) -> list[str]:
    """The Region's service can place no task: its tasks stop and none starts (``start-pool`` undoes)."""
    store, state, _, _ = load(state_dir)
    if not any(r.kind == "worker" and r.region == region for r in state.procs.values()):
        raise EmulationError(f"no worker services of {region} in {store.path}")
    (store.sub("control") / f"suspend-{region}").write_text("suspended by stop-pool\n")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = store.load()
        running = [r for r in state.procs.values()
                   if r.kind == "worker" and r.region == region and r.alive()]
        if not running and service_state(store, region).get("suspended"):
            return []
        time.sleep(0.2)
    return [f"worker tasks of {region} still run after {timeout:g} s"]


def start_pool(region: str, state_dir: Path = DEFAULT_STATE_DIR, timeout: float = 30.0) -> list[str]:
    """Let the Region's service place tasks again; returns the tasks it started."""
    store, state, _, _ = load(state_dir)
    before = {n for n, r in state.procs.items() if r.kind == "worker"}
    (store.dir / "control" / f"suspend-{region}").unlink(missing_ok=True)
    deadline = time.monotonic() + timeout
    started: list[str] = []
    while time.monotonic() < deadline:
        service = service_state(store, region)
        started = sorted(t for t in service.get("running", []) if t not in before)
        if not service.get("suspended") and len(service.get("running", [])) >= service.get("desired", 0):
            break
        time.sleep(0.2)
    return started
