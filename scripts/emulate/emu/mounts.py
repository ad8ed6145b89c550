"""Per-Region mount namespaces: the Region's "Lustre" file system and its /etc/hosts.

Each Region gets a persistent mount namespace (``unshare --mount=<file> --propagation
private``, the file kept under ``<state>/ns``, itself a private bind mount as unshare
requires). Inside it:

* ``/etc/hosts`` is the Region's hosts file (the scheduler's DNS name, the S3 endpoints), as
  ``ip netns exec`` would do with ``/etc/netns/<ns>/hosts`` (that file is written too);
* worker Regions mount a tmpfs at ``/fsx`` (the FSx for Lustre mount of the Region's hosts)
  holding every dataset at its ``file_system_path``; no other Region's processes, and not the
  host, can see it.

Processes enter with ``nsenter --net=/run/netns/<ns> --mount=<file>``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .plan import Plan, RegionPlan
from .sh import ok, run
from .state import State, StateStore

LUSTRE_MOUNT = "/fsx"
#: Emulations running on this machine (one file each) and the shared host dirs they created.
REGISTRY = Path("/run/proximate-emulate-registry")
SHARED_DIRS = (Path("/etc/netns"), Path(LUSTRE_MOUNT))


def _registry_id(store: StateStore) -> Path:
    return REGISTRY / hashlib.sha256(str(store.dir).encode()).hexdigest()[:16]


def register(store: StateStore) -> None:
    """Record this emulation as running; create the shared host dirs it needs (flagged).

    ``/fsx`` (the mount point, empty on the host) and ``/etc/netns`` may serve several
    emulations at once (e.g. the e2e route test next to a running one): they are removed only
    by the last emulation to go down, and only if an emulation created them.
    """
    REGISTRY.mkdir(exist_ok=True)
    _registry_id(store).write_text(str(store.dir))
    for directory in SHARED_DIRS:
        if not directory.exists():
            directory.mkdir()
            (REGISTRY / ("created" + str(directory).replace("/", "_"))).touch()


def unregister(store: StateStore) -> list[str]:
    """Forget this emulation; the last one removes the shared dirs emulations created."""
    problems: list[str] = []
    _registry_id(store).unlink(missing_ok=True)
    if not REGISTRY.exists():
        return problems
    others = [p for p in REGISTRY.iterdir() if not p.name.startswith("created")]
    if others:
        return problems
    for directory in SHARED_DIRS:
        flag = REGISTRY / ("created" + str(directory).replace("/", "_"))
        if flag.exists() and directory.exists():
            if str(directory) in mount_points() or any(directory.iterdir()):
                problems.append(f"{directory} (created by the emulation) is not empty or mounted")
                continue
            directory.rmdir()
        flag.unlink(missing_ok=True)
    REGISTRY.rmdir()
    return problems


def mount_points() -> set[str]:
    points = set()
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        points.add(line.split()[4].replace("\\040", " "))
    return points


def prepare_ns_dir(store: StateStore, state: State) -> Path:
    """``<state>/ns`` as a private bind mount, where mount namespace files can be kept."""
    ns_dir = store.sub("ns")
    if str(ns_dir) not in mount_points():
        state.bind_mounts.append(str(ns_dir))
        store.save(state)
        run(["mount", "--bind", str(ns_dir), str(ns_dir)], f"bind mount {ns_dir}")
    run(["mount", "--make-private", str(ns_dir)], f"make {ns_dir} a private mount")
    return ns_dir


def write_hosts(plan: Plan, region: str, store: StateStore, state: State) -> Path:
    """The Region's hosts file, in the state dir and in ``/etc/netns/<ns>/hosts``."""
    text = "".join(f"{ip} {name}\n" for ip, name in plan.hosts[region])
    path = store.sub("hosts") / region
    path.write_text(text, encoding="utf-8")
    etc = Path("/etc/netns") / plan.regions[region].netns
    if not etc.exists():
        state.created_dirs.append(str(etc))
        store.save(state)
        etc.mkdir()
    (etc / "hosts").write_text(text, encoding="utf-8")
    state.created_files.append(str(etc / "hosts"))
    store.save(state)
    return path


def create_region_mntns(region: RegionPlan, hosts: Path, lustre_size_mib: int | None,
                        store: StateStore, state: State) -> None:
    """Create the Region's persistent mount namespace (hosts file, and /fsx for workers)."""
    region.mntns.touch()
    state.mntns.append(str(region.mntns))
    store.save(state)
    script = ["set -e", f"mount --bind {hosts} /etc/hosts"]
    if lustre_size_mib is not None:
        # The mount point /fsx exists on the host (see register()); it stays empty there.
        script.append(f"mount -t tmpfs -o size={lustre_size_mib}m,mode=0755 "
                      f"lustre-{region.region} {LUSTRE_MOUNT}")
    run(["unshare", f"--mount={region.mntns}", "--propagation", "private", "--",
         "sh", "-c", "\n".join(script)],
        f"create the mount namespace of {region.region} ({region.mntns})")


def fill_lustre(region: RegionPlan, file_system_path: str, source: Path) -> None:
    """Copy ``source`` (the objects of one data repository association) to /fsx<path>."""
    target = LUSTRE_MOUNT + "/" + file_system_path.strip("/")
    run(["nsenter", f"--mount={region.mntns}", "--", "sh", "-c",
         f'set -e; mkdir -p "{target}"; cp -a "{source}/." "{target}/"'],
        f"fill the Lustre mount {target} of {region.region} from {source}", timeout=600)


def lustre_files(region: RegionPlan, path: str) -> list[str]:
    """Files below ``path`` as the Region's processes see them."""
    out = run(["nsenter", f"--mount={region.mntns}", "--", "find", path, "-type", "f"],
              f"list {path} in {region.region}", check=False)
    return sorted(out.stdout.split()) if out.returncode == 0 else []


def destroy_mounts(state: State) -> list[str]:
    """Unmount the namespace files and bind mounts; remove created files and dirs."""
    problems = []
    for file in reversed(state.mntns):
        path = Path(file)
        if str(path) in mount_points() and not ok(["umount", str(path)]):
            problems.append(f"could not unmount mount namespace file {path}")
        if path.exists() and str(path) not in mount_points():
            path.unlink()
    for file in reversed(state.created_files):
        Path(file).unlink(missing_ok=True)
    for point in reversed(state.bind_mounts):
        if point in mount_points() and not ok(["umount", point]):
            problems.append(f"could not unmount {point}")
    for directory in reversed(state.created_dirs):
        path = Path(directory)
        if path.exists():
            try:
                path.rmdir()
            except OSError as exc:
                problems.append(f"could not remove {path} (created by up): {exc}")
    return problems
