"""The page's data (``mock.page``) value by value, without a browser: paging bounds and their
refusals, masked credentials, the shortening of long values, each delivery's state, the
counts and filters of the task and journal pages. The page in a browser, and its data with
10,000 tasks, are in ``tests/test_mock_page.py``."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from generator.runtime.clock import VirtualClock
from generator.runtime.mock.callbacks import Attempt
from generator.runtime.mock.core import VendorMock
from generator.runtime.mock.messages import JournalEntry
from generator.runtime.mock.page import (
    DEFAULT_LIMIT,
    MAX_DEPTH,
    MAX_LIMIT,
    SHORT_LIST,
    SHORT_TEXT,
    PageError,
    _delivery_state,
    _input_names,
    _journal,
    _paging,
    _result_names,
    callbacks,
    journal,
    journal_row,
    mask,
    refusal_of,
    shorten,
    state,
    tasks,
)
from generator.runtime.mock.serve import build_mock, vendor_packages
from generator.runtime.mock.store import Delivery, MockTask


def test_paging_defaults_and_bounds() -> None:
    assert _paging({}) == (0, DEFAULT_LIMIT)
    assert _paging({"offset": "", "limit": ""}) == (0, DEFAULT_LIMIT)
    assert _paging({"offset": "7", "limit": "1"}) == (7, 1)
    assert _paging({"offset": "0", "limit": str(MAX_LIMIT)}) == (0, MAX_LIMIT)


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ({"offset": "-1"}, f"offset must be 0 or more and limit 1 to {MAX_LIMIT}"),
        ({"limit": "0"}, f"offset must be 0 or more and limit 1 to {MAX_LIMIT}"),
        ({"limit": str(MAX_LIMIT + 1)}, f"offset must be 0 or more and limit 1 to {MAX_LIMIT}"),
        ({"offset": "1.5"}, "offset and limit must be whole numbers"),
        ({"limit": "ten"}, "offset and limit must be whole numbers"),
    ],
)
def test_bad_paging_is_refused_saying_why(query: dict[str, str], reason: str) -> None:
    with pytest.raises(PageError) as refused:
        _paging(query)
    assert str(refused.value) == reason and refused.value.__cause__ is None


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("secret-key", "se****"),
        ("abcde", "ab****"),
        ("abcd", "a****"),
        ("k", "k****"),
        ("", "****"),
    ],
)
def test_a_credential_shows_only_its_first_letters(key: str, shown: str) -> None:
    assert mask(key) == shown


def test_long_text_bytes_and_lists_are_shortened_and_short_ones_kept() -> None:
    exact = "x" * SHORT_TEXT
    assert shorten(exact) == exact
    long = "y" * (SHORT_TEXT + 1)
    assert shorten(long) == f"{'y' * SHORT_TEXT}… ({SHORT_TEXT + 1} characters)"
    assert shorten(b"\x00" * 12) == "<12 bytes>"
    assert shorten(list(range(SHORT_LIST))) == list(range(SHORT_LIST))
    assert shorten(tuple(range(SHORT_LIST + 3))) == [*range(SHORT_LIST), "… 3 more"]
    assert shorten({1: long, "n": None, "f": 1.5}) == {"1": shorten(long), "n": None, "f": 1.5}
    assert shorten({f"k{i}": i for i in range(60)}) == {f"k{i}": i for i in range(50)}


def test_values_nested_past_the_depth_limit_are_summed_up() -> None:
    deep: object = {"end": [1, 2]}
    for _ in range(MAX_DEPTH - 1):
        deep = {"in": deep}
    kept = shorten(deep)
    for _ in range(MAX_DEPTH - 1):
        kept = kept["in"]  # type: ignore[index]
    assert kept == {"end": f"… ({len(json.dumps([1, 2]))} characters)"}
    assert shorten([[["x"]]], depth=MAX_DEPTH - 1) == [f"… ({len(json.dumps([['x']]))} characters)"]


@pytest.mark.parametrize(
    ("attempts", "next_at", "state"),
    [
        ([{"accepted": True}], None, "delivered"),
        ([{"accepted": False}, {"accepted": True}], 9.0, "delivered"),
        ([{"accepted": False}], 9.0, "retrying"),
        ([], 9.0, "due"),
        ([{"accepted": False}] * 3, None, "given up"),
        ([{"accepted": False}] * 2, None, "pending"),
        ([], None, "pending"),
    ],
)
def test_each_delivery_state(attempts: list[dict], next_at: float | None, state: str) -> None:
    assert _delivery_state(attempts, next_at, retries=2) == state


def test_an_answer_without_the_vendors_json_or_headers_is_refused_as_its_status() -> None:
    mock = build_mock(vendor_packages()[0])
    entry = JournalEntry(0.0, "POST", "/", status=502, answer=b"<html>bad gateway</html>")
    assert refusal_of(mock, entry) == (None, "HTTP 502")
    assert refusal_of(mock, JournalEntry(0.0, "GET", "/", status=204)) is None


def attempt(task_id: str, number: int, accepted: bool, at: float) -> Attempt:
    payload = {"id": task_id, "n": "x" * (SHORT_TEXT + 1)}
    return Attempt(task_id, "http://hooks.test/cb", "succeeded", payload, number, at, accepted, "")


def test_callbacks_are_grouped_per_task_and_status_newest_first_with_their_state() -> None:
    """Four deliveries: one delivered on its second attempt, one retrying, one due and never
    tried, one given up after the vendor's retries; the newest first."""
    sent = [
        attempt("t1", 0, False, 1.0),
        attempt("t1", 1, True, 2.0),
        attempt("t2", 0, False, 3.0),
        *(attempt("t3", n, False, 4.0 + n) for n in range(3)),
    ]
    due = Delivery("t4", "http://hooks.test/cb", "succeeded", {"id": "t4"}, 0, 9.0)
    retry = Delivery("t2", "http://hooks.test/cb", "succeeded", {"id": "t2"}, 1, 8.0)
    mock = SimpleNamespace(
        callbacks=SimpleNamespace(attempts=sent, pending=[retry, due]),
        vendor=SimpleNamespace(callback=SimpleNamespace(retry_seconds=(5.0, 10.0))),
        clock=SimpleNamespace(time=lambda: 7.5),
    )
    page = callbacks(mock, 0, 10)  # type: ignore[arg-type]
    assert (page["now"], page["total"], page["offset"], page["limit"]) == (7.5, 4, 0, 10)
    rows = page["items"]
    assert [(r["task_id"], r["state"], r["next_at"]) for r in rows] == [
        ("t4", "due", 9.0),
        ("t3", "given up", None),
        ("t2", "retrying", 8.0),
        ("t1", "delivered", None),
    ]
    assert rows[0] == {
        "task_id": "t4",
        "status": "succeeded",
        "url": "http://hooks.test/cb",
        "next_at": 9.0,
        "payload": {"id": "t4"},
        "attempts": [],
        "state": "due",
    }
    assert [a["attempt"] for a in rows[3]["attempts"]] == [1, 2]
    assert rows[3]["payload"]["n"] == shorten("x" * (SHORT_TEXT + 1))
    assert [r["task_id"] for r in callbacks(mock, 1, 2)["items"]] == ["t3", "t2"]  # type: ignore[arg-type]
    mock.callbacks.pending = []  # t2's retry not yet scheduled: pending, with retries left
    assert callbacks(mock, 0, 10)["items"][1]["state"] == "pending"  # type: ignore[arg-type]
    mock.vendor.callback = None  # no retries declared: one failed attempt is given up
    assert callbacks(mock, 0, 10)["items"][1]["state"] == "given up"  # type: ignore[arg-type]


