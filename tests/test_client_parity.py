"""The async client behaves as the sync one where the sync tests already look (raw answers and
their request ids, per-call options on every page, the progress line, wait's default deadline),
and the client's own small rules hold value for value: retry back-off, the answer rebuilt for a
resent named submit, the task id a submit is followed by, refusals naming what is missing."""

from __future__ import annotations

import asyncio
import io
import logging
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from generator.runtime import client as client_module
from generator.runtime import errors
from generator.runtime.answers import ResultBytes
from generator.runtime.client import BaseClient, Recovered, file_part
from generator.runtime.clock import VirtualClock
from generator.runtime.paths import get_path, set_path
from generator.runtime.tasks import TaskOutcome
from generator.runtime.testing import example_values
from tests.vendors import all_vendors, contract_for

VENDORS = all_vendors()
TASK_VENDORS = [v for v in VENDORS if v.task is not None and v.op_for_role("submit")]
LIST_VENDORS = [v for v in VENDORS if v.op_for_role("list") is not None]


def kwargs_for(op, values: dict[str, Any]) -> dict[str, Any]:
    """Wire-named inputs as the generated method's keyword arguments."""
    by_wire = op.params_by_wire
    return {by_wire[k].py: v for k, v in values.items() if by_wire[k].source == "input"}


class Recording(httpx.AsyncBaseTransport, httpx.BaseTransport):
    """The mock's transport, keeping every request it was sent."""

    def __init__(self, mock) -> None:
        self.sync, self.async_ = mock.transport(), mock.async_transport()
        self.seen: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        return self.sync.handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        return await self.async_.handle_async_request(request)


def filled_mock(vendor, tasks: int = 3):
    """A mock holding a few tasks, so a list has more than one page of one."""
    contract = contract_for(vendor)
    mock = contract.create_mock(seed=0)
    with mock.client(contract.client_cls) as client:
        submit = vendor.op_for_role("submit")
        for index in range(tasks):
            values = example_values(submit, client.base_url)
            if submit.caller_id:  # each task named apart
                set_path(values, submit.caller_id, f"parity-{index}")
            client._send(submit, values)
    return contract, mock


@pytest.mark.parametrize("vendor", LIST_VENDORS, ids=lambda v: v.package)
def test_async_lists_send_the_call_s_options_on_every_page(vendor) -> None:
    contract, mock = filled_mock(vendor)
    op = vendor.op_for_role("list")
    assert op is not None and op.pagination is not None
    recording = Recording(mock)

    async def run() -> list[Any]:
        async with mock.client(contract.async_client_cls, transport=recording) as client:
            values = {**example_values(op, client.base_url), op.pagination.size: 1}
            method = getattr(client, op.name)
            page = await method(**kwargs_for(op, values), extra_headers={"X-Trace": "t-1"})
            return [item async for item in page]

    items = asyncio.run(run())
    assert len(items) >= 3 and len(recording.seen) >= 3  # one request per page
    assert [r.headers.get("X-Trace") for r in recording.seen] == ["t-1"] * len(recording.seen)


@pytest.mark.parametrize("vendor", LIST_VENDORS, ids=lambda v: v.package)
def test_sync_lists_send_the_call_s_options_on_every_page(vendor) -> None:
    contract, mock = filled_mock(vendor)
    op = vendor.op_for_role("list")
    assert op is not None and op.pagination is not None
    recording = Recording(mock)
    with mock.client(contract.client_cls, transport=recording) as client:
        values = {**example_values(op, client.base_url), op.pagination.size: 1}
        page = getattr(client, op.name)(**kwargs_for(op, values), extra_headers={"X-Trace": "t-2"})
        items = list(page)
    assert len(items) >= 3 and len(recording.seen) >= 3
    assert [r.headers.get("X-Trace") for r in recording.seen] == ["t-2"] * len(recording.seen)


@pytest.mark.parametrize("vendor", LIST_VENDORS, ids=lambda v: v.package)
def test_an_async_raw_list_carries_the_response_and_parses_to_the_page(vendor) -> None:
    contract, mock = filled_mock(vendor)
    op = vendor.op_for_role("list")
    assert op is not None

    async def run() -> tuple[Any, Any, list[Any], list[Any]]:
        async with mock.client(contract.async_client_cls) as client:
            kwargs = kwargs_for(op, example_values(op, client.base_url))
            raw = await getattr(client.with_raw_response, op.name)(**kwargs)
            page = raw.parse()
            plain = await getattr(client, op.name)(**kwargs)
            return raw, page, [i async for i in page], [i async for i in plain]

    raw, page, items, plain_items = asyncio.run(run())
    assert raw.status_code == 200 and isinstance(raw.body, dict | list)
    assert page.request_id == raw.request_id
    assert items == plain_items and len(items) >= 3


