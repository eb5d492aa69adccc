"""``generator.runtime.mock.templates``, rendered value by value on templates and tasks built
here: ``$merge`` next to fields of its own, ``$when``, one URL of ``$task.images.<n>``, the time
of ``$task.created`` without a task family, an unknown ``$account`` value. Every test compiles
templates of its own, so none depends on another having compiled one first."""

from __future__ import annotations

from typing import Any

import pytest

from generator.runtime.accounts import Account
from generator.runtime.mock.store import MockTask
from generator.runtime.mock.templates import Context, render

URLS = {"a.png": "http://mock.invalid/files/a.png", "b.png": "http://mock.invalid/files/b.png"}


def task(created: float = 0.0) -> MockTask:
    return MockTask(
        id="t1", account="k", operation="submit", created_at=created, queue_seconds=1.0,
        run_seconds=1.0, outcome="succeeded", effect="", args={}, inputs={},
        base_url="http://mock.invalid",
    )  # fmt: skip


def context(request: dict[str, Any] | None = None, **fields: Any) -> Context:
    """A context without a task family, long after ``task()`` finished."""
    return Context(
        now=1_000.0, task_spec=None, file_urls=lambda _t: dict(URLS),
        file_bytes=lambda _t: {}, request=request or {}, **fields,
    )  # fmt: skip


def test_merge_with_fields_of_its_own_keeps_both_and_a_field_overrides() -> None:
    template = {"$merge": {"a": 1, "b": 1}, "b": 2, "c": "$request.c"}
    assert render(template, context({"c": "x"})) == {"a": 1, "b": 2, "c": "x"}


def test_a_field_rendering_to_none_is_left_out_next_to_a_merge() -> None:
    template = {"$merge": {"a": 1}, "b": "$request.absent", "c": 0}
    assert render(template, context()) == {"a": 1, "c": 0}


def test_merging_a_list_copies_each_object_in_turn_beside_the_fields() -> None:
    template = {"$merge": [{"a": 1, "b": 1}, {"b": 2}], "c": 3}
    assert render(template, context()) == {"a": 1, "b": 2, "c": 3}


@pytest.mark.parametrize(
    ("flag", "expected"),
    [(True, [{"x": 1}, "end"]), ("yes", [{"x": 1}, "end"]), ("", ["end"]), (None, ["end"])],
    ids=["true", "text", "empty", "absent"],
)
def test_when_keeps_an_object_exactly_when_its_value_is_not_empty(
    flag: Any, expected: list
) -> None:
    template = [{"$when": "$request.flag", "x": 1}, "end"]
    assert render(template, context({"flag": flag})) == expected


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("$task.images.0", URLS["a.png"]),
        ("$task.images.1", URLS["b.png"]),
        ("$task.images.2", ""),
        ("$task.images.first", ""),
        ("$task.images", list(URLS.values())),
    ],
    ids=["first", "second", "past-the-end", "not-a-number", "all"],
)
def test_one_image_url_is_picked_by_position_and_a_missing_one_is_empty(
    expr: str, expected: Any
) -> None:
    assert render({"v": expr}, context(task=task())) == {"v": expected}


def test_created_without_a_task_family_is_utc_in_the_default_format() -> None:
    created = 86_400.0 * 365 + 3_723.0  # 1971-01-01 01:02:03 UTC
    assert render({"t": "$task.created"}, context(task=task(created))) == {
        "t": "1971-01-01 01:02:03"
    }


def test_an_unknown_account_value_is_refused_by_name() -> None:
    ctx = context(account=Account(key="k", quota=3))
    assert render({"n": "$account.remaining"}, ctx) == {"n": 3}
    with pytest.raises(KeyError, match="unknown account value 'bogus'"):
        render({"n": "$account.bogus"}, ctx)
