"""Catalog: NDJSON backend, entry model, facets and errors."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from conftest import FIXTURE_CATALOG
from proximate import Catalog, CatalogEntry, CatalogError, DatasetNotFound
from proximate.catalog import NdjsonCatalog, build_filters


@pytest.fixture()
def catalog() -> Catalog:
    return Catalog.open(FIXTURE_CATALOG)


def test_fixture_documents_have_the_catalog_schema() -> None:
    lines = FIXTURE_CATALOG.read_text().splitlines()
    assert len(lines) == 33
    required = {"id", "dataset", "region", "pool", "layout", "format", "s3_uri", "lustre_path",
                "key", "size_bytes", "object_count", "last_modified", "name"}
    for line in lines:
        doc = json.loads(line)
        assert required <= doc.keys()
        assert doc["pool"] == f"pool-{doc['region']}"
        assert doc["id"] == f"{doc['dataset']}:{doc['lustre_path'][len('/fsx/' + doc['dataset']) + 1:]}" \
            + ("/" if doc["format"] == "zarr" else "")
        if doc["format"] == "zarr":
            assert doc["s3_uri"].endswith("/") and not doc["lustre_path"].endswith("/")
            assert doc["name"].startswith("CMIP6.ScenarioMIP.MOHC.")


def test_search_era5_by_variable_years_months(catalog: Catalog) -> None:
    entries = catalog.search("era5", variable="air_temperature_at_2_metres",
                             years=range(2018, 2020), months=[1, 7])
    assert [(e.year, e.month) for e in entries] == [(2018, 1), (2018, 7), (2019, 1), (2019, 7)]
    first = entries[0]
    assert first.region == "us-east-1" and first.pool == "pool-us-east-1"
    assert first.s3_uri == "s3://era5-pds/2018/01/data/air_temperature_at_2_metres.nc"
    assert first.lustre_path == "/fsx/era5/2018/01/data/air_temperature_at_2_metres.nc"
    assert first.format == "netcdf" and first.layout == "era5"
    assert first.facets == {"year": 2018, "month": 1, "variable": "air_temperature_at_2_metres"}


def test_single_year_and_string_month_match(catalog: Catalog) -> None:
    assert len(catalog.search("era5", years=2019, months="02")) == 3  # three variables
    mains = catalog.search("era5", name="main")
    assert [e.key for e in mains] == ["2018/01/main.nc", "2019/01/main.nc"]
    assert all(e.variable is None for e in mains)


def test_search_cmip6_facets(catalog: Catalog) -> None:
    entries = catalog.search("cmip6", activity_id="ScenarioMIP", experiment_id="ssp585",
                             source_id="UKESM1-0-LL", member_id="r1i1p1f2", table_id="Amon",
                             variable_id="tas")
    assert len(entries) == 1
    entry = entries[0]
    assert entry.region == "us-west-2" and entry.pool == "pool-us-west-2"
    assert entry.format == "zarr" and entry.variable == "tas" and entry.version == "v20190507"
    assert entry.s3_uri == ("s3://cmip6-pds/CMIP6/ScenarioMIP/MOHC/UKESM1-0-LL/ssp585/"
                            "r1i1p1f2/Amon/tas/gn/v20190507/")
    assert entry.lustre_path == "/fsx/cmip6/UKESM1-0-LL/ssp585/r1i1p1f2/Amon/tas/gn/v20190507"
    both = catalog.search("cmip6", experiment_id=["ssp245", "ssp585"], variable_id="tas",
                          table_id="Amon")
    assert {(e.source_id, e.experiment_id, e.member_id) for e in both} == {
        ("UKESM1-0-LL", "ssp585", "r1i1p1f2"), ("UKESM1-0-LL", "ssp245", "r1i1p1f2"),
        ("UKESM1-0-LL", "ssp585", "r2i1p1f2"), ("HadGEM3-GC31-LL", "ssp585", "r1i1p1f3")}


def test_entries_are_frozen_and_round_trip(catalog: Catalog) -> None:
    entry = catalog.search("cmip6", variable_id="pr")[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.region = "eu-west-2"  # type: ignore[misc]
    assert CatalogEntry.from_document(entry.to_document()) == entry
    assert hash(entry) == hash(CatalogEntry.from_document(entry.to_document()))


def test_datasets_regions_facets_summary(catalog: Catalog) -> None:
    assert catalog.datasets() == {"cmip6": ["us-west-2"], "era5": ["us-east-1"]}
    assert catalog.regions("era5") == ["us-east-1"]
    facets = catalog.facets("cmip6", ["source_id", "experiment_id", "table_id"])
    assert facets == {"source_id": ["HadGEM3-GC31-LL", "UKESM1-0-LL"],
                      "experiment_id": ["ssp245", "ssp585"], "table_id": ["Amon", "day"]}
    readme = catalog.search("cmip6", format="object")
    assert [(e.name, e.size_bytes, e.last_modified) for e in readme] == [("README.txt", None, None)]
    summary = catalog.summary()
    assert [(r["dataset"], r["region"], r["pool"], r["entries"]) for r in summary] == [
        ("cmip6", "us-west-2", "pool-us-west-2", 7), ("era5", "us-east-1", "pool-us-east-1", 26)]
    assert summary[1]["size_bytes"] > 10 * 10**9


def test_unknown_dataset_names_the_existing_ones(catalog: Catalog) -> None:
    with pytest.raises(DatasetNotFound) as info:
        catalog.search("era6", years=2018)
    assert info.value.dataset == "era6"
    assert "'era6'" in str(info.value) and "cmip6, era5" in str(info.value)
    with pytest.raises(DatasetNotFound):
        catalog.regions("cmip5")


def test_known_dataset_without_match_is_empty(catalog: Catalog) -> None:
    assert catalog.search("era5", years=1950) == []
    assert len(catalog.search("era5", limit=5)) == 5


def test_bad_facet_and_bad_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown catalog facet 'colour'"):
        build_filters(colour="red")
    bad = tmp_path / "bad.ndjson"
    bad.write_text('{"id": "a"}\n\nnot json\n')
    with pytest.raises(CatalogError, match=r"bad.ndjson:3: not JSON"):
        Catalog(NdjsonCatalog(bad)).search()
    incomplete = tmp_path / "incomplete.ndjson"
    incomplete.write_text('{"id": "a", "dataset": "era5"}\n')
    with pytest.raises(CatalogError, match="lacks required fields"):
        Catalog(NdjsonCatalog(incomplete)).search()
    with pytest.raises(CatalogError, match="cannot read catalog file"):
        Catalog.open(tmp_path / "missing.ndjson").search()


def test_open_uses_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROXIMATE_CATALOG", str(FIXTURE_CATALOG))
    assert isinstance(Catalog.open().backend, NdjsonCatalog)
    monkeypatch.delenv("PROXIMATE_CATALOG")
    with pytest.raises(CatalogError, match="PROXIMATE_CATALOG"):
        Catalog.open()


def test_reads_the_catalog_cli_output() -> None:
    """catalog-cli.ndjson is the project's catalog CLI output for its own key fixtures:

    npx tsx scripts/catalog/cli.ts --region us-east-1 --dataset era5 --s3 s3://era5-pds \\
        --path /era5 --keys __tests__/fixtures/catalog/era5-keys.tsv
    npx tsx scripts/catalog/cli.ts --region us-west-2 --dataset cmip6 \\
        --s3 s3://cmip6-pds/CMIP6/ScenarioMIP/MOHC --path /cmip6 \\
        --keys __tests__/fixtures/catalog/cmip6-keys.tsv --sort-keys
    """
    from proximate import lustre_to_s3, s3_to_lustre

    catalog = Catalog.open(FIXTURE_CATALOG.parent / "catalog-cli.ndjson")
    entries = catalog.search()
    assert len(entries) == 14
    assert catalog.datasets() == {"cmip6": ["us-west-2"], "era5": ["us-east-1"]}
    for entry in entries:
        assert s3_to_lustre(entry.s3_uri, entry.dataset) == entry.lustre_path
        assert lustre_to_s3(entry.lustre_path, entry.dataset,
                            directory=entry.format == "zarr") == entry.s3_uri
    t2m = catalog.search("era5", variable="air_temperature_at_2_metres", years=2018)
    assert [(e.month, e.format) for e in t2m] == [(1, "netcdf"), (1, "zarr"), (2, "netcdf")]
    assert all(e.name == e.variable for e in t2m)
    zarr = [e for e in t2m if e.format == "zarr"][0]
    assert zarr.lustre_path == "/fsx/era5/zarr/2018/01/data/air_temperature_at_2_metres.zarr"
    assert [e.key for e in catalog.search("era5", name="main")] == \
        ["2018/01/main.nc", "2018/02/main.nc"]
    tas = catalog.search("cmip6", variable_id="tas", table_id="Amon", experiment_id="ssp585")
    assert [e.source_id for e in tas] == ["UKESM1-0-LL"] and tas[0].format == "zarr"