@pytest.mark.parametrize("vendor", TASK_VENDORS, ids=lambda v: v.package)
def test_an_async_raw_call_carries_its_request_id(vendor) -> None:
    contract, mock = filled_mock(vendor, tasks=1)
    get = vendor.op_for_role("get")
    assert get is not None
    task_id = next(iter(mock.store.tasks))

    async def run() -> tuple[Any, Any]:
        async with mock.client(contract.async_client_cls) as client:
            values = {**vendor.poll_for(get.name)[1], get.task_id: task_id}
            raw = await getattr(client.with_raw_response, get.name)(**kwargs_for(get, values))
            return raw, raw.parse()

    raw, parsed = asyncio.run(run())
    assert raw.status_code == 200
    carried = getattr(parsed, "_request_id", None)
    if carried is not None:
        assert raw.request_id == carried


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return False  # not a terminal: the line is drawn only because it was asked for


@pytest.mark.parametrize("vendor", TASK_VENDORS[:1], ids=lambda v: v.package)
def test_async_wait_draws_the_progress_line_when_asked(vendor, monkeypatch) -> None:
    terminal = FakeTerminal()
    monkeypatch.setattr("sys.stderr", terminal)
    contract, mock = filled_mock(vendor, tasks=1)
    task_id = next(iter(mock.store.tasks))

    async def run() -> TaskOutcome:
        async with mock.client(contract.async_client_cls) as client:
            return await client.wait(task_id, show_progress=True)

    outcome = asyncio.run(run())
    assert outcome.status == "succeeded"
    assert f"task {task_id}" in terminal.getvalue() and terminal.getvalue().endswith("\n")


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
def test_wait_gives_up_after_600_seconds_by_default(is_async: bool) -> None:
    vendor = TASK_VENDORS[0]
    contract = contract_for(vendor)
    mock = contract.create_mock(task_seconds=100_000)
    with mock.client(contract.client_cls) as client:
        submit = vendor.op_for_role("submit")
        assert submit is not None
        payload = client._send(submit, example_values(submit, client.base_url))
        task_id = client._task_id_of(submit, payload, example_values(submit, client.base_url))
        start = mock.clock.time()
        if not is_async:
            with pytest.raises(errors.WaitTimeoutError):
                client.wait(task_id)

    async def run() -> None:
        async with mock.client(contract.async_client_cls) as aclient:
            with pytest.raises(errors.WaitTimeoutError):
                await aclient.wait(task_id)

    if is_async:
        asyncio.run(run())
    assert mock.clock.time() - start == pytest.approx(600.0)


# -- the client's own small rules ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("attempt", "top"), [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (6, 8.0)]
)
def test_backoff_doubles_from_half_a_second_up_to_eight(attempt: int, top: float, monkeypatch):
    monkeypatch.setattr(client_module.random, "uniform", lambda low, high: high)
    assert BaseClient._backoff(attempt) == top
    monkeypatch.setattr(client_module.random, "uniform", lambda low, high: low)
    assert BaseClient._backoff(attempt) == 0.75 * top  # a quarter of jitter, downwards only


def a_client(vendor, **options: Any):
    contract = contract_for(vendor)
    return contract.create_mock().client(contract.client_cls, **options)


@pytest.mark.parametrize("vendor", TASK_VENDORS, ids=lambda v: v.package)
def test_a_recovered_answer_is_the_task_with_the_id_where_the_submit_puts_it(vendor, caplog):
    submit = vendor.op_for_role("submit")
    assert submit is not None
    with a_client(vendor) as client, caplog.at_level(logging.INFO, "generator.runtime.client"):
        recovered = client._recover(submit, "t-9", {"state": "running"})
        not_a_task = client._recover(submit, "t-9", ["not", "an", "object"])
    assert isinstance(recovered, Recovered) and recovered["state"] == "running"
    if submit.task_id and not submit.task_id.startswith("$"):
        assert get_path(recovered, submit.task_id) == "t-9"
        assert dict(not_a_task) == {
            submit.task_id.split(".")[0]: not_a_task[submit.task_id.split(".")[0]]
        }
        assert get_path(not_a_task, submit.task_id) == "t-9"
    else:
        assert dict(recovered) == {"state": "running"} and dict(not_a_task) == {}
    assert caplog.messages[0] == f"{submit.name}: a resent submit found its task t-9 already made"