def stored(task_id: str, created: float, **fields: object) -> MockTask:
    defaults: dict[str, object] = {
        "account": "secret-key",
        "operation": "op",
        "queue_seconds": 1.0,
        "run_seconds": 10.0,
        "outcome": "succeeded",
        "effect": "vectorize",
        "args": {},
        "inputs": {},
        "base_url": "http://m",
        "image": b"\x89PNG",
        "external_id": f"ext-{task_id}",
    }
    return MockTask(id=task_id, created_at=created, **{**defaults, **fields})  # type: ignore[arg-type]


@pytest.fixture
def busy() -> VendorMock:
    """A mock at time 12 with five tasks made at 0 to 4 (each queued 1 s, then 10 s running):
    t0 and t1 have ended (t1 failed), t2 to t4 still run."""
    mock = build_mock(vendor_packages()[0], clock=VirtualClock(start=12.0))
    for i in range(5):
        outcome = "failed" if i == 1 else "succeeded"
        mock.store.add(stored(f"t{i}", float(i), outcome=outcome, error="boom"))
    return mock


def test_the_task_page_is_newest_first_filtered_and_counted(busy: VendorMock) -> None:
    def ids(page: dict) -> list[str]:
        return [row["id"] for row in page["items"]]

    first = tasks(busy, 0, 2, "", "")
    assert (first["now"], first["total"], first["offset"], first["limit"]) == (12.0, 5, 0, 2)
    assert ids(first) == ["t4", "t3"]
    assert ids(tasks(busy, 3, 10, "", "")) == ["t1", "t0"]
    running = tasks(busy, 1, 1, "running", "")
    assert (running["total"], ids(running)) == (3, ["t3"])
    assert ids(tasks(busy, 0, 10, "failed", "")) == ["t1"]
    by_caller_id = tasks(busy, 0, 10, "", "ext-t2")
    assert (by_caller_id["total"], ids(by_caller_id)) == (1, ["t2"])
    assert ids(tasks(busy, 0, 10, "succeeded", "t")) == ["t0"]


