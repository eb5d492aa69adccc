"""Kling multi-shot: JWT auth both ways, input limits, caller-named tasks, three real views."""

from __future__ import annotations

import io
import json

import httpx
import jwt
import pytest
from PIL import Image

from generated.kling import KlingClient
from generated.kling.mock import create_mock
from generator.runtime import errors
from generator.runtime.clock import VirtualClock
from generator.runtime.images import png_base64
from generator.runtime.mock import VendorMock

BASE = "https://api-singapore.klingai.com"
PATH = "/v1/general/ai-multi-shot"


@pytest.fixture
def kling() -> VendorMock:
    return create_mock()


def picture(width: int = 512, height: int = 384) -> str:
    return png_base64(width, height)


def token(
    now: float, *, iss: str = "test", secret: str = "test", exp: float = 1800, nbf: float = -5
) -> str:
    return jwt.encode(
        {"iss": iss, "exp": int(now + exp), "nbf": int(now + nbf)}, secret, algorithm="HS256"
    )


def call(mock: VendorMock, headers: dict[str, str]) -> httpx.Response:
    with httpx.Client(transport=mock.transport(), base_url=BASE) as http:
        return http.get(PATH, headers=headers)


def test_client_token_is_hs256_with_the_documented_claims() -> None:
    seen: list[httpx.Request] = []
    clock = VirtualClock()
    transport = httpx.MockTransport(
        lambda r: seen.append(r) or httpx.Response(200, json={"code": 0, "data": []})
    )
    with KlingClient("ak-1", "sk-1", transport=transport, clock=clock) as client:
        client.list_tasks()
    scheme, _, raw = seen[0].headers["authorization"].partition(" ")
    assert scheme == "Bearer"
    assert jwt.get_unverified_header(raw) == {"alg": "HS256", "typ": "JWT"}
    claims = jwt.decode(
        raw, "sk-1", algorithms=["HS256"], options={"verify_exp": False, "verify_nbf": False}
    )
    now = int(clock.time())
    assert claims == {"iss": "ak-1", "exp": now + 1800, "nbf": now - 5}


def test_client_makes_a_new_token_before_the_old_one_expires() -> None:
    seen: list[str] = []
    clock = VirtualClock()
    transport = httpx.MockTransport(
        lambda r: (
            seen.append(r.headers["authorization"])
            or httpx.Response(200, json={"code": 0, "data": []})
        )
    )
    with KlingClient("ak", "sk", transport=transport, clock=clock) as client:
        client.list_tasks()
        clock.advance(600)
        client.list_tasks()
        clock.advance(1150)  # 1750 s after the first token: inside its last minute
        client.list_tasks()
    assert seen[0] == seen[1] != seen[2]


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, 1001),
        ({"Authorization": "Bearer not-a-jwt"}, 1002),
        ({"Authorization": "Basic dGVzdA=="}, 1002),
        ({"Authorization": "Bearer " + token(VirtualClock().time(), secret="wrong")}, 1002),
        ({"Authorization": "Bearer " + token(VirtualClock().time(), iss="stranger")}, 1002),
        ({"Authorization": "Bearer " + token(VirtualClock().time(), nbf=120)}, 1003),
        ({"Authorization": "Bearer " + token(VirtualClock().time(), exp=-1)}, 1004),
    ],
)
def test_mock_answers_each_401_case_with_its_code(
    kling: VendorMock, headers: dict, code: int
) -> None:
    response = call(kling, headers)
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == code and body["message"] and body["request_id"]


def test_expired_token_raises_authentication_error_with_code(kling: VendorMock) -> None:
    with kling.client(KlingClient) as client:
        client.list_tasks()
        kling.advance(3600)  # the mock's clock runs on, the client's token is reused...
        client._auth._expires = float("inf")  # ...as a client with a stale cache would
        with pytest.raises(errors.AuthenticationError) as caught:
            client.list_tasks()
    assert caught.value.code == 1004 and caught.value.status_code == 401


