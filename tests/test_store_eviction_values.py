"""The memory store's bounds, value by value: which tasks are forgotten past ``max_tasks`` or
``max_image_bytes`` (exactly back to the bound, those that finished first, at most two per
add), how long a task held back for its callback waits before it is looked at again, and that
a forgotten task leaves nothing behind in any index. Written against the mutants ``make
mutants`` showed surviving in ``MemoryStore._evict`` and ``_forget``."""

from __future__ import annotations

from dataclasses import replace

import pytest

from generator.runtime.clock import VirtualClock
from generator.runtime.mock.store import Delivery, MemoryStore, MockTask

from .test_mock_clock_and_store import task


def finished(n: int, *, image: int = 0, ends: float = 10.0, account: str = "k") -> MockTask:
    """Task ``t<n>``, over at ``ends`` (queued at 0, running from 1), with ``image`` bytes."""
    made = task(f"t{n}", account=account, created=0.0, queue=1.0, run=ends - 1.0)
    return replace(made, image=b"\0" * image if image else None)


def ids(store: MemoryStore) -> list[str]:
    return list(store.tasks)


@pytest.mark.parametrize("cap", [10, 25, 100])
def test_one_task_past_the_cap_forgets_the_oldest_one(cap: int) -> None:
    store = MemoryStore(max_tasks=cap, max_image_bytes=None)  # no clock: every task is over
    for n in range(cap + 1):
        store.add(finished(n))

    assert ids(store) == [f"t{n}" for n in range(1, cap + 1)]


def test_adds_past_the_cap_forget_one_task_each_never_a_batch() -> None:
    """Every stored task over and the store at its cap (a served mock after a pause): each add
    forgets one, so no request pays for forgetting many at once."""
    store = MemoryStore(max_tasks=100, max_image_bytes=None)
    for n in range(100):
        store.add(finished(n))

    sizes, first = [], []
    for n in range(100, 150):
        store.add(finished(n))
        sizes.append(len(store))
        first.append(ids(store)[0])

    assert sizes == [100] * 50
    assert first == [f"t{n}" for n in range(1, 51)]


def test_after_a_pause_the_store_comes_back_within_its_cap_one_task_per_add() -> None:
    """Many tasks over at once (a served mock after a pause in its load): no add forgets them
    all; each forgets two, its own place and one of the excess."""
    clock = VirtualClock(start=0.0)
    store = MemoryStore(max_tasks=100, clock=clock, max_image_bytes=None)
    for n in range(150):
        store.add(finished(n, ends=50.0))  # running: nothing can go
    assert len(store) == 150
    clock.advance(60.0)

    sizes = []
    for n in range(150, 210):
        store.add(finished(n, ends=50.0))
        sizes.append(len(store))

    assert sizes == [*range(149, 100, -1), *[100] * 11]
    assert ids(store)[0] == "t110"


def test_input_images_past_their_bound_forget_the_oldest_until_within_it() -> None:
    store = MemoryStore(max_tasks=None, max_image_bytes=1000)
    for n in range(10):
        store.add(finished(n, image=100))
    assert (len(store), store.image_bytes) == (10, 1000)  # at the bound, not past it

    store.add(finished(10, image=100))
    assert ids(store) == [f"t{n}" for n in range(1, 11)]
    assert store.image_bytes == 1000

    store.add(finished(11, image=250))  # 1,250 bytes: two of 100 go now, the rest next time
    assert ids(store) == [f"t{n}" for n in range(3, 12)]
    assert store.image_bytes == 1050

    store.add(finished(12, image=100))
    assert ids(store) == [f"t{n}" for n in range(5, 13)]
    assert store.image_bytes == 950


def test_a_task_over_at_this_very_moment_can_be_forgotten() -> None:
    clock = VirtualClock(start=10.0)
    store = MemoryStore(max_tasks=10, clock=clock, max_image_bytes=None)
    store.add(finished(0, ends=10.0))  # over now
    for n in range(1, 11):
        store.add(finished(n, ends=10.5))  # still running

    assert ids(store) == [f"t{n}" for n in range(1, 11)]


