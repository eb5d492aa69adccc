"""Which test runs which line of generator/runtime/: a pytest plugin (``-p mutation.lines``)
for the coverage run ``make mutants`` starts before mutmut, never for CI.

With ``MUTATION_LINES`` set to a data file, coverage.py measures the runtime while the tests
run, each test under its own context (its node id), and writes the data at the end.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import coverage
import pytest

_coverage: coverage.Coverage | None = None


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


def pytest_unconfigure(config: pytest.Config) -> None:
    if _coverage is not None:
        _coverage.stop()
        _coverage.save()
