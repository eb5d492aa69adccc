"""The mock's clocks and task store, value by value: a task's status, progress and times along
its queue and run time, seeds, accounts' remaining quota, which tasks an account sees. Written
against the mutants ``make mutants`` showed surviving in ``runtime/clock.py`` and
``runtime/mock/store.py``."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from generator.runtime.clock import SystemClock, VirtualClock
from generator.runtime.mock.sqlite import SqliteStore
from generator.runtime.mock.store import Account, MemoryStore, MockTask, TaskStore


def task(
    task_id: str = "t1",
    *,
    account: str = "k",
    created: float = 100.0,
    queue: float = 2.0,
    run: float = 8.0,
    args: dict | None = None,
    external_id: str = "",
) -> MockTask:
    return MockTask(
        id=task_id,
        account=account,
        operation="submit",
        created_at=created,
        queue_seconds=queue,
        run_seconds=run,
        outcome="succeeded",
        effect="",
        args=args or {},
        inputs={},
        base_url="http://mock.invalid",
        external_id=external_id,
    )


# -- a task through queue and run time ------------------------------------------------------------
@pytest.mark.parametrize(
    ("now", "status", "progress"),
    [
        (99.0, "queued", 0.0),
        (100.0, "queued", 0.0),
        (101.999, "queued", 0.0),
        (102.0, "running", 0.0),
        (104.0, "running", 0.25),
        (105.0, "running", 0.375),
        (107.0001, "running", 0.625),  # rounded to four places
        (109.999, "running", 0.9999),
        (110.0, "succeeded", 1.0),
        (500.0, "succeeded", 1.0),
    ],
)
def test_status_and_progress_follow_the_clock(now: float, status: str, progress: float) -> None:
    t = task()
    assert (t.status(now), t.progress(now)) == (status, progress)


def test_a_task_without_run_time_is_done_once_queued() -> None:
    t = task(queue=1.0, run=0.0)
    assert [t.status(n) for n in (100.5, 101.0)] == ["queued", "succeeded"]
    assert t.progress(101.0) == 1.0


def test_when_a_task_reached_each_status() -> None:
    t = task()
    assert t.finishes_at == 110.0
    assert [t.reached_at(s) for s in ("queued", "running", "succeeded")] == [100, 102, 110]
    assert [t.updated_at(n) for n in (101.0, 105.0, 200.0)] == [100, 102, 110]


@pytest.mark.parametrize(
    ("seed", "seeds"),
    [(7, [7, 8, 9]), ("41", [41, 42, 43]), (0, [0, 1, 2])],
)
def test_results_count_up_from_the_callers_seed(seed: object, seeds: list[int]) -> None:
    assert task(args={"seed": seed}).seeds(3) == seeds


@pytest.mark.parametrize("seed", [None, -1, "not a number"])
def test_without_a_seed_each_task_has_its_own_counting_up(seed: object) -> None:
    args = {} if seed is None else {"seed": seed}
    first, other = task("a", args=args).seeds(2), task("b", args=args).seeds(2)
    assert first == task("a", args=args).seeds(2)  # the same task, the same seeds
    assert first != other and first[1] == first[0] + 1 and other[1] == other[0] + 1
    assert all(0 <= s < 2**31 for s in first + other)


# -- accounts and the store -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("quota", "used", "remaining"), [(None, 5, None), (3, 1, 2), (3, 3, 0), (3, 5, 0)]
)
def test_remaining_quota_never_goes_below_zero(quota, used, remaining) -> None:
    assert Account("k", quota=quota, used=used).remaining == remaining


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> TaskStore:
    """Each store the mock can keep its tasks in."""
    if request.param == "memory":
        return MemoryStore(None)
    return SqliteStore(tmp_path / "state.sqlite3", vendor="test")


def test_an_account_finds_its_tasks_by_id_or_its_own_name_and_no_one_elses(
    store: TaskStore,
) -> None:
    mine = store.add(task("t1", account="me", external_id="my-name"))
    store.add(task("t2", account="other", external_id="their-name"))
    assert store.get("t1", "me") == mine and store.get("my-name", "me") == mine
    assert store.get("t2", "me") is None and store.get("their-name", "me") is None
    assert store.get("t1", "other") is None and store.get("", "me") is None
    assert store.external_id_taken("my-name", "me")
    assert not store.external_id_taken("my-name", "other")
    assert not store.external_id_taken("their-name", "me")


def test_an_accounts_tasks_are_listed_newest_first(store: TaskStore) -> None:
    for task_id, created in (("b", 5.0), ("a", 9.0), ("c", 5.0), ("x", 7.0)):
        store.add(task(task_id, created=created, account="other" if task_id == "x" else "me"))
    assert [t.id for t in store.of_account("me")] == ["a", "c", "b"]


# -- clocks -------------------------------------------------------------------------------------
def test_a_virtual_clock_moves_only_forward_and_tells_its_listeners() -> None:
    clock = VirtualClock(start=1000.0)
    heard: list[float] = []
    clock.on_advance(heard.append)
    clock.advance(2.5)
    clock.sleep(0.5)
    clock.advance(0)
    with pytest.raises(ValueError, match=r"^a clock cannot go back$"):
        clock.advance(-0.001)
    asyncio.run(clock.asleep(1.0))
    assert clock.time() == 1004.0
    assert heard == [1002.5, 1003.0, 1003.0, 1004.0]


def test_a_virtual_clocks_async_sleep_only_yields_to_other_tasks(monkeypatch) -> None:
    """It gives the event loop one turn (a real sleep of 0), then moves the clock."""
    real_sleep, slept = asyncio.sleep, []

    async def recording_sleep(seconds: float) -> None:
        slept.append(seconds)
        await real_sleep(0)

    monkeypatch.setattr(asyncio, "sleep", recording_sleep)
    clock = VirtualClock()
    asyncio.run(clock.asleep(3600))
    assert slept == [0] and clock.time() == VirtualClock().time() + 3600


def test_the_virtual_clock_starts_at_the_start_of_2026_utc() -> None:
    assert VirtualClock().time() == 1_767_225_600.0


def test_the_system_clock_is_real_time() -> None:
    clock = SystemClock()
    before = time.time()
    now = clock.time()
    clock.sleep(0.01)
    asyncio.run(clock.asleep(0.01))
    assert before <= now <= time.time() and time.time() - now >= 0.02


def test_the_system_clock_follows_a_patched_time_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """A caller's test that freezes time by patching ``time.time`` (as freezegun does) moves
    the clients' and mocks' real clock too."""
    import time

    from generator.runtime.clock import SystemClock

    monkeypatch.setattr(time, "time", lambda: 1_234.5)

    assert SystemClock().time() == 1_234.5
