"""How a mock delivers its callbacks, attempt by attempt: what each attempt records, which
answers count as accepted, the ladder scaled down for served mocks, the line logged when it
gives up, and the same delivery without blocking (a served mock's). Vendors come from
``specs/``. Written against the mutants ``make mutants`` showed surviving in
``generator/runtime/mock/callbacks.py``."""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
from typing import Any

import httpx
import pytest

from generator.runtime.live import LiveServer
from generator.runtime.mock import VendorMock
from generator.runtime.mock.core import MOCK_BASE_URL
from generator.runtime.paths import set_path
from generator.runtime.receiver import CallbackReceiver
from generator.runtime.testing import example_values
from generator.runtime.vendor import Vendor
from tests.test_behaviours import (
    callback_submit,
    client_class,
    new_mock,
    vendor_of,
    vendors_where,
)

CALLBACK_VENDORS = vendors_where(
    lambda v: v.callback is not None and any(op.mock.callback_url for op in v.operations)
)
LADDER_VENDORS = vendors_where(lambda v: bool(v.callback and v.callback.retry_seconds))
URL = "https://receiver.example/cb"


def start_task(name: str, mock: VendorMock, url: str = URL) -> str:
    """Submit a task asking for callbacks at ``url`` (none when empty); returns its id."""
    vendor = vendor_of(name)
    op = callback_submit(vendor)
    values = example_values(op, vendor.base_url or MOCK_BASE_URL)
    set_path(values, op.mock.callback_url, url or None)
    with mock.client(client_class(name)) as client:
        client._send(op, values)
    (task,) = mock.store.tasks.values()
    return task.id


def run_out(mock: VendorMock, seconds: float, step: float = 1.0) -> None:
    for _ in range(int(seconds / step)):
        mock.advance(step)


def answering(mock: VendorMock, status: int, text: str = "", seen: list | None = None) -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return httpx.Response(status, text=text)

    mock.callbacks.transport = httpx.MockTransport(handle)


def done_after(mock: VendorMock) -> float:
    return mock.queue_seconds + mock.task_seconds


# -- what an attempt records ----------------------------------------------------------------------
@pytest.mark.parametrize("name", CALLBACK_VENDORS)
def test_each_attempt_records_the_task_url_status_payload_and_answer(name: str) -> None:
    mock = new_mock(name)
    answering(mock, 500, "x" * 300)
    task_id = start_task(name, mock)
    run_out(mock, done_after(mock) + 1)
    first = mock.callbacks.attempts[-1]
    assert (first.task_id, first.url, first.attempt, first.accepted) == (task_id, URL, 0, False)
    assert first.status in vendor_of(name).callback.when  # type: ignore[union-attr]
    assert isinstance(first.payload, dict) and first.payload
    assert first.answer == "x" * 200  # the receiver's answer, cut to 200 characters


@pytest.mark.parametrize("name", CALLBACK_VENDORS)
def test_an_attempt_that_gets_no_answer_records_why(name: str) -> None:
    mock = new_mock(name)
    tried_at: list[float] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        tried_at.append(mock.clock.time())
        raise httpx.ConnectError("refused", request=request)

    mock.callbacks.transport = httpx.MockTransport(refuse)
    task_id = start_task(name, mock)
    run_out(mock, done_after(mock) + 1)
    attempts = list(mock.callbacks.attempts)
    assert [a.time for a in attempts] == tried_at and tried_at
    for attempt in attempts:
        assert (attempt.task_id, attempt.url, attempt.accepted) == (task_id, URL, False)
        assert (attempt.answer, attempt.attempt) == ("ConnectError", 0)


@pytest.mark.parametrize("name", CALLBACK_VENDORS)
def test_a_task_without_a_callback_url_gets_no_callback(name: str) -> None:
    mock = new_mock(name)
    seen: list[httpx.Request] = []
    answering(mock, 200, seen=seen)
    start_task(name, mock, url="")
    run_out(mock, done_after(mock) + 5)
    assert seen == [] and list(mock.callbacks.attempts) == []


# -- which answers count --------------------------------------------------------------------------
def expected_reply(vendor: Vendor) -> str:
    reply = vendor.callback.reply if vendor.callback else None
    return json.dumps(reply) if reply else ""


@pytest.mark.parametrize("name", CALLBACK_VENDORS)
@pytest.mark.parametrize(("status", "accepted"), [(200, True), (299, True), (300, False)])
def test_a_2xx_with_the_expected_reply_is_accepted_and_nothing_else(
    name: str, status: int, accepted: bool
) -> None:
    mock = new_mock(name)
    seen: list[httpx.Request] = []
    answering(mock, status, expected_reply(vendor_of(name)), seen)
    start_task(name, mock)
    run_out(mock, done_after(mock) + 1)
    assert [a.accepted for a in mock.callbacks.attempts][-1:] == [accepted]


