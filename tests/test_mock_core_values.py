"""The mock's core, by value: which requests it answers on the event loop and which on its
worker threads, what the journal keeps of a request's inputs, and how long a result file's
URL lives (to the second). Vendors are found from specs/ by the extensions tested."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import threading
from typing import Any

import pytest

from generator.runtime.mock import VendorMock, core
from generator.runtime.mock.core import (
    INLINE_BODY_BYTES,
    JOURNAL_TEXT_CHARS,
    _journal_value,
)
from generator.runtime.mock.messages import Call, MockRequest, MockResponse
from generator.runtime.mock.roles import HANDLERS
from generator.runtime.paths import get_path
from generator.runtime.testing import as_kwargs, example_values
from generator.runtime.validation import check
from generator.runtime.vendor import Operation, Vendor

from .hostile import answered, client_class
from .vendors import all_vendors

HOST = "http://mock.invalid"
VENDORS = all_vendors()


def request(vendor: Vendor, op: Operation | None = None, path: str = "", body: bytes = b""):
    """A request for ``op`` (its path parameters filled in), or for ``path``."""
    if op is not None:
        path = vendor_path(vendor, op)
    method = op.method if op is not None else "GET"
    headers = [(p.wire, p.value) for p in (op.params if op else ()) if p.source == "constant"]
    return MockRequest.build(method, f"{HOST}{path}", headers, body)


def vendor_path(vendor: Vendor, op: Operation) -> str:
    path = op.path
    for param in op.params:
        path = path.replace("{" + param.wire + "}", "t1")
    return path


def answers_images(vendor: Vendor, op: Operation) -> bool:
    """Whether the spec has ``op`` answer image bytes the mock makes: a preview or base64,
    in its own template or in the task family's view the template merges."""
    text = json.dumps(op.mock.response)
    spec = vendor.task_spec(op)
    if "$view" in text and spec is not None:
        text += json.dumps(spec.view)
    return "$task.preview" in text or "$task.base64" in text


def pauses(mock: VendorMock, req: MockRequest) -> bool:
    """Whether handling ``req`` stops before its answer, for a worker thread to go on with
    (``ahandle`` moves the rest of it there); it is then finished here."""
    answer = mock._begin(req)
    if isinstance(answer, MockResponse):
        return False
    answer()
    return True


def test_admin_reads_and_small_bodies_stay_on_the_loop_files_and_large_bodies_do_not() -> None:
    vendor = VENDORS[0]
    mock = VendorMock(vendor)
    assert pauses(mock, request(vendor, path="/no/such/operation")) is False
    for path in ("/_mock/journal", "/_mock/faults", "/_mock/state"):
        assert pauses(mock, request(vendor, path=path)) is False, path
    for path in ("/_mock/files/t1/result.png", "/_mock/examples/example.png", "/_mock/advance"):
        assert pauses(mock, request(vendor, path=path)) is True, path
    big = request(vendor, path="/_mock/journal", body=b"x" * (INLINE_BODY_BYTES + 1))
    assert pauses(mock, big) is True
    edge = request(vendor, path="/_mock/journal", body=b"x" * INLINE_BODY_BYTES)
    assert pauses(mock, edge) is False


def image_url_given(op: Operation, values: dict[str, Any]) -> bool:
    """Whether ``values`` name an input image by URL (the mock downloads it)."""
    names = core._image_inputs(op)
    return any(str(get_path(values, name) or "").startswith("http") for name in names)


OPS = [(v, op) for v in VENDORS for op in v.operations]


def makes_images(vendor: Vendor, op: Operation) -> bool:
    """Whether answering ``op`` makes images: a synchronous job, an answer with a preview or
    base64, or one whose body is a result file."""
    return op.role == "action" or answers_images(vendor, op) or bool(op.mock.body_file)


@pytest.mark.parametrize("case", OPS, ids=lambda c: f"{c[0].package}-{c[1].name}")
def test_only_a_call_that_downloads_or_makes_images_is_slow(case) -> None:
    vendor, op = case
    mock = VendorMock(vendor)
    values = example_values(op, vendor.base_url or HOST)
    checked = check(op, values)  # base64 images decoded, as the mock has them
    account = next(iter(mock.accounts.values()))
    call = Call(op, checked.values, checked.images, account, request(vendor, op))
    assert mock._slow(call) is (makes_images(vendor, op) or image_url_given(op, values))


