"""Behaviours a user of a client or a mock would feel when they break, each pinned by its value:
the date in a TC3 credential scope, the exception a shared error code gives, the number of
requests a refusal costs, image sides at the limit, the clock's time when ``wait()`` gives up,
the sleeps between polls, the callback retry ladder and a task's status through its life.

Every vendor comes from ``specs/`` (through the generated packages); limits, codes, ladders
and durations are read from each vendor's model, never written down here.
"""

from __future__ import annotations

import asyncio
import base64
import importlib
import itertools
import json
import math
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import httpx
import pytest

from generator.runtime import errors
from generator.runtime.client import AsyncClient, SyncClient
from generator.runtime.clock import VirtualClock
from generator.runtime.envelope import render_error, unwrap
from generator.runtime.images import png_bytes
from generator.runtime.mock import VendorMock
from generator.runtime.mock.core import MOCK_BASE_URL
from generator.runtime.mock.serve import vendor_packages
from generator.runtime.paths import get_path, set_path
from generator.runtime.tasks import PollSchedule, TaskOutcome, read_outcome, submitted_task_id
from generator.runtime.testing import example_values
from generator.runtime.validation import check, data_problem
from generator.runtime.vendor import ImageLimit, Operation, Vendor

# Zones on both sides of UTC, the vendors' own among them.
ZONES = ("Pacific/Honolulu", "Asia/Shanghai", "Pacific/Kiritimati", "America/Los_Angeles")


# -- finding vendors ---------------------------------------------------------------------------
def package(name: str) -> ModuleType:
    return importlib.import_module(f"generated.{name}")


def vendor_of(name: str) -> Vendor:
    return package(name).VENDOR


def client_class(name: str, *, asynchronous: bool = False) -> type[Any]:
    module = package(name)
    return getattr(module, f"{'Async' if asynchronous else ''}{module.VENDOR.class_prefix}Client")


def new_mock(name: str, **options: Any) -> VendorMock:
    return importlib.import_module(f"generated.{name}.mock").create_mock(**options)


def vendors_where(test) -> list[str]:
    return [name for name in vendor_packages() if test(vendor_of(name))]


def has_tasks(vendor: Vendor) -> bool:
    return any(op.role == "submit" for op in vendor.operations) and vendor.task is not None


TASK_VENDORS = vendors_where(has_tasks)


def main_submit(vendor: Vendor) -> Operation:
    """The first submit whose tasks the vendor's main get operation follows."""
    main_get = vendor.poll_for(None)[0]
    return next(
        op
        for op in vendor.operations
        if op.role == "submit" and vendor.poll_for(op.name)[0] is main_get
    )


def submit(vendor: Vendor, client: SyncClient, **extra: Any) -> tuple[Operation, str]:
    """Submit the main task family's example task; returns the submit and the task id."""
    op = main_submit(vendor)
    values = {**example_values(op, vendor.base_url or MOCK_BASE_URL), **extra}
    payload = client._send(op, values)
    return op, submitted_task_id(vendor, op, payload, values)


class RecordingClock(VirtualClock):
    """A virtual clock that remembers every sleep asked of it."""

    def __init__(self) -> None:
        super().__init__()
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        super().sleep(seconds)

    async def asleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        await super().asleep(seconds)


@pytest.fixture
def zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The process's local time zone set to ``request.param`` for the test, then restored."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


# -- TC3: the credential scope's date is the UTC date ------------------------------------------
TC3_VENDORS = vendors_where(lambda v: v.auth.kind == "tc3")
# A second after midnight UTC (the day before west of UTC) and a second before it (the day
# after east of UTC): in any zone but UTC one of them has another local date.
NEAR_MIDNIGHT = (
    datetime(2026, 3, 10, 0, 0, 1, tzinfo=UTC).timestamp(),
    datetime(2026, 3, 10, 23, 59, 59, tzinfo=UTC).timestamp(),
)


def first_action(vendor: Vendor) -> Operation:
    return next(op for op in vendor.operations if op.role in ("action", "submit"))