@pytest.mark.parametrize(
    ("size", "problem"),
    [((200, 400), "under 300 px"), ((900, 300), "aspect ratio"), ((300, 800), "aspect ratio")],
)
def test_image_limits_are_checked_on_both_sides(kling: VendorMock, size, problem: str) -> None:
    with (
        kling.client(KlingClient) as client,
        pytest.raises(errors.RequestValidationError, match=problem),
    ):
        client.create_task(element_frontal_image=picture(*size))
    with httpx.Client(transport=kling.transport(), base_url=BASE) as http:
        response = http.post(
            PATH,
            json={"element_frontal_image": picture(*size)},
            headers={"Authorization": "Bearer " + token(kling.clock.time())},
        )
    assert response.status_code == 400 and problem in response.json()["message"]


def test_gif_and_oversize_images_are_refused(kling: VendorMock) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 400)).save(buffer, format="GIF")
    import base64

    with kling.client(KlingClient) as client:
        with pytest.raises(errors.RequestValidationError, match="gif"):
            client.create_task(element_frontal_image=base64.b64encode(buffer.getvalue()).decode())
        with pytest.raises(errors.RequestValidationError, match="over 10485760"):
            client.create_task(element_frontal_image="A" * 14_000_000)  # 10.5 MB decoded


def test_task_runs_submitted_processing_succeed_with_three_distinct_views(
    kling: VendorMock,
) -> None:
    with kling.client(KlingClient) as client:
        created = client.create_task(element_frontal_image=picture())
        assert created.task_status == "submitted"
        kling.advance(1.5)
        assert client.get_task(task_id=created.task_id).task_status == "processing"
        outcome = client.wait(created.task_id)
    assert outcome.status == "succeeded" and outcome.vendor_status == "succeed"
    assert len(outcome.images) == 3
    with httpx.Client(transport=kling.transport()) as http:
        views = [http.get(url).content for url in outcome.images]
    assert len(set(views)) == 3
    assert all(Image.open(io.BytesIO(v)).size == (512, 384) for v in views)


def test_external_task_id_names_the_task_and_must_be_unique(kling: VendorMock) -> None:
    with kling.client(KlingClient) as client:
        created = client.create_task(element_frontal_image=picture(), external_task_id="order-77")
        assert created.task_info.external_task_id == "order-77"
        assert client.get_task(task_id="order-77").task_id == created.task_id
        with pytest.raises(errors.APIError) as caught:
            client.create_task(element_frontal_image=picture(), external_task_id="order-77")
    assert caught.value.status_code == 400 and "order-77" in caught.value.vendor_message
    assert len(kling.store.tasks) == 1


def test_unknown_task_is_404(kling: VendorMock) -> None:
    with kling.client(KlingClient) as client, pytest.raises(errors.NotFoundError) as caught:
        client.get_task(task_id="nope")
    assert caught.value.status_code == 404


def test_list_pages_are_real(kling: VendorMock) -> None:
    with kling.client(KlingClient) as client:
        ids = [
            client.create_task(element_frontal_image=picture(400, 400)).task_id for _ in range(5)
        ]
        kling.advance(10)
        pages = [client.list_tasks(page_num=n, page_size=2) for n in (1, 2, 3, 4)]
    listed = [task.task_id for page in pages for task in page.items]
    assert [len(page.items) for page in pages] == [2, 2, 1, 0]
    assert sorted(listed) == sorted(ids)
    assert pages[0].items[0].task_result.images[0].url_1.endswith(".png")


def test_page_size_out_of_range_is_refused(kling: VendorMock) -> None:
    with (
        kling.client(KlingClient) as client,
        pytest.raises(errors.RequestValidationError, match="pageSize"),
    ):
        client.list_tasks(page_size=501)


def test_callback_on_every_status_change() -> None:
    received: list[dict] = []
    receiver = httpx.MockTransport(
        lambda r: received.append(json.loads(r.content)) or httpx.Response(200)
    )
    mock = create_mock(callback_transport=receiver)
    with mock.client(KlingClient) as client:
        created = client.create_task(
            element_frontal_image=picture(), callback_url="https://hooks.example/k"
        )
        for _ in range(10):
            mock.advance(1)
        statuses = [client.parse_callback(p).status for p in received]
    assert statuses == ["queued", "running", "succeeded"]
    assert all(p["task_id"] == created.task_id for p in received)
    assert len(received[-1]["task_result"]["images"]) == 3
