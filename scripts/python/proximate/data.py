"""Lazy xarray datasets whose reads run only on the pool that owns the data.

Design (robust with distributed 2022.12 / xarray 2023.01):

1. Metadata: one small task per file or store, pinned to the owning pool,
   opens it (Lustre path if present on that worker, else the same-Region S3
   object) and returns a :class:`DatasetSchema`: names, dims, shapes, dtypes,
   attributes and coordinate values up to ``MAX_EAGER_COORD`` elements
   (time, lat, lon...). That is the only data the client receives before a
   computation, and the client itself never opens a file.
2. Bulk data: every data variable becomes a dask array whose blocks are
   ``_load_block`` tasks (one HighLevelGraph layer named
   ``proximate-load-<region>-<token>``). A block task opens the source on
   the worker that runs it and reads just its slice.
3. Placement: compute reductions with :func:`proximate.routing.compute_regions`
   (``client.compute(..., resources={pool: 1})``, which survives fusion).
   Loaders also check that they run on a worker of their pool and raise
   :class:`~proximate.errors.PlacementError` otherwise (``enforce_pool``).

Why not ``xr.open_dataset(..., chunks=...)`` on the client: it would read
metadata (and for remote files, byte ranges) from the client across Regions
and would put file handles in the graph. Why not ``open_dataset`` inside a
task returning a dask-backed dataset: dask collections cannot be returned
from tasks into a new graph reliably. Explicit loader tasks keep the graph
small, picklable and deterministic (same keys for the same request, so a
retry after a failure recomputes cleanly once the old futures are released).
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import threading
from dataclasses import dataclass
from typing import Any, Iterator, Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from .catalog import Catalog, CatalogEntry, FacetValue, build_filters
from .errors import NoMatchingEntries, PlacementError
from .paths import DataSource, choose_path, default_s3_anon, default_s3_endpoint, storage_options
from .routing import pool_name, submit_in_region

#: Coordinates with at most this many values travel with the schema.
MAX_EAGER_COORD = 1_000_000
#: Target size of one loaded block when chunks are chosen automatically.
AUTO_BLOCK_BYTES = "128MiB"
ERA5_T2M = "air_temperature_at_2_metres"


# --------------------------------------------------------------------------- placement


@dataclass(frozen=True)
class ReadRecord:
    """One read done by a loader: which worker, which pool, which path."""

    worker: str
    address: str
    pool: str
    region: str
    variable: str
    via: str
    path: str
    block: str


_LOG_LOCK = threading.Lock()
_READ_LOG: dict[str, collections.deque[ReadRecord]] = {}


def _current_worker() -> Any:
    """The distributed worker running the current task, or None outside a task."""
    try:
        from distributed.worker import thread_state
    except ImportError:  # pragma: no cover - distributed is a dependency
        return None
    state = getattr(thread_state, "execution_state", None)
    if not state:
        return None
    return state.get("worker")


def _worker_resources(worker: Any) -> Mapping[str, float]:
    state = getattr(worker, "state", None)
    resources = getattr(state, "total_resources", None)
    if resources is None:
        resources = getattr(worker, "total_resources", {})
    return resources or {}


def check_placement(source: DataSource) -> Any:
    """Return the current worker if it belongs to ``source.pool``, else raise."""
    worker = _current_worker()
    if worker is None:
        raise PlacementError(
            f"refusing to read {source.pretty} outside a Dask worker of {source.pool}: "
            "compute with proximate.compute_in_region / compute_regions, not .compute()"
        )
    if not _worker_resources(worker).get(source.pool):
        raise PlacementError(
            f"worker {worker.name} ({worker.address}) is not in {source.pool} but was asked "
            f"to read {source.pretty}; compute with proximate.compute_in_region so the "
            "resource restriction survives graph optimisation"
        )
    return worker


def _record(worker: Any, source: DataSource, variable: str, via: str, path: str,
            block: str) -> None:
    address = str(getattr(worker, "address", "client")) if worker is not None else "client"
    record = ReadRecord(
        worker=str(getattr(worker, "name", address)) if worker is not None else "client",
        address=address, pool=source.pool, region=source.region, variable=variable,
        via=via, path=path, block=block,
    )
    with _LOG_LOCK:
        _READ_LOG.setdefault(address, collections.deque(maxlen=10_000)).append(record)


def _worker_read_log(dask_worker: Any) -> list[ReadRecord]:
    with _LOG_LOCK:
        return list(_READ_LOG.get(str(dask_worker.address), ()))


def _worker_clear_read_log(dask_worker: Any) -> int:
    with _LOG_LOCK:
        return len(_READ_LOG.pop(str(dask_worker.address), ()))


def read_log(client: Any, timeout: float = 30.0) -> list[ReadRecord]:
    """Reads recorded by loaders on every reachable worker (placement evidence).

    Each worker keeps its last 10,000 reads; unreachable workers are skipped
    after ``timeout`` seconds.
    """
    per_worker = client.run(_worker_read_log, on_error="return", callback_timeout=timeout)
    return [r for records in per_worker.values() if isinstance(records, list) for r in records]


def clear_read_log(client: Any, timeout: float = 30.0) -> None:
    """Forget the recorded reads on every reachable worker."""
    client.run(_worker_clear_read_log, on_error="return", callback_timeout=timeout)


# --------------------------------------------------------------------------- opening


def _open_netcdf(target: Any) -> Any:
    """Open a NetCDF file path or file object lazily.

    h5netcdf first: ERA5 files are NetCDF4/HDF5, and h5py keeps HDF5's error
    stack quiet in worker threads (netCDF4 prints HDF5-DIAG noise there).
    NetCDF3 files fall back to the netCDF4 library (paths only).
    """
    import xarray as xr

    try:
        return xr.open_dataset(target, engine="h5netcdf", chunks=None)
    except (OSError, ValueError):
        if not isinstance(target, str):
            raise
        return xr.open_dataset(target, engine="netcdf4", chunks=None)


@contextlib.contextmanager
def open_source(source: DataSource) -> Iterator[tuple[Any, str, str]]:
    """Open ``source`` lazily on this machine: yields ``(dataset, via, path)``.

    Prefers the Lustre path; otherwise reads the S3 object (s3fs, with the
    endpoint override) or any other fsspec URL. Only meant to run on workers.
    """
    import xarray as xr

    via, path = choose_path(source)
    with contextlib.ExitStack() as stack:
        if source.format == "zarr":
            if via == "lustre":
                store: Any = path
            else:
                import fsspec

                store = fsspec.get_mapper(path, **storage_options(source))
            ds = xr.open_zarr(store, chunks=None, consolidated=None)
        elif source.format == "netcdf":
            if via == "lustre":
                ds = _open_netcdf(path)
            else:
                import fsspec

                handle = stack.enter_context(
                    fsspec.open(path, mode="rb", **storage_options(source)))
                ds = _open_netcdf(handle)
        else:
            raise ValueError(f"cannot open format {source.format!r} of {source.pretty} "
                             "as a dataset (netcdf and zarr only)")
        stack.callback(ds.close)
        yield ds, via, path


@dataclass(frozen=True)
class VariableSchema:
    """Shape and type of one lazily loaded variable."""

    name: str
    dims: tuple[str, ...]
    shape: tuple[int, ...]
    dtype: str
    attrs: dict[str, Any]
    storage_chunks: tuple[int, ...] | None
    is_coord: bool


@dataclass(frozen=True)
class DatasetSchema:
    """What the client needs to build a lazy dataset; read on the owning pool."""

    source: DataSource
    coords: dict[str, Any]
    variables: tuple[VariableSchema, ...]
    attrs: dict[str, Any]
    read_by: str
    via: str


def _storage_chunks(var: Any) -> tuple[int, ...] | None:
    enc = var.encoding
    preferred = enc.get("preferred_chunks")
    if isinstance(preferred, Mapping) and all(d in preferred for d in var.dims):
        return tuple(int(preferred[d]) for d in var.dims)
    for key in ("chunks", "chunksizes"):
        value = enc.get(key)
        if value is not None and len(value) == var.ndim:
            return tuple(int(c) for c in value)
    return None


def read_schema(source: DataSource, enforce_pool: bool = True) -> DatasetSchema:
    """Task body: open ``source`` on this worker and describe it (no bulk data)."""
    worker = check_placement(source) if enforce_pool else _current_worker()
    with open_source(source) as (ds, via, path):
        coords: dict[str, Any] = {}
        variables: list[VariableSchema] = []
        for name, var in ds.variables.items():
            name = str(name)
            is_coord = name in ds.coords
            if is_coord and var.size <= MAX_EAGER_COORD:
                coords[name] = var.load().copy(deep=True)
                continue
            variables.append(VariableSchema(
                name=name, dims=tuple(str(d) for d in var.dims),
                shape=tuple(int(s) for s in var.shape), dtype=var.dtype.str,
                attrs=dict(var.attrs), storage_chunks=_storage_chunks(var), is_coord=is_coord,
            ))
        attrs = dict(ds.attrs)
    _record(worker, source, "<schema>", via, path, "")
    name = str(getattr(worker, "name", "client")) if worker is not None else "client"
    return DatasetSchema(source, coords, tuple(variables), attrs, name, via)


def _load_block(source: DataSource, variable: str, index: tuple[slice, ...],
                enforce_pool: bool) -> NDArray[Any]:
    """Task body: read one block of ``variable`` on a worker of the owning pool."""
    worker = check_placement(source) if enforce_pool else _current_worker()
    with open_source(source) as (ds, via, path):
        values = np.asarray(ds[variable].variable[index].values)
    block = ",".join(f"{s.start}:{s.stop}" for s in index)
    _record(worker, source, variable, via, path, block)
    return values


def _block_chunks(var: VariableSchema, chunks: Mapping[str, int] | None) -> tuple[tuple[int, ...], ...]:
    from dask.array.core import normalize_chunks

    dtype = np.dtype(var.dtype)
    if not var.shape:
        return ()
    if dtype.kind == "O":
        wanted: tuple[Any, ...] = tuple((chunks or {}).get(d, -1) for d in var.dims)
        return normalize_chunks(wanted, var.shape)
    wanted = tuple((chunks or {}).get(d, "auto") for d in var.dims)
    return normalize_chunks(wanted, var.shape, limit=AUTO_BLOCK_BYTES, dtype=dtype,
                            previous_chunks=var.storage_chunks)


def _lazy_array(source: DataSource, var: VariableSchema, chunks: Mapping[str, int] | None,
                enforce_pool: bool) -> Any:
    import dask.array as da
    from dask.array.core import slices_from_chunks
    from dask.base import tokenize
    from dask.highlevelgraph import HighLevelGraph

    dtype = np.dtype(var.dtype)
    block_chunks = _block_chunks(var, chunks)
    name = (f"proximate-load-{source.region}-"
            f"{tokenize(source, var.name, block_chunks, var.dtype, enforce_pool)}")
    numblocks = [range(len(c)) for c in block_chunks]
    dsk = {
        (name, *idx): (_load_block, source, var.name, tuple(slc), enforce_pool)
        for idx, slc in zip(itertools.product(*numblocks), slices_from_chunks(block_chunks))
    }
    graph = HighLevelGraph.from_collections(name, dsk, dependencies=())
    meta = np.empty((0,) * len(var.shape), dtype=dtype)
    return da.Array(graph, name, block_chunks, dtype=dtype, meta=meta)


def dataset_from_schema(schema: DatasetSchema, chunks: Mapping[str, int] | None = None,
                        enforce_pool: bool = True) -> Any:
    """Build the lazy :class:`xarray.Dataset` described by ``schema``."""
    import xarray as xr

    source = schema.source
    data_vars: dict[str, Any] = {}
    lazy_coords: dict[str, Any] = {}
    for var in schema.variables:
        array = _lazy_array(source, var, chunks, enforce_pool)
        target = lazy_coords if var.is_coord else data_vars
        target[var.name] = xr.Variable(var.dims, array, attrs=var.attrs)
    ds = xr.Dataset(data_vars, coords={**schema.coords, **lazy_coords}, attrs=schema.attrs)
    ds.attrs.update({
        "proximate_dataset": source.dataset,
        "proximate_region": source.region,
        "proximate_pool": source.pool,
    })
    return ds


def source_for(entry: CatalogEntry, *, s3_endpoint: str | None = None,
               s3_anon: bool | None = None) -> DataSource:
    """The :class:`DataSource` of a catalog entry (endpoint/anon default from env)."""
    return DataSource(
        dataset=entry.dataset, region=entry.region, pool=entry.pool or pool_name(entry.region),
        format=entry.format, lustre_path=entry.lustre_path, s3_uri=entry.s3_uri,
        s3_endpoint=s3_endpoint if s3_endpoint is not None else default_s3_endpoint(),
        s3_anon=default_s3_anon() if s3_anon is None else s3_anon,
    )


def _time_dim(ds: Any) -> str | None:
    for name in ds.dims:
        if name in ds.coords:
            kind = ds[name].dtype.kind
            if kind == "M" or (kind == "O" and ds[name].size and
                               hasattr(ds[name].values.flat[0], "calendar")):
                return str(name)
    return None


def open_entries(
    client: Any,
    entries: Sequence[CatalogEntry],
    *,
    chunks: Mapping[str, int] | None = None,
    concat_dim: str | None = None,
    timeout: float | None = None,
    enforce_pool: bool = True,
    s3_endpoint: str | None = None,
) -> Any:
    """Open catalog entries of one Region as one lazy dataset.

    Schemas are read by a pinned task per entry (bounded by ``timeout``);
    several entries are concatenated along ``concat_dim`` (default: the
    time dimension). Raises :class:`~proximate.errors.RegionUnavailable`
    naming the Region if its pool cannot answer.
    """
    import xarray as xr

    if not entries:
        raise ValueError("no catalog entries to open")
    regions = {e.region for e in entries}
    if len(regions) != 1:
        raise PlacementError(
            f"entries span Regions {sorted(regions)}; open and reduce each Region separately")
    region = regions.pop()
    sources = [source_for(e, s3_endpoint=s3_endpoint) for e in entries]
    schemas: list[DatasetSchema] = submit_in_region(
        client, region, [(read_schema, (s, enforce_pool)) for s in sources], timeout=timeout)
    datasets = [dataset_from_schema(s, chunks, enforce_pool) for s in schemas]
    if len(datasets) == 1:
        return datasets[0]
    dim = concat_dim or _time_dim(datasets[0])
    if dim is None:
        raise ValueError("cannot tell which dimension to concatenate along; pass concat_dim=")
    combined = xr.concat(datasets, dim=dim, data_vars="minimal", coords="minimal",
                         compat="override", join="override", combine_attrs="override")
    return combined


def open_era5(
    client: Any,
    catalog: Catalog,
    variable: str = ERA5_T2M,
    *,
    years: FacetValue = None,
    months: FacetValue = None,
    region: str | None = None,
    format: str = "netcdf",
    **options: Any,
) -> Any:
    """Lazy ERA5 dataset of one variable over the chosen years and months.

    The monthly NetCDF files ``YYYY/MM/data/<variable>.nc`` (or, with
    ``format="zarr"``, the monthly Zarr copies) are found in the catalog and
    concatenated along their time dimension (``time0``). ``options`` go to
    :func:`open_entries` (``chunks``, ``timeout``, ``s3_endpoint``...).
    """
    entries = catalog.search("era5", variable=variable, years=years, months=months,
                             format=format, region=region)
    if not entries:
        raise NoMatchingEntries("era5", build_filters(
            variable=variable, year=years, month=months, format=format, region=region))
    return open_entries(client, entries, **options)


def _pick_cmip6_store(entries: Sequence[CatalogEntry]) -> CatalogEntry:
    ids = ("activity_id", "institution_id", "source_id", "experiment_id", "member_id",
           "table_id", "variable_id", "grid_label")
    groups: dict[tuple[Any, ...], list[CatalogEntry]] = {}
    for entry in entries:
        groups.setdefault(tuple(getattr(entry, i) for i in ids), []).append(entry)
    if len(groups) > 1:
        listing = "; ".join(
            "/".join(str(v) for v in key) for key in sorted(groups, key=str)[:10])
        raise ValueError(
            f"{len(groups)} CMIP6 stores match; narrow the query (source_id, member_id, "
            f"grid_label...). Matches: {listing}")
    versions = next(iter(groups.values()))
    return max(versions, key=lambda e: str(e.version or ""))


def open_cmip6(
    client: Any,
    catalog: Catalog,
    *,
    variable_id: str = "tas",
    experiment_id: str = "ssp585",
    table_id: str = "Amon",
    activity_id: str = "ScenarioMIP",
    source_id: str | None = None,
    member_id: str | None = None,
    grid_label: str | None = None,
    version: str | None = None,
    region: str | None = None,
    **options: Any,
) -> Any:
    """Lazy dataset of one CMIP6 Zarr store (the latest version if several match)."""
    filters: dict[str, Any] = {
        "variable_id": variable_id, "experiment_id": experiment_id, "table_id": table_id,
        "activity_id": activity_id, "source_id": source_id, "member_id": member_id,
        "grid_label": grid_label, "version": version, "region": region, "format": "zarr",
    }
    entries = catalog.search("cmip6", **filters)
    if not entries:
        raise NoMatchingEntries("cmip6", build_filters(**filters))
    return open_entries(client, [_pick_cmip6_store(entries)], **options)

