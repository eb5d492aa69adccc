"""The ShowAPI client: typed results, typed errors, retries that never pay twice, no leaked keys."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest

from generated.showapi import AsyncShowapiClient, ShowapiClient, models
from generator.runtime import errors
from generator.runtime.clock import VirtualClock
from generator.runtime.mock import VendorMock

SECRET = "sk-live-7f3a9c1e5b"


def fixed(body: dict, status: int = 200) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(status, json=body))


def scripted(*steps):
    """A transport that plays ``steps`` in order (an exception to raise or a response) and
    records every request it saw."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        step = steps[min(len(seen), len(steps)) - 1]
        if isinstance(step, Exception):
            raise step
        return step

    return httpx.MockTransport(handler), seen


OK_GET = httpx.Response(
    200,
    json={
        "showapi_res_code": 0,
        "showapi_res_error": "",
        "showapi_res_id": "r1",
        "showapi_res_body": {"ret_code": 0, "taskOrder": "t1", "status": "wait"},
    },
)
OK_SUBMIT = httpx.Response(
    200, json={"showapi_res_code": 0, "showapi_res_body": {"ret_code": 0, "taskOrder": "t1"}}
)


def make(transport, **options) -> ShowapiClient:
    return ShowapiClient(SECRET, transport=transport, clock=VirtualClock(), **options)


def test_submit_returns_typed_model(client: ShowapiClient, image_b64: str) -> None:
    result = client.submit_repaint(prompt="autumn to winter", image_base64=image_b64)
    assert isinstance(result, models.SubmitRepaintResult)
    assert result.task_order and result.prompt == "autumn to winter"


def test_wire_names_on_the_wire(image_b64: str) -> None:
    transport, seen = scripted(OK_SUBMIT)
    make(transport).submit_repaint(
        prompt="p", image_base64=image_b64, callback_url="https://cb.example/x"
    )
    form = dict(httpx.QueryParams(seen[0].content.decode()))
    assert set(form) == {"orgin_img_base64", "prompt", "callback_url"}
    assert seen[0].url.params["appKey"] == SECRET
    assert seen[0].url.path == "/3259-1"


def test_app_key_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOWAPI_APP_KEY", "from-env")
    transport, seen = scripted(OK_GET)
    ShowapiClient(transport=transport).get_task(task_id="t1")
    assert seen[0].url.params["appKey"] == "from-env"


def test_missing_app_key_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHOWAPI_APP_KEY", raising=False)
    with pytest.raises(errors.ConfigurationError, match="SHOWAPI_APP_KEY"):
        ShowapiClient()


def test_base_url_defaults_to_the_spec_and_can_be_overridden(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert ShowapiClient("k").base_url == "https://route.showapi.com"
    assert ShowapiClient("k", base_url="http://127.0.0.1:9/").base_url == "http://127.0.0.1:9"
    monkeypatch.setenv("SHOWAPI_BASE_URL", "http://proxy.local")
    assert ShowapiClient("k").base_url == "http://proxy.local"


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"prompt": "x"}, "exactly one of orgin_img_base64, orgin_img_url is required (got none)"),
        (
            {"prompt": "x", "image_base64": "AAAA", "image_url": "https://a.example/i.png"},
            "got orgin_img_base64 and orgin_img_url",
        ),
        ({"prompt": "   ", "image_url": "https://a.example/i.png"}, "prompt must not be empty"),
        ({"prompt": "x", "image_url": "ftp://a.example/i.png"}, "not an http(s) URL"),
        ({"prompt": "x", "image_base64": "%%%"}, "not valid base64"),
        ({"prompt": "x", "image_base64": "R0lGODlhAQABAAAAACw="}, "not a readable image"),
        # over the limit and not base64 at all: the length is checked before decoding
        (
            {"prompt": "x", "image_base64": "%" * 3_670_017},
            "orgin_img_base64: 3670017 characters of base64, over 3670016",
        ),
    ],
)
def test_input_is_checked_before_anything_is_sent(kwargs: dict, problem: str) -> None:
    transport, seen = scripted(OK_SUBMIT)
    with pytest.raises(errors.RequestValidationError) as caught:
        make(transport).submit_repaint(**kwargs)
    assert problem in str(caught.value)
    assert seen == []