INLINE_SUBMITS = [
    (v, op)
    for v, op in OPS
    if op.role == "submit"
    and not makes_images(v, op)
    and not image_url_given(op, example_values(op, v.base_url or HOST))
]
JOBS = [(v, op) for v, op in OPS if op.role == "action"]


@pytest.mark.parametrize("change", [{"role": "action"}, {"body_file": "image"}])
def test_a_job_or_a_result_file_as_the_answer_is_slow_whatever_its_inputs(change) -> None:
    """Spec-independent: today's jobs also answer base64, and no spec answers a result file."""
    vendor, op = INLINE_SUBMITS[0]
    mock = VendorMock(vendor)
    checked = check(op, example_values(op, vendor.base_url or HOST))
    account = next(iter(mock.accounts.values()))
    call = Call(op, checked.values, checked.images, account, request(vendor, op))
    assert mock._slow(call) is False
    if "role" in change:
        changed = op.model_copy(update=change)
    else:
        changed = op.model_copy(update={"mock": op.mock.model_copy(update=change)})
    ops = tuple(changed if o.name == op.name else o for o in vendor.operations)
    fields = {name: getattr(vendor, name) for name in Vendor.model_fields}
    mock = VendorMock(Vendor.model_validate({**fields, "operations": ops}))
    call.op = changed
    assert mock._slow(call) is True


def served_on(vendor: Vendor, op: Operation, values: dict[str, Any]) -> tuple[str, int]:
    """The thread on which a served mock (``ahandle``, one worker) ran ``op``'s role handler
    for the generated client's request with ``values``, and the status it answered."""
    sent: list[MockRequest] = []
    probe = VendorMock(vendor, task_seconds=0)
    answer = probe.handle

    def keep(req: MockRequest) -> Any:
        sent.append(req)
        return answer(req)

    probe.handle = keep  # type: ignore[method-assign]
    with contextlib.suppress(Exception), probe.client(client_class(vendor.package)) as c:
        getattr(c, op.name)(**as_kwargs(op, values))
    mock = VendorMock(vendor, task_seconds=0, workers=1)
    name = HANDLERS[op.role]
    handler = getattr(mock.roles, name)
    threads: list[str] = []

    def spy(call: Call) -> Any:
        threads.append(threading.current_thread().name)
        return handler(call)

    setattr(mock.roles, name, spy)
    try:
        status = asyncio.run(mock.ahandle(sent[0])).status
    finally:
        mock.close()
    return threads[0], status


