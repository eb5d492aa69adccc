"""An ASGI request message may leave out ``body`` and ``more_body`` (the spec gives them
defaults: no bytes, no more to come): such a request has an empty body, read at once; and a
caller that sends no message at all is stalled by the read timeout like one that stops
halfway. Written against the mutants ``make mutants`` showed surviving in ``_whole_body``."""

from __future__ import annotations

import pytest

from generator.runtime.mock.asgi import _Stalled
from tests.test_asgi_body_values import parts, read


def test_a_message_without_a_body_or_more_to_come_is_an_empty_body() -> None:
    assert read(parts({}), timeout=None) == b""


def test_a_message_without_a_body_after_a_part_ends_the_body() -> None:
    assert read(parts({"body": b"ab", "more_body": True}, {}), timeout=None) == b"ab"


def test_a_caller_that_sends_no_message_at_all_is_stalled() -> None:
    with pytest.raises(_Stalled):
        read(parts(), timeout=0)
