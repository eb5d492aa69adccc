"""The admin API every mock serves under /_mock/, over HTTP, for tests in any language."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from generated.kling.mock import create_mock as create_kling
from generated.showapi import ShowapiClient
from generated.showapi.mock import create_mock as create_showapi
from generator.runtime import errors
from generator.runtime.clock import SystemClock
from generator.runtime.images import png_base64
from generator.runtime.mock.asgi import _read_body, _TooLarge

from .conftest import ServedMock


def test_faults_credentials_quotas_and_reset_over_http() -> None:
    with ServedMock(create_showapi(clock=SystemClock(), task_seconds=0)) as served:
        admin = httpx.Client(base_url=f"{served.url}/_mock")
        api = httpx.Client(base_url=served.url)
        query = {"appKey": "test", "task_id": "none"}

        assert admin.post("/faults", params={"kind": "error", "count": 2, "status": 502}).json()
        assert [api.post("/3259-2", params=query).status_code for _ in range(3)] == [502, 502, 200]

        admin.post("/faults", params={"kind": "rate_limit", "operation": "get_task"})
        limited = api.post("/3259-2", params=query).json()
        assert limited["showapi_res_code"] == -1007

        admin.post("/faults", params={"kind": "drop"})
        with pytest.raises(httpx.RemoteProtocolError):
            api.post("/3259-2", params=query)
        admin.post("/faults", params={"kind": "error", "count": 5})
        admin.delete("/faults")
        assert api.post("/3259-2", params=query).status_code == 200

        admin.post("/credentials", params={"key": "team-b-key", "quota": 1})
        with ShowapiClient("team-b-key", base_url=served.url) as client:
            client.submit_repaint(prompt="p", image_base64=png_base64())
            admin.post("/quota", params={"key": "team-b-key", "quota": ""})  # unlimited now
            client.submit_repaint(prompt="p", image_base64=png_base64())
            admin.post("/quota", params={"key": "team-b-key", "quota": 2})
            with pytest.raises(errors.QuotaExceededError, match="no calls left"):
                client.submit_repaint(prompt="p", image_base64=png_base64())

        journal = admin.get("/journal").json()
        assert journal and all("appKey" not in str(entry["params"]) for entry in journal)
        admin.post("/reset")
        assert admin.get("/journal").json() == []


@pytest.mark.parametrize(
    ("method", "path", "params", "problem"),
    [
        ("POST", "/faults", {"kind": "explode"}, "kind must be one of"),
        ("POST", "/faults", {"kind": "error", "count": "many"}, "count must be a number"),
        ("POST", "/faults", {"kind": "error", "operation": "nope"}, "no operation 'nope'"),
        ("POST", "/credentials", {}, "key is required"),
        ("POST", "/quota", {"key": "stranger", "quota": 1}, "no credential 'stranger'"),
        ("POST", "/outcome", {"status": "maybe"}, "succeeded or failed"),
        ("POST", "/advance", {"seconds": "soon"}, "seconds must be a number"),
    ],
)
def test_bad_admin_requests_get_400_with_the_reason(method, path, params, problem) -> None:
    mock = create_kling()
    with httpx.Client(transport=mock.transport(), base_url="http://m/_mock") as admin:
        answer = admin.request(method, path, params=params)
    assert answer.status_code == 400 and problem in answer.json()["error"]


def test_unknown_admin_route_is_404() -> None:
    mock = create_kling()
    with httpx.Client(transport=mock.transport(), base_url="http://m") as http:
        assert http.get("/_mock/nothing").status_code == 404


def test_advance_on_a_real_clock_is_refused() -> None:
    mock = create_showapi(clock=SystemClock())
    with httpx.Client(transport=mock.transport(), base_url="http://m") as http:
        answer = http.post("/_mock/advance", params={"seconds": 5})
    assert answer.status_code == 400 and "real clock" in answer.json()["error"]


class Stream:
    """A request body arriving in chunks, counting how many were read."""

    def __init__(self, chunk: int, chunks: int, declared: str = "") -> None:
        self.chunk, self.chunks, self.read = chunk, chunks, 0
        self.headers = {"content-length": declared} if declared else {}

    async def stream(self):
        for _ in range(self.chunks):
            self.read += 1
            yield b"x" * self.chunk


def test_an_oversized_body_is_refused_without_being_read_whole() -> None:
    chunked = Stream(chunk=1 << 20, chunks=64)  # 64 MB offered, no length declared
    with pytest.raises(_TooLarge):
        asyncio.run(_read_body(chunked, 10 << 20))
    assert chunked.read == 11  # stopped at the first chunk past 10 MB
    declared = Stream(chunk=1 << 20, chunks=64, declared=str(64 << 20))
    with pytest.raises(_TooLarge):
        asyncio.run(_read_body(declared, 10 << 20))
    assert declared.read == 0  # refused on the declared length alone


def test_an_oversized_body_gets_the_vendors_error_from_the_served_mock() -> None:
    from generated.tencent_aiart.mock import create_mock as create_tencent

    with ServedMock(create_tencent(clock=SystemClock())) as served:
        answer = httpx.post(served.url + "/", content=b"x" * (11 << 20)).json()
    assert answer["Response"]["Error"]["Code"] == "FailedOperation.ImageSizeExceed"


def test_a_websocket_is_refused_not_left_hanging() -> None:
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "websocket.connect"}

    async def send(message: dict) -> None:
        sent.append(message)

    app = create_kling().app
    asyncio.run(app({"type": "websocket", "path": "/", "headers": []}, receive, send))
    assert sent == [{"type": "websocket.close", "code": 1003}]
