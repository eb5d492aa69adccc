"""Keeping credentials out of reprs, logs and exception messages.

A :class:`Secret` never shows its value when printed. Every secret value is also registered
with :func:`redact`, and a logging filter on the ``httpx`` / ``httpcore`` loggers and our own
masks registered values in any record, because a vendor that takes its key in the query string
(ShowAPI's ``appKey``) would otherwise have it logged in every request URL.
"""

from __future__ import annotations

import logging
import threading

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