@pytest.mark.parametrize("task_id", ["", "$request.name"])
def test_a_recovered_answer_gets_no_id_where_the_submit_names_none(task_id: str) -> None:
    vendor = TASK_VENDORS[0]
    submit = vendor.op_for_role("submit")
    assert submit is not None
    with a_client(vendor) as client:
        recovered = client._recover(submit.model_copy(update={"task_id": task_id}), "t-9", {})
    assert dict(recovered) == {}


@pytest.mark.parametrize("vendor", TASK_VENDORS, ids=lambda v: v.package)
def test_a_submit_answer_without_a_task_id_is_a_format_error(vendor) -> None:
    submit = vendor.op_for_role("submit")
    assert submit is not None
    if submit.task_id.startswith("$"):
        pytest.skip("the id is what the caller sent")
    with a_client(vendor) as client, pytest.raises(errors.ResponseFormatError) as caught:
        client._task_id_of(submit, {}, {})
    assert str(caught.value) == (f"[{vendor.package}] {submit.name}: the answer carries no task id")


def test_a_task_id_the_caller_sent_is_the_one_followed() -> None:
    """Found from the specs: a submit whose answer's task id is what the request carried."""
    found = [(v, op) for v in VENDORS for op in v.operations if op.task_id.startswith("$request.")]
    if not found:
        pytest.skip("no spec takes a task id from the request")
    for vendor, op in found:
        wire = op.task_id.removeprefix("$request.")
        with a_client(vendor) as client:
            assert client._task_id_of(op, {}, {wire: "mine-1"}) == "mine-1"


@pytest.mark.parametrize("vendor", TASK_VENDORS[:1], ids=lambda v: v.package)
def test_parse_callback_refuses_an_operation_the_vendor_lacks(vendor) -> None:
    with a_client(vendor) as client, pytest.raises(errors.ConfigurationError) as caught:
        client.parse_callback({}, operation="no_such_operation")
    assert str(caught.value) == f"{vendor.package} has no operation 'no_such_operation'"


def test_raw_responses_name_the_client_class_of_a_missing_operation() -> None:
    vendor = VENDORS[0]
    with a_client(vendor) as client, pytest.raises(AttributeError) as caught:
        client.with_raw_response.no_such_operation  # noqa: B018
    assert str(caught.value) == f"{type(client).__name__} has no operation 'no_such_operation'"


def test_a_clock_is_what_a_client_waits_on() -> None:
    clock = VirtualClock()
    with a_client(TASK_VENDORS[0], clock=clock) as client:
        assert client.clock is clock


# -- more of the async client, beside the sync one ----------------------------------------------
NAMED_VENDORS = [v for v in TASK_VENDORS if (v.op_for_role("submit") or v.task).caller_id]


@pytest.mark.parametrize("vendor", NAMED_VENDORS, ids=lambda v: v.package)
def test_an_async_named_submit_resent_after_a_dropped_answer_leaves_one_task(vendor) -> None:
    contract = contract_for(vendor)
    mock = contract.create_mock()
    submit = vendor.op_for_role("submit")
    assert submit is not None
    mock.inject_fault("drop", operation=submit.name)

    async def run() -> Any:
        async with mock.client(contract.async_client_cls) as client:
            values = example_values(submit, client.base_url)
            top, _, rest = submit.caller_id.partition(".")
            if rest and isinstance(values.get(top), dict):
                values[top] = {k: v for k, v in values[top].items() if k != rest}
            else:
                values.pop(top, None)  # unnamed: the client names the task itself
            return await client._call(submit.name, None, values)

    answer = asyncio.run(run())
    (task,) = mock.store.tasks.values()
    statuses = [e.status for e in mock.journal if e.operation == submit.name]
    assert len(statuses) == 2 and statuses[0] == 200  # done but lost, then resent
    if statuses[1] >= 400 and submit.task_id and not submit.task_id.startswith("$"):
        assert get_path(answer, submit.task_id) == task.id  # rebuilt from the task found


@pytest.mark.parametrize("vendor", TASK_VENDORS[:1], ids=lambda v: v.package)
def test_an_async_call_sends_its_extra_headers(vendor) -> None:
    contract, mock = filled_mock(vendor, tasks=1)
    get = vendor.op_for_role("get")
    assert get is not None
    recording = Recording(mock)
    task_id = next(iter(mock.store.tasks))

    async def run() -> None:
        async with mock.client(contract.async_client_cls, transport=recording) as client:
            values = {**vendor.poll_for(get.name)[1], get.task_id: task_id}
            await getattr(client, get.name)(**kwargs_for(get, values), extra_headers={"X-T": "3"})

    asyncio.run(run())
    assert [r.headers.get("X-T") for r in recording.seen] == ["3"]


