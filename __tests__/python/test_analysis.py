"""Analysis helpers: box selection, climatologies, ERA5 vs CMIP6 end to end, the plot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dask.array as da
import numpy as np
import pytest
import xarray as xr

import helpers
from helpers import CMIP6_REGION, ERA5_REGION, ERA5_VAR
from proximate import (
    Catalog,
    NoMatchingEntries,
    area_mean,
    combine,
    era5_vs_cmip6,
    monthly_climatology,
    open_era5,
    plot_comparison,
    read_log,
)
from proximate.analysis import lon_mask, select_box


def grid(lon: np.ndarray) -> xr.DataArray:
    lat = np.array([60.0, 30.0, 0.0, -30.0])
    times = xr.cftime_range("2071-01-01", periods=24, freq="MS", calendar="360_day")
    values = np.arange(24 * 4 * lon.size, dtype=float).reshape(24, 4, lon.size)
    return xr.DataArray(da.from_array(values, chunks=(6, 4, lon.size)),
                        dims=("time", "lat", "lon"),
                        coords={"time": times, "lat": lat, "lon": lon}, name="tas",
                        attrs={"units": "K"})


def test_lon_mask_handles_both_conventions_and_the_dateline() -> None:
    east = np.arange(0.0, 360.0, 30.0)
    assert list(east[lon_mask(east, (-11, 2))]) == [0.0]
    assert list(east[lon_mask(east, (-65, 31))]) == [0.0, 30.0, 300.0, 330.0]
    assert list(east[lon_mask(east, (30, 90))]) == [30.0, 60.0, 90.0]
    centred = np.arange(-180.0, 180.0, 30.0)
    assert list(centred[lon_mask(centred, (330, 30))]) == [-30.0, 0.0, 30.0]
    assert list(centred[lon_mask(centred, (170, -150))]) == [-180.0, -150.0]


def test_select_box_and_area_mean_are_lazy_and_right() -> None:
    arr = grid(np.arange(0.0, 360.0, 90.0))
    boxed = select_box(arr, lat=(40, -10), lon=(-100, 10))
    assert list(boxed.lat.values) == [30.0, 0.0] and list(boxed.lon.values) == [0.0, 270.0]
    mean = area_mean(arr, lat=(40, -10), lon=(-100, 10))
    assert isinstance(mean.data, da.Array)
    w = np.cos(np.deg2rad([30.0, 0.0]))
    raw = arr.values[:, 1:3][:, :, [0, 3]]
    expected = (raw * w[None, :, None]).sum(axis=(1, 2)) / (2 * w.sum())
    np.testing.assert_allclose(mean.values, expected)
    with pytest.raises(ValueError, match="contains no lat grid points"):
        select_box(arr, lat=(80, 85))


def test_monthly_climatology_selects_years_and_months() -> None:
    arr = grid(np.arange(0.0, 360.0, 90.0))
    clim = monthly_climatology(arr, months=[1, 12], years=[2072])
    assert isinstance(clim.data, da.Array)
    values = clim.compute(scheduler="sync")
    assert list(values.month.values) == [1, 12] and values.attrs["units"] == "K"
    w = np.cos(np.deg2rad(arr.lat.values))
    series = (arr.values * w[None, :, None]).sum(axis=(1, 2)) / (w.sum() * arr.sizes["lon"])
    np.testing.assert_allclose(values.values, [series[12], series[23]])
    with pytest.raises(ValueError, match="no time steps"):
        monthly_climatology(arr, years=[1990])


def test_combine_and_plot(tmp_path: Path) -> None:
    month = xr.DataArray([1, 2, 3], dims="month", name="month")
    era5 = xr.DataArray([270.0, 271.0, 275.0], coords={"month": month}, dims="month",
                        attrs={"units": "K"})
    cmip6 = xr.DataArray([273.0, 275.5], coords={"month": [1, 2], "height": 2.0},
                         dims="month", attrs={"units": "K"})
    result = combine(era5, cmip6)
    assert list(result.month.values) == [1, 2] and "height" not in result.coords
    np.testing.assert_allclose(result["difference"].values, [3.0, 4.5])
    assert result["difference"].attrs["units"] == "K"

    import matplotlib

    matplotlib.use("Agg")
    result.attrs.update({"era5_years": "1990-2019", "cmip6_years": "2071-2100"})
    ax = plot_comparison(result)
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["ERA5 1990-2019", "CMIP6 2071-2100"]
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), [273.0, 275.5])
    target = tmp_path / "plot.png"
    ax.figure.savefig(target)
    assert target.stat().st_size > 5000


def test_era5_vs_cmip6_end_to_end(client: Any, data: helpers.GeneratedData) -> None:
    catalog = Catalog.open(data.catalog)
    from proximate import clear_read_log

    clear_read_log(client)
    result = era5_vs_cmip6(client, catalog, era5_years=[2018, 2019], cmip6_years=[2016, 2017],
                           months=[1, 7], lat=(-50, 50), lon=(-30, 100), timeout=60)
    assert list(result.month.values) == [1, 7]
    assert result.attrs["era5_region"] == ERA5_REGION
    assert result.attrs["cmip6_region"] == CMIP6_REGION
    np.testing.assert_allclose(result["difference"].values,
                               result["cmip6"].values - result["era5"].values)
    # ERA5 oracle: weighted box mean over every hourly field of the month.
    expected = []
    for month in (1, 7):
        series = []
        for year in (2018, 2019):
            with xr.open_dataset(data.era5_files[(year, month)], engine="h5netcdf") as ds:
                sub = ds[ERA5_VAR].sel(lat=slice(50, -50))  # 45 .. -45
                sub = sub.isel(lon=np.nonzero(lon_mask(sub.lon.values, (-30, 100)))[0])
                w = np.cos(np.deg2rad(sub.lat.values))
                series.append((sub.values * w[None, :, None]).sum(axis=(1, 2))
                              / (w.sum() * sub.sizes["lon"]))
        expected.append(np.concatenate(series).mean())
    np.testing.assert_allclose(result["era5"].values, expected, rtol=1e-6)
    log = read_log(client)
    assert {r.worker[:9] for r in log if r.region == ERA5_REGION} == {ERA5_REGION}
    assert {r.worker[:9] for r in log if r.region == CMIP6_REGION} == {CMIP6_REGION}


def test_missing_entries_are_a_clear_error(client: Any, data: helpers.GeneratedData) -> None:
    catalog = Catalog.open(data.catalog)
    with pytest.raises(NoMatchingEntries, match=r"dataset 'era5' matches .*year=\[1950\]"):
        open_era5(client, catalog, years=[1950])
    with pytest.raises(NoMatchingEntries, match="experiment_id=\\['ssp119'\\]"):
        era5_vs_cmip6(client, catalog, era5_years=[2018], cmip6_years=[2016],
                      cmip6={"experiment_id": "ssp119"}, timeout=30)
