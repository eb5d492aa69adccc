"""The async client's exchange, beside the sync one: what it logs per attempt, what it retries
(a connection that never opened, a 5xx on a query), what it names when it gives up, how many
requests it has on the wire at once (on every event loop it is used from), and which HTTP
client it closes."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
import pytest

from generator.runtime import errors
from generator.runtime.client import MAX_IN_FLIGHT
from tests.vendors import all_vendors, contract_for

VENDOR = next(v for v in all_vendors() if v.task is not None and v.op_for_role("get"))
GET = VENDOR.op_for_role("get")
assert GET is not None


def get_kwargs(mock, contract) -> dict[str, Any]:
    """Inputs of the vendor's get operation for a task the mock really has."""
    with mock.client(contract.client_cls) as client:
        return contract._inputs(GET, mock, client)


class Flaky(httpx.AsyncBaseTransport, httpx.BaseTransport):
    """The mock's transport, the first ``fail`` requests refused before they are sent."""

    def __init__(self, mock, fail: int) -> None:
        self.sync, self.async_, self.fail, self.sent = mock.transport(), mock.transport(), fail, 0

    def _refuse(self, request: httpx.Request) -> None:
        self.sent += 1
        if self.sent <= self.fail:
            raise httpx.ConnectError("connection refused", request=request)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._refuse(request)
        return self.sync.handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._refuse(request)
        return await self.async_.handle_async_request(request)


def call(is_async: bool, mock, contract, **options: Any) -> Any:
    kwargs = get_kwargs(mock, contract)
    if not is_async:
        with mock.client(contract.client_cls, **options) as client:
            return getattr(client, GET.name)(**kwargs)

    async def run() -> Any:
        async with mock.client(contract.async_client_cls, **options) as client:
            return await getattr(client, GET.name)(**kwargs)

    return asyncio.run(run())


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
def test_each_attempt_is_logged_with_its_number(is_async: bool, caplog) -> None:
    contract = contract_for(VENDOR)
    mock = contract.create_mock()
    transport = Flaky(mock, fail=1)
    with caplog.at_level(logging.DEBUG, "generator.runtime.client"):
        call(is_async, mock, contract, transport=transport)
    lines = [r.getMessage() for r in caplog.records if r.name == "generator.runtime.client"]
    assert lines[-2:] == [  # after the submit that made the task
        f"{GET.method} {GET.path} ({GET.name}), attempt 1",
        f"{GET.method} {GET.path} ({GET.name}), attempt 2",
    ]
    assert transport.sent == 2


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
def test_a_connection_never_opened_is_retried_with_backoff_then_named(is_async: bool) -> None:
    contract = contract_for(VENDOR)
    mock = contract.create_mock()
    transport = Flaky(mock, fail=2)
    start = mock.clock.time()
    assert call(is_async, mock, contract, transport=transport, max_retries=2) is not None
    assert transport.sent == 3
    waited = mock.clock.time() - start
    assert 0.375 + 0.75 <= waited <= 0.5 + 1.0  # two back-offs: 0.5 s then 1 s, less jitter

    transport = Flaky(mock, fail=5)
    with pytest.raises(errors.APIConnectionError) as caught:
        call(is_async, mock, contract, transport=transport, max_retries=1)
    assert transport.sent == 2
    assert f"] {GET.name}: no answer from " in str(caught.value)


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
def test_a_server_error_on_a_query_is_retried(is_async: bool) -> None:
    contract = contract_for(VENDOR)
    mock = contract.create_mock()
    kwargs = get_kwargs(mock, contract)
    mock.inject_fault("error", status=503, operation=GET.name)
    if not is_async:
        with mock.client(contract.client_cls) as client:
            getattr(client, GET.name)(**kwargs)
    else:

        async def run() -> None:
            async with mock.client(contract.async_client_cls) as client:
                await getattr(client, GET.name)(**kwargs)

        asyncio.run(run())
    statuses = [e.status for e in mock.journal if e.operation == GET.name]
    assert statuses[-2:] == [503, 200]


class Counting(httpx.AsyncBaseTransport):
    """Answers after a few turns of the event loop, counting the requests in flight."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner, self.now, self.most = inner, 0, 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.now += 1
        self.most = max(self.most, self.now)
        for _ in range(3):
            await asyncio.sleep(0)
        try:
            return await self.inner.handle_async_request(request)
        finally:
            self.now -= 1


def test_no_more_than_max_in_flight_requests_on_any_event_loop() -> None:
    contract = contract_for(VENDOR)
    mock = contract.create_mock()
    kwargs = get_kwargs(mock, contract)
    counting = Counting(mock.transport())
    client = mock.client(contract.async_client_cls, transport=counting)

    async def burst() -> int:
        counting.most = 0
        method = getattr(client, GET.name)
        await asyncio.gather(*(method(**kwargs) for _ in range(MAX_IN_FLIGHT + 30)))
        return counting.most

    assert asyncio.run(burst()) == MAX_IN_FLIGHT
    assert asyncio.run(burst()) == MAX_IN_FLIGHT  # a second loop gets a gate of its own
    asyncio.run(client.aclose())


def test_an_async_client_closes_only_the_http_client_it_made() -> None:
    contract = contract_for(VENDOR)
    mock = contract.create_mock()

    async def run() -> tuple[bool, bool]:
        given = httpx.AsyncClient(transport=mock.transport())
        async with mock.client(contract.async_client_cls, http_client=given):
            pass
        own = mock.client(contract.async_client_cls)
        async with own:
            pass
        closed = (given.is_closed, own._http.is_closed)
        await given.aclose()
        return closed

    assert asyncio.run(run()) == (False, True)
