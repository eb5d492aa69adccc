"""The mock's core, by value: the words and kinds of its refusals (an unknown path, a body it
cannot read, a JSON body that is no object, a body too large, a role it does not serve), the
media type of a gateway's bodiless refusal, what a drop fault adds to an answer's delay, the
download deadline it keeps, its worker pool's size and a restored clock. Vendors are found from
specs/ by the extensions tested."""

from __future__ import annotations

import asyncio
import random
import socket

import pytest

from generator.runtime.clock import VirtualClock
from generator.runtime.envelope import render_error
from generator.runtime.mock import VendorMock
from generator.runtime.mock.messages import MockError, MockRequest
from generator.runtime.mock.store import MemoryStore
from generator.runtime.secrets import public_url
from generator.runtime.vendor import Limits, Operation, Vendor
from generator.runtime.wire import wire_layout

from .hostile import answered
from .vendors import all_vendors

HOST = "http://mock.invalid"
VENDORS = all_vendors()
IDS = [v.package for v in VENDORS]


def request_for(op: Operation, body: bytes = b"", content_type: str = "") -> MockRequest:
    """A request routed to ``op`` (path parameters filled in, constant headers sent), with no
    credentials."""
    path = op.path
    for param in op.params:
        path = path.replace("{" + param.wire + "}", "t1")
    headers = [(p.wire, str(p.value)) for p in op.params if p.source == "constant"]
    if content_type:
        headers.append(("Content-Type", content_type))
    return MockRequest.build(op.method, f"{HOST}{path}", headers, body)


def first_request_id(seed: int) -> str:
    """The request id a mock seeded with ``seed`` gives its first request."""
    return f"{random.Random(seed).getrandbits(96):024x}"


@pytest.mark.parametrize("vendor", VENDORS, ids=IDS)
def test_an_unknown_path_is_refused_naming_the_path(vendor: Vendor) -> None:
    mock = VendorMock(vendor)
    with pytest.raises(MockError) as refused:
        mock._route(MockRequest.build("GET", f"{HOST}/no/such/path", [], b""))
    assert (refused.value.kind, refused.value.detail) == ("unknown_operation", "/no/such/path")


@pytest.mark.parametrize("vendor", VENDORS, ids=IDS)
def test_a_multipart_body_without_a_boundary_is_refused_saying_why(vendor: Vendor) -> None:
    mock = VendorMock(vendor)
    op = vendor.operations[0]
    req = request_for(op, b"--x\r\n", "multipart/form-data")
    with pytest.raises(MockError) as refused:
        mock._parse_body(op, req)
    assert refused.value.kind == "invalid_request"
    assert refused.value.detail == "the body could not be read: multipart body without a boundary"


@pytest.mark.parametrize("vendor", VENDORS, ids=IDS)
def test_a_json_body_that_is_no_object_is_refused_in_those_words(vendor: Vendor) -> None:
    ops = [op for op in vendor.operations if op.body == "json"]
    if not ops:
        pytest.skip(f"{vendor.package} takes no JSON body")
    mock = VendorMock(vendor)
    req = request_for(ops[0], b"[1, 2]", "application/json")
    mock._parse_body(ops[0], req)
    assert req.json == [1, 2]
    with pytest.raises(MockError) as refused:
        mock._inputs(wire_layout(ops[0]), req)
    assert (refused.value.kind, refused.value.detail) == (
        "invalid_request",
        "the JSON body must be an object",
    )


@pytest.mark.parametrize("vendor", VENDORS, ids=IDS)
def test_a_body_too_large_is_refused_before_the_missing_credentials(vendor: Vendor) -> None:
    """Too large is answered at once (the body is not read); other unreadable bodies wait
    until the credentials have been checked."""
    op = vendor.operations[0]
    limit = vendor.mock.max_body_bytes
    mock = VendorMock(vendor, seed=7)
    huge = request_for(op, b"x" * (limit + 1), "application/octet-stream")
    with pytest.raises(MockError) as refused:
        mock._read_body(op, huge)
    assert (refused.value.kind, refused.value.detail) == (
        "payload_too_large",
        f"body over {limit} bytes",
    )
    answer = mock.handle(request_for(op, b"x" * (limit + 1), "application/octet-stream"))
    expected = mock._error("payload_too_large", f"body over {limit} bytes", first_request_id(7), op)
    assert (answer.status, answer.body, answer.headers) == (
        expected.status,
        expected.body,
        expected.headers,
    )


@pytest.mark.parametrize("vendor", VENDORS, ids=IDS)
def test_an_unreadable_body_is_returned_to_answer_after_the_credentials(vendor: Vendor) -> None:
    op = vendor.operations[0]
    mock = VendorMock(vendor)
    kept = mock._read_body(op, request_for(op, b"--x\r\n", "multipart/form-data"))
    assert kept is not None
    assert kept[0] == "invalid_request"


