#!/usr/bin/python3
"""The scientist's computations, run in the client Region by bench.py and the e2e tests.

    workload.py proximate <out.pkl>   the seed analysis through the proximate helper
    workload.py naive <out.pkl>       the same, raw data pulled from each Region's S3
    workload.py fault <out.pkl>       a computation during which the host cuts a Region
    workload.py noworkers <out.pkl>   a computation after the host stopped a pool

The analysis (the seed's): monthly climatologies of ERA5 (all catalogued years) and CMIP6
ssp585 tas (2071-2100) and their difference, (A) as box means over the British Isles with
``proximate.era5_vs_cmip6`` and (B) as global monthly climatology maps with
``proximate.compute_regions``, whose difference is taken on the client on the ERA5 grid.

Speaks :mod:`emu.protocol` on stdout/stdin; needs the client environment of ``emulate run``.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import sys
import threading
import time
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent))

from emu.protocol import emit  # noqa: E402

CMIP6_YEARS = tuple(range(2071, 2101))
#: The box of the helper's README example (the British Isles): lat, lon bounds.
LAT = (49.0, 61.0)
LON = (-11.0, 2.0)
MONTHS = tuple(range(1, 13))


def climatology_map(da: Any, years: tuple[int, ...] | None = None) -> Any:
    """Monthly climatology at every grid point (lazy if ``da`` is)."""
    import numpy as np
    from proximate.analysis import time_dim_of

    time = time_dim_of(da)
    if years is not None:
        keep = np.isin(da[time].dt.year.values, list(years))
        da = da.isel({time: np.nonzero(keep)[0]})
    out = da.groupby(f"{time}.month").mean(time)
    out.attrs.update({k: v for k, v in da.attrs.items() if k in ("units", "long_name")})
    return out


def map_difference(era5_map: Any, cmip6_map: Any) -> Any:
    """CMIP6 minus ERA5 on the ERA5 grid (nearest CMIP6 grid point; client side, numpy)."""
    import numpy as np

    lat_e, lon_e = era5_map["lat"].values.astype(float), era5_map["lon"].values.astype(float) % 360
    lat_c, lon_c = cmip6_map["lat"].values.astype(float), cmip6_map["lon"].values.astype(float) % 360
    i = np.abs(lat_c[None, :] - lat_e[:, None]).argmin(axis=1)
    dlon = np.abs(((lon_c[None, :] - lon_e[:, None]) + 180.0) % 360.0 - 180.0)
    j = dlon.argmin(axis=1)
    on_era5 = cmip6_map.values[:, i][:, :, j]
    return era5_map.copy(data=on_era5 - era5_map.values)


def era5_years(catalog: Any) -> tuple[int, ...]:
    return tuple(sorted({e.year for e in catalog.search("era5") if e.year is not None}))


# --------------------------------------------------------------------------- proximate


def proximate_analysis(client: Any, catalog: Any, timeout: float) -> Any:
    from proximate import era5_vs_cmip6

    return era5_vs_cmip6(client, catalog, era5_years=era5_years(catalog),
                         cmip6_years=CMIP6_YEARS, months=MONTHS, timeout=timeout, lat=LAT, lon=LON)


def proximate_map_collections(client: Any, catalog: Any, timeout: float,
                              chunks: Mapping[str, int] | None = None) -> dict[str, Any]:
    """{region: lazy climatology map} for ERA5 and CMIP6 (metadata read in their Regions)."""
    from proximate import open_cmip6, open_era5
    from proximate.data import ERA5_T2M

    era5 = open_era5(client, catalog, ERA5_T2M, years=era5_years(catalog), chunks=chunks,
                     timeout=timeout)
    cmip6 = open_cmip6(client, catalog, chunks=chunks, timeout=timeout)
    return {era5.attrs["proximate_region"]: climatology_map(era5[ERA5_T2M]),
            cmip6.attrs["proximate_region"]: climatology_map(cmip6["tas"], CMIP6_YEARS)}


def proximate_maps(client: Any, catalog: Any, timeout: float) -> dict[str, Any]:
    from proximate import compute_regions

    work = proximate_map_collections(client, catalog, timeout)
    values = compute_regions(client, work, timeout=timeout).unwrap()
    return values


def result_bytes(value: Any) -> int:
    """Size of a reduced result as it travels (pickle protocol 5, buffers included)."""
    buffers: list[pickle.PickleBuffer] = []
    head = pickle.dumps(value, protocol=5, buffer_callback=buffers.append)
    return len(head) + sum(b.raw().nbytes for b in buffers)


def run_proximate(out: Path) -> None:
    from proximate import Catalog, connect

    catalog = Catalog.open()
    client = connect()
    timeout = float(os.environ.get("PROXIMATE_TIMEOUT", "300"))
    emit("ready", wait=True)
    results: dict[str, Any] = {}
    emit("stage-start", wait=True, stage="analysis")
    t0 = time.monotonic()
    analysis = proximate_analysis(client, catalog, timeout)
    seconds_a = time.monotonic() - t0
    emit("stage-end", wait=True, stage="analysis", seconds=seconds_a)
    emit("stage-start", wait=True, stage="maps")
    t0 = time.monotonic()
    maps = proximate_maps(client, catalog, timeout)
    seconds_b = time.monotonic() - t0
    emit("stage-end", wait=True, stage="maps", seconds=seconds_b)
    from proximate import read_log

    reads = read_log(client)
    regions = {r: (m.attrs.get("proximate_region") or r) for r, m in maps.items()}
    era5_region = analysis.attrs["era5_region"]
    cmip6_region = analysis.attrs["cmip6_region"]
    results = {
        "analysis": analysis,
        "maps": {"era5": maps[era5_region], "cmip6": maps[cmip6_region],
                 "difference": map_difference(maps[era5_region], maps[cmip6_region])},
        # What crossed from the worker Regions to the client: the Regions' reduced values.
        "result_bytes": {
            "analysis": result_bytes(analysis["era5"]) + result_bytes(analysis["cmip6"]),
            "maps": sum(result_bytes(v) for v in maps.values())},
        "seconds": {"analysis": seconds_a, "maps": seconds_b},
        "reads": [(r.region, r.pool, r.worker, r.via, r.path) for r in reads],
        "regions": regions,
    }
    out.write_bytes(pickle.dumps(results))
    client.close()
    emit("done")


# --------------------------------------------------------------------------- naive


class S3Store(Mapping[str, bytes]):
    """A read-only Zarr store over one S3 prefix (anonymous GETs, path-style)."""

    def __init__(self, s3: Any, bucket: str, prefix: str, counter: list[int]) -> None:
        self.s3, self.bucket, self.prefix, self.counter = s3, bucket, prefix.rstrip("/") + "/", counter

    def __getitem__(self, key: str) -> bytes:
        try:
            body = self.s3.get_object(Bucket=self.bucket, Key=self.prefix + key)["Body"].read()
        except self.s3.exceptions.NoSuchKey:
            raise KeyError(key) from None
        self.counter[0] += len(body)
        return body

    def __iter__(self) -> Iterator[str]:
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket,
                                                                 Prefix=self.prefix)
        for page in pages:
            for item in page.get("Contents", []):
                yield item["Key"][len(self.prefix):]

    def __len__(self) -> int:
        return sum(1 for _ in self)


def s3_client(endpoint: str, region: str) -> Any:
    import botocore.session
    from botocore import UNSIGNED
    from botocore.config import Config

    return botocore.session.get_session().create_client(
        "s3", region_name=region, endpoint_url=endpoint,
        config=Config(signature_version=UNSIGNED, s3={"addressing_style": "path"},
                      retries={"max_attempts": 3}))


def split_s3(uri: str) -> tuple[str, str]:
    bucket, _, key = uri[len("s3://"):].partition("/")
    return bucket, key


def run_naive(out: Path) -> None:
    import numpy as np
    import xarray as xr
    from proximate import Catalog
    from proximate.analysis import combine, monthly_climatology
    from proximate.data import ERA5_T2M

    catalog = Catalog.open()
    endpoints: dict[str, str] = json.loads(os.environ["PROXIMATE_EMULATE_S3_ENDPOINTS"])
    emit("ready", wait=True)
    emit("stage-start", wait=True, stage="naive")
    t0 = time.monotonic()
    fetched = [0]
    entries = sorted(catalog.search("era5", variable=ERA5_T2M, format="netcdf"),
                     key=lambda e: (e.year, e.month))
    region_e = entries[0].region
    s3e = s3_client(endpoints[region_e], region_e)
    months = []
    for entry in entries:
        bucket, key = split_s3(entry.s3_uri)
        body = s3e.get_object(Bucket=bucket, Key=key)["Body"].read()
        fetched[0] += len(body)
        with xr.open_dataset(io.BytesIO(body), engine="h5netcdf") as ds:
            months.append(ds.load())
    era5 = xr.concat(months, dim="time0")
    (store_entry,) = catalog.search("cmip6", variable_id="tas", experiment_id="ssp585",
                                    table_id="Amon", format="zarr")
    region_c = store_entry.region
    bucket, prefix = split_s3(store_entry.s3_uri)
    store = S3Store(s3_client(endpoints[region_c], region_c), bucket, prefix, fetched)
    import zarr.storage

    cmip6 = xr.open_zarr(zarr.storage.KVStore(store), chunks=None, consolidated=True)
    tas = cmip6["tas"]
    keep = np.nonzero(np.isin(tas["time"].dt.year.values, list(CMIP6_YEARS)))[0]
    tas = tas.isel(time=keep).load()  # the raw months the analysis needs, pulled here
    download_seconds = time.monotonic() - t0
    analysis = combine(
        monthly_climatology(era5[ERA5_T2M], months=MONTHS, lat=LAT, lon=LON),
        monthly_climatology(tas, months=MONTHS, years=CMIP6_YEARS, lat=LAT, lon=LON))
    era5_map = climatology_map(era5[ERA5_T2M])
    cmip6_map = climatology_map(tas, CMIP6_YEARS)
    seconds = time.monotonic() - t0
    emit("stage-end", wait=True, stage="naive", seconds=seconds, fetched=fetched[0])
    results = {"analysis": analysis,
               "maps": {"era5": era5_map, "cmip6": cmip6_map,
                        "difference": map_difference(era5_map, cmip6_map)},
               "fetched_bytes": fetched[0],
               "seconds": {"naive": seconds, "download": download_seconds}}
    out.write_bytes(pickle.dumps(results))
    emit("done")


# --------------------------------------------------------------------------- faults


def _errors(outcomes: Any) -> dict[str, dict[str, Any]]:
    return {r: {"type": type(e).__name__, "message": str(e), "region": e.region,
                "mro": [c.__name__ for c in type(e).__mro__]}
            for r, e in outcomes.errors.items()}


def run_fault(out: Path) -> None:
    """Cut a Region while its part runs; the other Region still delivers; then rejoin, rerun."""
    from proximate import Catalog, compute_regions, connect, pool_name, pool_status

    catalog = Catalog.open()
    client = connect()
    target = os.environ["PROXIMATE_EMULATE_CUT"]
    timeout = float(os.environ.get("PROXIMATE_TIMEOUT", "150"))
    chunks = json.loads(os.environ.get("PROXIMATE_EMULATE_CHUNKS", "null"))
    work = proximate_map_collections(client, catalog, timeout, chunks=chunks)
    workers_of_target = set(pool_status(client)[pool_name(target)].workers)
    emit("ready", wait=True, tasks={r: len(v.__dask_graph__()) for r, v in work.items()})

    def watch() -> None:
        # "Running": the target Region's workers are processing tasks of this computation.
        deadline = time.time() + 60
        while time.time() < deadline:
            busy = {w: len(t) for w, t in client.processing().items()
                    if w in workers_of_target and t}
            if busy:
                emit("running", processing=busy)
                return
            time.sleep(0.05)
        emit("running", processing={}, note="never saw the target Region busy")

    watcher = threading.Thread(target=watch, daemon=True)
    t0 = time.time()
    watcher.start()
    outcomes = compute_regions(client, work, timeout=timeout)
    t1 = time.time()
    watcher.join(timeout=5)
    partial = outcomes.results
    emit("outcome", started=t0, finished=t1, ok=sorted(partial), errors=_errors(outcomes),
         seconds={r: o.seconds for r, o in outcomes.items()})
    emit("restore-me", wait=True)
    t_restored = time.time()
    want = len(workers_of_target)
    while True:
        status = pool_status(client).get(pool_name(target))
        if status is not None and len(status.workers) >= want and (status.last_seen_age or 0) < 5:
            break
        if time.time() - t_restored > 240:
            emit("error", message=f"{target} workers did not rejoin within 240 s")
            return
        time.sleep(0.5)
    emit("rejoined", seconds=time.time() - t_restored, workers=list(status.names))
    t2 = time.time()
    again = compute_regions(client, work, timeout=timeout)
    emit("rerun", ok=sorted(again.results), errors=_errors(again), seconds=time.time() - t2)
    out.write_bytes(pickle.dumps({"partial": partial, "rerun": again.results}))
    client.close()
    emit("done")


def run_noworkers(out: Path) -> None:
    """A pool stopped by the host: compute_regions and open_* name it with NoWorkersInPool."""
    from proximate import Catalog, NoWorkersInPool, compute_regions, connect, open_cmip6

    catalog = Catalog.open()
    client = connect()
    target = os.environ["PROXIMATE_EMULATE_STOPPED"]
    work = proximate_map_collections(client, catalog, 300)
    emit("built", wait=True)
    t0 = time.time()
    outcomes = compute_regions(client, work, timeout=120)
    emit("outcome", ok=sorted(outcomes.results), errors=_errors(outcomes),
         seconds=time.time() - t0)
    try:
        open_cmip6(client, catalog, region=target, timeout=60)
        emit("open", raised=None)
    except NoWorkersInPool as exc:
        emit("open", raised=type(exc).__name__, region=exc.region, pool=exc.pool,
             message=str(exc))
    out.write_bytes(pickle.dumps({"results": outcomes.results}))
    client.close()
    emit("done")


MODES = {"proximate": run_proximate, "naive": run_naive, "fault": run_fault,
         "noworkers": run_noworkers}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in MODES:
        sys.stderr.write(f"usage: workload.py {{{'|'.join(MODES)}}} <out.pkl>\n")
        return 2
    import logging

    logging.getLogger("distributed").setLevel(logging.ERROR)
    try:
        MODES[argv[0]](Path(argv[1]))
    except Exception as exc:  # reported to the host, which fails the run with it
        traceback.print_exc()
        emit("error", message=f"{type(exc).__name__}: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
