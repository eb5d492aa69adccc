"""What a call can ask for beyond its inputs, and what a raw answer gives back.

:class:`RequestOptions` are the per-call options of every operation (``timeout``,
``extra_headers``, ``extra_query``, ``extra_body``), as openai-python offers them.
:class:`RawResponse` is what ``client.with_raw_response.<operation>(...)`` returns.
:func:`retry_after` reads a ``Retry-After`` header, in seconds or as an HTTP date.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Generic, TypeVar

import httpx

T = TypeVar("T")
RETRY_AFTER_CAP = 60.0
"""The longest a Retry-After is honoured: a vendor asking for more is retried after this."""


@dataclass(frozen=True)
class RequestOptions:
    """One call's extras: its own timeout, and headers, query parameters and body fields sent
    beside the operation's own (a vendor field the spec does not describe yet)."""

    timeout: float | httpx.Timeout | None = None
    extra_headers: Mapping[str, str] = field(default_factory=dict)
    extra_query: Mapping[str, str] = field(default_factory=dict)
    extra_body: Mapping[str, Any] = field(default_factory=dict)


NO_OPTIONS = RequestOptions()


def request_options(
    timeout: float | httpx.Timeout | None,
    extra_headers: Mapping[str, str] | None,
    extra_query: Mapping[str, str] | None,
    extra_body: Mapping[str, Any] | None,
) -> RequestOptions:
    """The options of one call, from a generated method's keyword arguments."""
    if timeout is None and not (extra_headers or extra_query or extra_body):
        return NO_OPTIONS
    return RequestOptions(timeout, extra_headers or {}, extra_query or {}, extra_body or {})


@dataclass
class RawResponse(Generic[T]):
    """An operation's HTTP answer beside its parsed result: ``status_code``, ``headers``,
    ``elapsed`` (a ``timedelta``), ``request_id``, the vendor's whole JSON ``body`` (envelope
    included: ShowAPI's fee count is there), and :meth:`parse` for the typed result."""

    http_response: httpx.Response
    request_id: str
    _parse: Callable[[], T]

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def elapsed(self) -> timedelta:
        return self.http_response.elapsed

    @property
    def body(self) -> Any:
        return self.http_response.json()

    def parse(self) -> T:
        """The result the operation's method returns (a model, or a page)."""
        return self._parse()


def retry_after(value: str, now: float) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (a number of seconds, or an HTTP date
    compared with ``now``, a Unix time), capped at ``RETRY_AFTER_CAP``; None when unreadable."""
    value = value.strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        from email.utils import parsedate_to_datetime  # rare, and slow to import

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # an HTTP date is always GMT
            return None
        seconds = when.timestamp() - now
    if seconds != seconds:  # NaN
        return None
    return min(max(seconds, 0.0), RETRY_AFTER_CAP)


def with_jitter(seconds: float, spread: float = 0.1) -> float:
    """``seconds`` plus up to ``spread`` of itself (at least 50 ms), so clients that were told
    the same moment do not all come back at once."""
    return seconds + random.uniform(0, max(seconds * spread, 0.05))
