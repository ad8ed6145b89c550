"""Connection settings read from environment variables.

The SageMaker lifecycle configuration exports these for every notebook:

``PROXIMATE_SCHEDULER``
    Dask scheduler address, e.g. ``tcp://scheduler.proximate.internal:8786``.
``PROXIMATE_CATALOG_DOMAIN``
    Name of the catalog's OpenSearch domain (set on SageMaker). The helper
    looks up the domain's VPC endpoint at run time (OpenSearch
    DescribeDomain), so the notebook never waits for the domain at deploy.
``PROXIMATE_CATALOG``
    Explicit override: ``https://`` URL of the OpenSearch catalog domain, or a
    path to an NDJSON catalog file (as written by the project's catalog CLI).
    Takes precedence over ``PROXIMATE_CATALOG_DOMAIN``.
``PROXIMATE_CATALOG_REGION``
    Region of the catalog domain: where DescribeDomain is asked and what
    catalog requests are SigV4-signed for (default: parsed from the domain
    host name, then ``AWS_REGION``).
``PROXIMATE_S3_ENDPOINT``
    Optional S3 endpoint override (an S3-compatible server for local runs).
``PROXIMATE_CONNECT_TIMEOUT`` / ``PROXIMATE_TIMEOUT``
    Seconds to wait for the scheduler / for one Region's computation.
``PROXIMATE_WAKE_TIMEOUT``
    Seconds to wait for a pool at zero workers to wake up (default 900: on AWS an EC2 host
    launches, pulls the image and mounts Lustre first), on top of ``PROXIMATE_TIMEOUT``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping

DEFAULT_SCHEDULER = "tcp://scheduler.proximate.internal:8786"
DEFAULT_CONNECT_TIMEOUT = 30.0
DEFAULT_COMPUTE_TIMEOUT = 900.0
DEFAULT_WAKE_TIMEOUT = 900.0


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ValueError(f"{name}={raw!r} is not a number of seconds") from exc
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {raw!r}")
    return value


@dataclass(frozen=True)
class Settings:
    """Resolved connection settings."""

    scheduler: str
    catalog: str | None
    catalog_domain: str | None
    catalog_region: str | None
    s3_endpoint: str | None
    connect_timeout: float
    compute_timeout: float
    wake_timeout: float = DEFAULT_WAKE_TIMEOUT

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        """Read settings from ``env`` (default ``os.environ``)."""
        e = os.environ if env is None else env
        return cls(
            scheduler=e.get("PROXIMATE_SCHEDULER", "").strip() or DEFAULT_SCHEDULER,
            catalog=e.get("PROXIMATE_CATALOG", "").strip() or None,
            catalog_domain=e.get("PROXIMATE_CATALOG_DOMAIN", "").strip() or None,
            catalog_region=e.get("PROXIMATE_CATALOG_REGION", "").strip() or None,
            s3_endpoint=e.get("PROXIMATE_S3_ENDPOINT", "").strip() or None,
            connect_timeout=_float(e, "PROXIMATE_CONNECT_TIMEOUT", DEFAULT_CONNECT_TIMEOUT),
            compute_timeout=_float(e, "PROXIMATE_TIMEOUT", DEFAULT_COMPUTE_TIMEOUT),
            wake_timeout=_float(e, "PROXIMATE_WAKE_TIMEOUT", DEFAULT_WAKE_TIMEOUT),
        )
