"""Queuing callbacks, by value, on both stores: each status a watched task reaches is queued
once, however often the dispatcher looks (a SQLite store reads the task afresh each time, so
the statuses already reported must have been saved), and a task that has succeeded or failed
is watched no more. Vendors are found by their ``x-sdk-callback`` and the statuses it names."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.runtime.mock import VendorMock
from generator.runtime.mock.sqlite import SqliteStore
from generator.runtime.mock.store import MemoryStore, MockTask
from generator.runtime.vendor import Vendor

from .vendors import all_vendors

CALLED_BACK = [v for v in all_vendors() if v.callback is not None]
STAGED = [v for v in CALLED_BACK if {"queued", "running"} & set(v.callback.when)]
QUEUE, RUN = 2.0, 5.0  # the task's seconds queued, then running


@pytest.fixture(params=["memory", "sqlite"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def mock_on(vendor: Vendor, kind: str, tmp_path: Path) -> VendorMock:
    if kind == "memory":
        return VendorMock(vendor, store=MemoryStore(None))
    return VendorMock(vendor, store=SqliteStore(tmp_path / "state.sqlite3", vendor=vendor.package))


def watched_task(mock: VendorMock, outcome: str = "succeeded") -> MockTask:
    op = next(op for op in mock.vendor.operations if op.role == "submit")
    task = MockTask(
        id="task1",
        account=mock._default_credentials[0],
        operation=op.name,
        created_at=mock.clock.time(),
        queue_seconds=QUEUE,
        run_seconds=RUN,
        outcome=outcome,  # type: ignore[arg-type]
        effect=op.mock.effect,
        args={},
        inputs={},
        base_url="http://mock.invalid",
        callback_url="http://hooks.invalid/cb",
    )
    mock.store.add(task)
    mock.callbacks.watch(task)
    return task


def queued(mock: VendorMock) -> list[str]:
    return [d.status for d in mock.store.deliveries()]


def statuses_by(vendor: Vendor, reached: list[str]) -> list[str]:
    return [s for s in reached if s in vendor.callback.when]


@pytest.mark.parametrize("vendor", STAGED, ids=[v.package for v in STAGED])
def test_a_status_is_queued_once_however_often_the_dispatcher_looks(
    vendor: Vendor, kind: str, tmp_path: Path
) -> None:
    mock = mock_on(vendor, kind, tmp_path)
    start = watched_task(mock).created_at
    running = start + QUEUE + RUN / 2
    for _ in range(3):
        mock.callbacks.collect(running)
    assert queued(mock) == statuses_by(vendor, ["queued", "running"])
    assert list(mock.callbacks.watched) == ["task1"]  # still running: still watched
    assert mock.store.find("task1").reported == frozenset(queued(mock))
    mock.store.close()


@pytest.mark.parametrize("outcome", ["succeeded", "failed"])
@pytest.mark.parametrize("vendor", CALLED_BACK, ids=[v.package for v in CALLED_BACK])
def test_a_finished_task_is_queued_once_and_watched_no_more(
    vendor: Vendor, outcome: str, kind: str, tmp_path: Path
) -> None:
    mock = mock_on(vendor, kind, tmp_path)
    start = watched_task(mock, outcome).created_at
    assert list(mock.callbacks.watched) == ["task1"]
    for _ in range(2):
        mock.callbacks.collect(start + QUEUE + RUN)
    assert queued(mock) == statuses_by(vendor, ["queued", "running", outcome])
    assert mock.callbacks.watched == {}
    assert mock.store.find("task1").reported == frozenset(queued(mock))
    mock.store.close()


def test_some_vendor_calls_back_before_a_task_ends() -> None:
    """Guard: the first test runs for some spec in specs/."""
    assert STAGED, "no x-sdk-callback names queued or running any more"
