"""HD repaint: multipart uploads, a form-field key, quotas, and results that are real files."""

from __future__ import annotations

import io
import re

import httpx
import pytest
from PIL import Image

from generated.hdrepaint import HdrepaintClient
from generated.hdrepaint.mock import create_mock
from generator.runtime import errors
from generator.runtime.images import png_bytes
from generator.runtime.mock import VendorMock

BASE = "http://mock.invalid"


@pytest.fixture
def hd() -> VendorMock:
    return create_mock()


def image(width: int = 96, height: int = 72) -> bytes:
    return png_bytes(width, height)


def fetch(mock: VendorMock, url: str) -> bytes:
    with httpx.Client(transport=mock.transport()) as http:
        response = http.get(url)
    assert response.status_code == 200, url
    return response.content


def svg_colours(svg: bytes) -> set[str]:
    return set(re.findall(r'fill="(#[0-9a-f]{6})"', svg.decode()))


def test_base_url_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HDREPAINT_BASE_URL", raising=False)
    with pytest.raises(errors.ConfigurationError, match="base_url"):
        HdrepaintClient("key")


def test_repaint_upscales_by_the_requested_factor(hd: VendorMock) -> None:
    with hd.client(HdrepaintClient) as client:
        task = client.submit_hd_repaint(input_image=image(), upscale=2.5, prompt="sharper")
        assert task.task_id and task.remaining_count == 99 and task.remaining_money == 297
        outcome = client.wait(task.task_id)
    assert outcome.status == "succeeded" and outcome.vendor_status == "Completed"
    result = Image.open(io.BytesIO(fetch(hd, outcome.images[0])))
    assert result.size == (240, 180)


def test_vector_switch_adds_an_svg_with_at_most_color_count_colours(hd: VendorMock) -> None:
    with hd.client(HdrepaintClient) as client:
        task = client.submit_hd_repaint(input_image=image(), vector_switch=True, color_count=3)
        client.wait(task.task_id)
        status = client.get_task(task_id=task.task_id)
    assert status.vector_url and status.vector_url.endswith(".svg")
    assert 1 <= len(svg_colours(fetch(hd, status.vector_url))) <= 3
    assert status.grid_url is None


def test_vector_task(hd: VendorMock) -> None:
    with hd.client(HdrepaintClient) as client:
        task = client.submit_vector(input_image=image(), color_count=4)
        client.wait(task.task_id)
        status = client.get_task(task_id=task.task_id)
    svg = fetch(hd, status.vector_url)
    assert svg.startswith(b"<svg") and 1 <= len(svg_colours(svg)) <= 4


def test_seamless_task_gives_a_tile_that_wraps_and_a_3x3_grid(hd: VendorMock) -> None:
    with hd.client(HdrepaintClient) as client:
        task = client.submit_seamless(input_image=image(), fit=0.3)
        client.wait(task.task_id)
        status = client.get_task(task_id=task.task_id)
    tile = Image.open(io.BytesIO(fetch(hd, status.images_url))).convert("L")
    grid = Image.open(io.BytesIO(fetch(hd, status.grid_url)))
    assert grid.size == (tile.width * 3, tile.height * 3)
    px = tile.load()
    wrap = sum(abs(px[0, y] - px[tile.width - 1, y]) for y in range(tile.height)) / tile.height
    assert wrap < 12  # the right edge runs on into the left edge


def test_face_enhance_task(hd: VendorMock) -> None:
    original = image()
    with hd.client(HdrepaintClient) as client:
        outcome = client.wait(client.submit_face_enhance(input_image=original).task_id)
    result = Image.open(io.BytesIO(fetch(hd, outcome.images[0])))
    assert result.size == (96, 72)
    assert (
        result.convert("RGB").tobytes() != Image.open(io.BytesIO(original)).convert("RGB").tobytes()
    )