def test_gif_is_refused_as_a_format_the_vendor_does_not_take() -> None:
    import base64
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="GIF")
    transport, seen = scripted(OK_SUBMIT)
    with pytest.raises(errors.RequestValidationError, match="gif images are not accepted"):
        make(transport).submit_repaint(
            prompt="x", image_base64=base64.b64encode(buffer.getvalue()).decode()
        )
    assert seen == []


def test_gateway_failure_raises_with_code_message_and_request_id() -> None:
    body = {
        "showapi_res_code": -1008,
        "showapi_res_error": "no such app",
        "showapi_res_id": "abc123",
        "showapi_res_body": {},
    }
    with pytest.raises(errors.AuthenticationError) as caught:
        make(fixed(body)).get_task(task_id="t1")
    assert (caught.value.code, caught.value.vendor_message, caught.value.request_id) == (
        -1008,
        "no such app",
        "abc123",
    )


def test_business_failure_raises_with_ret_code() -> None:
    body = {
        "showapi_res_code": 0,
        "showapi_res_id": "id9",
        "showapi_res_body": {"ret_code": -1, "remark": "image too large"},
    }
    with pytest.raises(errors.APIError) as caught:
        make(fixed(body)).submit_repaint(prompt="p", image_url="https://a.example/i.png")
    assert caught.value.code == -1 and caught.value.vendor_message == "image too large"
    assert caught.value.request_id == "id9"


def test_unknown_task_is_not_found(client: ShowapiClient) -> None:
    with pytest.raises(errors.NotFoundError):
        client.get_task(task_id="no-such-task")


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (500, errors.ServerError),
        (502, errors.ServerError),
        (599, errors.ServerError),
        (499, errors.APIError),  # no 4xx of its own: the base class, not a server error
        (429, errors.RateLimitError),
        (404, errors.NotFoundError),
        (400, errors.InvalidRequestError),
    ],
)
@pytest.mark.parametrize("body", ["json", "html"])
def test_http_failure_raises_typed_error(status: int, expected: type, body: str) -> None:
    answer = (
        httpx.Response(status, json={})
        if body == "json"
        else httpx.Response(status, text="<html>gateway</html>")
    )
    transport, seen = scripted(answer)
    with pytest.raises(errors.APIError) as caught:
        make(transport, max_retries=0).get_task(task_id="t1")
    assert type(caught.value) is expected
    assert caught.value.status_code == status
    assert len(seen) == 1


def test_answer_that_is_not_json_is_a_format_error() -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(200, text="<html>gateway</html>"))
    with pytest.raises(errors.ResponseFormatError):
        make(transport).get_task(task_id="t1")


def test_get_is_retried_after_5xx_and_connection_failures() -> None:
    transport, seen = scripted(httpx.ReadTimeout("slow"), httpx.Response(503), OK_GET)
    result = make(transport, max_retries=2).get_task(task_id="t1")
    assert result.task_order == "t1"
    assert len(seen) == 3


def test_submit_is_retried_when_it_never_reached_the_vendor(image_b64: str) -> None:
    transport, seen = scripted(httpx.ConnectError("refused"), OK_SUBMIT)
    make(transport).submit_repaint(prompt="p", image_base64=image_b64)
    assert len(seen) == 2


@pytest.mark.parametrize(
    "failure",
    [httpx.ReadTimeout("no answer"), httpx.RemoteProtocolError("dropped"), httpx.Response(502)],
)
def test_submit_whose_outcome_is_unknown_is_never_resent(failure, image_b64: str) -> None:
    transport, seen = scripted(failure, OK_SUBMIT)
    with pytest.raises(errors.SDKError) as caught:
        make(transport, max_retries=3).submit_repaint(prompt="p", image_base64=image_b64)
    assert len(seen) == 1
    if isinstance(caught.value, errors.APIConnectionError):
        assert caught.value.sent


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (httpx.ConnectError("refused"), errors.APIConnectionError),
        (httpx.Response(503), errors.ServerError),
        (httpx.Response(500), errors.ServerError),
        (httpx.Response(429), errors.RateLimitError),
    ],
)
@pytest.mark.parametrize("max_retries", [0, 1, 2])
def test_retries_stop_at_max_retries(failure, expected: type, max_retries: int) -> None:
    transport, seen = scripted(failure)
    with pytest.raises(expected):
        make(transport, max_retries=max_retries).get_task(task_id="t1")
    assert len(seen) == max_retries + 1


