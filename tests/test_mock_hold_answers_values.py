"""``hold_answers``: a mock that holds answers keeps an injected latency on its clock, through
the sync transport and through its ASGI app alike; one that does not answers at once, the
clock untouched. An in-process app has no callback loop of its own, and an error with a
body keeps the headers its spec names. Written against the mutants ``make mutants`` showed
surviving in ``mock_transport``, ``MockApp._http``, ``create_app`` and ``VendorMock._error``."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from generator.runtime.clock import VirtualClock
from generator.runtime.mock import VendorMock
from generator.runtime.mock.asgi import MockApp, create_app
from tests.test_mock_core_values import VENDORS, poll_of, vendor_path

VENDOR = VENDORS[0]
START = 1_000.0


def held_for(hold: bool, *, asgi: bool) -> float:
    """How far the clock moved for one poll answered with 2.5 s of injected latency."""
    mock = VendorMock(VENDOR, clock=VirtualClock(START), hold_answers=hold)
    mock.inject_fault("latency", seconds=2.5)
    op = poll_of(VENDOR)
    url = "http://mock.invalid" + vendor_path(VENDOR, op)
    if asgi:

        async def send() -> None:
            async with httpx.AsyncClient(transport=mock.async_transport()) as http:
                await http.request(op.method, url)

        asyncio.run(send())
    else:
        with httpx.Client(transport=mock.transport()) as http:
            http.request(op.method, url)
    return mock.clock.time() - START


@pytest.mark.parametrize("asgi", [False, True], ids=["transport", "asgi"])
def test_a_mock_that_holds_answers_keeps_the_latency_on_its_clock(asgi: bool) -> None:
    assert held_for(True, asgi=asgi) == 2.5


@pytest.mark.parametrize("asgi", [False, True], ids=["transport", "asgi"])
def test_a_mock_that_does_not_hold_answers_answers_at_once(asgi: bool) -> None:
    assert held_for(False, asgi=asgi) == 0.0


def test_an_in_process_app_has_no_callback_loop_of_its_own() -> None:
    assert create_app(VendorMock(VENDOR)).background is False


def test_an_error_with_a_body_carries_its_headers_too() -> None:
    """``x-sdk`` errors may name headers beside a body (today's specs use headers only on
    gateway refusals without one): both reach the caller."""
    kind, spec = next((k, s) for k, s in VENDOR.error_specs.items() if s.body)
    with_headers = spec.model_copy(update={"headers": {"X-Reason": "because {detail}"}})
    vendor = VENDOR.model_copy(update={"error_specs": {**VENDOR.error_specs, kind: with_headers}})

    answer = VendorMock(vendor)._error(kind, "of this", "rid")

    assert answer.headers["X-Reason"] == "because of this"
    assert answer.body  # the vendor's JSON body, as before


def test_an_app_made_directly_has_no_callback_loop_either() -> None:
    assert MockApp(VendorMock(VENDOR)).background is False
