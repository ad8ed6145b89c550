"""Test helpers: small ERA5/CMIP6-shaped data, a local two-pool cluster, task bodies.

Functions here must be importable by subprocess workers (the tests put this
directory on their PYTHONPATH), so they stay free of pytest imports.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
PACKAGE_DIR = HERE.parents[1] / "scripts" / "python"
ERA5_VAR = "air_temperature_at_2_metres"
ERA5_REGION = "us-east-1"
CMIP6_REGION = "us-west-2"
CMIP6_REST = "UKESM1-0-LL/ssp585/r1i1p1f2/Amon/tas/gn/v20190507"
ERA5_YEARS = (2018, 2019)
ERA5_MONTHS = (1, 2, 7)
#: This ERA5 month is missing from "Lustre": workers must fall back to the object URL.
FALLBACK = (2019, 7)


@dataclass(frozen=True)
class GeneratedData:
    """Where the generated data and its NDJSON catalog live."""

    root: Path
    catalog: Path
    era5_files: dict[tuple[int, int], Path]
    cmip6_store: Path


def era5_field(year: int, month: int, times: int, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Deterministic 2 m temperature (K) for one month of hourly steps."""
    rng = np.random.default_rng(year * 100 + month)
    base = 250.0 + 40.0 * np.cos(np.deg2rad(lat))[None, :, None]
    season = 8.0 * np.sin(2 * np.pi * (month - 1) / 12.0)
    noise = rng.normal(0.0, 2.0, size=(times, lat.size, lon.size))
    return (base + season + (year - 2018) * 0.5 + noise + 0 * lon[None, None, :]).astype("float32")


def make_data(root: Path) -> GeneratedData:
    """Write ERA5-shaped NetCDF files and a CMIP6-shaped Zarr store plus their catalog."""
    import pandas as pd
    import xarray as xr

    docs: list[dict[str, Any]] = []
    lat = np.arange(90.0, -90.1, -22.5)
    lon = np.arange(0.0, 360.0, 22.5)
    files: dict[tuple[int, int], Path] = {}
    for year in ERA5_YEARS:
        for month in ERA5_MONTHS:
            start = pd.Timestamp(year=year, month=month, day=1)
            times = pd.date_range(start, start + pd.offsets.MonthBegin(1), freq="H",
                                  inclusive="left")
            data = era5_field(year, month, times.size, lat, lon)
            ds = xr.Dataset(
                {ERA5_VAR: (("time0", "lat", "lon"), data,
                            {"units": "K", "long_name": "Air temperature at 2 metres"})},
                coords={"time0": times, "lat": ("lat", lat, {"units": "degrees_north"}),
                        "lon": ("lon", lon, {"units": "degrees_east"})},
                attrs={"source": "Reanalysis", "institution": "ECMWF"},
            )
            key = f"{year}/{month:02d}/data/{ERA5_VAR}.nc"
            lustre = root / "fsx-us-east-1" / "era5" / key
            mirror = root / "s3-us-east-1" / "era5-pds" / key
            target = mirror if (year, month) == FALLBACK else lustre
            target.parent.mkdir(parents=True, exist_ok=True)
            ds.to_netcdf(target, engine="h5netcdf",
                         encoding={ERA5_VAR: {"chunksizes": (24, lat.size, lon.size)}})
            files[(year, month)] = target
            s3_uri = (mirror.as_uri() if (year, month) == FALLBACK
                      else f"s3://era5-pds/{key}")
            docs.append({
                "id": f"era5:{key}", "dataset": "era5", "region": ERA5_REGION,
                "pool": f"pool-{ERA5_REGION}", "layout": "era5", "format": "netcdf",
                "s3_uri": s3_uri, "lustre_path": str(lustre), "key": key,
                "size_bytes": target.stat().st_size, "object_count": 1,
                "last_modified": "2020-01-01T00:00:00Z", "name": ERA5_VAR,
                "year": year, "month": month, "variable": ERA5_VAR,
            })

    import cftime

    # Monthly means stamped mid-month on UKESM's 360-day calendar, 2015-2018.
    times = xr.CFTimeIndex([cftime.Datetime360Day(y, m, 16) for y in range(2015, 2019)
                            for m in range(1, 13)])
    clat = np.arange(-80.0, 80.1, 20.0)
    clon = np.arange(10.0, 360.0, 20.0)
    rng = np.random.default_rng(6)
    month_no = np.array([t.month for t in times])
    tas = (255.0 + 40.0 * np.cos(np.deg2rad(clat))[None, :, None]
           + 8.0 * np.sin(2 * np.pi * (month_no - 1) / 12.0)[:, None, None] + 3.0
           + rng.normal(0.0, 1.0, size=(times.size, clat.size, clon.size))).astype("float32")
    cds = xr.Dataset(
        {"tas": (("time", "lat", "lon"), tas, {"units": "K", "standard_name": "air_temperature"}),
         "lat_bnds": (("lat", "bnds"), np.stack([clat - 10, clat + 10], axis=1))},
        coords={"time": times, "lat": clat, "lon": clon, "height": ((), 2.0, {"units": "m"})},
        attrs={"source_id": "UKESM1-0-LL", "experiment_id": "ssp585"},
    )
    store = root / "fsx-us-west-2" / "cmip6" / CMIP6_REST
    cds.chunk({"time": 12}).to_zarr(store, mode="w", consolidated=True)
    key = f"CMIP6/ScenarioMIP/MOHC/{CMIP6_REST}/"
    source_id, experiment_id, member_id, table_id, variable_id, grid_label, version = \
        CMIP6_REST.split("/")
    docs.append({
        "id": f"cmip6:{CMIP6_REST}/", "dataset": "cmip6", "region": CMIP6_REGION,
        "pool": f"pool-{CMIP6_REGION}", "layout": "cmip6", "format": "zarr",
        "s3_uri": f"s3://cmip6-pds/{key}", "lustre_path": str(store), "key": key,
        "size_bytes": 123456, "object_count": 20, "last_modified": "2020-03-11T17:40:02Z",
        "name": "CMIP6.ScenarioMIP.MOHC." + CMIP6_REST.replace("/", "."),
        "variable": variable_id, "activity_id": "ScenarioMIP",
        "institution_id": "MOHC", "source_id": source_id, "experiment_id": experiment_id,
        "member_id": member_id, "table_id": table_id, "variable_id": variable_id,
        "grid_label": grid_label, "version": version,
    })
    catalog = root / "catalog.ndjson"
    catalog.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    return GeneratedData(root, catalog, files, store)


def free_port() -> int:
    """A loopback TCP port nobody listens on (bound then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_worker_process(scheduler: str, region: str, name: str, threads: int = 1) -> subprocess.Popen[bytes]:
    """A `dask worker` subprocess serving ``pool-<region>`` on loopback."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(HERE), str(PACKAGE_DIR), env.get("PYTHONPATH", "")])
    cmd = [sys.executable, "-m", "distributed.cli.dask_worker", scheduler,
           "--nthreads", str(threads), "--resources", f"pool-{region}={threads}",
           "--name", name, "--no-nanny", "--host", "127.0.0.1", "--no-dashboard"]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def slow_value(marker: str, seconds: float, value: float) -> float:
    """Task body: announce start through ``marker``, work ``seconds``, return ``value``."""
    from distributed import get_worker

    Path(marker).write_text(get_worker().name, encoding="utf-8")
    time.sleep(seconds)
    return value


def worker_name() -> str:
    """Task body: the name of the worker running it."""
    from distributed import get_worker

    return str(get_worker().name)
