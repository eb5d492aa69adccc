"""The garbage collector as a long-running server wants it (the serve command, and through it
the benchmarks' reference servers).

A served mock keeps what it stores (tasks, the journal) for a long time, and left as it is the
collector walks all of that again and again: a young collection's survivors are walked by the
next middle one, and full collections walk the whole heap. Every walk holds up every request
for as long as it takes, tens to hundreds of milliseconds once 100,000 tasks are stored.

Yet a mock's answers leave no reference cycles behind (``tests/test_mock_no_cycles.py``): what
outlives a young collection is either kept or later freed by its reference count, and the
collector has nothing to find in it. So:

- what the server made while starting, and what survives each collection, is frozen
  (``gc.freeze``): no later collection walks it, and it is still freed as usual when no longer
  referenced;
- young collections come often and stay short: serving runs one between requests every
  ``YOUNG_SECONDS`` (``collect_young``), and the collector's own threshold, every
  ``YOUNG_OBJECTS`` new container objects, is only a backstop. Left to the threshold alone, a
  collection came every 1,500 submits or so and took 1-2.5 ms, and every request queued
  behind it waited that long: under load, that set the p99. Worse, the threshold counts
  objects made less objects freed, so while a bounded store forgets old tasks the count stays
  near zero and the young objects pile up unwalked: the first collection after that took 22 ms;
- once about ``YOUNG_OBJECTS * FULL_EVERY`` objects have been collected young, everything
  frozen is thawed and collected in full, once, from the event loop between requests
  (``collect_if_due``): a cycle some library made and that was frozen while still in use is
  found there, so none is kept for good.
"""

from __future__ import annotations

import gc
from typing import Any

YOUNG_OBJECTS = 10_000  # new container objects between two young collections, at the most
FULL_EVERY = 1_000  # YOUNG_OBJECTS-sized collections between two full ones (10 million objects)
YOUNG_SECONDS = 0.025  # how often serving collects young objects between requests


class Collector:
    """The tuning above, installed by :meth:`install`. ``collections`` counts the collections
    seen and ``collected`` the young objects they covered (a threshold's collection counts as
    ``young_objects``, one of :meth:`collect_young` as many as were counted when it began);
    ``full_due`` says a full one is to run at the next :meth:`collect_if_due`."""

    def __init__(self, young_objects: int = YOUNG_OBJECTS, full_every: int = FULL_EVERY) -> None:
        self.young_objects = young_objects
        self.full_every = full_every
        self.collections = 0
        self.collected = 0
        self.full_due = False
        self._young: int | None = None  # the count a running collect_young began with
        self._previous = gc.get_threshold()

    def install(self) -> None:
        """Freeze what exists now, collect young objects every ``young_objects``, and freeze
        the survivors of each collection."""
        self._previous = gc.get_threshold()
        gc.freeze()
        gc.set_threshold(self.young_objects, 20, 20)
        gc.callbacks.append(self.after_collection)

    def uninstall(self) -> None:
        """The collector as it was before :meth:`install`, everything frozen thawed."""
        if self.after_collection in gc.callbacks:
            gc.callbacks.remove(self.after_collection)
        gc.set_threshold(*self._previous)
        gc.unfreeze()

    def after_collection(self, phase: str, info: dict[str, Any]) -> None:
        """``gc.callbacks``: once a collection is over, what survived it is frozen."""
        if phase != "stop":
            return
        gc.freeze()
        self.collections += 1
        self.collected += self.young_objects if self._young is None else self._young
        if self.collected >= self.young_objects * self.full_every:
            self.collected = 0
            self.full_due = True  # not from here: a collection cannot start inside one

    def collect_young(self) -> None:
        """A young collection now, from the event loop between requests: what was made since
        the last one is walked once and frozen, a pause of a fraction of a millisecond."""
        self._young = gc.get_count()[0]
        try:
            gc.collect(0)
        finally:
            self._young = None

    def collect_if_due(self) -> int:
        """The full collection, when due: everything thawed, collected, frozen again. The
        number of unreachable objects it found (0 when none was due)."""
        if not self.full_due:
            return 0
        self.full_due = False
        gc.unfreeze()
        return gc.collect()