def polls_until_the_deadline(vendor, timeout: float, is_async: bool) -> tuple[int, float]:
    """How many outcomes a wait saw on a long task before giving up, and how long it took."""
    contract = contract_for(vendor)
    mock = contract.create_mock(task_seconds=100_000)
    submit = vendor.op_for_role("submit")
    assert submit is not None
    seen: list[TaskOutcome] = []
    options: dict[str, Any] = {"timeout": timeout, "poll_interval": 3, "on_progress": seen.append}
    with mock.client(contract.client_cls) as client:
        values = example_values(submit, client.base_url)
        task_id = client._task_id_of(submit, client._send(submit, values), values)
        start = mock.clock.time()
        if not is_async:
            with pytest.raises(errors.WaitTimeoutError):
                client.wait(task_id, operation=submit.name, **options)

    async def run() -> None:
        async with mock.client(contract.async_client_cls) as aclient:
            with pytest.raises(errors.WaitTimeoutError):
                await aclient.wait(task_id, operation=submit.name, **options)

    if is_async:
        asyncio.run(run())
    return len(seen), mock.clock.time() - start


@pytest.mark.parametrize("timeout", [3.5, 7.5, 10.0])
@pytest.mark.parametrize("vendor", TASK_VENDORS, ids=lambda v: v.package)
def test_async_wait_polls_as_often_as_the_sync_one_before_its_deadline(vendor, timeout) -> None:
    sync = polls_until_the_deadline(vendor, timeout, is_async=False)
    asynchronous = polls_until_the_deadline(vendor, timeout, is_async=True)
    assert asynchronous == sync
    assert asynchronous[1] == pytest.approx(timeout)


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
def test_a_download_takes_the_timeout_of_the_client_copy_it_is_asked_of(
    is_async: bool, tmp_path
) -> None:
    vendor = TASK_VENDORS[0]
    contract = contract_for(vendor)
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=b"\x89PNG", headers={"content-type": "image/png"})

    urls = ("https://files.example/a.png", "https://files.example/result")  # one unnamed
    outcome = TaskOutcome("t-1", "succeeded", "succeeded", images=urls)
    folder = tmp_path / "deep" / "er"
    transport = httpx.MockTransport(answer)
    if not is_async:
        with contract.create_mock().client(contract.client_cls, transport=transport) as c:
            c.with_options(timeout=7).download(outcome, folder)
    else:

        async def run() -> None:
            mock = contract.create_mock()
            async with mock.client(contract.async_client_cls, transport=transport) as c:
                await c.with_options(timeout=7).download(outcome, folder)

        asyncio.run(run())
    assert [r.extensions["timeout"] for r in seen] == [httpx.Timeout(7).as_dict()] * 2
    assert sorted(p.name for p in folder.iterdir()) == ["01-a.png", "02-t-1.png"]


# -- what a failed exchange says and masks ------------------------------------------------------
@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.package)
def test_the_names_masked_in_an_error_chain_are_every_secret_carrier(vendor) -> None:
    """The auth plug-in's secret headers and field, and every credential or auth param."""
    with a_client(vendor) as client:
        names = client._secret_names()
        auth = client._auth
        expected = [*auth.secret_headers(), *([auth.field] if auth.field else [])]
    expected += [
        p.wire for op in vendor.operations for p in op.params if p.source in ("credential", "auth")
    ]
    assert names == expected
    carriers = {p.wire for op in vendor.operations for p in op.params if p.source != "input"}
    assert {p for p in carriers if p in names} == {
        p.wire for op in vendor.operations for p in op.params if p.source in ("credential", "auth")
    }


@pytest.mark.parametrize(
    ("failure", "cls", "outcome"),
    [
        (httpx.ConnectError("refused"), errors.APIConnectionError, ""),
        (httpx.ConnectTimeout("slow to connect"), errors.APITimeoutError, ""),
        (
            httpx.ReadTimeout("slow to answer"),
            errors.APITimeoutError,
            " (the vendor may have received it)",
        ),
        (httpx.ReadError(""), errors.APIConnectionError, " (the vendor may have received it)"),
    ],
    ids=["connect", "connect-timeout", "read-timeout", "read-error"],
)
def test_a_request_without_an_answer_says_whether_it_may_have_arrived(
    failure: httpx.TransportError, cls: type, outcome: str
) -> None:
    vendor = VENDORS[0]
    with a_client(vendor, base_url="https://api.example:8443/v1") as client:
        error = client._transport_error("get_task", failure)
    assert type(error) is cls
    detail = str(failure) or type(failure).__name__
    assert (
        str(error) == f"[{vendor.package}] get_task: no answer from api.example{outcome}: {detail}"
    )
    assert error.sent == bool(outcome)


