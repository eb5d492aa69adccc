"""The ShowAPI mock: a stateful fake that answers like the vendor, failures included."""

from __future__ import annotations

import io
import json

import httpx
import pytest
from PIL import Image

from generated.showapi import ShowapiClient
from generated.showapi.mock import create_mock
from generator.runtime import errors
from generator.runtime.mock import VendorMock
from generator.runtime.testing import schema_errors

BASE = "https://route.showapi.com"


def raw(mock: VendorMock) -> httpx.Client:
    return httpx.Client(transport=mock.transport(), base_url=BASE)


def envelope(response: httpx.Response) -> dict:
    assert response.status_code == 200
    return response.json()


def submit(http: httpx.Client, image_b64: str, **extra) -> str:
    body = envelope(
        http.post(
            "/3259-1",
            params={"appKey": "test"},
            data={"prompt": "p", "orgin_img_base64": image_b64, **extra},
        )
    )
    assert body["showapi_res_code"] == 0, body
    return body["showapi_res_body"]["taskOrder"]


def query(http: httpx.Client, task_id: str) -> dict:
    return envelope(http.post("/3259-2", params={"appKey": "test", "task_id": task_id}))


def test_task_waits_until_its_time_passes_then_is_done(mock: VendorMock, image_b64: str) -> None:
    http = raw(mock)
    task_id = submit(http, image_b64)
    assert query(http, task_id)["showapi_res_body"]["status"] == "wait"
    mock.advance(mock.task_seconds - 0.01)
    assert query(http, task_id)["showapi_res_body"]["status"] == "wait"
    mock.advance(0.02)
    body = query(http, task_id)["showapi_res_body"]
    assert body["status"] == "done" and body["result"].startswith(BASE + "/_mock/files/")


def test_result_is_a_real_image_made_from_the_input(mock: VendorMock, image_b64: str) -> None:
    http = raw(mock)
    task_id = submit(http, image_b64)
    mock.advance(10)
    response = http.get(query(http, task_id)["showapi_res_body"]["result"])
    assert response.headers["content-type"] == "image/png"
    result = Image.open(io.BytesIO(response.content))
    assert result.size == (80, 60)
    import base64

    original = Image.open(io.BytesIO(base64.b64decode(image_b64))).convert("RGB")
    assert result.convert("RGB").tobytes() != original.tobytes()


def test_failed_task_when_a_test_asks(mock: VendorMock, image_b64: str) -> None:
    http = raw(mock)
    mock.force_outcome("failed")
    failing, fine = submit(http, image_b64), submit(http, image_b64)
    mock.advance(10)
    assert query(http, failing)["showapi_res_body"]["status"] == "fail"
    assert query(http, failing)["showapi_res_body"]["result"] == ""
    assert query(http, fine)["showapi_res_body"]["status"] == "done"


def test_history_pages_are_real(mock: VendorMock, image_b64: str) -> None:
    http = raw(mock)
    ids = [submit(http, image_b64) for _ in range(5)]
    mock.advance(1)
    pages = [
        envelope(http.post("/3259-3", params={"appKey": "test", "page": n, "pageSize": 2}))[
            "showapi_res_body"
        ]
        for n in (1, 2, 3)
    ]
    assert [p["allNum"] for p in pages] == [5, 5, 5]
    assert [p["allPages"] for p in pages] == [3, 3, 3]
    assert [p["currentPage"] for p in pages] == [1, 2, 3]
    listed = [item["taskOrder"] for p in pages for item in p["contentlist"]]
    assert sorted(listed) == sorted(ids) and len(pages[2]["contentlist"]) == 1


def test_history_is_per_app_key(mock: VendorMock, image_b64: str) -> None:
    mock.add_credential("other")
    http = raw(mock)
    submit(http, image_b64)
    body = envelope(http.post("/3259-3", params={"appKey": "other"}))["showapi_res_body"]
    assert body["allNum"] == 0 and body["contentlist"] == []
    task_id = submit(http, image_b64)
    hidden = envelope(http.post("/3259-2", params={"appKey": "other", "task_id": task_id}))
    assert hidden["showapi_res_body"]["ret_code"] == -1


@pytest.mark.parametrize("params", [{}, {"appKey": ""}, {"appKey": "nope"}])
def test_missing_or_unknown_app_key_gets_the_gateway_auth_failure(
    mock: VendorMock, params: dict
) -> None:
    body = envelope(raw(mock).post("/3259-3", params=params))
    assert body["showapi_res_code"] == -1008
    assert body["showapi_res_error"] and body["showapi_res_id"]


@pytest.mark.parametrize(
    ("form", "code_at", "text"),
    [
        ({"orgin_img_url": "https://a.example/x.png"}, "gateway", "prompt is required"),
        ({"prompt": "p"}, "gateway", "exactly one of"),
        ({"prompt": "p", "orgin_img_base64": "not base64!"}, "business", "not valid base64"),
        (
            {"prompt": "p", "orgin_img_base64": "aGVsbG8gd29ybGQ="},
            "business",
            "not a readable image",
        ),
        (
            {"prompt": "p", "orgin_img_url": "https://elsewhere.example/x.png"},
            "business",
            "could not be downloaded",
        ),
    ],
)
def test_bad_submit_gets_the_vendors_error_shape(
    mock: VendorMock, form: dict, code_at: str, text: str
) -> None:
    body = envelope(raw(mock).post("/3259-1", params={"appKey": "test"}, data=form))
    if code_at == "gateway":
        assert body["showapi_res_code"] != 0 and text in body["showapi_res_error"]
    else:
        assert body["showapi_res_code"] == 0
        assert (
            body["showapi_res_body"]["ret_code"] == -1
            and text in body["showapi_res_body"]["remark"]  # the submit answer's message field
        )
    assert not schema_errors(mock.vendor.ops["submit_repaint"].response_schema, body)
    assert mock.store.tasks == {}


