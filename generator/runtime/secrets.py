"""Keeping credentials out of reprs, logs and exception messages.

A :class:`Secret` never shows its value when printed. Every secret value is also registered
with :func:`redact`, and a logging filter on the ``httpx`` / ``httpcore`` loggers and our own
masks registered values in any record, because a vendor that takes its key in the query string
(ShowAPI's ``appKey``) would otherwise have it logged in every request URL.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

MASK = "****"
# Shorter values (a test's "k") are too common in ordinary text to mask without garbling
# every message; real keys are far longer. Reprs never show any value, whatever its length.
MIN_REDACTED = 6
_registered: set[str] = set()
_lock = threading.Lock()
LOGGERS = ("httpx", "httpcore", "generator.runtime")


class Secret:
    """A credential. ``get()`` gives the value; ``repr`` and ``str`` never do."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        if len(value) >= MIN_REDACTED:
            with _lock:
                _registered.add(value)

    def get(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret('{MASK}')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)


def public_url(url: str) -> str:
    """``url`` as it may be shown (a message, a repr): without its user and password, its
    query and its fragment, any of which may carry a key."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path}"


def redact(text: str) -> str:
    """``text`` with every registered secret value replaced by ``****``."""
    for value in _registered:
        if value in text:
            text = text.replace(value, MASK)
    return text


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if _registered:
            message = record.getMessage()
            cleaned = redact(message)
            if cleaned != message:
                record.msg, record.args = cleaned, None
        return True


_filter = RedactingFilter()


def install_log_filter() -> None:
    """Attach the redacting filter to the loggers that see request URLs (idempotent)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _filter not in logger.filters:
            logger.addFilter(_filter)


def scrub_chain(error: BaseException, names: Iterable[str] = ()) -> BaseException:
    """Make ``error`` and every exception in its chain (``__cause__``, ``__context__``) safe to
    keep: an httpx request or response attached to one is replaced by a copy without its
    body, with the headers and query parameters in ``names`` (the auth plug-in's) masked and
    every registered secret redacted; string arguments are redacted too. Returns ``error``."""
    masked = {n.lower() for n in names}
    seen: set[int] = set()
    stack = [error]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        for attr in ("_request", "request", "response"):
            value = node.__dict__.get(attr)
            if value is not None:
                node.__dict__[attr] = _scrubbed(value, masked)
        node.args = tuple(redact(a) if isinstance(a, str) else a for a in node.args)
        stack.extend(e for e in (node.__cause__, node.__context__) if e is not None)
    return error


def _scrubbed(value: Any, masked: set[str]) -> Any:
    import httpx  # only here: this module is imported by code that never needs httpx

    if isinstance(value, httpx.Request):
        return _scrubbed_request(value, masked)
    if isinstance(value, httpx.Response):
        request = value._request
        return httpx.Response(
            value.status_code,
            headers=_scrubbed_headers(value.headers, masked),
            request=_scrubbed_request(request, masked) if request is not None else None,
        )
    return value


def _scrubbed_request(request: Any, masked: set[str]) -> Any:
    import httpx

    url = request.url
    params: list[tuple[str, str]] = [
        (k, MASK if k.lower() in masked else redact(v)) for k, v in url.params.multi_items()
    ]
    clean = httpx.URL(redact(str(url.copy_with(query=None)))).copy_with(
        params=httpx.QueryParams(tuple(params))
    )
    return httpx.Request(request.method, clean, headers=_scrubbed_headers(request.headers, masked))


def _scrubbed_headers(headers: Any, masked: set[str]) -> list[tuple[str, str]]:
    return [(k, MASK if k.lower() in masked else redact(v)) for k, v in headers.multi_items()]