# -- an answer read into its model, a file part named by its image ------------------------------
class Answer(BaseModel):
    count: int


def test_an_answer_that_does_not_match_its_model_is_a_format_error() -> None:
    vendor = VENDORS[0]
    op = vendor.operations[0]
    with a_client(vendor) as client:
        assert client._model(op, Answer, {"count": 3}) == Answer(count=3)
        image = ResultBytes(b"png", "image/png")
        assert client._model(op, Answer, image) is image  # the result itself, as it came
        with pytest.raises(errors.ResponseFormatError) as caught:
            client._model(op, Answer, {"count": "many", "x": 1})
        with pytest.raises(errors.ConflictError) as conflict:
            client._model(op, Answer, Recovered({"state": "running"}))
    assert str(caught.value).startswith(
        f"[{vendor.package}] {op.name}: answer does not match Answer: 1 problem(s), first: "
        "Input should be a valid integer"
    )
    assert f"wait(..., operation={op.name!r})" in str(conflict.value)
    assert conflict.value.body == {"state": "running"}


@pytest.mark.parametrize(
    ("fmt", "name", "kind"),
    [
        ("PNG", "image.png", "image/png"),
        ("JPEG", "image.jpg", "image/jpeg"),
        ("GIF", "image.gif", "image/gif"),
    ],
)
def test_a_file_part_is_named_and_typed_by_its_image(fmt: str, name: str, kind: str) -> None:
    import io as _io

    from PIL import Image

    out = _io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, format=fmt)
    assert file_part("image", out.getvalue()) == (name, out.getvalue(), kind)
    assert file_part("image", b"not an image") == (
        "image",
        b"not an image",
        "application/octet-stream",
    )


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
def test_asked_for_a_progress_line_a_wait_draws_it_at_once_beside_on_progress(
    is_async: bool, monkeypatch
) -> None:
    terminal = FakeTerminal()
    monkeypatch.setattr("sys.stderr", terminal)
    vendor = TASK_VENDORS[0]
    contract = contract_for(vendor)
    mock = contract.create_mock(task_seconds=0, queue_seconds=0)
    seen: list[TaskOutcome] = []
    with mock.client(contract.client_cls) as client:
        submit = vendor.op_for_role("submit")
        assert submit is not None
        values = example_values(submit, client.base_url)
        task_id = client._task_id_of(submit, client._send(submit, values), values)
        options: dict[str, Any] = {"show_progress": True, "on_progress": seen.append}
        if not is_async:
            outcome = client.wait(task_id, operation=submit.name, **options)

    async def run() -> TaskOutcome:
        async with mock.client(contract.async_client_cls) as aclient:
            return await aclient.wait(task_id, operation=submit.name, **options)

    if is_async:
        outcome = asyncio.run(run())
    assert seen == [outcome] and outcome.status == "succeeded"  # done at the first look
    assert terminal.getvalue().startswith(f"\rtask {task_id}: succeeded [")


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("raw", [False, True], ids=["parsed", "raw"])
def test_an_answer_not_matching_its_model_names_the_operation(is_async, raw, monkeypatch) -> None:
    vendor = VENDORS[0]
    op = vendor.operations[0]
    contract = contract_for(vendor)
    answer = client_module.Answer({"count": "many"}, "rid-1", httpx.Response(200))

    async def exchange(*args: Any, **kwargs: Any) -> Any:
        return answer

    if is_async:
        client = contract.create_mock().client(contract.async_client_cls)
        monkeypatch.setattr(client, "_exchange", exchange)
    else:
        client = contract.create_mock().client(contract.client_cls)
        monkeypatch.setattr(client, "_exchange", lambda *args, **kwargs: answer)
    target = client.with_raw_response._client if raw else client

    def call() -> Any:
        pending = target._call(op.name, Answer, {})
        return asyncio.run(pending) if is_async else pending

    with pytest.raises(errors.ResponseFormatError) as caught:
        result = call()
        assert raw and result.request_id == "rid-1"  # a raw answer fails when parsed
        result.parse()
    assert f"] {op.name}: answer does not match Answer" in str(caught.value)