def test_running_watched_and_undelivered_tasks_are_kept_and_the_next_finished_goes() -> None:
    clock = VirtualClock(start=100.0)
    store = MemoryStore(max_tasks=10, clock=clock, max_image_bytes=None)
    store.add(finished(0, ends=200.0))  # running
    store.add(finished(1))
    store.watch(store.tasks["t1"])  # a task someone waits on
    store.add(finished(2))
    store.add_delivery(Delivery("t2", "http://cb.invalid", "succeeded", {}, attempt=1, due=0.0))
    for n in range(3, 11):
        store.add(finished(n))

    assert ids(store) == ["t0", "t1", "t2", *[f"t{n}" for n in range(4, 11)]]


@pytest.mark.parametrize("cap", [10, 100])
def test_when_only_running_tasks_stand_in_the_way_the_next_look_is_once_the_first_is_over(
    cap: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = VirtualClock(start=0.0)
    store = MemoryStore(max_tasks=cap, clock=clock, max_image_bytes=None)
    for n in range(cap + 1):
        store.add(finished(n, ends=50.0 + n))  # all running: nothing can go
    assert len(store) == cap + 1
    reads = []
    plain = MockTask.finishes_at
    monkeypatch.setattr(
        MockTask, "finishes_at", property(lambda t: reads.append(t.id) or plain.fget(t))
    )

    for n in range(cap + 1, 2 * cap):
        store.add(finished(n, ends=60.0))
    clock.advance(50.0)  # t0, and only it, is over: at this very moment
    store.add(finished(2 * cap, ends=60.0))

    # each add before then read only its own task's end, without looking at the others
    assert reads[: cap - 1] == [f"t{n}" for n in range(cap + 1, 2 * cap)]
    assert ids(store)[0] == "t1"  # the first add after t0 was over forgot it at once
    assert len(store) == 2 * cap


@pytest.mark.parametrize("running", [100, 1000])
def test_a_steady_stream_past_the_cap_looks_only_at_what_has_finished(
    running: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Submits arriving as fast as tasks finish, far more of them running than the cap allows
    (a served mock under load): each add forgets the one task that finished, reading the end
    of that task and of its own, never of the others still running."""
    clock = VirtualClock(start=0.0)
    store = MemoryStore(max_tasks=10, clock=clock, max_image_bytes=None)
    for n in range(running):  # one a second, each running for ``running`` seconds
        store.add(task(f"t{n}", created=float(n), queue=0.0, run=float(running)))
        clock.advance(1.0)
    reads: list[str] = []
    plain = MockTask.finishes_at
    monkeypatch.setattr(
        MockTask, "finishes_at", property(lambda t: reads.append(t.id) or plain.fget(t))
    )

    for n in range(running, running + 50):
        store.add(task(f"t{n}", created=float(n), queue=0.0, run=float(running)))
        clock.advance(1.0)

    assert reads == [
        id_ for n in range(running, running + 50) for id_ in (f"t{n}", f"t{n - running}")
    ]
    assert ids(store) == [f"t{n}" for n in range(50, running + 50)]


def test_a_task_whose_times_changed_after_it_was_stored_goes_when_it_is_over_not_before() -> None:
    """The heap files a task by the end it had when stored; one made to run longer since (a
    test moving its times) is kept while it runs and forgotten once it is over."""
    clock = VirtualClock(start=0.0)
    store = MemoryStore(max_tasks=2, clock=clock, max_image_bytes=None)
    store.add(finished(0, ends=10.0))
    store.tasks["t0"].run_seconds = 29.0  # over at 30 now
    store.add(finished(1, ends=20.0))
    clock.advance(25.0)  # past t0's first end and t1's

    store.add(finished(2, ends=40.0))  # past the cap of 2: down to 1 if it can
    assert ids(store) == ["t0", "t2"]  # t1 is over and goes; t0 still runs

    clock.advance(10.0)  # t0 over at 30
    store.add(finished(3, ends=40.0))
    assert ids(store) == ["t2", "t3"]


@pytest.mark.parametrize(("cap", "every"), [(10, 1), (100, 10)], ids=["10", "100"])
def test_a_held_task_is_looked_at_again_once_a_tenth_of_the_cap_later_while_others_go(
    cap: int, every: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = VirtualClock(start=100.0)
    store = MemoryStore(max_tasks=cap, clock=clock, max_image_bytes=None)
    store.add(finished(0))  # over, but its callback is still to send
    store.watch(store.tasks["t0"])
    for n in range(1, cap + 1):
        store.add(finished(n, ends=150.0))  # running; the last add past the cap sets t0 aside
    assert len(store) == cap + 1
    clock.advance(100.0)  # now all are over
    reads: list[str] = []
    plain = MockTask.finishes_at
    monkeypatch.setattr(
        MockTask, "finishes_at", property(lambda t: reads.append(t.id) or plain.fget(t))
    )

    sizes = []
    for n in range(cap + 1, cap + 1 + 3 * every):
        store.add(finished(n))
        sizes.append(len(store))

    assert sizes == [cap] * (3 * every)  # the others go from the first add on
    assert reads.count("t0") == 3  # looked at once every ``every`` adds, and kept
    assert "t0" in store.tasks


def test_a_forgotten_task_leaves_nothing_behind_in_any_index() -> None:
    store = MemoryStore(max_tasks=2, max_image_bytes=None)  # past 2, the oldest goes
    store.add(replace(finished(0, image=7), external_id="mine-0", keys={"image_url": "u0"}))
    store.add(replace(finished(1, image=5, account="other"), keys={"image_url": "u1"}))
    store.add(replace(finished(2, image=3), keys={"image_url": "u2"}))
    store.add(replace(finished(3, image=2, account="other"), external_id="mine-3"))

    assert ids(store) == ["t2", "t3"]
    assert store.image_bytes == 5
    assert not store.external_id_taken("mine-0", "k")
    assert store.external_id_taken("mine-3", "other")
    assert not store.key_taken("k", "image_url", "u0")
    assert not store.key_taken("other", "image_url", "u1")
    assert store.key_taken("k", "image_url", "u2")
    assert store.get("mine-0", "k") is None
    # the per-account indexes hold only the tasks kept (a bounded store must not leak there)
    assert {a: list(i) for a, i in store._by_account.items()} == {"k": ["t2"], "other": ["t3"]}
    assert {a: list(i) for a, i in store._unfinished.items()} == {"k": ["t2"], "other": ["t3"]}
    assert store._by_external == {("other", "mine-3"): "t3"}
    assert store._by_key == {("k", "image_url", "u2"): "t2"}


def test_a_task_already_seen_finished_by_active_is_forgotten_like_any_other() -> None:
    clock = VirtualClock(start=0.0)
    store = MemoryStore(max_tasks=3, clock=clock, max_image_bytes=None)
    for n in range(3):
        store.add(finished(n))
    clock.advance(20.0)
    assert store.active("k", clock.time()) == []  # which drops them from the unfinished index

    store.add(finished(3))

    assert ids(store) == ["t1", "t2", "t3"]


def test_active_drops_finished_tasks_from_its_index_for_good() -> None:
    store = MemoryStore(max_tasks=None, max_image_bytes=None)
    store.add(finished(0, ends=10.0))
    store.add(finished(1, ends=30.0))

    assert [t.id for t in store.active("k", 20.0)] == ["t1"]
    assert list(store._unfinished["k"]) == ["t1"]  # the finished one is not looked at again


def test_an_unwatched_task_is_no_longer_watched_and_can_be_forgotten() -> None:
    store = MemoryStore(max_tasks=3, max_image_bytes=None)
    store.add(finished(0))
    store.watch(store.tasks["t0"])
    store.unwatch("t0")
    assert store.watched() == []

    for n in range(1, 4):
        store.add(finished(n))

    assert ids(store) == ["t1", "t2", "t3"]


def test_removing_a_delivery_twice_is_harmless() -> None:
    store = MemoryStore()
    delivery = Delivery("t0", "http://cb.invalid", "succeeded", {}, attempt=1, due=0.0)
    store.add_delivery(delivery)
    store.remove_delivery(delivery)
    store.remove_delivery(delivery)  # a second sender finishing the same attempt

    assert store.deliveries() == []


def test_a_held_task_does_not_stop_the_next_add_from_forgetting_when_others_can_go() -> None:
    """The wait before looking again is for when nothing past a held task can go; an add that
    stopped at its share, with more finished tasks behind, leaves the next add to go on."""
    clock = VirtualClock(start=0.0)
    store = MemoryStore(max_tasks=100, clock=clock, max_image_bytes=None)
    store.add(finished(0, ends=20.0))
    store.watch(store.tasks["t0"])  # its callback still to send: kept
    for n in range(1, 111):
        store.add(finished(n, ends=30.0))
    clock.advance(40.0)  # all over

    sizes = []
    for n in range(111, 114):
        store.add(finished(n, ends=30.0))
        sizes.append(len(store))

    assert sizes == [110, 109, 108]
    assert "t0" in store.tasks
