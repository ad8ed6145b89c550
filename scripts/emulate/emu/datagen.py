"""Small ERA5-shaped NetCDF files and CMIP6-shaped Zarr v2 stores, with the real key layouts.

* ERA5 (``era5-pds``): ``<YYYY>/<MM>/data/air_temperature_at_2_metres.nc``, NetCDF4/HDF5,
  ``air_temperature_at_2_metres(time0, lat, lon)`` float32 in K, ``lat`` 90 -> -90,
  ``lon`` 0 -> 360, one file per month. The real files are hourly on 0.25 degrees; here
  6-hourly on 2.5 degrees by default (``DataSpec``) so that a few years stay ~180 MB.
* CMIP6 (``cmip6-pds``): one consolidated Zarr v2 store
  ``CMIP6/ScenarioMIP/MOHC/UKESM1-0-LL/ssp585/r1i1p1f2/Amon/tas/gn/v20190726/`` with
  ``.zmetadata``, ``.zgroup``, ``.zattrs``, ``tas/.zarray`` and its chunks, coordinate and
  bounds arrays, the 360-day calendar of UKESM1-0-LL, N96 grid (144 x 192), 2015-2100.

Values are deterministic (seeded), plausible 2 m temperatures: a latitude profile, a
hemispheric seasonal cycle, a diurnal cycle (ERA5), a warming trend (CMIP6) and noise.
Output is cached by parameters under ``cache_root/<hash>/<bucket>/<key>``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable

ERA5_VARIABLE = "air_temperature_at_2_metres"
CMIP6_STORE = "CMIP6/ScenarioMIP/MOHC/UKESM1-0-LL/ssp585/r1i1p1f2/Amon/tas/gn/v20190726"
GENERATOR_VERSION = 3


@dataclass(frozen=True)
class DataSpec:
    era5_years: tuple[int, ...] = (2017, 2018, 2019)
    era5_step_hours: int = 6
    era5_resolution: float = 2.5
    cmip6_first_year: int = 2015
    cmip6_last_year: int = 2100
    cmip6_time_chunk: int = 120

    def digest(self) -> str:
        raw = json.dumps({**asdict(self), "v": GENERATOR_VERSION}, sort_keys=True)
        return hashlib.sha256(raw.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class GeneratedObjects:
    """Objects of one bucket: ``root/<key>`` for every key."""

    bucket: str
    root: Path
    keys: tuple[str, ...]
    total_bytes: int


def era5_month(year: int, month: int, spec: DataSpec) -> Any:
    """One month of ERA5-shaped 2 m temperature (an xarray.Dataset)."""
    import numpy as np
    import xarray as xr

    start = np.datetime64(f"{year:04d}-{month:02d}-01T00", "h")
    stop = np.datetime64(f"{year + month // 12:04d}-{month % 12 + 1:02d}-01T00", "h")
    times: Any = np.arange(start, stop, np.timedelta64(spec.era5_step_hours, "h"))
    lat = np.linspace(90.0, -90.0, int(round(180 / spec.era5_resolution)) + 1)
    lon = np.arange(0.0, 360.0, spec.era5_resolution)
    rng = np.random.default_rng(year * 100 + month)
    day = (times - np.datetime64(f"{year:04d}-01-01T00", "h")).astype(float) / 24.0
    hour = (times.astype("datetime64[h]").astype(int) % 24).astype(float)
    rlat = np.deg2rad(lat)
    base = (258.0 + 42.0 * np.cos(rlat) ** 2)[None, :, None]
    season = (-12.0 * np.cos(2 * np.pi * (day - 15.0) / 365.25))[:, None, None] * np.sin(rlat)[None, :, None]
    local_hour = hour[:, None] + lon[None, :] / 15.0
    diurnal = (4.0 * np.cos(2 * np.pi * (local_hour - 15.0) / 24.0))[:, None, :] * np.cos(rlat)[None, :, None]
    noise = rng.standard_normal((times.size, lat.size, lon.size), dtype=np.float32) * 1.5
    data = (base + season + diurnal + 0.02 * (year - 2000)).astype(np.float32) + noise
    return xr.Dataset(
        {ERA5_VARIABLE: (("time0", "lat", "lon"), data,
                         {"units": "K", "long_name": "Air temperature at 2 metres",
                          "standard_name": "air_temperature", "nameCDM": "2_metre_temperature_surface"})},
        coords={"time0": ("time0", times.astype("datetime64[ns]"), {"standard_name": "time"}),
                "lat": ("lat", lat.astype(np.float32), {"units": "degrees_north", "long_name": "latitude"}),
                "lon": ("lon", lon.astype(np.float32), {"units": "degrees_east", "long_name": "longitude"})},
        attrs={"source": "Reanalysis", "institution": "ECMWF",
               "title": "ERA5 forecasts (emulated: proximate scripts/emulate)"},
    )


def write_era5(root: Path, spec: DataSpec) -> list[str]:
    keys = []
    for year in spec.era5_years:
        for month in range(1, 13):
            key = f"{year:04d}/{month:02d}/data/{ERA5_VARIABLE}.nc"
            path = root / key
            path.parent.mkdir(parents=True, exist_ok=True)
            ds = era5_month(year, month, spec)
            steps = min(24, ds.sizes["time0"])
            ds.to_netcdf(path, engine="netcdf4", format="NETCDF4", encoding={
                ERA5_VARIABLE: {"dtype": "float32", "zlib": False,
                                "chunksizes": (steps, ds.sizes["lat"], ds.sizes["lon"])},
                "time0": {"units": "hours since 1970-01-01 00:00:00", "dtype": "float64"}})
            keys.append(key)
    return keys


def cmip6_dataset(spec: DataSpec) -> Any:
    """The CMIP6-shaped store's content (an xarray.Dataset)."""
    import cftime
    import numpy as np
    import xarray as xr

    years = range(spec.cmip6_first_year, spec.cmip6_last_year + 1)
    times = [cftime.Datetime360Day(y, m, 16) for y in years for m in range(1, 13)]
    bounds = [[cftime.Datetime360Day(y, m, 1),
               cftime.Datetime360Day(y + m // 12, m % 12 + 1, 1)] for y in years for m in range(1, 13)]
    lat = np.linspace(-89.375, 89.375, 144)
    lon = np.arange(0.0, 360.0, 1.875)
    rlat = np.deg2rad(lat)
    n = len(times)
    month = np.tile(np.arange(12), len(years))
    year = np.repeat(np.arange(len(years)), 12)
    rng = np.random.default_rng(6)
    base = (259.0 + 41.0 * np.cos(rlat) ** 2)[None, :, None]
    season = (-12.0 * np.cos(2 * np.pi * (month * 30 + 15 - 15.0) / 360.0))[:, None, None] * np.sin(rlat)[None, :, None]
    trend = (0.05 * year)[:, None, None] * (1.0 + 0.5 * np.abs(np.sin(rlat)))[None, :, None]
    noise = rng.standard_normal((n, lat.size, lon.size), dtype=np.float32) * 0.8
    tas = (base + season + trend).astype(np.float32) + noise
    attrs = {
        "activity_id": "ScenarioMIP", "institution_id": "MOHC", "source_id": "UKESM1-0-LL",
        "experiment_id": "ssp585", "member_id": "r1i1p1f2", "variant_label": "r1i1p1f2",
        "table_id": "Amon", "variable_id": "tas", "grid_label": "gn", "frequency": "mon",
        "Conventions": "CF-1.7 CMIP-6.2", "mip_era": "CMIP6", "nominal_resolution": "250 km",
        "version_id": "v20190726", "title": "UKESM1-0-LL ssp585 (emulated: proximate scripts/emulate)",
    }
    lat_b = np.stack([lat - 0.625, lat + 0.625], axis=1)
    lon_b = np.stack([lon - 0.9375, lon + 0.9375], axis=1)
    return xr.Dataset(
        {"tas": (("time", "lat", "lon"), tas,
                 {"units": "K", "long_name": "Near-Surface Air Temperature",
                  "standard_name": "air_temperature", "cell_methods": "area: time: mean",
                  "cell_measures": "area: areacella"}),
         "time_bnds": (("time", "bnds"), np.array(bounds, dtype=object)),
         "lat_bnds": (("lat", "bnds"), lat_b),
         "lon_bnds": (("lon", "bnds"), lon_b)},
        coords={"time": ("time", np.array(times, dtype=object),
                         {"standard_name": "time", "long_name": "time", "axis": "T",
                          "bounds": "time_bnds"}),
                "lat": ("lat", lat, {"units": "degrees_north", "standard_name": "latitude",
                                     "axis": "Y", "bounds": "lat_bnds"}),
                "lon": ("lon", lon, {"units": "degrees_east", "standard_name": "longitude",
                                     "axis": "X", "bounds": "lon_bnds"}),
                "height": ((), 2.0, {"units": "m", "standard_name": "height", "axis": "Z"})},
        attrs=attrs,
    )


def write_cmip6(root: Path, spec: DataSpec) -> list[str]:
    store = root / CMIP6_STORE
    ds = cmip6_dataset(spec)
    units = "days since 1850-01-01"
    ds.to_zarr(store, mode="w", consolidated=True, encoding={
        "tas": {"chunks": (spec.cmip6_time_chunk, 144, 192), "dtype": "float32"},
        "time": {"units": units, "calendar": "360_day", "dtype": "float64"},
        "time_bnds": {"units": units, "calendar": "360_day", "dtype": "float64"},
    })
    return sorted(str(p.relative_to(root)) for p in store.rglob("*") if p.is_file())


GENERATORS: dict[str, Callable[[Path, DataSpec], list[str]]] = {"era5": write_era5, "cmip6": write_cmip6}


def generate(cache_root: Path, dataset: str, bucket: str, prefix: str,
             spec: DataSpec) -> GeneratedObjects:
    """Objects of ``dataset`` in ``bucket`` (generated once per spec, then cached)."""
    if dataset not in GENERATORS:
        raise ValueError(f"no data generator for dataset {dataset!r}; known: {sorted(GENERATORS)}")
    target = cache_root / spec.digest() / dataset
    marker = target / ".complete.json"
    if not marker.exists():
        if target.exists():
            shutil.rmtree(target)
        work = target.with_name(target.name + ".partial")
        if work.exists():
            shutil.rmtree(work)
        (work / bucket).mkdir(parents=True)
        written = GENERATORS[dataset](work / bucket, spec)
        total = sum((work / bucket / k).stat().st_size for k in written)
        (work / ".complete.json").write_text(json.dumps(
            {"bucket": bucket, "keys": written, "bytes": total, "spec": asdict(spec)}))
        work.rename(target)
    info = json.loads(marker.read_text())
    if info["bucket"] != bucket:
        raise ValueError(f"cached {dataset} data is for bucket {info['bucket']}, not {bucket}")
    keys = tuple(k for k in info["keys"] if k.startswith(prefix))
    if not keys:
        raise ValueError(f"the generated {dataset} objects are not below s3://{bucket}/{prefix} "
                         f"(the data repository association's path)")
    return GeneratedObjects(bucket=bucket, root=target / bucket, keys=keys,
                            total_bytes=sum((target / bucket / k).stat().st_size for k in keys))
