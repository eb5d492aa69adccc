"""The async client's resend rules, value by value, beside the sync client's: a request that was
never sent is resent whatever the operation, and exactly ``max_retries`` times; a named submit
refused as a duplicate on its first attempt is the caller's conflict, but on a resend it is
recovered from the task the lost attempt made (that task's fields, the get's request id and
response); a transport error keeps no secret in its chain. Written against the mutants
``make mutants`` showed surviving in ``AsyncClient._exchange``, ``_read_or_recover`` and
``BaseClient._transport_error``."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from generator.runtime import errors
from generator.runtime.client import Answer
from generator.runtime.clock import VirtualClock
from generator.runtime.paths import get_path
from generator.runtime.testing import example_values
from tests.vendors import all_vendors, contract_for

VENDORS = all_vendors()
TASK_VENDORS = [v for v in VENDORS if v.task is not None and v.op_for_role("submit")]
NAMED = [v for v in TASK_VENDORS if (v.op_for_role("submit") or v.task).caller_id]


class Failing(httpx.AsyncBaseTransport):
    """Raises ``error`` for the first ``failures`` requests, then passes them to the mock."""

    def __init__(self, mock: Any, error: type[httpx.TransportError], failures: int) -> None:
        self.inner, self.error, self.failures = mock.async_transport(), error, failures
        self.seen: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        if len(self.seen) <= self.failures:
            raise self.error("no route to the vendor", request=request)
        return await self.inner.handle_async_request(request)


def submit_values(vendor: Any, client: Any, named: str | None = None) -> tuple[Any, dict]:
    """The submit operation and its example values, named ``named`` (or unnamed)."""
    submit = vendor.op_for_role("submit")
    values = example_values(submit, client.base_url)
    top, _, rest = submit.caller_id.partition(".")
    if rest and isinstance(values.get(top), dict):
        values[top] = {k: v for k, v in values[top].items() if k != rest}
        if named is not None:
            values[top][rest] = named
    else:
        values.pop(top, None)
        if named is not None and top:
            values[top] = named
    return submit, values


@pytest.mark.parametrize("vendor", TASK_VENDORS, ids=[v.package for v in TASK_VENDORS])
def test_an_async_submit_never_sent_is_resent_and_makes_one_task(vendor: Any) -> None:
    contract = contract_for(vendor)
    mock = contract.create_mock()
    transport = Failing(mock, httpx.ConnectError, failures=1)

    async def run() -> None:
        async with mock.client(
            contract.async_client_cls, transport=transport, clock=VirtualClock()
        ) as client:
            submit, values = submit_values(vendor, client)
            await client._call(submit.name, None, values)

    asyncio.run(run())

    assert len(transport.seen) == 2
    assert len(mock.store.tasks) == 1


@pytest.mark.parametrize("retries", [0, 1, 2], ids=["none", "one", "two"])
def test_an_async_call_gives_up_after_exactly_max_retries_resends(retries: int) -> None:
    vendor = TASK_VENDORS[0]
    contract = contract_for(vendor)
    mock = contract.create_mock()
    transport = Failing(mock, httpx.ConnectError, failures=10)  # then it would answer

    async def run() -> None:
        async with mock.client(
            contract.async_client_cls, transport=transport, clock=VirtualClock(),
            max_retries=retries,
        ) as client:  # fmt: skip
            submit, values = submit_values(vendor, client)
            await client._call(submit.name, None, values)

    with pytest.raises(errors.APIConnectionError):
        asyncio.run(run())
    assert len(transport.seen) == retries + 1


@pytest.mark.parametrize("vendor", NAMED, ids=[v.package for v in NAMED])
def test_an_async_duplicate_name_on_the_first_attempt_is_the_callers_conflict(vendor: Any) -> None:
    contract = contract_for(vendor)
    mock = contract.create_mock()

    async def run() -> None:
        async with mock.client(contract.async_client_cls) as client:
            submit, values = submit_values(vendor, client, named="mine-1")
            await client._call(submit.name, None, values)
            await client._call(submit.name, None, values)

    with pytest.raises(errors.ConflictError):
        asyncio.run(run())
    assert len(mock.store.tasks) == 1


@pytest.mark.parametrize("vendor", NAMED, ids=[v.package for v in NAMED])
def test_an_async_resent_named_submit_is_answered_from_the_task_found(vendor: Any) -> None:
    contract = contract_for(vendor)
    mock = contract.create_mock()
    submit = vendor.op_for_role("submit")
    mock.inject_fault("drop", operation=submit.name)

    async def run() -> tuple[Any, Any, Any]:
        async with mock.client(contract.async_client_cls) as client:
            _, values = submit_values(vendor, client)
            answer = await client._exchange(submit, values)
            get, _ = vendor.poll_for(submit.name)
            return answer, client._read(get, answer.response), get

    answer, (get_payload, get_request_id), get = asyncio.run(run())

    (task,) = mock.store.tasks.values()
    statuses = [e.status for e in mock.journal if e.operation == submit.name]
    assert len(statuses) == 2  # done but lost, then refused as a duplicate
    assert [e.operation for e in mock.journal][-1] == get.name  # then found by its name
    assert answer.response.request.method == get.method.upper()
    assert get.path.split("{")[0] in answer.response.request.url.path
    assert answer.request_id == get_request_id
    if submit.task_id and not submit.task_id.startswith("$"):
        # the task is followed by the name it was given (a get by that name finds it)
        assert get_path(answer.payload, submit.task_id) in (task.id, task.external_id)
        assert get_path(answer.payload, submit.task_id)
    assert isinstance(get_payload, dict)
    for key, value in get_payload.items():  # the task's own fields, not only its id
        if key != submit.task_id.split(".")[0]:
            assert answer.payload[key] == value


@pytest.mark.parametrize("vendor", VENDORS, ids=[v.package for v in VENDORS])
def test_a_transport_errors_chain_keeps_no_secret_header_or_field(vendor: Any) -> None:
    contract = contract_for(vendor)
    mock = contract.create_mock()
    transport = Failing(mock, httpx.ReadError, failures=10)
    caught: list[BaseException] = []

    async def run() -> None:
        async with mock.client(
            contract.async_client_cls, transport=transport, max_retries=0
        ) as client:
            op = vendor.op_for_role("get") or vendor.operations[0]
            try:
                await client._call(op.name, None, example_values(op, client.base_url))
            except errors.APIConnectionError as exc:
                caught.append(exc)
            names = client._secret_names()
        caught.append(names)  # type: ignore[arg-type]

    asyncio.run(run())
    error, names = caught
    sent = transport.seen[0]
    kept = error.__cause__.request  # type: ignore[union-attr]
    secret_headers = [n for n in names if n.lower() in sent.headers]
    secret_fields = [n for n in names if n in sent.url.params]
    if not (secret_headers or secret_fields):  # the secret went in the body: none is kept
        assert sent.read() and not kept.read()
    for name in secret_headers:
        assert kept.headers[name] != sent.headers[name]
    for name in secret_fields:
        assert kept.url.params[name] != sent.url.params[name]


LISTS = [v for v in VENDORS if v.op_for_role("list") is not None]


@pytest.mark.parametrize("vendor", LISTS, ids=[v.package for v in LISTS])
def test_a_page_that_does_not_match_its_model_is_a_format_error_naming_its_operation(
    vendor: Any,
) -> None:
    class Items(BaseModel):
        items: list[int]

    op = vendor.op_for_role("list")
    contract = contract_for(vendor)
    response = httpx.Response(200, json={})
    client = contract.create_mock().client(contract.client_cls)
    with client, pytest.raises(errors.ResponseFormatError) as caught:
        client._page_args(op, Items, Answer({"items": ["x"]}, "rid", response), {})

    assert str(caught.value).startswith(
        f"[{vendor.package}] {op.name}: answer does not match Items: "
    )
