"""A pytest plugin for the runs ``make mutants`` starts (``-p mutation.plugin``), never for CI.

Each mutant's tests run in a process forked from one that has imported and collected the
whole suite. Two things make those runs slow without changing what they find:

- pytest's unraisable-exception plugin calls ``gc.collect()`` twice as a session ends, and in
  such a process that walks (and, after the fork, copies) the whole inherited heap: about
  0.6 s of every mutant's 0.8 s. Freezing the heap as the session starts leaves the objects the
  tests make to the collector, and the inherited ones out of it.
- ``-x`` stops at the first failing test, so a mutant is killed sooner when its fastest tests
  run first. The durations are the ones mutmut recorded in its clean run; a file's tests stay
  together (so its module fixtures are set up once), the file with the fastest test first.
"""

from __future__ import annotations

import gc
import json
import os
from pathlib import Path

import pytest

STATS = Path("mutmut-stats.json")  # mutmut runs the tests from its mutants/ folder
_durations: dict[str, float] | None = None


def durations() -> dict[str, float]:
    """Each test's recorded duration (read once, before the mutants' processes are forked)."""
    global _durations
    if _durations is None:
        try:
            _durations = json.loads(STATS.read_text("utf-8"))["duration_by_test"]
        except (OSError, ValueError, KeyError):
            return {}
    return _durations


def pytest_configure(config: pytest.Config) -> None:
    gc.freeze()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if "__mutmut_" not in os.environ.get("MUTANT_UNDER_TEST", ""):
        durations()  # the fork server's warm-up: children inherit the table
        return
    known = durations()
    fastest: dict[str, float] = {}
    for item in items:
        file = item.nodeid.split("::")[0]
        fastest[file] = min(fastest.get(file, float("inf")), known.get(item.nodeid, float("inf")))

    def order(item: pytest.Item) -> tuple[float, str, float]:
        file = item.nodeid.split("::")[0]
        return fastest[file], file, known.get(item.nodeid, float("inf"))

    items.sort(key=order)
