"""Both stores number queued callbacks alike and forget a watched task alike: deliveries are
numbered 1, 2, 3 in the order they are queued (whichever have been removed meanwhile), and
unwatching a task that is no longer (or never was) watched changes nothing."""

from __future__ import annotations

from typing import Any

from generator.runtime.mock.store import Delivery

from .test_mock_state import store, task

__all__ = ["store"]  # the fixture: a memory store, then a SQLite one


def delivery(task_id: str) -> Delivery:
    return Delivery(task_id, "http://hooks/x", "succeeded", {"id": task_id}, 0, 5.0)


def test_deliveries_are_numbered_one_two_three_in_the_order_queued(store: Any) -> None:
    queued = [delivery(f"t{i}") for i in range(3)]
    for each in queued:
        store.add_delivery(each)
    assert [d.id for d in queued] == [1, 2, 3]
    store.remove_delivery(queued[2])
    later = delivery("t3")
    store.add_delivery(later)
    assert later.id == 4
    assert [(d.id, d.task_id) for d in store.deliveries()] == [(1, "t0"), (2, "t1"), (4, "t3")]


def test_unwatching_a_task_not_watched_changes_nothing(store: Any) -> None:
    for name in ("t1", "t2"):
        store.add(task(name))
    store.watch(store.find("t1"))
    store.unwatch("t2")  # never watched
    store.unwatch("t1")
    store.unwatch("t1")  # no longer watched
    store.unwatch("no-such-task")
    assert store.watched() == []
    store.watch(store.find("t2"))
    assert [t.id for t in store.watched()] == ["t2"]
