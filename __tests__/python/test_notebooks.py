"""Notebooks: valid nbformat 4, outputs cleared, logic imported from the package, and they run."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pytest

import helpers

NOTEBOOKS = helpers.PACKAGE_DIR / "notebooks"
NAMES = ("find-data.ipynb", "era5-vs-cmip6.ipynb")


def load(name: str) -> Any:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    return nb


def code_cells(nb: Any) -> list[Any]:
    return [c for c in nb.cells if c.cell_type == "code"]


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_clean_and_uses_the_package(name: str) -> None:
    nb = load(name)
    assert nb.nbformat == 4
    cells = code_cells(nb)
    assert len(cells) >= 5
    for cell in cells:
        assert cell.outputs == [] and cell.execution_count is None
        tree = ast.parse(cell.source)
        compile(cell.source, f"{name}:cell", "exec")
        assert not [n for n in ast.walk(tree)
                    if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.Lambda))], \
            "analysis logic belongs in the proximate package"
        if "parameters" in cell.metadata.get("tags", []):
            continue
        modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert any(m and m.split(".")[0] == "proximate" for m in modules), cell.source


def run_notebook(name: str, overrides: dict[str, Any]) -> dict[str, Any]:
    """Execute the code cells in order, applying overrides after the parameters cell."""
    namespace: dict[str, Any] = {"__name__": "__main__"}
    for cell in code_cells(load(name)):
        exec(compile(cell.source, name, "exec"), namespace)  # noqa: S102 - test harness
        if "parameters" in cell.metadata.get("tags", []):
            namespace.update(overrides)
    return namespace


@pytest.fixture()
def notebook_env(monkeypatch: pytest.MonkeyPatch, cluster: Any,
                 data: helpers.GeneratedData) -> None:
    monkeypatch.setenv("PROXIMATE_SCHEDULER", cluster.scheduler_address)
    monkeypatch.setenv("PROXIMATE_CATALOG", str(data.catalog))
    monkeypatch.setenv("MPLBACKEND", "Agg")


def test_find_data_runs(notebook_env: None) -> None:
    ns = run_notebook("find-data.ipynb", {})
    try:
        assert list(ns["where"]["dataset"]) == ["cmip6", "era5"]
        assert list(ns["where"]["lustre_mount"]) == ["/fsx/cmip6", "/fsx/era5"]
        assert len(ns["era5"]) == 3 and {e.year for e in ns["era5"]} == {2018}
        assert [e.source_id for e in ns["tas"]] == ["UKESM1-0-LL"]
    finally:
        ns["client"].close()


def test_era5_vs_cmip6_runs(notebook_env: None) -> None:
    import matplotlib

    matplotlib.use("Agg")
    ns = run_notebook("era5-vs-cmip6.ipynb", {
        "ERA5_YEARS": [2018, 2019], "CMIP6_YEARS": [2016, 2017], "MONTHS": [1, 7],
        "LAT": (-50.0, 50.0), "LON": (-30.0, 100.0), "TIMEOUT": 60.0})
    try:
        result = ns["result"]
        assert list(result.month.values) == [1, 7]
        assert ns["outcomes"].ok and set(ns["outcomes"]) == {"us-east-1", "us-west-2"}
        step = ns["outcomes"].unwrap()
        np.testing.assert_allclose(step["us-east-1"].values, result["era5"].values)
        np.testing.assert_allclose(step["us-west-2"].values, result["cmip6"].values)
        assert len(ns["ax"].get_lines()) == 2
    finally:
        ns["client"].close()
