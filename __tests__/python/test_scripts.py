"""The shell entry points CI uses."""

from __future__ import annotations

import subprocess

import helpers


def test_install_deps_is_idempotent() -> None:
    script = helpers.PACKAGE_DIR / "install-deps.sh"
    done = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "already present" in done.stdout


def test_run_tests_treats_no_tests_as_failure() -> None:
    text = (helpers.PACKAGE_DIR / "run-tests.sh").read_text()
    assert "install-deps.sh" in text and "/usr/bin/python3 -m pytest" in text
    assert '-eq 5' in text
