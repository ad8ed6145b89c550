"""One S3 server (s3rver) per worker Region, inside the Region's namespace.

It listens on the Region's ``.20`` address: the Region's own processes reach it without
leaving the namespace (as S3 through a gateway endpoint stays in the Region), other Regions
only through the router (counted). Objects are seeded straight into s3rver's file layout
(``<dir>/<bucket>/<key>._S3rver_object`` + ``.md5``), hard-linked from the data cache.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from .datagen import GeneratedObjects
from .plan import S3_PORT, RegionPlan
from .procs import ServiceSpec

REPO = Path(__file__).resolve().parents[3]
SERVER = Path(__file__).resolve().parents[1] / "s3-server.cjs"


def seed(directory: Path, objects: GeneratedObjects) -> int:
    """Put every generated object into the s3rver directory; returns the object count."""
    for key in objects.keys:
        source = objects.root / key
        target = directory / objects.bucket / f"{key}._S3rver_object"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            try:
                os.link(source, target)
            except OSError:
                shutil.copyfile(source, target)
        md5 = target.with_name(target.name + ".md5")
        if not md5.exists():
            md5.write_text(hashlib.md5(source.read_bytes()).hexdigest())
    return len(objects.keys)


def server_spec(region: RegionPlan, directory: Path, buckets: list[str]) -> ServiceSpec:
    node = shutil.which("node") or "node"
    return ServiceSpec(
        name=f"s3-{region.region}", region=region.region, kind="s3", netns=region.netns,
        mntns=str(region.mntns), container=False, restart=True, stop_timeout=5,
        command=[node, "--openssl-legacy-provider", str(SERVER), region.s3_ip, str(S3_PORT),
                 str(directory), *buckets],
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "NODE_PATH": str(REPO / "node_modules")},
        cwd=str(REPO))
