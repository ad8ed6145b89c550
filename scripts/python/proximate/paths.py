"""Where a worker reads a catalog entry from: the Lustre mount or same-Region S3.

Each worker Region's FSx for Lustre file system is linked to the dataset's
S3 prefix and mounted at ``/fsx``: ``s3://era5-pds/<key>`` appears as
``/fsx/era5/<key>`` and ``s3://cmip6-pds/CMIP6/ScenarioMIP/MOHC/<rest>`` as
``/fsx/cmip6/<rest>``. A worker prefers the Lustre path when it exists
there and falls back to the S3 object in its own Region otherwise.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from typing import Any, Callable, Mapping

#: dataset -> (S3 prefix linked to the Lustre directory, Lustre directory)
DATASET_ROOTS: dict[str, tuple[str, str]] = {
    "era5": ("s3://era5-pds/", "/fsx/era5"),
    "cmip6": ("s3://cmip6-pds/CMIP6/ScenarioMIP/MOHC/", "/fsx/cmip6"),
}


def _roots(dataset: str, roots: Mapping[str, tuple[str, str]]) -> tuple[str, str]:
    try:
        prefix, mount = roots[dataset]
    except KeyError:
        raise ValueError(
            f"no Lustre mapping for dataset {dataset!r}; known: {', '.join(sorted(roots))}"
        ) from None
    return (prefix if prefix.endswith("/") else prefix + "/"), mount.rstrip("/")


def s3_to_lustre(
    s3_uri: str, dataset: str, roots: Mapping[str, tuple[str, str]] = DATASET_ROOTS
) -> str:
    """Lustre path of an S3 object or store (store directories lose the trailing ``/``)."""
    prefix, mount = _roots(dataset, roots)
    if not s3_uri.startswith(prefix):
        raise ValueError(f"{s3_uri} is not under {prefix}, the S3 prefix of dataset {dataset!r}")
    rest = s3_uri[len(prefix):].strip("/")
    if not rest:
        return mount
    norm = posixpath.normpath(rest)
    if norm.startswith(".."):
        raise ValueError(f"{s3_uri} escapes the dataset prefix {prefix}")
    return f"{mount}/{norm}"


def lustre_to_s3(
    path: str,
    dataset: str,
    *,
    directory: bool = False,
    roots: Mapping[str, tuple[str, str]] = DATASET_ROOTS,
) -> str:
    """S3 URI of a Lustre path (``directory=True`` adds the trailing ``/`` of a store)."""
    prefix, mount = _roots(dataset, roots)
    norm = posixpath.normpath(path)
    if norm != mount and not norm.startswith(mount + "/"):
        raise ValueError(f"{path} is not under {mount}, the Lustre directory of {dataset!r}")
    rest = norm[len(mount):].lstrip("/")
    uri = prefix + rest
    if directory and not uri.endswith("/"):
        uri += "/"
    return uri


@dataclass(frozen=True)
class DataSource:
    """Everything a worker needs to open one catalog entry.

    ``s3_endpoint`` overrides the S3 endpoint (an S3-compatible server for
    local runs); ``s3_anon`` reads the public buckets without credentials.
    ``s3_uri`` may also be any other fsspec URL (``file://...``).
    """

    dataset: str
    region: str
    pool: str
    format: str
    lustre_path: str
    s3_uri: str
    s3_endpoint: str | None = None
    s3_anon: bool = True

    @property
    def pretty(self) -> str:
        """Short human description."""
        return f"{self.dataset} {self.lustre_path or self.s3_uri} ({self.region})"


def default_s3_endpoint() -> str | None:
    """The S3 endpoint override from the environment, if any."""
    for name in ("PROXIMATE_S3_ENDPOINT", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"):
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return None


def default_s3_anon() -> bool:
    """Whether to read S3 anonymously (``PROXIMATE_S3_ANON``, default yes: public data)."""
    return os.environ.get("PROXIMATE_S3_ANON", "1").strip().lower() not in ("0", "false", "no")


def storage_options(source: DataSource) -> dict[str, Any]:
    """fsspec/s3fs options for the fallback read of ``source``."""
    if not source.s3_uri.startswith("s3://"):
        return {}
    client_kwargs: dict[str, Any] = {"region_name": source.region}
    if source.s3_endpoint:
        client_kwargs["endpoint_url"] = source.s3_endpoint
    return {"anon": source.s3_anon, "client_kwargs": client_kwargs}


def choose_path(
    source: DataSource, exists: Callable[[str], bool] = os.path.exists
) -> tuple[str, str]:
    """Return ``("lustre", path)`` when the Lustre path exists, else ``("s3", uri)``."""
    if source.lustre_path and exists(source.lustre_path):
        return "lustre", source.lustre_path
    if not source.s3_uri:
        raise FileNotFoundError(
            f"{source.lustre_path} does not exist on this worker and the entry has no S3 URI"
        )
    return "s3", source.s3_uri