@pytest.mark.parametrize("zone", ZONES, indirect=True)
@pytest.mark.parametrize("name", TC3_VENDORS)
@pytest.mark.parametrize("stamp", NEAR_MIDNIGHT)
def test_tc3_scope_carries_the_utc_date_in_any_local_zone(
    name: str, stamp: float, zone: str
) -> None:
    vendor = vendor_of(name)
    mock = new_mock(name, clock=VirtualClock(start=stamp))
    seen: list[httpx.Request] = []
    inner = mock.transport()

    def spy(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return inner.handle_request(request)

    op = first_action(vendor)
    with mock.client(client_class(name), transport=httpx.MockTransport(spy)) as client:
        client._send(op, example_values(op, vendor.base_url or MOCK_BASE_URL))  # mock accepts
    scope = seen[0].headers["authorization"].split("Credential=")[1].split(",")[0]
    assert scope.split("/")[1] == "2026-03-10"
    assert seen[0].headers["x-tc-timestamp"] == str(int(stamp))
    assert [entry.status for entry in mock.journal] == [200]


# -- a get's shared error code reads as "not found" --------------------------------------------
def shared_not_found(vendor: Vendor) -> bool:
    spec = vendor.errors.get("not_found")
    return spec is not None and any(
        kind != "not_found" and (other.layer, str(other.code)) == (spec.layer, str(spec.code))
        for kind, other in vendor.errors.items()
    )


def replace_text(node: Any, old: str, new: str) -> Any:
    if isinstance(node, dict):
        return {k: replace_text(v, old, new) for k, v in node.items()}
    return new if node == old else node


def unknown_refusal(vendor: Vendor, op: Operation) -> httpx.Response:
    """The vendor's not-found answer, its message replaced by one no error kind has."""
    detail = "task-404"
    spec = vendor.errors["not_found"]
    status, headers, body = render_error(vendor, "not_found", detail, "req-1", op.response_schema)
    body = replace_text(body, spec.message.replace("{detail}", detail), "an unforeseen remark")
    assert "an unforeseen remark" in json.dumps(body, ensure_ascii=False)
    return httpx.Response(status, headers=headers, json=body)


def plain_client(name: str, transport: httpx.BaseTransport, **options: Any) -> SyncClient:
    vendor = vendor_of(name)
    credentials = {c.name: "k" for c in vendor.auth.credentials if c.required}
    return client_class(name)(
        **credentials,
        transport=transport,
        clock=VirtualClock(),
        base_url=vendor.base_url or MOCK_BASE_URL,
        **options,
    )


@pytest.mark.parametrize("name", vendors_where(shared_not_found))
def test_a_code_shared_with_not_found_is_not_found_on_a_get(name: str) -> None:
    vendor = vendor_of(name)
    gets = [op for op in vendor.operations if op.role == "get"]
    assert gets
    for op in gets:
        answer = unknown_refusal(vendor, op)
        values = {**example_values(op), op.task_id: "task-404"}
        transport = httpx.MockTransport(lambda _r, a=answer: a)
        with plain_client(name, transport) as client, pytest.raises(errors.APIError) as caught:
            client._send(op, values)
        assert type(caught.value) is errors.NotFoundError, op.name
        assert caught.value.vendor_message == "an unforeseen remark"
    # on a submit the same answer says nothing of a task not found
    op = main_submit(vendor) if has_tasks(vendor) else first_action(vendor)
    answer = unknown_refusal(vendor, op)
    transport = httpx.MockTransport(lambda _r: answer)
    with plain_client(name, transport) as client, pytest.raises(errors.APIError) as caught:
        client._send(op, example_values(op))
    assert not isinstance(caught.value, errors.NotFoundError)


# -- a used-up quota is not retried --------------------------------------------------------------
def exhaust(mock: VendorMock, kind: str) -> None:
    """Leave the mock's default account with no submits (quota) or no money (arrears)."""
    account = next(iter(mock.accounts.values()))
    if kind == "quota_exceeded":
        account.quota, account.used = 1, 1
    else:
        account.money = -1.0


REFUSALS = [
    (name, kind)
    for name in vendor_packages()
    for kind in ("quota_exceeded", "account_in_arrears")
    if kind in vendor_of(name).errors
]


@pytest.mark.parametrize(("name", "kind"), REFUSALS)
def test_a_used_up_account_is_asked_once_however_safe_the_resend(name: str, kind: str) -> None:
    vendor = vendor_of(name)
    mock = new_mock(name)
    exhaust(mock, kind)
    op = main_submit(vendor) if has_tasks(vendor) else first_action(vendor)
    values = example_values(op, vendor.base_url or MOCK_BASE_URL)
    client = mock.client(client_class(name), max_retries=3)
    with client, pytest.raises(errors.QuotaExceededError):
        client._send(op, values)
    assert [e.operation for e in mock.journal] == [op.name]


@pytest.mark.parametrize(
    "name", vendors_where(lambda v: v.errors.get("rate_limited") is not None and has_tasks(v))
)
def test_a_rate_limited_submit_named_by_the_client_is_sent_again(name: str) -> None:
    vendor = vendor_of(name)
    op = main_submit(vendor)
    if not op.caller_id or vendor.errors["rate_limited"].http_status not in (200, 429):
        pytest.skip(f"{name}: its submit cannot be named, or its rate refusal is not a 429")
    mock = new_mock(name)
    mock.inject_fault("rate_limit", operation=op.name)
    with mock.client(client_class(name), max_retries=3) as client:
        client._send(op, example_values(op, vendor.base_url or MOCK_BASE_URL))
    assert [e.operation for e in mock.journal] == [op.name, op.name]


# -- image sides at the limit ---------------------------------------------------------------------
SIDE_LIMITS = [
    pytest.param(name, op.name, field, id=f"{name}-{op.name}-{field}")
    for name in vendor_packages()
    for op in vendor_of(name).operations
    for field, limit in op.limits.images.items()
    if limit.max_side
]


def sized_png(limit: ImageLimit, width: int, height: int) -> bytes:
    assert not limit.formats or "png" in limit.formats, "the test makes PNGs"
    return png_bytes(width, height)


def other_side(limit: ImageLimit) -> int:
    return max(limit.min_side or 16, 16)


@pytest.mark.parametrize(("name", "operation", "field"), SIDE_LIMITS)
def test_an_image_exactly_at_the_largest_side_passes_and_one_pixel_more_fails(
    name: str, operation: str, field: str
) -> None:
    limit = vendor_of(name).ops[operation].limits.images[field]
    side, short = limit.max_side, other_side(limit)
    assert side is not None
    for width, height in ((side, short), (short, side)):
        assert data_problem(sized_png(limit, width, height), limit) is None
    for width, height in ((side + 1, short), (short, side + 1)):
        kind, why = data_problem(sized_png(limit, width, height), limit) or ("", "")
        assert (kind, why) == (
            "image_resolution",
            f"{width}x{height} is over {side} px on a side",
        )


@pytest.mark.parametrize(("name", "operation", "field"), SIDE_LIMITS)
def test_the_largest_side_is_enforced_where_the_image_arrives(
    name: str, operation: str, field: str
) -> None:
    """Base64 images are checked by the client before sending; images by URL are checked by
    the mock once it has downloaded them (here from its own example files)."""
    vendor = vendor_of(name)
    op = vendor.ops[operation]
    limit = op.limits.images[field]
    side = limit.max_side
    assert side is not None
    for width, ok in ((side, True), (side + 1, False)):
        data = sized_png(limit, width, other_side(limit))
        if limit.source in ("base64", "base64_or_url"):
            values = {**example_values(op), **_image_only(op, field)}
            set_path(values, field, base64.b64encode(data).decode())
            sent: list[httpx.Request] = []
            with plain_client(name, httpx.MockTransport(sent.append)) as client:
                try:
                    client._prepare(op, values)
                    problems: list[str] = []
                except errors.RequestValidationError as exc:
                    problems = [p for p in exc.problems if p.startswith(f"{field}:")]
            too_big = f"{field}: {width}x{other_side(limit)} is over {side} px on a side"
            assert problems == ([] if ok else [too_big])
            assert sent == []
        else:
            mock = new_mock(name)
            served = f"size-{width}.png"
            from generator.runtime.mock import core

            core.EXAMPLE_IMAGES[served] = lambda d=data: d
            try:
                base = vendor.base_url or MOCK_BASE_URL
                values = {**example_values(op, base), **_image_only(op, field)}
                set_path(values, field, f"{_origin(base)}/_mock/examples/{served}")
                with mock.client(client_class(name), max_retries=0) as client:
                    if ok:  # accepted, or refused for something else (a mask of another size)
                        try:
                            client._send(op, values)
                        except errors.APIError as exc:
                            assert "px on a side" not in exc.vendor_message
                    else:
                        with pytest.raises(errors.InvalidImageError, match=f"over {side} px"):
                            client._send(op, values)
            finally:
                del core.EXAMPLE_IMAGES[served]


def _image_only(op: Operation, field: str) -> dict[str, Any]:
    """The other inputs of the image's slot cleared, so ``field`` is the one used."""
    cleared: dict[str, Any] = {}
    for slot in op.limits.slots.values():
        if field in slot.inputs:
            for other in slot.inputs:
                if other != field and "." not in other:
                    cleared[other] = None
    for group in op.limits.exactly_one_of:
        if field in group:
            cleared.update({other: None for other in group if other != field})
    return cleared


def _origin(url: str) -> str:
    parts = httpx.URL(url)
    return f"{parts.scheme}://{parts.netloc.decode()}"


# -- base64 too long is "too large" before any decoding ------------------------------------------
BASE64_LIMITS = [
    pytest.param(name, op.name, field, id=f"{name}-{op.name}-{field}")
    for name in vendor_packages()
    for op in vendor_of(name).operations
    for field, limit in op.limits.images.items()
    if limit.source in ("base64", "base64_or_url") and (limit.max_base64_chars or limit.max_bytes)
]


def chars_over(limit: ImageLimit) -> int:
    """The fewest base64 characters that are surely over the limit."""
    if limit.max_base64_chars:
        return limit.max_base64_chars + 1
    assert limit.max_bytes
    return math.ceil((limit.max_bytes + 3) * 4 / 3) + 1


@pytest.mark.parametrize(("name", "operation", "field"), BASE64_LIMITS)
def test_overlong_base64_that_would_not_decode_is_reported_as_too_large(
    name: str, operation: str, field: str
) -> None:
    op = vendor_of(name).ops[operation]
    limit = op.limits.images[field]
    values = {**example_values(op), **_image_only(op, field)}
    set_path(values, field, "%" * chars_over(limit))  # '%' is no base64 character
    problems = [(k, m) for k, m in check(op, values).problems if m.startswith(f"{field}:")]
    assert [kind for kind, _ in problems] == ["payload_too_large"]
    assert "not valid base64" not in problems[0][1]


@pytest.mark.parametrize(("name", "operation", "field"), BASE64_LIMITS)
def test_base64_exactly_at_the_limit_is_not_refused_as_too_large(
    name: str, operation: str, field: str
) -> None:
    op = vendor_of(name).ops[operation]
    limit = op.limits.images[field]
    chars = limit.max_base64_chars or 4 * math.ceil((limit.max_bytes or 0) / 3)
    values = {**example_values(op), **_image_only(op, field)}
    set_path(values, field, "%" * chars)
    problems = [(k, m) for k, m in check(op, values).problems if m.startswith(f"{field}:")]
    # read (not refused unread as too large), and found not to be base64
    assert problems == [("invalid_image", f"{field}: not valid base64")]


# -- an unknown status word is "still running" ---------------------------------------------------
def task_specs(name: str) -> list[Any]:
    vendor = vendor_of(name)
    specs = [op.task for op in vendor.operations if op.task is not None]
    return [*specs, vendor.task] if vendor.task is not None else specs


@pytest.mark.parametrize("name", TASK_VENDORS)
def test_a_status_word_the_spec_does_not_know_reads_as_running(name: str) -> None:
    for spec in task_specs(name):
        payload: dict[str, Any] = {}
        set_path(payload, spec.fields.status, "a-word-no-vendor-uses")
        assert read_outcome(spec, payload, "t").status == "running"
        for word, status in spec.statuses.items():  # known words, whatever their case
            set_path(payload, spec.fields.status, word.swapcase())
            assert read_outcome(spec, payload, "t").status == status


class Rewriting(httpx.BaseTransport):
    """Into the mock, but the first ``count`` get answers carry an unknown status word."""

    def __init__(self, mock: VendorMock, count: int) -> None:
        self.inner, self.mock, self.count = mock.transport(), mock, count

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        vendor = self.mock.vendor
        entry = self.mock.journal[-1]
        if self.count <= 0 or vendor.ops[entry.operation].role != "get":
            return response
        self.count -= 1
        response.read()
        body = response.json()
        payload, _ = unwrap(vendor, body, response.status_code)
        spec = vendor.task_spec(vendor.ops[entry.operation])
        assert spec is not None
        set_path(payload, spec.fields.status, "a-word-no-vendor-uses")
        return httpx.Response(response.status_code, json=body)


@pytest.mark.parametrize("name", TASK_VENDORS)
def test_wait_goes_on_through_unknown_status_words(name: str) -> None:
    vendor = vendor_of(name)
    mock = new_mock(name)
    with mock.client(client_class(name), transport=Rewriting(mock, 3)) as client:
        op, task_id = submit(vendor, client)
        mock.advance(mock.queue_seconds + mock.task_seconds)  # done before the first poll
        seen: list[TaskOutcome] = []
        outcome = client.wait(task_id, operation=op.name, on_progress=seen.append)
    assert [o.vendor_status for o in seen][:3] == ["a-word-no-vendor-uses"] * 3
    assert [o.status for o in seen] == ["running"] * 3 + ["succeeded"]
    assert outcome.status == "succeeded"


# -- progress is the vendor's figure --------------------------------------------------------------
PROGRESS_VENDORS = vendors_where(lambda v: has_tasks(v) and bool(v.task and v.task.fields.progress))


@pytest.mark.parametrize("name", PROGRESS_VENDORS)
@pytest.mark.parametrize("share", [0.25, 0.5, 0.75])
def test_progress_is_the_vendors_figure_as_a_fraction(name: str, share: float) -> None:
    vendor = vendor_of(name)
    assert vendor.task is not None
    mock = new_mock(name)
    with mock.client(client_class(name)) as client:
        op, task_id = submit(vendor, client)
        mock.advance(mock.queue_seconds + share * mock.task_seconds)
        outcome = client.get_outcome(task_id, operation=op.name)
    figure = get_path(outcome.raw, vendor.task.fields.progress)
    assert float(figure) == pytest.approx(share)  # the mock's figure: share of the run time
    assert outcome.progress == pytest.approx(share)
    assert outcome.status == "running"


# -- polling backs off, and wait() gives up at its deadline ---------------------------------------
def schedule(first: float, count: int) -> list[float]:
    return [min(first * 1.5**i, max(30.0, first)) for i in range(count)]


@pytest.mark.parametrize("name", TASK_VENDORS)
def test_polls_start_at_the_vendors_advice_and_back_off_to_thirty_seconds(name: str) -> None:
    vendor = vendor_of(name)
    clock = RecordingClock()
    mock = new_mock(name, clock=clock, task_seconds=10_000)
    with mock.client(client_class(name)) as client:
        op, task_id = submit(vendor, client)
        spec = vendor.task_spec(vendor.poll_for(op.name)[0])
        assert spec is not None
        with pytest.raises(errors.WaitTimeoutError):
            client.wait(task_id, operation=op.name, timeout=300)
    expected = schedule(spec.poll_interval, 12)
    assert clock.sleeps[:12] == pytest.approx(expected)
    assert max(clock.sleeps) == 30.0 and expected[-1] == 30.0


def test_the_schedule_grows_by_half_each_time_up_to_its_cap() -> None:
    intervals = PollSchedule(2.0, max_interval=10.0)
    assert [next(it) for it in [iter(intervals)] for _ in range(6)] == [2, 3, 4.5, 6.75, 10, 10]
    # an interval asked for above the cap is kept, not cut down
    assert [next(it) for it in [iter(PollSchedule(40.0))] for _ in range(3)] == [40, 40, 40]


def long_task(name: str) -> tuple[VendorMock, Vendor]:
    return new_mock(name, clock=RecordingClock(), task_seconds=10_000), vendor_of(name)


@pytest.mark.parametrize("timeout", [10.0, 7.5])
@pytest.mark.parametrize("name", TASK_VENDORS)
def test_sync_wait_gives_up_exactly_at_its_deadline(name: str, timeout: float) -> None:
    mock, vendor = long_task(name)
    with mock.client(client_class(name)) as client:
        op, task_id = submit(vendor, client)
        start = mock.clock.time()
        with pytest.raises(errors.WaitTimeoutError) as caught:
            client.wait(task_id, operation=op.name, timeout=timeout, poll_interval=3)
    assert mock.clock.time() - start == pytest.approx(timeout)
    assert caught.value.outcome.status in ("queued", "running")
    assert sum(mock.clock.sleeps) == pytest.approx(timeout)


@pytest.mark.parametrize("timeout", [10.0, 7.5])
@pytest.mark.parametrize("name", TASK_VENDORS)
def test_async_wait_gives_up_exactly_at_its_deadline(name: str, timeout: float) -> None:
    mock, vendor = long_task(name)
    with mock.client(client_class(name)) as sync:
        op, task_id = submit(vendor, sync)

    async def run() -> float:
        async with mock.client(client_class(name, asynchronous=True)) as client:
            assert isinstance(client, AsyncClient)
            start = mock.clock.time()
            with pytest.raises(errors.WaitTimeoutError):
                await client.wait(task_id, operation=op.name, timeout=timeout, poll_interval=3)
            return mock.clock.time() - start

    assert asyncio.run(run()) == pytest.approx(timeout)
    expected = [3.0, 4.5, timeout - 7.5] if timeout > 7.5 else [3.0, 4.5]
    assert mock.clock.sleeps == pytest.approx(expected)


# -- the callback retry ladder --------------------------------------------------------------------
LADDER_VENDORS = vendors_where(lambda v: bool(v.callback and v.callback.retry_seconds))


def callback_submit(vendor: Vendor) -> Operation:
    return next(op for op in vendor.operations if op.role == "submit" and op.mock.callback_url)


@pytest.mark.parametrize("name", LADDER_VENDORS)
def test_a_refused_callback_is_retried_on_every_step_of_the_ladder_then_given_up(
    name: str,
) -> None:
    vendor = vendor_of(name)
    assert vendor.callback is not None
    ladder = vendor.callback.retry_seconds
    posts: list[float] = []
    mock = new_mock(name)

    def refuse(request: httpx.Request) -> httpx.Response:
        posts.append(mock.clock.time())
        return httpx.Response(500)

    mock.callbacks.transport = httpx.MockTransport(refuse)
    op = callback_submit(vendor)
    values = example_values(op, vendor.base_url or MOCK_BASE_URL)
    set_path(values, op.mock.callback_url, "https://receiver.example/cb")
    with mock.client(client_class(name)) as client:
        client._send(op, values)
    finished = mock.clock.time() + mock.queue_seconds + mock.task_seconds
    for _ in range(int(sum(ladder) + mock.queue_seconds + mock.task_seconds) + 7200):
        mock.advance(1.0)  # one second at a time, so each attempt happens when it falls due
    attempts = list(mock.callbacks.attempts)
    assert len(posts) == len(attempts) == len(ladder) + 1
    assert [a.attempt for a in attempts] == list(range(len(ladder) + 1))
    assert attempts[0].time == pytest.approx(finished)
    gaps = [b.time - a.time for a, b in itertools.pairwise(attempts)]
    assert gaps == pytest.approx(list(ladder))
    assert not any(a.accepted for a in attempts)


# -- a task's status through queue and run time ---------------------------------------------------
@pytest.mark.parametrize("name", TASK_VENDORS)
def test_a_task_is_queued_then_running_then_done_exactly_on_time(name: str) -> None:
    vendor = vendor_of(name)
    mock = new_mock(name, queue_seconds=4.0, task_seconds=6.0)
    with mock.client(client_class(name)) as client:
        op, task_id = submit(vendor, client)
        spec = vendor.task_spec(vendor.poll_for(op.name)[0])
        assert spec is not None
        queued = "queued" if "queued" in spec.statuses.values() else "running"
        timeline = [
            (0.0, "queued", queued),
            (3.9, "queued", queued),
            (4.0, "running", "running"),
            (6.0, "running", "running"),  # the run time alone is over; the queue time is not
            (9.9, "running", "running"),
            (10.0, "succeeded", "succeeded"),
        ]
        (task,) = mock.store.tasks.values()
        start, seen = mock.clock.time(), []
        for at, _mock_status, _client_status in timeline:
            mock.advance(start + at - mock.clock.time())
            outcome = client.get_outcome(task_id, operation=op.name)
            seen.append((at, task.status(mock.clock.time()), outcome.status))
    assert seen == timeline


# -- a vendor's own clock time in its answers does not follow the local zone ----------------------
CREATED_VENDORS = vendors_where(lambda v: has_tasks(v) and bool(v.task and v.task.fields.created))


@pytest.mark.parametrize("zone", ZONES, indirect=True)
@pytest.mark.parametrize("name", CREATED_VENDORS)
def test_a_tasks_creation_time_is_written_in_the_vendors_zone_not_the_local_one(
    name: str, zone: str
) -> None:
    vendor = vendor_of(name)
    spec = vendor.task
    assert spec is not None
    stamp = NEAR_MIDNIGHT[1]  # 23:59:59 UTC on 10 March
    mock = new_mock(name, clock=VirtualClock(start=stamp))
    with mock.client(client_class(name)) as client:
        op, task_id = submit(vendor, client)
        outcome = client.get_outcome(task_id, operation=op.name)
    vendors_time = datetime(2026, 3, 10, 23, 59, 59) + timedelta(hours=spec.utc_offset_hours)
    assert get_path(outcome.raw, spec.fields.created) == vendors_time.strftime(spec.time_format)
