"""Shared fixtures: the helper package on sys.path, generated data, a two-pool cluster."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Iterator

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "scripts" / "python"))

from helpers import CMIP6_REGION, ERA5_REGION, GeneratedData, make_data  # noqa: E402

FIXTURE_CATALOG = HERE / "fixtures" / "catalog.ndjson"

for noisy in ("distributed", "distributed.scheduler", "distributed.worker", "distributed.core",
              "distributed.http.proxy", "distributed.nanny"):
    logging.getLogger(noisy).setLevel(logging.ERROR)


@pytest.fixture(scope="session")
def data(tmp_path_factory: pytest.TempPathFactory) -> GeneratedData:
    """ERA5 NetCDF months (one only on the object-store mirror) and a CMIP6 Zarr store."""
    return make_data(tmp_path_factory.mktemp("proximate-data"))


@pytest.fixture(scope="session")
def cluster() -> Iterator[object]:
    """One scheduler and two in-process worker pools: us-east-1 and us-west-2, 2 workers each.

    Like production, each worker's pool resource equals its thread count.
    """
    from distributed import Scheduler, SpecCluster, Worker

    workers = {
        f"{region}-{i}": {"cls": Worker, "options": {
            "host": "127.0.0.1", "nthreads": 2, "resources": {f"pool-{region}": 2},
            "name": f"{region}-{i}"}}
        for region in (ERA5_REGION, CMIP6_REGION) for i in range(2)
    }
    spec = SpecCluster(
        scheduler={"cls": Scheduler,
                   "options": {"host": "127.0.0.1", "port": 0, "dashboard_address": None}},
        workers=workers, asynchronous=False, name="proximate-test",
    )
    try:
        yield spec
    finally:
        spec.close()


@pytest.fixture(scope="session")
def client(cluster: object) -> Iterator[object]:
    """A client of the test cluster."""
    from distributed import Client

    with Client(cluster, set_as_default=False) as c:  # type: ignore[arg-type]
        yield c


def pytest_configure(config: pytest.Config) -> None:
    """Silence a tornado deprecation that distributed 2022.12 triggers on start-up."""
    config.addinivalue_line("filterwarnings",
                            "ignore:make_current is deprecated:DeprecationWarning")
