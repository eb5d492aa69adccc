"""Bad input of every kind gets the vendor's own error shape from a mock: never a 5xx."""

from __future__ import annotations

import httpx
import jwt
import pytest

from generated.hdrepaint.mock import create_mock as create_hd_mock
from generated.kling.mock import create_mock as create_kling_mock
from generated.showapi.mock import create_mock as create_showapi_mock
from generator.runtime.images import png_base64, png_bytes

PNG = png_bytes(40, 30)
HD_CASES = [
    ("GET", "/api/submit_task", {}),
    ("POST", "/api/nope", {"data": {"user_key": "test"}}),
    ("POST", "/api/submit_task", {"json": {"user_key": "test"}}),
    (
        "POST",
        "/api/submit_task",
        {"content": b"\xff\xfe", "headers": {"content-type": "multipart/form-data; boundary=z"}},
    ),
    ("POST", "/api/submit_task", {"data": {"user_key": "test", "steps": "many"}}),
    ("POST", "/api/check_task_status", {"data": {"user_key": "test"}}),
    ("POST", "/api/check_task_status", {"data": {"task_id": "x"}}),
    (
        "POST",
        "/api/submit_vector_task",
        {"data": {"user_key": "test", "color_count": "2.5"}, "files": {"input_image": PNG}},
    ),
    (
        "POST",
        "/api/submit_vector_task",
        {"data": {"user_key": "test"}, "files": {"input_image": b""}},
    ),
]


@pytest.mark.parametrize(("method", "path", "kwargs"), HD_CASES)
def test_hdrepaint_mock_answers_bad_input_with_err_code_1(method, path, kwargs) -> None:
    mock = create_hd_mock()
    with httpx.Client(transport=mock.transport(), base_url="http://hd.invalid") as http:
        response = http.request(method, path, **kwargs)
    body = response.json()
    assert response.status_code < 500
    assert body["err_code"] == 1 and body["err_msg"], body
    assert mock.store.tasks == {}


def kling_headers(mock) -> dict[str, str]:
    now = int(mock.clock.time())
    token = jwt.encode({"iss": "test", "exp": now + 1800, "nbf": now - 5}, "test")
    return {"Authorization": f"Bearer {token}"}


KLING_PATH = "/v1/general/ai-multi-shot"
KLING_CASES = [
    ("POST", KLING_PATH, {"content": b"{bad", "headers": {"content-type": "application/json"}}),
    ("POST", KLING_PATH, {"json": [1, 2]}),
    ("POST", KLING_PATH, {"json": {"element_frontal_image": 123}}),
    ("POST", KLING_PATH, {"json": {"element_frontal_image": "https://elsewhere.example/a.png"}}),
    ("POST", KLING_PATH, {"json": {"element_frontal_image": "bm90IGFuIGltYWdl"}}),
    (
        "POST",
        KLING_PATH,
        {"json": {"element_frontal_image": png_base64(400, 400), "callback_url": "not a url"}},
    ),
    ("GET", KLING_PATH + "?pageNum=abc", {}),
    ("GET", KLING_PATH + "?pageSize=0", {}),
    ("DELETE", KLING_PATH, {}),
    ("GET", KLING_PATH + "/", {}),
    ("GET", KLING_PATH + "/a/b", {}),
    ("PUT", KLING_PATH + "/abc", {}),
]


@pytest.mark.parametrize(("method", "path", "kwargs"), KLING_CASES)
def test_kling_mock_answers_bad_input_with_its_status_and_code(method, path, kwargs) -> None:
    mock = create_kling_mock()
    headers = {**kling_headers(mock), **kwargs.pop("headers", {})}
    with httpx.Client(transport=mock.transport(), base_url="https://kling.invalid") as http:
        response = http.request(method, path, headers=headers, **kwargs)
    body = response.json()
    assert response.status_code in (400, 404), body
    assert body["code"] in (1201, 1202) and body["message"] and body["request_id"]
    assert mock.store.tasks == {}


SHOWAPI_CASES = [
    ("GET", "/3259-1?appKey=test", {}),
    ("POST", "/3259-9?appKey=test", {}),
    ("POST", "/3259-1?appKey=test", {"json": {"prompt": "p"}}),
    ("POST", "/3259-1?appKey=test", {"data": {"prompt": "p", "orgin_img_url": "ftp://x/y"}}),
    ("POST", "/3259-1?appKey=test", {"data": {"prompt": "p", "orgin_img_base64": "@@@"}}),
    ("POST", "/3259-3?appKey=test", {"params": {"page": "x"}}),
]


@pytest.mark.parametrize(("method", "path", "kwargs"), SHOWAPI_CASES)
def test_showapi_mock_answers_bad_input_in_its_envelope(method, path, kwargs) -> None:
    mock = create_showapi_mock()
    with httpx.Client(transport=mock.transport(), base_url="https://route.showapi.com") as http:
        response = http.request(method, path, **kwargs)
    body = response.json()
    assert response.status_code == 200
    failed = body["showapi_res_code"] != 0 or body["showapi_res_body"]["ret_code"] != 0
    assert failed, body
    assert mock.store.tasks == {}


def test_every_effect_makes_the_files_it_names() -> None:
    """Result URLs are given before the files are made: the names must agree."""
    from generator.runtime.mock.effects import EFFECTS
    from generator.runtime.mock.store import MockTask

    image = png_bytes(64, 48)
    args = {"vector": True, "n_iter": 2, "batch_size": 2, "width": 64, "height": 64}
    for name, effect in EFFECTS.items():
        task = MockTask(
            id="t",
            account="a",
            operation="op",
            created_at=0,
            queue_seconds=0,
            run_seconds=0,
            outcome="succeeded",
            effect=name,
            args=args,
            inputs={},
            base_url="http://m",
            image=image,
            slots={"mask": png_bytes(64, 48), "source": image},
        )
        assert sorted(effect.make(task)) == sorted(effect.names(task)), name


def test_credentials_are_checked_before_a_broken_body_is_refused() -> None:
    mock = create_kling_mock()
    with httpx.Client(transport=mock.transport(), base_url="https://kling.invalid") as http:
        answer = http.post(
            KLING_PATH, content=b"\x00", headers={"content-type": "application/json"}
        )
    assert answer.status_code == 401 and answer.json()["code"] == 1001