@pytest.mark.parametrize("case", INLINE_SUBMITS, ids=lambda c: f"{c[0].package}-{c[1].name}")
def test_a_submit_with_an_inline_image_is_served_on_the_event_loop(case) -> None:
    vendor, op = case
    thread, status = served_on(vendor, op, example_values(op, vendor.base_url or HOST))
    assert (thread, status // 100) == ("MainThread", 2)


@pytest.mark.parametrize("case", JOBS, ids=lambda c: f"{c[0].package}-{c[1].name}")
def test_a_job_that_makes_images_is_served_by_a_worker(case) -> None:
    vendor, op = case
    thread, status = served_on(vendor, op, example_values(op, vendor.base_url or HOST))
    assert (thread.startswith("mock-worker"), status // 100) == (True, 2)


def no_urls(value: Any) -> Any:
    """``value`` with every URL in it, at any depth, made empty."""
    if isinstance(value, dict):
        return {k: no_urls(v) for k, v in value.items()}
    if isinstance(value, list):
        return [no_urls(v) for v in value]
    return "" if isinstance(value, str) and value.startswith("http") else value


URL_SUBMITS = [
    (v, op)
    for v, op in OPS
    if op.role == "submit" and image_url_given(op, example_values(op, v.base_url or HOST))
]


@pytest.mark.parametrize("case", URL_SUBMITS, ids=lambda c: f"{c[0].package}-{c[1].name}")
def test_an_image_named_by_url_is_downloaded_on_a_worker_and_no_url_stays(case) -> None:
    vendor, op = case
    values = example_values(op, vendor.base_url or HOST)
    thread, status = served_on(vendor, op, values)
    assert (thread.startswith("mock-worker"), status) == (True, 200)
    mock = VendorMock(vendor)
    account = next(iter(mock.accounts.values()))
    req = request(vendor, op)
    assert mock._slow(Call(op, values, {}, account, req)) is True
    empty = Call(op, no_urls(values), {}, account, req)
    assert mock._slow(empty) is False, "an empty URL names nothing to download"
    decoded = {name: b"png" for name in core._image_inputs(op)}  # the image came inline
    assert mock._slow(Call(op, values, decoded, account, req)) is False


def test_an_op_that_answers_images_is_found_from_its_template_or_merged_view() -> None:
    found = {(v.package, op.name) for v in VENDORS for op in v.operations if answers_images(v, op)}
    for vendor in VENDORS:
        answering = {op.name for op in vendor.operations if core._answers_images(vendor, op)}
        assert answering == {n for p, n in found if p == vendor.package}
    assert found, "no spec answers images any more: this test has nothing to check"


def handled_on(mock: VendorMock, req: MockRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The name of the thread on which ``ahandle`` answered the admin request ``req``."""
    seen: list[str] = []
    answer = core.admin

    def spy(*args: Any) -> Any:
        seen.append(threading.current_thread().name)
        return answer(*args)

    monkeypatch.setattr(core, "admin", spy)
    asyncio.run(mock.ahandle(req))
    return seen[0]


@pytest.mark.parametrize("workers", [1, 2])
def test_heavy_requests_go_to_the_worker_threads_and_light_ones_stay_on_the_loop(
    workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    vendor = VENDORS[0]
    mock = VendorMock(vendor, workers=workers)
    try:
        assert handled_on(mock, request(vendor, path="/_mock/journal"), monkeypatch) == "MainThread"
        heavy = request(vendor, path="/_mock/examples/example.png")
        assert handled_on(mock, heavy, monkeypatch).startswith("mock-worker")
    finally:
        mock.close()
    assert mock._workers is None


def test_without_workers_every_request_is_answered_on_the_loop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    vendor = VENDORS[0]
    mock = VendorMock(vendor, workers=0)
    heavy = request(vendor, path="/_mock/examples/example.png")
    assert handled_on(mock, heavy, monkeypatch) == "MainThread"


def test_the_journal_shortens_long_text_and_bytes_at_any_depth() -> None:
    edge, long = "a" * JOURNAL_TEXT_CHARS, "b" * (JOURNAL_TEXT_CHARS + 1)
    value = {"prompt": edge, "image": long, "file": b"\x89PNG", "list": [long, 3, {"x": b""}]}
    assert _journal_value(value) == {
        "prompt": edge,
        "image": f"<{JOURNAL_TEXT_CHARS + 1} characters>",
        "file": "<bytes>",
        "list": [f"<{JOURNAL_TEXT_CHARS + 1} characters>", 3, {"x": "<bytes>"}],
    }


SUBMITS = [
    (v, op)
    for v in VENDORS
    for op in v.operations
    if op.role in ("submit", "action") and any(p.source == "credential" for p in op.params)
]


@pytest.mark.parametrize("case", SUBMITS, ids=lambda c: f"{c[0].package}-{c[1].name}")
def test_the_journal_masks_credentials_and_keeps_other_inputs(case) -> None:
    vendor, op = case
    mock = VendorMock(vendor)
    values = example_values(op, vendor.base_url or HOST)
    with mock.client(client_class(vendor.package)) as client:
        getattr(client, op.name)(**as_kwargs(op, values))
    params = mock.journal[-1].params
    secret = {p.wire for p in op.params if p.source == "credential"}
    assert secret & params.keys(), "no credential reached the journal"
    for wire in secret & params.keys():
        assert params[wire] == "****", wire
    kept = {k: v for k, v in values.items() if k not in secret}
    assert kept, "the example has no input besides credentials"
    for wire, value in kept.items():
        assert params.get(wire) == _journal_value(value), wire


TTL = [(v, op) for v in VENDORS for op in v.operations if op.mock and op.mock.files_ttl]


@pytest.mark.parametrize("case", TTL, ids=lambda c: f"{c[0].package}-{c[1].name}")
def test_a_result_file_is_served_until_its_lifetime_ends_to_the_second(case) -> None:
    vendor, op = case
    mock = VendorMock(vendor, task_seconds=0, queue_seconds=0)
    values = example_values(op, vendor.base_url or HOST)
    with mock.client(client_class(vendor.package)) as client:
        getattr(client, op.name)(**as_kwargs(op, values))
    task = mock.store.find(next(iter(mock.store.of_account(mock._default_credentials[0]))).id)
    assert task is not None
    url = next(iter(mock.file_urls(task).values()))
    path = url.removeprefix(task.base_url)
    mock.advance(task.finishes_at + op.mock.files_ttl - mock.clock.time())
    assert mock.handle(request(vendor, path=path)).status == 200
    mock.advance(0.001)
    assert mock.handle(request(vendor, path=path)).status == 404


def poll_of(vendor: Vendor) -> Operation:
    """A poll where the vendor has one, else its first operation."""
    return next((op for op in vendor.operations if op.role == "get"), vendor.operations[0])


def shown(answer: Any) -> tuple[int, str]:
    """An answer's status and text (body and headers: a gateway's refusal has its reason in
    a header), its request id replaced by ``RID``."""
    text = answer.body.decode("utf-8", "replace") + " ".join(answer.headers.values())
    return answer.status, re.sub(r"\b[0-9a-f]{24}\b", "RID", text)


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.package)
def test_an_injected_error_meets_the_next_request_only_with_a_503(vendor: Vendor) -> None:
    mock = VendorMock(vendor)
    poll = request(vendor, poll_of(vendor))
    normal = mock.handle(poll)
    mock.inject_fault("error")
    faulty = mock.handle(request(vendor, poll_of(vendor)))
    expected = mock._error("server_error", "injected by the test", "RID")
    expected.status = 503
    assert shown(faulty) == shown(expected) and normal.status != 503
    after = mock.handle(request(vendor, poll_of(vendor)))
    assert (after.status, after.media_type) == (normal.status, normal.media_type)
    assert mock.faults == []


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.package)
def test_an_injected_rate_limit_answers_the_vendor_s_rate_limited_error(vendor: Vendor) -> None:
    mock = VendorMock(vendor)
    mock.inject_fault("rate_limit", count=2)
    expected = shown(mock._error("rate_limited", "injected by the test", "RID"))
    answers = [shown(mock.handle(request(vendor, poll_of(vendor)))) for _ in range(3)]
    assert answers[:2] == [expected, expected] and answers[2] != expected


@pytest.mark.parametrize(
    "vendor", [v for v in VENDORS if len(v.operations) > 1], ids=lambda v: v.package
)
def test_a_fault_for_one_operation_leaves_the_others_alone(vendor: Vendor) -> None:
    mock = VendorMock(vendor)
    poll = poll_of(vendor)
    other = next(op for op in vendor.operations if op.name != poll.name)
    mock.inject_fault("error", operation=poll.name)
    assert mock.handle(request(vendor, other)).status != 503
    assert mock.handle(request(vendor, poll)).status == 503
    with pytest.raises(ValueError, match=f"{vendor.package} has no operation 'nope'"):
        mock.inject_fault("error", operation="nope")


def test_a_latency_fault_holds_the_answer_back_by_its_seconds_only() -> None:
    vendor = VENDORS[0]
    mock = VendorMock(vendor)
    plain = mock.handle(request(vendor, poll_of(vendor))).delay
    mock.inject_fault("latency")
    assert mock.handle(request(vendor, poll_of(vendor))).delay == plain
    mock.inject_fault("latency", seconds=2.5)
    assert mock.handle(request(vendor, poll_of(vendor))).delay == plain + 2.5


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.package)
def test_a_fault_inside_the_mock_is_the_vendor_s_server_error_and_a_logged_traceback(
    vendor: Vendor, caplog: pytest.LogCaptureFixture
) -> None:
    mock = VendorMock(vendor)

    def broken(*args: Any) -> Any:
        raise RuntimeError("a bug in the mock")

    mock._dispatch = broken  # type: ignore[method-assign]
    mock._authenticate = lambda request: None  # type: ignore[assignment,method-assign,return-value]
    op = poll_of(vendor)
    answer = mock.handle(request(vendor, op))
    assert shown(answer) == shown(mock._error("server_error", "internal error", "RID"))
    [record] = [r for r in caplog.records if r.exc_info]
    path = vendor_path(vendor, op)
    assert record.getMessage() == f"mock {vendor.package} failed on {op.method} {path}"
    assert record.name == "generator.runtime.mock" and record.exc_info[0] is RuntimeError


@pytest.mark.parametrize(
    "case",
    [(v, op) for v in VENDORS for op in v.operations if op.role == "action"],
    ids=lambda c: f"{c[0].package}-{c[1].name}",
)
def test_latency_is_added_to_the_time_a_job_takes(case) -> None:
    vendor, op = case
    mock = VendorMock(vendor, task_seconds=3.0)
    values = example_values(op, vendor.base_url or HOST)
    mock.inject_fault("latency", seconds=2.5, operation=op.name)
    with mock.client(client_class(vendor.package)) as client:
        start = mock.clock.time()
        getattr(client, op.name)(**as_kwargs(op, values))
        assert mock.clock.time() - start == 3.0 + 2.5
        start = mock.clock.time()
        getattr(client, op.name)(**as_kwargs(op, values))
        assert mock.clock.time() - start == 3.0


def test_only_a_virtual_clock_can_be_advanced() -> None:
    from generator.runtime.clock import SystemClock

    mock = VendorMock(VENDORS[0], clock=SystemClock())
    with pytest.raises(TypeError, match=r"^only a virtual clock can be advanced$"):
        mock.advance(1)


def test_a_restarted_mock_takes_up_its_virtual_clock_even_a_fraction_ahead(tmp_path) -> None:
    from generator.runtime.mock.sqlite import SqliteStore

    vendor = VENDORS[0]
    path = tmp_path / "state.sqlite3"
    first = VendorMock(vendor, store=SqliteStore(path, vendor=vendor.package))
    start = first.clock.time()
    first.advance(0.5)
    first.close()
    again = VendorMock(vendor, store=SqliteStore(path, vendor=vendor.package))
    assert again.clock.time() == start + 0.5
    again.close()


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.package)
def test_a_known_path_asked_with_another_method_names_the_methods_it_takes(
    vendor: Vendor,
) -> None:
    from generator.runtime.mock.messages import MockError

    mock = VendorMock(vendor)
    for op in vendor.operations:
        path = vendor_path(vendor, op)
        methods = sorted({o.method for o in vendor.operations if o.path == op.path})
        wrong = MockRequest.build("PATCH", f"{HOST}{path}", [], b"")
        with pytest.raises(MockError) as refused:
            mock._route(wrong)
        assert refused.value.kind == "unknown_operation"
        assert refused.value.detail == f"PATCH {path} (use {' or '.join(methods)})"


ROUTED = [
    (v, op, p)
    for v in VENDORS
    for op in v.operations
    for p in op.params
    if p.source == "constant" and p.routes and p.location == "header"
]


@pytest.mark.parametrize("case", ROUTED, ids=lambda c: f"{c[0].package}-{c[1].name}-{c[2].wire}")
def test_a_routing_header_missing_or_wrong_is_refused_naming_it(case) -> None:
    from generator.runtime.mock.messages import MockError

    vendor, op, param = case
    mock = VendorMock(vendor)
    assert mock._route(request(vendor, op)) is op
    for given, shown_as in ((None, "missing"), ("Nope", "'Nope'")):
        headers = [(p.wire, p.value) for p in op.params if p.source == "constant"]
        headers = [(w, v) for w, v in headers if w != param.wire]
        if given is not None:
            headers.append((param.wire, given))
        req = MockRequest.build(op.method, f"{HOST}{vendor_path(vendor, op)}", headers, b"")
        with pytest.raises(MockError) as refused:
            mock._route(req)
        assert (refused.value.kind, refused.value.detail) == (
            param.refusal,
            f"{param.wire} {shown_as}",
        )


def body_ops(*kinds: str) -> list[tuple[Vendor, Operation]]:
    return [(v, op) for v in VENDORS for op in v.operations if op.body in kinds]


def body_request(op: Operation, body: bytes, content_type: str | None) -> MockRequest:
    headers = [("content-type", content_type)] if content_type is not None else []
    return MockRequest.build(op.method, f"{HOST}{op.path}", headers, body)


def refusal(mock: VendorMock, op: Operation, req: MockRequest) -> tuple[str, str] | None:
    from generator.runtime.mock.messages import MockError

    try:
        mock._parse_body(op, req)
    except MockError as exc:
        return exc.kind, exc.detail
    return None


@pytest.mark.parametrize(
    "case", body_ops("json", "form", "multipart"), ids=lambda c: f"{c[0].package}-{c[1].name}"
)
def test_a_body_of_the_vendor_s_limit_is_read_and_one_byte_more_refused(case) -> None:
    vendor, op = case
    mock = VendorMock(vendor)
    limit = vendor.mock.max_body_bytes
    at_limit = body_request(op, b" " * limit, "application/octet-stream")
    assert refusal(mock, op, at_limit) != ("payload_too_large", f"body over {limit} bytes")
    over = body_request(op, b" " * (limit + 1), "application/octet-stream")
    assert refusal(mock, op, over) == ("payload_too_large", f"body over {limit} bytes")


@pytest.mark.parametrize(
    "case", body_ops("form", "multipart"), ids=lambda c: f"{c[0].package}-{c[1].name}"
)
def test_a_form_operation_refuses_a_body_of_another_type_naming_it(case) -> None:
    vendor, op = case
    mock = VendorMock(vendor)
    refused = ("invalid_request", "expected a form body, got none")
    assert refusal(mock, op, body_request(op, b"a=1", None)) == refused
    refused = ("invalid_request", "expected a form body, got text/plain")
    assert refusal(mock, op, body_request(op, b"a=1", "text/plain")) == refused
    form = "application/x-www-form-urlencoded"
    not_utf8 = ("invalid_request", "the body is not UTF-8 (byte 2)")
    assert refusal(mock, op, body_request(op, b"a=\xff", form)) == not_utf8
    parsed = body_request(op, b"a=1&b=x+y", form)
    assert refusal(mock, op, parsed) is None and parsed.form == {"a": "1", "b": "x y"}


@pytest.mark.parametrize("case", body_ops("json"), ids=lambda c: f"{c[0].package}-{c[1].name}")
def test_a_json_operation_reads_json_whatever_its_content_type_says(case) -> None:
    vendor, op = case
    mock = VendorMock(vendor)
    for content_type in (None, "text/plain", "application/json; charset=utf-8"):
        req = body_request(op, b'{"a": [1, 2]}', content_type)
        assert refusal(mock, op, req) is None and req.json == {"a": [1, 2]}, content_type


@pytest.mark.parametrize(
    "case", body_ops("form", "multipart"), ids=lambda c: f"{c[0].package}-{c[1].name}"
)
def test_a_form_operation_reads_a_json_body_only_when_it_says_json(case) -> None:
    vendor, op = case
    mock = VendorMock(vendor)
    plain = body_request(op, b'{"a": 1}', "text/plain")
    refusal(mock, op, plain)
    assert plain.json is None
    said = body_request(op, b'{"a": 1}', "application/json")
    refusal(mock, op, said)
    assert said.json == {"a": 1}


MANY_REQUIRED = [
    (v, op) for v in VENDORS for op in v.operations if sum(p.required for p in op.params) >= 2
]


@pytest.mark.parametrize("case", MANY_REQUIRED, ids=lambda c: f"{c[0].package}-{c[1].name}")
def test_every_problem_of_the_first_kind_is_named_in_one_refusal(case) -> None:
    """A call missing everything: one refusal naming each missing input, "; " between."""
    from generator.runtime.mock.messages import MockError

    vendor, op = case
    mock = VendorMock(vendor)
    with pytest.raises(MockError) as refused:
        answered(mock._dispatch(op, {}, account(mock), request(vendor, op)))
    assert refused.value.kind == "invalid_request"
    named = refused.value.detail.split("; ")
    assert len(named) >= 2 and all(part and ";" not in part for part in named), named
    first = next(p.wire for p in op.params if p.required)
    assert f"{first} is required" in named


def account(mock: VendorMock) -> Any:
    return mock.accounts[mock._default_credentials[0]]


def test_a_forced_failure_without_a_reason_says_the_test_forced_it() -> None:
    mock = VendorMock(VENDORS[0])
    mock.force_outcome("failed", count=2)
    mock.force_outcome("succeeded", error="")
    reason = "the task failed (forced by the test)"
    assert mock.forced_outcomes == [("failed", reason), ("failed", reason), ("succeeded", reason)]


def test_a_direct_async_transport_skips_the_asgi_app() -> None:
    import httpx

    mock = VendorMock(VENDORS[0])
    assert isinstance(mock.async_transport(asgi=False), httpx.MockTransport)
    assert not isinstance(mock.async_transport(), httpx.MockTransport)


def test_close_waits_for_the_request_a_worker_is_answering() -> None:
    """``close`` returns only once the worker threads are done (the store closes after)."""
    from concurrent.futures import ThreadPoolExecutor

    mock = VendorMock(VENDORS[0], workers=1)
    mock._workers = ThreadPoolExecutor(1)
    order: list[str] = []
    started, gate, closed = threading.Event(), threading.Event(), threading.Event()

    def answering() -> None:
        started.set()
        gate.wait(10)
        order.append("answered")

    mock._workers.submit(answering)
    assert started.wait(10)
    closer = threading.Thread(target=lambda: (mock.close(), order.append("closed"), closed.set()))
    closer.start()
    closed.wait(0.3)  # a close that does not wait is done by now
    gate.set()
    closer.join(10)
    assert order == ["answered", "closed"]
    assert mock._workers is None


def test_the_mock_fetches_its_own_files_under_a_public_url_and_no_one_else_s() -> None:
    from generator.runtime.mock.core import EXAMPLE_IMAGES
    from generator.runtime.mock.messages import MockError
    from generator.runtime.secrets import public_url

    mock = VendorMock(VENDORS[0])
    public = "https://mock.example/vendor-a"
    asked = MockRequest.parts(  # as the ASGI app makes it when served with a public URL
        method="POST", path="/submit", base_url=public, query_string="", headers={}, body=b""
    )
    own = f"{public}/_mock/examples/example.png"
    assert mock.fetch(own, asked) == EXAMPLE_IMAGES["example.png"]()
    missing = f"{public}/_mock/files/no-such-task/result.png"
    with pytest.raises(MockError) as refused:
        mock.fetch(missing, asked)
    assert (refused.value.kind, refused.value.detail) == ("download_failed", public_url(missing))
    foreign = "https://elsewhere.example/vendor-a/_mock/examples/example.png"
    with pytest.raises(MockError) as refused:
        mock.fetch(foreign, asked)
    assert refused.value.kind == "download_failed" and "allowed hosts" in refused.value.detail


def test_the_journal_keeps_short_texts_and_shortens_long_ones_bytes_and_nested_values() -> None:
    vendor = VENDORS[0]
    op = vendor.operations[0]
    mock = VendorMock(vendor)
    limit = "t" * JOURNAL_TEXT_CHARS
    values = {
        "short": "a",
        "limit": limit,
        "long": limit + "x",
        "data": b"png",
        "nested": {"inner": limit + "y"},
        "number": 3,
        "absent": None,
    }

    kept = mock._masked(op, values)

    assert kept == {
        "short": "a",
        "limit": limit,  # at the limit exactly: kept whole
        "long": f"<{JOURNAL_TEXT_CHARS + 1} characters>",
        "data": "<bytes>",
        "nested": {"inner": f"<{JOURNAL_TEXT_CHARS + 1} characters>"},
        "number": 3,
    }


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.package)
def test_a_fault_in_work_left_for_a_worker_thread_is_the_server_error_journaled_and_logged(
    vendor: Vendor, caplog: pytest.LogCaptureFixture
) -> None:
    mock = VendorMock(vendor)

    def broken(call: Call) -> Any:
        raise RuntimeError("a bug in the mock")

    def dispatched(op: Operation, values: Any, account: Any, req: MockRequest) -> Any:
        return Call(op, values, {}, account, req), broken

    mock._authenticate = lambda request: None  # type: ignore[assignment,method-assign,return-value]
    mock._dispatch = dispatched  # type: ignore[assignment,method-assign]
    mock._slow = lambda call: True  # type: ignore[method-assign]  # as a call making images is
    op = poll_of(vendor)
    later = mock._begin(request(vendor, op))
    assert not isinstance(later, MockResponse)  # the rest is left for a worker thread
    assert not mock.journal  # recorded once the rest is done

    answer = later()
    assert shown(answer) == shown(mock._error("server_error", "internal error", "RID"))
    [entry] = mock.journal
    assert (entry.operation, entry.status, entry.answer) == (op.name, answer.status, answer.body)
    [record] = [r for r in caplog.records if r.exc_info]
    assert (
        record.getMessage()
        == f"mock {vendor.package} failed on {op.method} {vendor_path(vendor, op)}"
    )
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError
