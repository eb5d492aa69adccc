"""Which test runs which line of generator/runtime/, and how long each test takes: a pytest
plugin (``-p mutation.lines``) for the coverage run ``make mutants`` starts, never for CI.

With ``MUTATION_LINES`` set to a data file, coverage.py measures the runtime while the tests
run, each test under its own context (its node id), and writes the data at the end, with the
tests' durations beside it (``<file>.durations.<pid>.json``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import coverage
import pytest

_coverage: coverage.Coverage | None = None
_durations: dict[str, float] = {}


def pytest_configure(config: pytest.Config) -> None:
    global _coverage
    if path := os.environ.get("MUTATION_LINES"):
        _coverage = coverage.Coverage(
            data_file=path, data_suffix=True, include=["*/generator/runtime/*"], config_file=False
        )
        _coverage.start()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    if _coverage is not None:
        _coverage.switch_context(item.nodeid)
    yield
    if _coverage is not None:
        _coverage.switch_context("")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if _coverage is not None:
        _durations[report.nodeid] = _durations.get(report.nodeid, 0.0) + report.duration


def pytest_unconfigure(config: pytest.Config) -> None:
    if _coverage is not None:
        _coverage.stop()
        _coverage.save()
        target = Path(f"{os.environ['MUTATION_LINES']}.durations.{os.getpid()}.json")
        target.write_text(json.dumps(_durations), encoding="utf-8")