def test_timeout_is_a_typed_error() -> None:
    transport, _ = scripted(httpx.ConnectTimeout("connect timed out"))
    with pytest.raises(errors.APITimeoutError):
        make(transport, max_retries=0).get_task(task_id="t1")


def test_retry_backoff_waits_on_the_clock_not_the_wall() -> None:
    clock = VirtualClock()
    start = clock.time()
    transport, _ = scripted(httpx.Response(503), httpx.Response(503), OK_GET)
    ShowapiClient(SECRET, transport=transport, clock=clock, max_retries=2).get_task(task_id="t1")
    assert 0.5 < clock.time() - start < 2.0  # two backoffs, about 0.5 s then 1 s


def test_wait_returns_the_outcome_on_the_virtual_clock(
    mock: VendorMock, client: ShowapiClient, image_b64: str
) -> None:
    task = client.submit_repaint(prompt="p", image_base64=image_b64)
    seen = []
    outcome = client.wait(task.task_order, on_progress=seen.append)
    assert outcome.status == "succeeded" and outcome.vendor_status == "done"
    assert outcome.images and outcome.images[0].endswith(".png")
    assert [o.status for o in seen][-1] == "succeeded" and len(seen) >= 2


def test_wait_reports_failure(mock: VendorMock, client: ShowapiClient, image_b64: str) -> None:
    mock.force_outcome("failed")
    task = client.submit_repaint(prompt="p", image_base64=image_b64)
    outcome = client.wait(task.task_order)
    assert outcome.status == "failed" and outcome.vendor_status == "fail" and not outcome.images


def test_wait_times_out(mock: VendorMock, image_b64: str) -> None:
    slow = VendorMock(mock.vendor, task_seconds=120)
    with slow.client(ShowapiClient) as client:
        task = client.submit_repaint(prompt="p", image_base64=image_b64)
        with pytest.raises(errors.WaitTimeoutError) as caught:
            client.wait(task.task_order, timeout=30)
    assert caught.value.outcome.status == "running"


def test_async_client_submits_and_waits(mock: VendorMock, image_b64: str) -> None:
    async def run():
        async with mock.client(AsyncShowapiClient) as client:
            task = await client.submit_repaint(prompt="p", image_base64=image_b64)
            return await client.wait(task.task_order)

    assert asyncio.run(run()).status == "succeeded"


def test_async_submit_is_not_resent_after_a_dropped_answer(image_b64: str) -> None:
    calls = []

    def handler(request):
        calls.append(request)
        raise httpx.ReadError("connection reset")

    async def run():
        async with AsyncShowapiClient(
            SECRET, transport=httpx.MockTransport(handler), clock=VirtualClock()
        ) as c:
            await c.submit_repaint(prompt="p", image_base64=image_b64)

    with pytest.raises(errors.APIConnectionError):
        asyncio.run(run())
    assert len(calls) == 1


def test_app_key_never_reaches_repr_logs_or_errors(
    caplog: pytest.LogCaptureFixture, mock: VendorMock, image_b64: str
) -> None:
    caplog.set_level(logging.DEBUG)
    mock.add_credential(SECRET)
    with mock.client(ShowapiClient, app_key=SECRET) as client:
        task = client.submit_repaint(prompt="p", image_base64=image_b64)
        client.wait(task.task_order)
        with pytest.raises(errors.NotFoundError) as not_found:
            client.get_task(task_id="missing")
        text = repr(client) + str(not_found.value) + repr(client._credentials)
    transport, _ = scripted(
        httpx.ConnectError(f"refused for https://route.showapi.com/?appKey={SECRET}")
    )
    with pytest.raises(errors.APIConnectionError) as refused:
        make(transport, max_retries=0).get_task(task_id="t1")
    assert "HTTP Request" in caplog.text  # httpx did log the request URLs...
    for place in (caplog.text, text, str(refused.value)):
        assert SECRET not in place  # ...with the key masked
