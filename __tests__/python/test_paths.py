"""Path translation between the S3 datasets and the Lustre mounts, and path choice."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURE_CATALOG
from proximate import Catalog, DataSource, choose_path, lustre_to_s3, s3_to_lustre
from proximate.data import source_for
from proximate.paths import default_s3_endpoint, storage_options


@pytest.mark.parametrize(("dataset", "s3_uri", "lustre"), [
    ("era5", "s3://era5-pds/2018/01/data/air_temperature_at_2_metres.nc",
     "/fsx/era5/2018/01/data/air_temperature_at_2_metres.nc"),
    ("era5", "s3://era5-pds/2019/12/main.nc", "/fsx/era5/2019/12/main.nc"),
    ("cmip6", "s3://cmip6-pds/CMIP6/ScenarioMIP/MOHC/UKESM1-0-LL/ssp585/r1i1p1f2/Amon/tas/gn/"
              "v20190507/", "/fsx/cmip6/UKESM1-0-LL/ssp585/r1i1p1f2/Amon/tas/gn/v20190507"),
])
def test_translation_both_ways(dataset: str, s3_uri: str, lustre: str) -> None:
    assert s3_to_lustre(s3_uri, dataset) == lustre
    assert lustre_to_s3(lustre, dataset, directory=s3_uri.endswith("/")) == s3_uri


def test_translation_agrees_with_every_fixture_entry() -> None:
    for entry in Catalog.open(FIXTURE_CATALOG).search():
        assert s3_to_lustre(entry.s3_uri, entry.dataset) == entry.lustre_path
        assert lustre_to_s3(entry.lustre_path, entry.dataset,
                            directory=entry.format == "zarr") == entry.s3_uri


def test_translation_rejects_foreign_paths() -> None:
    with pytest.raises(ValueError, match="not under s3://era5-pds/"):
        s3_to_lustre("s3://cmip6-pds/CMIP6/x", "era5")
    with pytest.raises(ValueError, match="escapes"):
        s3_to_lustre("s3://era5-pds/../secret", "era5")
    with pytest.raises(ValueError, match="not under /fsx/cmip6"):
        lustre_to_s3("/fsx/cmip6-other/x", "cmip6")
    with pytest.raises(ValueError, match="no Lustre mapping for dataset 'goes16'"):
        s3_to_lustre("s3://noaa-goes16/x", "goes16")
    assert s3_to_lustre("s3://era5-pds/", "era5") == "/fsx/era5"


def _source(lustre: str, s3_uri: str = "s3://era5-pds/2018/01/main.nc",
            endpoint: str | None = None) -> DataSource:
    return DataSource("era5", "us-east-1", "pool-us-east-1", "netcdf", lustre, s3_uri, endpoint)


def test_choose_prefers_lustre_then_same_region_s3(tmp_path: Path) -> None:
    present = tmp_path / "main.nc"
    present.write_bytes(b"x")
    assert choose_path(_source(str(present))) == ("lustre", str(present))
    assert choose_path(_source(str(tmp_path / "absent.nc"))) == \
        ("s3", "s3://era5-pds/2018/01/main.nc")
    assert choose_path(_source("/fsx/era5/x.nc"), exists=lambda p: p == "/fsx/era5/x.nc") == \
        ("lustre", "/fsx/era5/x.nc")
    with pytest.raises(FileNotFoundError, match="no S3 URI"):
        choose_path(_source(str(tmp_path / "absent.nc"), s3_uri=""))


def test_storage_options_use_entry_region_and_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    assert storage_options(_source("/x")) == {
        "anon": True, "client_kwargs": {"region_name": "us-east-1"}}
    assert storage_options(_source("/x", endpoint="http://127.0.0.1:4569")) == {
        "anon": True,
        "client_kwargs": {"region_name": "us-east-1", "endpoint_url": "http://127.0.0.1:4569"}}
    assert storage_options(_source("/x", s3_uri="file:///tmp/x.nc")) == {}
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("PROXIMATE_S3_ENDPOINT", "http://127.0.0.1:4570")
    monkeypatch.setenv("PROXIMATE_S3_ANON", "0")
    assert default_s3_endpoint() == "http://127.0.0.1:4570"
    entry = Catalog.open(FIXTURE_CATALOG).search("cmip6", variable_id="pr")[0]
    source = source_for(entry)
    assert source.s3_endpoint == "http://127.0.0.1:4570" and source.s3_anon is False
    assert storage_options(source)["client_kwargs"] == {
        "region_name": "us-west-2", "endpoint_url": "http://127.0.0.1:4570"}
    assert source.pool == "pool-us-west-2" and source.format == "zarr"
