"""Demand scaling on the emulation (bench:scaling): from zero, burst, scale-in during a
computation with 0 lost keys and 0 recomputed tasks, idle to zero, wake again. Needs root."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from emu.scaling import IDLE_LOWER_BOUND, SHORT_POOL, bench

SCALING_STATE = Path("/run/proximate-emulate-e2e-scaling")


@pytest.fixture(scope="module")
def scaling(artifacts: Path) -> dict[str, Any]:
    report = bench(SCALING_STATE, prefix="pxsc")
    (artifacts / "scaling.json").write_text(json.dumps(report, sort_keys=True) + "\n")
    return report


def test_a_pool_at_zero_wakes_for_queued_work(scaling: dict[str, Any]) -> None:
    zero = scaling["from_zero"]
    assert zero["first_task_seconds"] > 0 and zero["result_seconds"] < 60
    assert zero["helper_reported"] and "is waking up" in zero["helper_reported"][0]
    assert scaling["other_pools_started_tasks"] == 0  # no demand, no tasks elsewhere


def test_a_burst_raises_the_desired_count_within_one_publishing_interval(scaling: dict[str, Any]) -> None:
    burst = scaling["burst"]
    assert burst["desired_rose_after_seconds"] is not None
    assert burst["desired_rose_after_seconds"] <= burst["publish_interval_seconds"] + 0.5
    assert burst["max_running"] >= 2


def test_scale_in_during_a_computation_loses_and_recomputes_nothing(scaling: dict[str, Any]) -> None:
    scale_in = scaling["scale_in"]
    assert scale_in["tasks_stopped_during_computation"] >= 1
    assert scale_in["stopped_while_protected"] == 0
    assert scale_in["drained_tasks"] >= 1 and scale_in["keys_moved"] >= 1
    assert scale_in["lost_keys"] == 0 and scale_in["recomputed_tasks"] == 0
    assert scale_in["tasks_processed"] == scale_in["tasks"]
    assert scale_in["identical_to_undisturbed"]
    assert scaling["bytes_between_worker_regions"] == 0  # keys moved within the pool only


def test_an_idle_pool_goes_to_zero_after_its_idle_time_and_wakes_again(scaling: dict[str, Any]) -> None:
    idle = scaling["idle"]
    assert idle["empty_after_seconds"] is not None
    assert IDLE_LOWER_BOUND <= idle["empty_after_seconds"] <= SHORT_POOL["idleSeconds"] + 30
    assert scaling["wake_again"]["first_task_seconds"] > 0
    assert scaling["ok"], scaling["checks"]