@pytest.mark.parametrize("vendor", VENDORS, ids=IDS)
def test_an_operation_of_a_role_no_mock_serves_is_refused_naming_it(vendor: Vendor) -> None:
    mock = VendorMock(vendor)
    first = vendor.operations[0]
    unchecked = {"role": "batch", "name": "odd_one", "params": (), "limits": Limits()}
    op = first.model_copy(update=unchecked)
    account = next(iter(mock.accounts.values()))
    with pytest.raises(MockError) as refused:
        answered(mock._dispatch(op, {}, account, request_for(first)))
    assert (refused.value.kind, refused.value.detail) == (
        "unknown_operation",
        "odd_one is not served by this mock",
    )


def bodiless_kinds() -> list[tuple[Vendor, str]]:
    return [(v, k) for v in VENDORS for k, spec in v.error_specs.items() if not spec.body]


@pytest.mark.parametrize(
    ("vendor", "kind"),
    bodiless_kinds() or [pytest.param(None, "", marks=pytest.mark.skip("no bodiless refusal"))],
    ids=[f"{v.package}-{k}" for v, k in bodiless_kinds()] or ["none"],
)
def test_a_gateway_refusal_without_a_body_is_plain_text(vendor: Vendor, kind: str) -> None:
    mock = VendorMock(vendor)
    answer = mock._error(kind, "why not", "rid1")
    status, headers, body = render_error(vendor, kind, "why not", "rid1")
    assert body is None
    assert (answer.status, answer.body, answer.media_type, answer.headers) == (
        status,
        b"",
        "text/plain",
        headers,
    )


@pytest.mark.parametrize("vendor", VENDORS, ids=IDS)
def test_a_drop_fault_adds_no_delay_and_latency_adds_its_seconds(vendor: Vendor) -> None:
    op = vendor.operations[0]  # refused without credentials: no delay of its own
    mock = VendorMock(vendor)
    plain = mock.handle(request_for(op))
    assert (plain.delay, plain.dropped) == (0.0, False)
    mock.inject_fault("drop", seconds=4.0)
    dropped = mock.handle(request_for(op))
    assert (dropped.delay, dropped.dropped) == (0.0, True)
    mock.inject_fault("latency", seconds=4.0)
    late = mock.handle(request_for(op))
    assert (late.delay, late.dropped) == (4.0, False)


def test_a_download_is_given_up_after_the_mocks_own_deadline() -> None:
    """An upstream that never answers: refused after ``download_seconds``, not the default."""
    vendor = VENDORS[0]
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)  # connections queue up; none is ever accepted or answered
        port = silent.getsockname()[1]
        url = f"http://127.0.0.1:{port}/in.png?key=secret"
        mock = VendorMock(vendor, allowed_hosts=[f"127.0.0.1:{port}"], download_seconds=0.05)
        req = MockRequest.build("POST", f"{HOST}/x", [], b"")
        with pytest.raises(MockError) as refused:
            mock.fetch(url, req)
    assert (refused.value.kind, refused.value.detail) == (
        "download_failed",
        f"{public_url(url)}: not downloaded within 0.05 s",
    )


@pytest.mark.parametrize("workers", [1, 3])
def test_the_worker_pool_has_as_many_threads_as_asked(workers: int) -> None:
    vendor = VENDORS[0]
    mock = VendorMock(vendor, workers=workers)
    heavy = MockRequest.build("GET", f"{HOST}/_mock/examples/example.png", [], b"")
    try:
        answer = asyncio.run(mock.ahandle(heavy))
        assert answer.status == 200
        assert mock._workers is not None
        assert mock._workers._max_workers == workers
    finally:
        mock.close()


def test_restoring_a_store_at_the_clocks_own_time_moves_nothing() -> None:
    """The clock is advanced only when the saved time is ahead: nobody hears an advance of
    nothing (a listener would run the due work of every mock on the clock again)."""
    vendor = VENDORS[0]
    clock = VirtualClock()
    now = clock.time()
    heard: list[float] = []
    clock.on_advance(heard.append)
    for saved in (now, now - 18.0):
        store = MemoryStore()
        store.set_meta("clock", repr(saved))
        VendorMock(vendor, clock=clock, store=store)
        assert (clock.time(), heard) == (now, [])
    ahead = MemoryStore()
    ahead.set_meta("clock", repr(now + 15.5))
    VendorMock(vendor, clock=clock, store=ahead)
    assert (clock.time(), heard) == (now + 15.5, [now + 15.5])
