"""The dotted paths the ``x-sdk`` extensions write, read and written value by value: keys and
list indexes, defaults for any missing step, alternatives (``a|b``) skipping missing and null
values, ``[]`` collecting from every item, and ``set_path`` creating lists where the next step
is an index. Written against the mutants ``make mutants`` left unchecked in
``generator/runtime/paths.py``."""

from __future__ import annotations

from typing import Any

import pytest

from generator.runtime.paths import get_all, get_first, get_path, set_path

DOC: dict[str, Any] = {
    "data": {"task": {"id": "t1", "status": 0, "empty": None}},
    "images": [{"url": "a", "size": [1, 2]}, {"url": "b"}, {"size": [3]}],
    "3": "key that looks like an index",
}


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("", DOC),
        ("data.task.id", "t1"),
        ("data.task.status", 0),
        ("images.0.url", "a"),
        ("images.1.url", "b"),
        ("images.0.size.1", 2),
        ("3", "key that looks like an index"),
    ],
)
def test_get_path_follows_keys_and_indexes(path: str, value: Any) -> None:
    assert get_path(DOC, path) == value


@pytest.mark.parametrize(
    "path", ["nope", "data.nope", "images.3.url", "images.x", "data.task.id.more", "images.-1"]
)
def test_get_path_gives_the_default_for_any_missing_step(path: str) -> None:
    assert get_path(DOC, path) is None
    assert get_path(DOC, path, "fallback") == "fallback"


def test_get_path_keeps_a_present_null() -> None:
    assert get_path(DOC, "data.task.empty", "fallback") is None


def test_get_first_takes_the_first_present_non_null_alternative() -> None:
    assert get_first(DOC, "nope|data.task.empty|data.task.id|images.0.url") == "t1"
    assert get_first(DOC, "data.task.status|data.task.id") == 0  # falsy but present
    assert get_first(DOC, "nope|data.task.empty") is None
    assert get_first(DOC, "nope|other", default="d") == "d"
    assert get_first(DOC, "images.1.url") == "b"


def test_get_all_collects_from_every_item() -> None:
    assert get_all(DOC, "images[].url") == ["a", "b"]
    assert get_all(DOC, "images[].size[]") == [1, 2, 3]
    assert get_all(DOC, "images[]") == DOC["images"]
    assert get_all(DOC, "data.task.id") == ["t1"]
    assert get_all({"a": [{"Xid": 1}, {"Xid": 2}]}, "a[].Xid") == [1, 2]
    assert get_all({"a": [1, None, 2]}, "a[]") == [1, None, 2]  # null items are items


def test_get_all_gives_nothing_for_missing_null_or_non_list_steps() -> None:
    assert get_all(DOC, "nope[].url") == []
    assert get_all(DOC, "data.task.empty") == []
    assert get_all(DOC, "data.task[].id") == []
    assert get_all({"items": None}, "items[].x") == []
    assert get_all(DOC, "nope") == []


def test_set_path_creates_objects_and_lists_as_the_next_step_asks() -> None:
    target: dict[str, Any] = {}
    set_path(target, "errors.0.message", "bad")
    assert target == {"errors": [{"message": "bad"}]}
    set_path(target, "errors.2.code", 7)
    assert target == {"errors": [{"message": "bad"}, None, {"code": 7}]}
    set_path(target, "meta.page", 1)
    assert target["meta"] == {"page": 1}
    assert get_path(target, "errors.2.code") == 7


def test_set_path_replaces_values_in_the_way_and_keeps_the_rest() -> None:
    target: dict[str, Any] = {"a": "text", "b": {"keep": 1}, "c": [5], "d": [{"keep": 2}]}
    set_path(target, "a.x", 1)
    set_path(target, "b.y", 2)
    set_path(target, "c.0", 6)
    set_path(target, "c.1.z", 3)
    set_path(target, "d.0.y", 4)
    assert target == {
        "a": {"x": 1},
        "b": {"keep": 1, "y": 2},
        "c": [6, {"z": 3}],
        "d": [{"keep": 2, "y": 4}],
    }


def test_set_path_refuses_a_name_inside_a_list() -> None:
    target: dict[str, Any] = {"items": []}
    with pytest.raises(ValueError, match="cannot set 'name' in a list: not an index"):
        set_path(target, "items.name", 1)
