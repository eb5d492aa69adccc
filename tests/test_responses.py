"""What a call gives back beside its result, and the options it takes: request ids, raw
responses, ``with_options``, per-call extras, Retry-After, the User-Agent."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from generated.kling import KlingClient
from generated.showapi import ShowapiClient
from generator.runtime import errors
from generator.runtime.clock import VirtualClock
from generator.runtime.images import png_base64
from generator.runtime.pages import SyncPage
from generator.runtime.paths import get_path
from generator.runtime.responses import RETRY_AFTER_CAP, retry_after
from tests.vendors import all_vendors, client_class_name, contract_for

NOW = 1_767_225_600.0
ENVELOPE_IDS = [v for v in all_vendors() if any(layer.request_id for layer in v.envelope.layers)]
HEADER_IDS = [v for v in all_vendors() if v not in ENVELOPE_IDS]


@pytest.mark.parametrize("vendor", ENVELOPE_IDS, ids=lambda v: v.package)
def test_every_answer_carries_the_request_id_of_its_envelope(vendor) -> None:
    contract = contract_for(vendor)
    where = next(layer.request_id for layer in vendor.envelope.layers if layer.request_id)
    for op in vendor.operations:
        raw = call(contract, op, raw=True)
        assert raw.status_code == 200 and raw.elapsed >= timedelta(0)
        assert raw.request_id and raw.request_id == get_path(raw.body, where), op.name
        result = raw.parse()
        carried = result.request_id if isinstance(result, SyncPage) else result._request_id
        assert carried == raw.request_id, op.name
        plain = call(contract, op, raw=False)
        carried = plain.request_id if isinstance(plain, SyncPage) else plain._request_id
        assert carried == raw.request_id, op.name  # the same seeded mock, the same id


def call(contract, op, *, raw: bool):
    """``op`` called with example inputs on a client wired to a fresh mock (seeded: two such
    mocks give the same ids)."""
    mock = contract.create_mock(seed=0)
    with mock.client(contract.client_cls) as client:
        kwargs = contract._inputs(op, mock, client)
        return getattr(client.with_raw_response if raw else client, op.name)(**kwargs)


@pytest.mark.parametrize("vendor", HEADER_IDS, ids=lambda v: v.package)
def test_without_one_in_the_envelope_the_request_id_comes_from_the_headers(vendor) -> None:
    op = next(o for o in vendor.operations if o.response_example and o.payload_model)
    contract = contract_for(vendor)
    answer = httpx.Response(200, json=op.response_example, headers={"X-Ca-Request-Id": "r-42"})
    mock = contract.create_mock()
    with mock.client(contract.client_cls) as wired:
        kwargs = contract._inputs(op, mock, wired)
    cls = contract.client_cls
    credentials = {c.name: "secret-value" for c in vendor.auth.credentials}
    transport = httpx.MockTransport(lambda request: answer)
    with cls(**credentials, base_url="http://vendor.test", transport=transport) as client:
        assert getattr(client, op.name)(**kwargs)._request_id == "r-42"


def showapi_answer(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "showapi_res_code": 0,
            "showapi_res_id": "rid-1",
            "showapi_fee_num": 1,
            "showapi_res_body": {"ret_code": 0, "taskId": "t1"},
        },
    )


def recording(answer=showapi_answer):
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        return answer(request)

    return httpx.MockTransport(handler), seen


def test_the_raw_response_keeps_the_envelope_the_model_leaves_out() -> None:
    transport, _seen = recording()
    with ShowapiClient("k", transport=transport) as client:
        raw = client.with_raw_response.get_task(task_id="t1")
    assert raw.status_code == 200 and raw.headers["content-type"] == "application/json"
    assert raw.body["showapi_fee_num"] == 1 and raw.request_id == "rid-1"
    assert raw.parse()._request_id == "rid-1"


def test_with_options_changes_a_copy_that_shares_the_connections() -> None:
    transport, seen = recording(lambda request: httpx.Response(503))
    client = ShowapiClient("k", transport=transport, clock=VirtualClock(), max_retries=3)
    quick = client.with_options(timeout=1.5, max_retries=0)
    assert (quick.timeout.read, quick.max_retries) == (1.5, 0)
    assert (client.timeout.read, client.max_retries) == (30.0, 3)
    with pytest.raises(errors.ServerError):
        quick.get_task(task_id="t1")
    assert len(seen) == 1 and seen[0].extensions["timeout"]["read"] == 1.5
    quick.close()
    assert not client._http.is_closed  # the copy does not close what it shares
    client.close()


def test_per_call_timeout_and_extras_reach_the_wire_signed() -> None:
    transport, seen = recording()
    with ShowapiClient("k", transport=transport) as client:
        client.submit_repaint(
            prompt="p",
            image_url="https://a.example/i.png",
            timeout=2.5,
            extra_headers={"X-Trace": "abc"},
            extra_query={"debug": "1"},
            extra_body={"future_field": "v"},
        )
    request = seen[0]
    assert request.extensions["timeout"] == httpx.Timeout(2.5).as_dict()
    assert request.headers["x-trace"] == "abc" and request.url.params["debug"] == "1"
    assert b"future_field=v" in request.content and b"prompt=p" in request.content


def test_extra_body_joins_a_json_body_before_the_token_is_made() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        task = {"task_id": "t", "task_status": "submitted", "created_at": 1, "updated_at": 1}
        body = {"code": 0, "message": "ok", "request_id": "r", "data": task}
        return httpx.Response(200, json=body)

    transport, seen = recording(answer)
    with KlingClient("ak-test", "sk-test", transport=transport) as client:
        client.create_task(element_frontal_image=png_base64(400, 400), extra_body={"x": [1]})
    assert json.loads(seen[0].content)["x"] == [1]
    assert seen[0].headers["authorization"].startswith("Bearer ")


def test_every_request_names_the_package_and_accepts_gzip() -> None:
    from importlib.metadata import version

    transport, seen = recording()
    with ShowapiClient("k", transport=transport) as client:
        client.get_task(task_id="t1")
    agent = seen[0].headers["user-agent"]
    assert agent == f"imagekit-sdk-factory/{version('imagekit-sdk-factory')}"
    assert seen[0].headers["accept-encoding"] == "gzip"


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("3", 3.0),
        ("0.5", 0.5),
        ("86400", RETRY_AFTER_CAP),
        (format_datetime(datetime.fromtimestamp(NOW + 10, UTC), usegmt=True), 10.0),
        (format_datetime(datetime.fromtimestamp(NOW - 10, UTC), usegmt=True), 0.0),
        ("soon", None),
        ("", None),
    ],
)
def test_retry_after_is_read_in_seconds_or_as_an_http_date(header, seconds) -> None:
    assert retry_after(header, NOW) == seconds


@pytest.mark.parametrize("header", ["4", "HTTP-DATE"])
def test_a_429_is_retried_after_what_retry_after_asks_plus_jitter(header) -> None:
    clock = VirtualClock(NOW)
    if header == "HTTP-DATE":
        header = format_datetime(datetime.fromtimestamp(NOW + 4, UTC), usegmt=True)
    answers = iter([httpx.Response(429, headers={"Retry-After": header})])

    def answer(request: httpx.Request) -> httpx.Response:
        return next(answers, None) or showapi_answer(request)

    transport, seen = recording(answer)
    with ShowapiClient("k", transport=transport, clock=clock) as client:
        client.get_task(task_id="t1")
    waited = clock.time() - NOW
    assert len(seen) == 2 and 4.0 < waited <= 4.4


def test_async_clients_have_the_same_raw_responses_and_options() -> None:
    import asyncio

    from generated.showapi import AsyncShowapiClient

    async def run() -> tuple[int, str, float]:
        transport = httpx.MockTransport(showapi_answer)
        async with AsyncShowapiClient("k", transport=transport) as client:
            raw = await client.with_options(timeout=3).with_raw_response.get_task(task_id="t")
            return raw.status_code, raw.parse()._request_id, client.timeout.read

    assert asyncio.run(run()) == (200, "rid-1", 30.0)


def test_with_raw_response_names_only_real_operations() -> None:
    with ShowapiClient("k") as client:
        with pytest.raises(AttributeError, match="no operation 'close'"):
            client.with_raw_response.close  # noqa: B018
        assert dir(client.with_raw_response) == sorted(client.vendor.ops)
    assert client_class_name(all_vendors()[0])
