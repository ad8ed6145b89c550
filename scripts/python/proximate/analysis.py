"""Analyses used by the notebooks: monthly climatologies and ERA5 vs CMIP6.

Reductions are built lazily here and computed by
:func:`proximate.routing.compute_regions`, each in the Region that holds its
data; only the 12-value climatologies reach the client, which combines them.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from .catalog import Catalog
from .data import ERA5_T2M, open_cmip6, open_era5
from .routing import compute_regions

Bounds = tuple[float, float]
LAT_NAMES = ("lat", "latitude")
LON_NAMES = ("lon", "longitude")


def _find(da: Any, names: Sequence[str], what: str) -> str:
    for name in names:
        if name in da.dims:
            return name
    raise ValueError(f"no {what} dimension among {list(da.dims)} (looked for {list(names)})")


def time_dim_of(da: Any) -> str:
    """The datetime-like dimension of ``da`` (``time``, ``time0``...)."""
    for name in da.dims:
        if name in da.coords:
            values = da[name].values
            if values.dtype.kind == "M" or (values.size and hasattr(values.flat[0], "calendar")):
                return str(name)
    raise ValueError(f"no time dimension among {list(da.dims)}")


def lon_mask(lon: NDArray[Any], bounds: Bounds) -> NDArray[np.bool_]:
    """Longitudes inside ``bounds`` (west, east), across the dateline and either convention."""
    west, east = float(bounds[0]), float(bounds[1])
    if float(np.nanmax(lon)) > 180.0:
        west, east, values = west % 360.0, east % 360.0, lon
    else:
        west, east = ((west + 180.0) % 360.0) - 180.0, ((east + 180.0) % 360.0) - 180.0
        values = lon
    if west <= east:
        return (values >= west) & (values <= east)
    return (values >= west) | (values <= east)


def select_box(da: Any, lat: Bounds | None = None, lon: Bounds | None = None) -> Any:
    """Restrict ``da`` to a latitude band and a longitude range (lazy, by index)."""
    indexers: dict[str, NDArray[Any]] = {}
    if lat is not None:
        name = _find(da, LAT_NAMES, "latitude")
        lo, hi = sorted((float(lat[0]), float(lat[1])))
        values = np.asarray(da[name].values, dtype=float)
        indexers[name] = np.nonzero((values >= lo) & (values <= hi))[0]
    if lon is not None:
        name = _find(da, LON_NAMES, "longitude")
        indexers[name] = np.nonzero(lon_mask(np.asarray(da[name].values, dtype=float), lon))[0]
    for name, idx in indexers.items():
        if idx.size == 0:
            raise ValueError(f"the box lat={lat} lon={lon} contains no {name} grid points")
    return da.isel(indexers) if indexers else da


def area_mean(da: Any, lat: Bounds | None = None, lon: Bounds | None = None) -> Any:
    """Area-weighted (cos latitude) mean over the box; lazy."""
    boxed = select_box(da, lat, lon)
    lat_name = _find(boxed, LAT_NAMES, "latitude")
    lon_name = _find(boxed, LON_NAMES, "longitude")
    weights = np.cos(np.deg2rad(boxed[lat_name].astype(float)))
    return boxed.weighted(weights).mean((lat_name, lon_name))


def _years(values: Any) -> list[int] | None:
    if values is None:
        return None
    if isinstance(values, int):
        return [values]
    return [int(v) for v in values]


def monthly_climatology(
    da: Any,
    *,
    lat: Bounds | None = None,
    lon: Bounds | None = None,
    months: Iterable[int] | None = None,
    years: Iterable[int] | int | None = None,
) -> Any:
    """Lazy mean per calendar month of the area mean of ``da`` over the box.

    Selections by year and month use the time coordinate that came with the
    schema, so they cost nothing; the result has a ``month`` dimension.
    """
    time = time_dim_of(da)
    stamp = da[time]
    keep = np.ones(stamp.size, dtype=bool)
    year_list = _years(years)
    if year_list is not None:
        keep &= np.isin(stamp.dt.year.values, year_list)
    if months is not None:
        keep &= np.isin(stamp.dt.month.values, list(months))
    if not keep.any():
        raise ValueError(f"no time steps of {da.name} in years={year_list} months={months}")
    selected = da.isel({time: np.nonzero(keep)[0]}) if not keep.all() else da
    series = area_mean(selected, lat, lon)
    climatology = series.groupby(f"{time}.month").mean(time)
    climatology.attrs.update({k: v for k, v in da.attrs.items() if k in ("units", "long_name")})
    return climatology


def combine(era5: Any, cmip6: Any) -> Any:
    """Client-side combination of the two small climatologies."""
    import xarray as xr

    era5_, cmip6_ = xr.align(era5.load().reset_coords(drop=True),
                             cmip6.load().reset_coords(drop=True), join="inner")
    out = xr.Dataset({"era5": era5_, "cmip6": cmip6_, "difference": cmip6_ - era5_})
    out["difference"].attrs["long_name"] = "CMIP6 projection minus ERA5 history"
    units = era5.attrs.get("units") or cmip6.attrs.get("units")
    if units:
        for name in out.data_vars:
            out[name].attrs["units"] = units
    return out


def era5_vs_cmip6(
    client: Any,
    catalog: Catalog,
    *,
    era5_years: Iterable[int],
    cmip6_years: Iterable[int],
    months: Iterable[int] = range(1, 13),
    lat: Bounds | None = None,
    lon: Bounds | None = None,
    era5_variable: str = ERA5_T2M,
    cmip6: Mapping[str, Any] | None = None,
    chunks: Mapping[str, int] | None = None,
    timeout: float | None = None,
) -> Any:
    """ERA5 history against a CMIP6 projection, month by month.

    Each monthly climatology is computed in the Region holding its data
    (ERA5 in us-east-1, CMIP6 in us-west-2); only the climatologies cross to
    the client, which takes the difference. ``cmip6`` holds CMIP6 facets
    (default ``tas``/``ssp585``/``Amon``). Raises a Region error naming the
    Region that failed; its ``partial`` has the other Region's result.
    """
    month_list = list(months)
    era5_list = list(era5_years)
    cmip6_list = list(cmip6_years)
    facets = {"variable_id": "tas", "experiment_id": "ssp585", "table_id": "Amon"}
    facets.update(cmip6 or {})
    era5_ds = open_era5(client, catalog, era5_variable, years=era5_list, months=month_list,
                        chunks=chunks, timeout=timeout)
    cmip6_ds = open_cmip6(client, catalog, chunks=chunks, timeout=timeout, **facets)
    era5_clim = monthly_climatology(era5_ds[era5_variable], lat=lat, lon=lon, months=month_list)
    cmip6_clim = monthly_climatology(cmip6_ds[facets["variable_id"]], lat=lat, lon=lon,
                                     months=month_list, years=cmip6_list)
    era5_region = era5_ds.attrs["proximate_region"]
    cmip6_region = cmip6_ds.attrs["proximate_region"]
    if era5_region == cmip6_region:
        both = compute_regions(client, {era5_region: [era5_clim, cmip6_clim]},
                               timeout=timeout).unwrap()[era5_region]
        era5_val, cmip6_val = both
    else:
        values = compute_regions(client, {era5_region: era5_clim, cmip6_region: cmip6_clim},
                                 timeout=timeout).unwrap()
        era5_val, cmip6_val = values[era5_region], values[cmip6_region]
    result = combine(era5_val, cmip6_val)
    result.attrs.update({
        "era5_region": era5_region, "cmip6_region": cmip6_region,
        "era5_years": f"{min(era5_list)}-{max(era5_list)}",
        "cmip6_years": f"{min(cmip6_list)}-{max(cmip6_list)}",
        "cmip6": "/".join(str(v) for v in facets.values()),
        "box": f"lat={lat} lon={lon}",
    })
    return result


def plot_comparison(result: Any, ax: Any = None) -> Any:
    """Plot both climatologies and their difference (matplotlib, on the client)."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5))
    months = result["month"].values
    ax.plot(months, result["era5"].values, marker="o",
            label=f"ERA5 {result.attrs.get('era5_years', '')}")
    ax.plot(months, result["cmip6"].values, marker="s",
            label=f"CMIP6 {result.attrs.get('cmip6_years', '')}")
    twin = ax.twinx()
    twin.bar(months, result["difference"].values, alpha=0.25, color="tab:red",
             label="difference")
    units = result["era5"].attrs.get("units", "")
    ax.set_xlabel("month")
    ax.set_ylabel(f"2 m temperature ({units})" if units else "2 m temperature")
    twin.set_ylabel(f"CMIP6 - ERA5 ({units})" if units else "CMIP6 - ERA5")
    ax.set_xticks(months)
    lines, labels = ax.get_legend_handles_labels()
    bars, bar_labels = twin.get_legend_handles_labels()
    ax.legend(lines + bars, labels + bar_labels, loc="upper left")
    ax.set_title(f"{result.attrs.get('cmip6', 'CMIP6')} vs ERA5 {result.attrs.get('box', '')}")
    return ax
