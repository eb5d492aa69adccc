"""The garbage collector as the serve command tunes it (``generator.runtime.mock.collector``):
what exists and what survives a collection is frozen, a full collection comes every so many
collections and then finds what was frozen, and serving runs it between requests."""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Iterator
from typing import Any

import pytest

from generator.runtime.mock import serve
from generator.runtime.mock.collector import Collector


@pytest.fixture
def installed() -> Iterator[Collector]:
    before = gc.get_threshold()
    collector = Collector(young_objects=5_000, full_every=3)
    collector.install()
    try:
        yield collector
    finally:
        collector.uninstall()
        assert gc.get_threshold() == before


class _Node:
    other: _Node | None = None


def _cycle() -> _Node:
    """Two objects that hold each other: only the collector can free them."""
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    return a


def test_installing_freezes_what_exists_and_sets_the_young_threshold() -> None:
    before = gc.get_freeze_count()  # a runner may have frozen its own heap already
    fresh = [[index] for index in range(2000)]  # made since: not frozen yet
    collector = Collector(young_objects=5_000, full_every=3)
    collector.install()
    try:
        assert gc.get_freeze_count() >= before + len(fresh)
        assert gc.get_threshold() == (5_000, 20, 20)
        assert collector.after_collection in gc.callbacks
    finally:
        collector.uninstall()


def test_uninstalling_thaws_everything_and_restores_the_threshold() -> None:
    before = gc.get_threshold()
    collector = Collector(young_objects=1234)
    collector.install()
    collector.uninstall()
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == before
    assert collector.after_collection not in gc.callbacks


def test_uninstalling_what_was_never_installed_keeps_the_threshold() -> None:
    before = gc.get_threshold()
    gc.set_threshold(4321, 9, 8)
    try:
        Collector().uninstall()
        assert gc.get_threshold() == (4321, 9, 8)
    finally:
        gc.set_threshold(*before)


def test_what_survives_a_young_collection_is_frozen(installed: Collector) -> None:
    frozen = gc.get_freeze_count()
    kept = [{"n": [i]} for i in range(2000)]  # each dict holds a list: both tracked
    gc.collect(0)
    assert gc.get_freeze_count() >= frozen + 2 * len(kept)
    assert installed.collections == 1


def test_a_full_collection_falls_due_every_full_every_collections(installed: Collector) -> None:
    gc.collect(0)
    gc.collect(0)
    assert (installed.collections, installed.full_due) == (2, False)
    gc.collect(0)
    assert (installed.collections, installed.full_due) == (3, True)


def test_a_cycle_frozen_in_use_is_found_by_the_full_collection_when_due(
    installed: Collector,
) -> None:
    held = _cycle()
    alive = weakref.ref(held)
    gc.collect(0)  # in use at this collection: frozen with the survivors
    del held
    gc.collect()
    assert alive() is not None  # frozen now: no collection looks at it
    assert installed.collect_if_due() == 0  # not due yet (2 collections of 3)
    assert alive() is not None
    gc.collect(0)  # the third
    assert installed.full_due
    assert installed.collect_if_due() >= 2  # thawed and found
    assert alive() is None
    assert installed.full_due is False


def test_the_full_collection_freezes_what_it_leaves(installed: Collector) -> None:
    for _ in range(3):
        gc.collect(0)
    installed.collect_if_due()
    assert gc.get_freeze_count() > 1000  # frozen again once the full collection was over


class _Stop(Exception):
    pass


class _Counting(Collector):
    """A collector whose full collection stops the serving loop the third time it is asked."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []

    def collect_young(self) -> None:
        self.asked.append("young")

    def collect_if_due(self) -> int:
        self.asked.append("full")
        if len(self.asked) == 6:
            raise _Stop
        return 0


def test_serving_collects_young_objects_and_asks_for_a_full_collection_every_tick(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(serve, "YOUNG_SECONDS", 0)
    collector = _Counting()
    with pytest.raises(_Stop):
        asyncio.run(serve._collect_when_due(collector))
    assert collector.asked == ["young", "full"] * 3


def test_a_young_collection_between_requests_freezes_what_was_made_and_counts_it(
    installed: Collector,
) -> None:
    frozen = gc.get_freeze_count()
    kept = [[i] for i in range(3000)]
    installed.collect_young()
    assert gc.get_freeze_count() >= frozen + len(kept)
    assert installed.collections == 1
    assert len(kept) <= installed.collected < installed.young_objects


def test_young_objects_are_walked_even_while_freeing_old_ones_keeps_the_count_down(
    installed: Collector,
) -> None:
    """A bounded store forgetting old tasks frees frozen objects as fast as new ones come:
    the threshold's count stays low, and only the timed collection walks the new ones."""
    old = [[i] for i in range(3000)]
    gc.collect(0)  # frozen now
    frozen = gc.get_freeze_count()
    new = []
    for i in range(3000):
        new.append([i])
        old.pop()  # one frozen object freed for each made
    assert gc.get_count()[0] < 1000
    installed.collect_young()
    assert gc.get_freeze_count() >= frozen - 3000 + len(new)


def test_a_full_collection_falls_due_once_enough_objects_were_collected_young(
    installed: Collector,
) -> None:  # young_objects 5,000 and full_every 3: due past 15,000 objects
    batches = []  # each under the threshold: no collection but these
    for _ in range(3):
        batches.append([[i] for i in range(4000)])
        installed.collect_young()
    assert (installed.collections, installed.full_due) == (3, False)
    assert 11_000 <= installed.collected < 15_000  # the count: objects made less those freed
    batches.append([[i] for i in range(4000)])
    installed.collect_young()
    assert installed.full_due
    assert installed.collected == 0


def test_serve_all_stops_asking_once_the_servers_stop() -> None:
    """No server to serve: serve_all ends at once, and its collecting task with it."""
    collector = _Counting()

    async def go() -> set[asyncio.Task[Any]]:
        await serve.serve_all([], collector)
        await asyncio.sleep(0)  # the cancelled task's turn to end
        return {t for t in asyncio.all_tasks() if t is not asyncio.current_task()}

    assert asyncio.run(go()) == set()
    assert collector.asked == []
