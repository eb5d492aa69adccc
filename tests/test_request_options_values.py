"""A call's options and a raw answer, value by value: ``request_options`` gives the shared
empty options only when nothing was asked, ``RawResponse`` shows the HTTP answer it wraps,
``retry_after`` reads seconds or an HTTP date (capped, never negative, None when unreadable)
and ``with_jitter`` adds a bounded share. Written against the mutants ``make mutants`` showed
surviving in ``generator/runtime/responses.py``."""

from __future__ import annotations

import random
from datetime import timedelta

import httpx
import pytest

from generator.runtime.responses import (
    NO_OPTIONS,
    RETRY_AFTER_CAP,
    RawResponse,
    RequestOptions,
    request_options,
    retry_after,
    with_jitter,
)

NOW = 1_700_000_000.0  # 2023-11-14T22:13:20Z


def test_no_option_asked_gives_the_shared_empty_options() -> None:
    assert request_options(None, None, None, None) is NO_OPTIONS
    assert request_options(None, {}, {}, {}) is NO_OPTIONS
    assert RequestOptions(None, {}, {}, {}) == NO_OPTIONS


@pytest.mark.parametrize(
    ("asked", "expected"),
    [
        ((5.0, None, None, None), RequestOptions(5.0, {}, {}, {})),
        ((None, {"X-A": "1"}, None, None), RequestOptions(None, {"X-A": "1"}, {}, {})),
        ((None, None, {"q": "2"}, None), RequestOptions(None, {}, {"q": "2"}, {})),
        ((None, None, None, {"b": 3}), RequestOptions(None, {}, {}, {"b": 3})),
        ((0.0, None, None, None), RequestOptions(0.0, {}, {}, {})),
    ],
)
def test_any_option_asked_is_kept_and_the_others_are_empty(asked, expected) -> None:
    found = request_options(*asked)
    assert found == expected and found is not NO_OPTIONS


def test_a_raw_response_shows_the_answer_it_wraps() -> None:
    response = httpx.Response(
        202, headers={"X-Request-Id": "r-1"}, json={"code": 0, "data": {"id": "t"}}
    )
    response.elapsed = timedelta(milliseconds=1500)
    raw: RawResponse[str] = RawResponse(response, "r-1", lambda: "parsed")
    assert raw.status_code == 202
    assert raw.headers["x-request-id"] == "r-1"
    assert raw.elapsed == timedelta(milliseconds=1500)
    assert raw.body == {"code": 0, "data": {"id": "t"}}
    assert raw.request_id == "r-1" and raw.parse() == "parsed"


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (" 7 ", 7.0),
        ("0", 0.0),
        ("-3", 0.0),
        (str(RETRY_AFTER_CAP + 1), RETRY_AFTER_CAP),
        (str(RETRY_AFTER_CAP), RETRY_AFTER_CAP),
        ("nan", None),
        ("   ", None),
        ("Tue, 14 Nov 2023 22:13:50 GMT", 30.0),
        ("Tue, 14 Nov 2023 22:13:20 GMT", 0.0),
        ("Tue, 14 Nov 2023 22:13:50 +0100", 0.0),  # an hour earlier: already passed
        ("Tue, 14 Nov 2023 22:13:50", None),  # no zone: unreadable, not a guess
        ("Tue, 14 Nov 2023 22:13:50 -0000", None),  # "-0000": a time of unknown zone
        ("Tue, 99 Nov 2023 99:13:50 GMT", None),
    ],
)
def test_retry_after_in_seconds_or_as_an_http_date(header: str, seconds: float | None) -> None:
    assert retry_after(header, NOW) == seconds


def test_the_cap_is_a_minute() -> None:
    assert RETRY_AFTER_CAP == 60.0


def test_jitter_adds_at_most_a_tenth_and_at_least_nothing() -> None:
    random.seed(7)
    waits = [with_jitter(10.0) for _ in range(200)]
    assert all(10.0 <= w <= 11.0 for w in waits) and max(waits) > 10.9


def test_jitter_of_a_short_wait_spreads_over_fifty_milliseconds() -> None:
    random.seed(3)
    waits = [with_jitter(0.0) for _ in range(200)]
    assert all(0.0 <= w <= 0.05 for w in waits) and max(waits) > 0.04


def test_jitter_takes_its_spread() -> None:
    random.seed(5)
    waits = [with_jitter(100.0, spread=0.5) for _ in range(200)]
    assert all(100.0 <= w <= 150.0 for w in waits) and max(waits) > 140.0
