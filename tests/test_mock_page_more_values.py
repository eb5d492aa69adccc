"""``mock.page``: the state's exact fields, the page data's no-store header, and the task page
read from a SQLite store (whose mapping of tasks is no dict)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.runtime.clock import VirtualClock
from generator.runtime.mock.messages import MockRequest
from generator.runtime.mock.page import MAX_ACCOUNTS, route, state, tasks
from generator.runtime.mock.serve import build_mock, vendor_packages
from generator.runtime.mock.sqlite import SqliteStore
from generator.runtime.mock.store import Delivery

from .test_mock_page_values import attempt, stored

PACKAGES = vendor_packages()


@pytest.mark.parametrize(
    "path",
    ["/_mock/state", "/_mock/tasks", "/_mock/journal/page"],
    ids=["state", "tasks", "journal"],
)
def test_the_pages_data_is_never_cached(path: str) -> None:
    mock = build_mock(PACKAGES[0])
    answer = route(mock, MockRequest("GET", path, "http://m"), path)
    assert answer is not None
    assert (answer.status, answer.headers) == (200, {"cache-control": "no-store"})
    assert json.loads(answer.body)["limit" if path != "/_mock/state" else "journal_limit"]


@pytest.mark.parametrize("package", PACKAGES, ids=PACKAGES)
def test_the_state_names_the_vendor_the_journal_limit_and_the_callbacks(package: str) -> None:
    mock = build_mock(package, clock=VirtualClock(start=3.0), journal_limit=7)
    mock.callbacks.attempts.extend([attempt("t1", 0, False, 1.0), attempt("t1", 1, True, 2.0)])
    mock.store.add_delivery(Delivery("t2", "http://hooks.test/cb", "succeeded", {}, 0, 9.0))
    found = state(mock)
    vendor = mock.vendor
    assert found["vendor"] == {
        "package": package,
        "title": vendor.title,
        "base_url": vendor.base_url,
    }
    assert found["journal_limit"] == 7
    assert found["callbacks"] == {
        "sent": 2,
        "pending": 1,
        "declared": vendor.callback is not None,
    }


def test_the_state_shows_at_most_its_share_of_accounts_but_counts_them_all() -> None:
    mock = build_mock(PACKAGES[0])
    for n in range(MAX_ACCOUNTS + 5):
        mock.add_credential(f"key-number-{n}", 1)
    found = state(mock)
    assert len(mock.accounts) >= MAX_ACCOUNTS + 5
    assert len(found["accounts"]) == MAX_ACCOUNTS
    assert found["accounts_total"] == len(mock.accounts)


def test_the_task_page_of_a_state_file_is_newest_first(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "state.sqlite3", vendor=PACKAGES[0])
    try:
        mock = build_mock(PACKAGES[0], clock=VirtualClock(start=12.0), store=store)
        for i in range(4):
            mock.store.add(stored(f"t{i}", float(i)))
        page = tasks(mock, 1, 2, "", "")
        assert (page["total"], [row["id"] for row in page["items"]]) == (4, ["t2", "t1"])
        running = tasks(mock, 0, 10, "running", "")
        assert [row["id"] for row in running["items"]] == ["t3", "t2"]  # t1 ends at 12
    finally:
        store.close()