def test_unknown_task_gets_ret_code_minus_one(mock: VendorMock) -> None:
    body = query(raw(mock), "nope")
    assert body["showapi_res_code"] == 0 and body["showapi_res_body"]["ret_code"] == -1


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        (
            "POST",
            "/3259-1",
            {
                "content": b"\xff\xfe\x00",
                "headers": {"content-type": "application/x-www-form-urlencoded"},
            },
        ),
        ("POST", "/3259-1", {"json": {"prompt": "p"}}),
        ("POST", "/3259-3", {"params": {"page": "first"}}),
        ("POST", "/no-such-api", {}),
        ("GET", "/3259-2", {}),
        (
            "POST",
            "/3259-1",
            {"content": b"--x\r\nbroken", "headers": {"content-type": "multipart/form-data"}},
        ),
    ],
)
def test_garbage_never_gets_a_500_or_a_traceback(
    mock: VendorMock, method: str, path: str, kwargs: dict
) -> None:
    kwargs = dict(kwargs)  # the parameter itself stays as it was, for a second run
    params = {"appKey": "test", **kwargs.pop("params", {})}
    response = raw(mock).request(method, path, params=params, **kwargs)
    assert response.status_code == 200
    body = response.json()
    assert body["showapi_res_code"] != 0 or body["showapi_res_body"]["ret_code"] != 0
    assert "Traceback" not in response.text


def test_an_internal_fault_is_answered_as_a_system_error(
    mock: VendorMock, monkeypatch, image_b64: str
) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("bug in the mock")

    monkeypatch.setattr(mock.roles, "_submit", broken)
    body = envelope(
        raw(mock).post(
            "/3259-1",
            params={"appKey": "test"},
            data={"prompt": "p", "orgin_img_base64": image_b64},
        )
    )
    assert body["showapi_res_code"] == -1 and "bug" not in json.dumps(body)


def test_callback_is_posted_when_the_task_finishes(image_b64: str) -> None:
    received: list[httpx.Request] = []
    receiver = httpx.MockTransport(lambda r: received.append(r) or httpx.Response(200, text="ok"))
    mock = create_mock(callback_transport=receiver)
    with mock.client(ShowapiClient) as client:
        task = client.submit_repaint(
            prompt="p", image_base64=image_b64, callback_url="https://hooks.example/done"
        )
        mock.advance(1)
        assert received == []
        mock.advance(5)
        assert len(received) == 1 and str(received[0].url) == "https://hooks.example/done"
        payload = json.loads(received[0].content)
        assert payload == {
            "task_id": task.task_order,
            "status": "done",
            "result": payload["result"],
        }
        assert client.parse_callback(payload).status == "succeeded"
        mock.advance(100)
    assert len(received) == 1
    callback_schema = mock.vendor.ops["submit_repaint"].callback_schema
    assert not schema_errors(callback_schema, payload)


def test_quota_counts_down_and_is_refused_when_used_up(image_b64: str) -> None:
    mock = create_mock()
    mock.add_credential("small", quota=2)
    with mock.client(ShowapiClient, app_key="small") as client:
        client.submit_repaint(prompt="p", image_base64=image_b64)
        client.submit_repaint(prompt="p", image_base64=image_b64)
        with pytest.raises(errors.QuotaExceededError):
            client.submit_repaint(prompt="p", image_base64=image_b64)


def test_image_by_url_from_the_mock_itself(
    mock: VendorMock, client: ShowapiClient, image_b64: str
) -> None:
    first = client.wait(client.submit_repaint(prompt="p", image_base64=image_b64).task_order)
    second = client.submit_repaint(prompt="again", image_url=first.images[0])
    assert client.wait(second.task_order).status == "succeeded"


def test_journal_records_requests_without_the_key(mock: VendorMock, client: ShowapiClient) -> None:
    client.list_tasks(page=1)
    entry = mock.journal[-1]
    assert (entry.operation, entry.status, entry.params) == ("list_tasks", 200, {"page": 1})


def test_admin_api_over_http(mock: VendorMock, image_b64: str) -> None:
    http = raw(mock)
    task_id = submit(http, image_b64)
    assert http.post("/_mock/advance", params={"seconds": 5}).status_code == 200
    assert query(http, task_id)["showapi_res_body"]["status"] == "done"
    assert [e["operation"] for e in http.get("/_mock/journal").json()] == [
        "submit_repaint",
        "get_task",
    ]
    http.post("/_mock/outcome", params={"status": "failed"})
    failing = submit(http, image_b64)
    http.post("/_mock/advance", params={"seconds": 5})
    assert query(http, failing)["showapi_res_body"]["status"] == "fail"
    http.post("/_mock/reset")
    assert query(http, task_id)["showapi_res_body"]["ret_code"] == -1