def test_a_task_row_says_where_the_task_is_and_what_it_has(busy: VendorMock) -> None:
    rows = {row["id"]: row for row in tasks(busy, 0, 10, "", "")["items"]}
    assert rows["t0"] == {
        "id": "t0",
        "external_id": "ext-t0",
        "operation": "op",
        "account": "se****",
        "status": "succeeded",
        "progress": 1.0,
        "created_at": 0.0,
        "started_at": 1.0,
        "finishes_at": 11.0,
        "error": "",
        "callback_url": "",
        "inputs": ["input"],
        "results": ["image.png", "vector.svg"],
    }
    assert (rows["t1"]["status"], rows["t1"]["error"], rows["t1"]["results"]) == (
        "failed",
        "boom",
        [],
    )
    assert (rows["t4"]["status"], rows["t4"]["progress"], rows["t4"]["error"]) == (
        "running",
        0.7,
        "",
    )


def test_inputs_name_the_image_and_each_other_slot_once() -> None:
    image = b"\x89PNG-main"
    task = stored("t", 0.0, slots={"image": image, "mask": b"m", "logo": b"l"}, image=image)
    assert _input_names(task) == ["input", "mask", "logo"]
    assert _input_names(stored("t", 0.0, image=None, slots={"mask": b"m"})) == ["mask"]
    assert _result_names(stored("t", 0.0, effect="no-such-effect")) == []


def test_the_state_counts_tasks_by_status_and_masks_accounts(busy: VendorMock) -> None:
    busy.add_credential("another-key", 3)
    found = state(busy)
    assert found["counts"] == {
        "tasks": 5,
        "journal": 0,
        "succeeded": 1,
        "failed": 1,
        "running": 3,
    }
    assert found["clock"] == {"now": 12.0, "virtual": True}
    assert {k: v for k, v in found["accounts"][-1].items() if k != "money"} == {
        "key": "an****",
        "quota": 3,
        "used": 0,
        "remaining": 3,
    }
    assert found["accounts_total"] == len(busy.accounts)
    assert found["operations"] == [
        {"name": op.name, "role": op.role} for op in busy.vendor.operations
    ]


def test_the_journal_page_is_newest_first_and_filters_by_operation_and_failure() -> None:
    mock = build_mock(vendor_packages()[0])
    answers = [("a", 200), ("b", 502), ("b", 200), ("a", 404)]
    for second, (operation, status) in enumerate(answers):
        entry = JournalEntry(float(second), "POST", f"/{operation}", operation, status)
        entry.params = {"prompt": "p" * (SHORT_TEXT + 1)}
        mock.journal.append(entry)

    def seen(page: dict) -> list[tuple[str, int]]:
        return [(row["operation"], row["status"]) for row in page["items"]]

    every = journal(mock, 0, 10, "", False)
    assert (every["total"], every["offset"], every["limit"]) == (4, 0, 10)
    assert seen(every) == answers[::-1]
    assert seen(journal(mock, 1, 2, "", False)) == [("b", 200), ("b", 502)]
    assert seen(journal(mock, 0, 10, "b", False)) == [("b", 200), ("b", 502)]
    failed = _journal(mock, {"failures": "yes"})
    assert (failed["total"], seen(failed)) == (2, [("a", 404), ("b", 502)])
    assert seen(_journal(mock, {"failures": "0"})) == answers[::-1]
    narrow = journal(mock, 1, 1, "a", True)
    assert (narrow["total"], narrow["items"]) == (1, [])
    assert journal_row(mock, mock.journal[1]) == {
        "time": 1.0,
        "method": "POST",
        "path": "/b",
        "operation": "b",
        "status": 502,
        "failed": True,
        "code": None,
        "reason": "HTTP 502",
        "params": {"prompt": shorten("p" * (SHORT_TEXT + 1))},
        "response": None,
    }
    assert journal_row(mock, mock.journal[0])["failed"] is False
