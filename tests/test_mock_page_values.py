"""The page's data (``mock.page``) value by value, without a browser: paging bounds and their
refusals, masked credentials, the shortening of long values, each delivery's state, the
counts and filters of the task and journal pages. The page in a browser, and its data with
10,000 tasks, are in ``tests/test_mock_page.py``."""

from __future__ import annotations

import json

import pytest

from generator.runtime.mock.page import (
    DEFAULT_LIMIT,
    MAX_DEPTH,
    MAX_LIMIT,
    SHORT_LIST,
    SHORT_TEXT,
    PageError,
    _delivery_state,
    _paging,
    mask,
    shorten,
)


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