@pytest.mark.parametrize("name", vendors_where(lambda v: bool(v.callback and v.callback.reply)))
def test_a_2xx_without_the_reply_the_vendor_expects_is_not_accepted(name: str) -> None:
    mock = new_mock(name)
    answering(mock, 200, '{"something": "else"}')
    start_task(name, mock)
    run_out(mock, done_after(mock) + 1)
    assert [a.accepted for a in mock.callbacks.attempts] == [False]


# -- the ladder, scaled, and giving up ------------------------------------------------------------
@pytest.mark.parametrize("name", LADDER_VENDORS)
def test_a_served_mocks_scale_shrinks_every_step_of_the_ladder(name: str) -> None:
    ladder = vendor_of(name).callback.retry_seconds  # type: ignore[union-attr]
    mock = new_mock(name, callback_scale=0.01)
    answering(mock, 503)
    start_task(name, mock)
    run_out(mock, done_after(mock), step=0.5)
    run_out(mock, sum(ladder) * 0.01 + 60, step=0.01)
    times = [a.time for a in mock.callbacks.attempts]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert gaps == pytest.approx([step * 0.01 for step in ladder], abs=0.011)


@pytest.mark.parametrize("name", LADDER_VENDORS)
def test_giving_up_is_logged_with_the_task_and_the_number_of_attempts(
    name: str, caplog: pytest.LogCaptureFixture
) -> None:
    ladder = vendor_of(name).callback.retry_seconds  # type: ignore[union-attr]
    mock = new_mock(name, callback_scale=0.001)
    answering(mock, 500)
    task_id = start_task(name, mock)
    with caplog.at_level(logging.INFO, logger="generator.runtime.mock.callbacks"):
        run_out(mock, done_after(mock) + sum(ladder) * 0.001 + 5, step=0.001 * min(ladder))
    status = mock.callbacks.attempts[-1].status
    assert [r.getMessage() for r in caplog.records] == [
        f"callback for task {task_id} ({status}) given up after {len(ladder) + 1} attempts"
    ]


# -- without blocking -----------------------------------------------------------------------------
class SteppedClock:
    """A clock the test moves by hand, which (unlike a VirtualClock) delivers nothing by
    itself: deliveries happen only when the test calls ``arun_due``."""

    def __init__(self, now: float = 1_767_225_600.0) -> None:
        self.now = now

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.mark.parametrize("name", CALLBACK_VENDORS)
def test_non_blocking_delivery_posts_the_payload_and_settles_it(name: str) -> None:
    vendor = vendor_of(name)
    clock = SteppedClock()
    mock = new_mock(name, clock=clock)
    receiver = CallbackReceiver([vendor])
    with LiveServer(receiver.app) as live:
        op = callback_submit(vendor)
        task_id = start_task(name, mock, url=f"{live.url}/{vendor.package}/{op.name}")
        started = clock.now
        asyncio.run(mock.callbacks.arun_due())  # only a "queued" callback is due yet
        clock.now += done_after(mock) + 1
        asyncio.run(mock.callbacks.arun_due())
    attempts = list(mock.callbacks.attempts)
    assert attempts and all(a.accepted and a.task_id == task_id for a in attempts)
    early = [a for a in attempts if a.time == started]
    assert all(a.status == "queued" for a in early)
    assert [a.time for a in attempts[len(early) :]] == [clock.now] * (len(attempts) - len(early))
    assert attempts[-1].status in ("succeeded", "failed")
    assert len(receiver.received) == len(attempts)
    last: Any = receiver.received[-1].outcome
    assert last.status == attempts[-1].status and last.raw == attempts[-1].payload


@pytest.mark.parametrize("name", LADDER_VENDORS)
def test_non_blocking_delivery_records_a_receiver_that_is_not_there(name: str) -> None:
    from generator.runtime.live import free_port

    clock = SteppedClock()
    mock = new_mock(name, clock=clock)
    url = f"http://127.0.0.1:{free_port()}/cb"
    task_id = start_task(name, mock, url=url)
    clock.now += done_after(mock) + 1
    asyncio.run(mock.callbacks.arun_due())
    (attempt,) = mock.callbacks.attempts
    assert (attempt.task_id, attempt.url, attempt.attempt) == (task_id, url, 0)
    assert (attempt.accepted, attempt.answer, attempt.time) == (False, "ConnectError", clock.now)
    assert [d.due for d in mock.callbacks.pending] == [
        clock.now + mock.vendor.callback.retry_seconds[0]
    ]  # type: ignore[union-attr]