def test_file_input_as_path_or_open_file(hd: VendorMock, tmp_path) -> None:
    path = tmp_path / "in.png"
    path.write_bytes(image())
    with hd.client(HdrepaintClient) as client, path.open("rb") as handle:
        assert client.submit_face_enhance(input_image=path).task_id
        assert client.submit_face_enhance(input_image=handle).task_id


def test_quota_is_refused_with_the_vendors_message() -> None:
    mock = create_mock()
    mock.add_credential("small", quota=1)
    with mock.client(HdrepaintClient, user_key="small") as client:
        client.submit_face_enhance(input_image=image())
        with pytest.raises(errors.QuotaExceededError) as caught:
            client.submit_face_enhance(input_image=image())
    assert caught.value.vendor_message == "账户剩余次数不足" and caught.value.code == 1


def test_unknown_account(hd: VendorMock) -> None:
    with (
        hd.client(HdrepaintClient, user_key="nobody") as client,
        pytest.raises(errors.AuthenticationError) as caught,
    ):
        client.submit_face_enhance(input_image=image())
    assert caught.value.vendor_message == "账户不存在"


def test_unknown_task(hd: VendorMock) -> None:
    with hd.client(HdrepaintClient) as client, pytest.raises(errors.NotFoundError) as caught:
        client.get_task(task_id="nope")
    assert caught.value.vendor_message == "任务未找到或状态未知"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"upscale": 9},
        {"s_noise": 1.2},
        {"steps": 10},
        {"color_count": 17},
        {"strong_inpaint_intensity": 1.5},
    ],
)
def test_ranges_are_checked_before_sending(kwargs: dict) -> None:
    seen = []
    transport = httpx.MockTransport(
        lambda r: seen.append(r) or httpx.Response(200, json={"err_code": 0})
    )
    with (
        HdrepaintClient("k", base_url=BASE, transport=transport) as client,
        pytest.raises(errors.RequestValidationError),
    ):
        client.submit_hd_repaint(input_image=image(), **kwargs)
    assert seen == []


def test_mock_refuses_out_of_range_fields_with_the_submit_failure_message(hd: VendorMock) -> None:
    with httpx.Client(transport=hd.transport(), base_url=BASE) as http:
        body = http.post(
            "/api/submit_task",
            data={"user_key": "test", "upscale": "9"},
            files={"input_image": ("a.png", image())},
        ).json()
        garbage = http.post(
            "/api/submit_task",
            data={"user_key": "test"},
            files={"input_image": ("a.png", b"not an image")},
        ).json()
        missing = http.post("/api/submit_task", data={"user_key": "test"}).json()
    assert (
        body["err_code"] == 1
        and body["err_msg"].startswith("任务提交失败")
        and "upscale" in body["err_msg"]
    )
    assert garbage["err_code"] == 1 and "not a readable image" in garbage["err_msg"]
    assert missing["err_code"] == 1 and "input_image is required" in missing["err_msg"]
    assert hd.store.tasks == {}


def test_status_spelled_in_capitals_is_also_completion() -> None:
    from generated.hdrepaint import VENDOR
    from generator.runtime.tasks import read_outcome

    assert VENDOR.task is not None
    for word in ("Completed", "COMPLETED", "completed"):
        assert read_outcome(VENDOR.task, {"err_code": 0, "status": word}, "t").status == "succeeded"
    assert read_outcome(VENDOR.task, {"err_code": 0, "status": "FAILED"}, "t").status == "failed"


def test_user_key_travels_as_a_form_field_and_never_in_errors(hd: VendorMock) -> None:
    seen: list[httpx.Request] = []
    inner = hd.transport()

    def spy(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return inner.handle_request(request)

    secret = "uk-very-secret-31337"
    hd.add_credential(secret)
    with HdrepaintClient(secret, base_url=BASE, transport=httpx.MockTransport(spy)) as client:
        client.submit_face_enhance(input_image=image())
        with pytest.raises(errors.NotFoundError) as caught:
            client.get_task(task_id="missing")
    assert b'name="user_key"' in seen[0].read() and secret not in str(seen[0].url)
    assert secret not in str(caught.value) and secret not in repr(client)
