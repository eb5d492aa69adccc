"""The client's downloads and waits, sync and async alike (``runtime.client``): result files
are saved under the same names with the same bytes either way, into a folder made with its
parents; a refused download is the typed error with the server's own words; and a submit's
``*_and_wait`` follows its task with the get of its own task family."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path
from typing import Any

import httpx
import pytest

from generator.runtime import errors
from generator.runtime.client import DEFAULT_TIMEOUT
from generator.runtime.images import png_bytes
from generator.runtime.tasks import TaskOutcome
from generator.runtime.testing import example_values
from tests.vendors import all_vendors, contract_for

TASK_VENDORS = [v for v in all_vendors() if v.task is not None and v.op_for_role("submit")]


def test_a_client_s_repr_names_its_class_and_base_url(client) -> None:
    assert repr(client) == f"{type(client).__name__}(base_url={client.base_url!r})"


def both_kinds_of_result(base_url: str) -> TaskOutcome:
    """An inline (base64) result, then a URL the mock serves."""
    inline = "data:image/png;base64," + base64.b64encode(png_bytes(20, 10)).decode()
    origin = httpx.URL(base_url)
    url = f"{origin.scheme}://{origin.netloc.decode()}/_mock/examples/example.png"
    return TaskOutcome("task-1", "succeeded", "succeeded", images=(inline, url))


@pytest.mark.parametrize("vendor", TASK_VENDORS, ids=lambda v: v.package)
def test_async_download_saves_what_the_sync_one_saves(vendor, tmp_path: Path) -> None:
    contract = contract_for(vendor)
    mock = contract.create_mock()
    with mock.client(contract.client_cls) as client:
        outcome = both_kinds_of_result(client.base_url)
        sync_saved = client.download(outcome, tmp_path / "sync")

    async def download() -> list[Path]:
        async with mock.client(contract.async_client_cls) as aclient:
            return await aclient.download(outcome, tmp_path / "async" / "made" / "here")

    async_saved = asyncio.run(download())
    assert [p.name for p in async_saved] == [p.name for p in sync_saved]
    assert [p.name[:3] for p in async_saved] == ["01-", "02-"]
    assert [p.read_bytes() for p in async_saved] == [p.read_bytes() for p in sync_saved]
    assert all(p.parent == tmp_path / "async" / "made" / "here" for p in async_saved)


def refusing(status: int, text: str):
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, text=text, headers={"content-type": "text/plain"})

    return answer


def answering(seen: list[httpx.Request]):
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=png_bytes(4, 4), headers={"content-type": "image/png"})

    return answer


def broken(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("no route to files.example", request=request)


def download_with(vendor, handler, folder: Path, *, is_async: bool) -> list[Path]:
    contract = contract_for(vendor)
    outcome = TaskOutcome("t", "succeeded", "succeeded", images=("https://files.example/a.png",))
    options: dict[str, Any] = {"base_url": "https://api.example"}
    if not is_async:
        mock = contract.create_mock()
        with mock.client(
            contract.client_cls, transport=httpx.MockTransport(handler), **options
        ) as c:
            return c.download(outcome, folder)

    async def run() -> list[Path]:
        mock = contract.create_mock()
        transport = httpx.MockTransport(handler)
        async with mock.client(contract.async_client_cls, transport=transport, **options) as c:
            return await c.download(outcome, folder)

    return asyncio.run(run())


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("vendor", TASK_VENDORS, ids=lambda v: v.package)
def test_a_download_refused_with_400_is_an_error_in_its_own_words(
    vendor, is_async: bool, tmp_path: Path
) -> None:
    with pytest.raises(errors.APIError) as caught:
        download_with(vendor, refusing(400, "bucket says no"), tmp_path, is_async=is_async)
    assert caught.value.status_code == 400
    assert "bucket says no" in str(caught.value)
    assert list(tmp_path.iterdir()) == []  # nothing saved


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("vendor", TASK_VENDORS[:1], ids=lambda v: v.package)
def test_a_download_is_sent_with_the_client_s_timeout(
    vendor, is_async: bool, tmp_path: Path
) -> None:
    seen: list[httpx.Request] = []
    saved = download_with(vendor, answering(seen), tmp_path, is_async=is_async)
    assert [p.read_bytes() for p in saved] == [png_bytes(4, 4)]
    default = httpx.Timeout(DEFAULT_TIMEOUT).as_dict()
    assert [r.extensions["timeout"] for r in seen] == [default]


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("vendor", TASK_VENDORS[:1], ids=lambda v: v.package)
def test_a_download_that_gets_no_answer_is_a_connection_error(
    vendor, is_async: bool, tmp_path: Path
) -> None:
    with pytest.raises(errors.APIConnectionError, match=r"\] download: no answer from api\."):
        download_with(vendor, broken, tmp_path, is_async=is_async)


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize(
    "vendor",
    [v for v in all_vendors() if any(op.poll is not None for op in v.operations)],
    ids=lambda v: v.package,
)
def test_and_wait_follows_a_task_with_its_own_family_s_get(vendor, is_async: bool) -> None:
    """A submit whose tasks another get follows (``x-sdk-operation.poll``): waiting on the
    vendor's main get would not find the task."""
    contract = contract_for(vendor)
    mock = contract.create_mock()
    op = next(op for op in vendor.operations if op.poll is not None)
    seen: list[TaskOutcome] = []
    if not is_async:
        with mock.client(contract.client_cls) as client:
            values = example_values(op, client.base_url)
            outcome = client._submit_and_wait(op.name, values, on_progress=seen.append)
    else:

        async def run() -> TaskOutcome:
            async with mock.client(contract.async_client_cls) as aclient:
                values = example_values(op, aclient.base_url)
                return await aclient._submit_and_wait(op.name, values, on_progress=seen.append)

        outcome = asyncio.run(run())
    assert outcome.status == "succeeded" and outcome.images
    assert seen[-1] == outcome  # the wait options reach the wait
    assert mock.journal[-1].operation == op.poll.operation
