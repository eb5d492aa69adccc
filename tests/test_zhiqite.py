"""Zhiqite on the Alibaba Cloud API market: the gateway in front, caller-named tasks with
progress, n_iter x batch_size images with seeds, tool tasks, catalogues and callbacks."""

from __future__ import annotations

import base64
import io
import json

import httpx
import pytest
from PIL import Image

from generated.zhiqite import ZhiqiteClient, models
from generated.zhiqite.mock import create_mock
from generator.runtime import errors
from generator.runtime.mock import VendorMock

BASE = "https://zhiqite.market.alicloudapi.com/AIGCImgOpenServ"
EXAMPLE = "https://zhiqite.market.alicloudapi.com/_mock/examples/example.png"


@pytest.fixture
def zq() -> VendorMock:
    return create_mock()


def scripts(task_id: str, **extra: object) -> models.Text2ImageScripts:
    return models.Text2ImageScripts(
        sd_model_checkpoint="revAnimated_v122_7371.safetensors", id_task=task_id, **extra
    )


def fetch(mock: VendorMock, url: str) -> Image.Image:
    with httpx.Client(transport=mock.transport()) as http:
        response = http.get(url)
    assert response.status_code == 200, url
    return Image.open(io.BytesIO(response.content))


def raw_post(mock: VendorMock, path: str, body: object, headers: dict[str, str]) -> httpx.Response:
    with httpx.Client(transport=mock.transport(), base_url=BASE) as http:
        return http.post(path, json=body, headers=headers)


ACCOUNT = {"X-Request-req-accessKeyId": "test", "X-Request-req-accessKeySecret": "test"}


# -- the gateway --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "authorization", [None, "APPCODE wrong", "appcode test", "APPCODEtest", "Bearer test"]
)
def test_gateway_refuses_a_missing_or_wrong_appcode_before_the_vendor(
    zq: VendorMock, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    # an invalid body too: the gateway answers first, the vendor never sees it
    response = raw_post(zq, "/saas/sd/v2/text2image", {"width": 7}, headers)
    assert response.status_code == 401 and response.content == b""
    assert response.headers["x-ca-error-message"].startswith("Invalid AppCode")
    assert zq.store.tasks == {}


def test_client_reads_the_gateway_reason_from_its_header(zq: VendorMock) -> None:
    client = zq.client(ZhiqiteClient, app_code="wrong")
    with client, pytest.raises(errors.AuthenticationError) as caught:
        client.list_embeddings(page_num=1, page_size=10)
    assert caught.value.status_code == 401
    assert caught.value.vendor_message.startswith("Invalid AppCode")
    assert "wrong" not in str(caught.value)


def test_unknown_api_is_the_gateways_404(zq: VendorMock) -> None:
    response = raw_post(zq, "/saas/sd/v2/nothing", {}, {"Authorization": "APPCODE test"})
    assert response.status_code == 404 and response.headers["x-ca-error-code"] == "I404NF"


def test_appcode_and_account_headers_are_sent_and_kept_out_of_the_journal(
    zq: VendorMock,
) -> None:
    seen: list[httpx.Request] = []
    inner = zq.transport()
    spy = httpx.MockTransport(lambda r: seen.append(r) or inner.handle_request(r))
    zq.add_credential("appcode-live-1")
    with ZhiqiteClient(
        "appcode-live-1", "ak-id-1", "ak-secret-1", transport=spy, clock=zq.clock
    ) as client:
        client.list_vaes(vae_file_name="vae-ft-mse-840000-ema-pruned.ckpt", page_num=1, page_size=5)
    headers = seen[0].headers
    assert headers["authorization"] == "APPCODE appcode-live-1"
    assert headers["x-request-req-accesskeyid"] == "ak-id-1"
    assert headers["x-request-req-accesskeysecret"] == "ak-secret-1"
    assert headers["content-type"] == "application/json;charset=UTF-8"
    journal = json.dumps([entry.params for entry in zq.journal])
    assert "ak-secret-1" not in journal and "appcode-live-1" not in journal


# -- drawing tasks ------------------------------------------------------------------------
def test_text_to_image_runs_queued_running_succeeded_with_progress_and_a_preview(
    zq: VendorMock,
) -> None:
    seen = []
    with zq.client(ZhiqiteClient) as client:
        accepted = client.text_to_image(
            prompt="a lighthouse",
            batch_size=2,
            n_iter=2,
            width=256,
            height=192,
            seed="100",
            always_on_scripts=scripts("order-1"),
        )
        assert accepted.task_id == "order-1"
        first = client.get_task(business_task_id="order-1")
        zq.advance(5)
        running = client.get_task(business_task_id="order-1")
        outcome = client.wait("order-1", on_progress=seen.append)
    assert first.status == 3 and running.status == 1
    assert running.temporary_image_dto is not None
    assert 0 < float(running.temporary_image_dto.progress) < 1
    preview = Image.open(io.BytesIO(base64.b64decode(running.temporary_image_dto.current_image)))
    assert preview.format == "JPEG" and max(preview.size) <= 128
    assert outcome.status == "succeeded" and len(outcome.images) == 4
    images = outcome.raw["differentialImageRspList"]
    assert [image["seed"] for image in images] == [100, 101, 102, 103]
    assert all(fetch(zq, url).size == (256, 192) for url in outcome.images)
    progress = [o.progress for o in seen if o.status == "running"]
    assert progress and progress == sorted(progress)
    assert {o.status for o in seen} <= {"queued", "running", "succeeded"}


def test_hires_fix_gives_the_hr_size(zq: VendorMock) -> None:
    with zq.client(ZhiqiteClient) as client:
        client.text_to_image(
            prompt="p",
            batch_size=1,
            width=256,
            height=192,
            enable_hr=True,
            hr_scale=2,
            always_on_scripts=scripts("hr-1"),
        )
        client.text_to_image(
            prompt="p",
            batch_size=1,
            width=256,
            height=192,
            enable_hr=True,
            hr_resize_x=640,
            hr_resize_y=480,
            always_on_scripts=scripts("hr-2"),
        )
        scaled, resized = client.wait("hr-1"), client.wait("hr-2")
    assert fetch(zq, scaled.images[0]).size == (512, 384)
    assert fetch(zq, resized.images[0]).size == (640, 480)


def test_a_forced_failure_reports_status_0_with_its_reason(zq: VendorMock) -> None:
    zq.force_outcome("failed", error="GPU out of memory")
    with zq.client(ZhiqiteClient) as client:
        client.text_to_image(prompt="p", batch_size=1, always_on_scripts=scripts("f-1"))
        outcome = client.wait("f-1")
    assert outcome.status == "failed" and outcome.vendor_status == "0" and outcome.images == ()


def test_a_reused_task_id_is_refused(zq: VendorMock) -> None:
    with zq.client(ZhiqiteClient) as client:
        client.text_to_image(prompt="p", batch_size=1, always_on_scripts=scripts("dup"))
        with pytest.raises(errors.ConflictError) as caught:
            client.text_to_image(prompt="p", batch_size=1, always_on_scripts=scripts("dup"))
    assert caught.value.code == "400" and "dup" in caught.value.vendor_message
    assert len(zq.store.tasks) == 1


def test_the_mock_accepts_both_spellings_of_the_scripts_object(zq: VendorMock) -> None:
    headers = {"Authorization": "APPCODE test", **ACCOUNT}
    for key, task_id in (("alwayson_scripts", "a-1"), ("always_on_scripts", "a-2")):
        body = {
            "prompt": "p",
            "batch_size": 1,
            key: {"sd_model_checkpoint": "photon_v1_84728.safetensors", "id_task": task_id},
        }
        answer = raw_post(zq, "/saas/sd/v2/text2image", body, headers).json()
        assert answer == {"code": "200", "msg": "success", "data": {"task_id": task_id}}


def test_image_to_image_redraws_the_image_at_its_url(zq: VendorMock) -> None:
    with zq.client(ZhiqiteClient) as client:
        client.image_to_image(
            prompt="winter",
            batch_size=1,
            width=320,
            height=240,
            always_on_scripts=models.Image2ImageScripts(
                sd_model_checkpoint="photon_v1_84728.safetensors", id_task="i2i", image_link=EXAMPLE
            ),
        )
        outcome = client.wait("i2i")
    assert fetch(zq, outcome.images[0]).size == (320, 240)


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("width", 1001, "multiple of 8"),
        ("height", 1032, "maximum"),
        ("cfg_scale", 31, "maximum"),
        ("denoising_strength", 1.5, "maximum"),
    ],
)
def test_sizes_and_ranges_are_checked_on_both_sides(
    zq: VendorMock, field: str, value: object, problem: str
) -> None:
    with (
        zq.client(ZhiqiteClient) as client,
        pytest.raises(errors.RequestValidationError, match=problem),
    ):
        client.text_to_image(
            prompt="p", batch_size=1, always_on_scripts=scripts("r"), **{field: value}
        )
    body = {
        "prompt": "p",
        "batch_size": 1,
        field: value,
        "always_on_scripts": {"sd_model_checkpoint": "m", "id_task": "r"},
    }
    answer = raw_post(
        zq, "/saas/sd/v2/text2image", body, {"Authorization": "APPCODE test", **ACCOUNT}
    )
    assert answer.status_code == 200 and answer.json()["code"] == "400"
    assert problem in answer.json()["msg"]


# -- tools ----------------------------------------------------------------------------------
def test_enhance_scales_by_the_factor_or_to_the_size(zq: VendorMock) -> None:
    with zq.client(ZhiqiteClient) as client:
        client.enhance(business_task_id="e-1", image=EXAMPLE, resize_mode=0, upscaling_resize=3)
        client.enhance(
            business_task_id="e-2",
            image=EXAMPLE,
            resize_mode=1,
            upscaling_resize_w=800,
            upscaling_resize_h=600,
        )
        by_factor = client.wait("e-1", operation="enhance")
        to_size = client.wait("e-2", operation="enhance")
        queried = client.get_tool_task(tool_code="enhance", business_task_id="e-1")
    assert fetch(zq, by_factor.images[0]).size == (1536, 1152)
    assert fetch(zq, to_size.images[0]).size == (800, 600)
    assert queried.status == 2 and queried.business_task_id == "e-1"


def test_face_swap_puts_the_source_into_the_target(zq: VendorMock) -> None:
    small = "https://zhiqite.market.alicloudapi.com/_mock/examples/small.png"
    with zq.client(ZhiqiteClient) as client:
        accepted = client.face_swap(source_url=small, target_url=EXAMPLE, business_task_id="fs-1")
        outcome = client.wait("fs-1", operation="face_swap")
    result = fetch(zq, outcome.images[0])
    assert str(accepted.output_image_url) == outcome.images[0]
    assert result.size == (512, 384)
    assert result.convert("RGB").tobytes() != fetch(zq, EXAMPLE).convert("RGB").tobytes()


def test_a_tool_code_with_a_slash_reaches_the_tool_query(zq: VendorMock) -> None:
    seen: list[httpx.Request] = []
    inner = zq.transport()
    spy = httpx.MockTransport(lambda r: seen.append(r) or inner.handle_request(r))
    client = ZhiqiteClient("test", "test", "test", transport=spy, clock=zq.clock)
    with client, pytest.raises(errors.NotFoundError):
        client.get_tool_task(tool_code="hair/change", business_task_id="nothing-yet")
    assert seen[0].url.raw_path == b"/AIGCImgOpenServ/saas/tool/hair/change/queryTask"


def test_a_drawing_task_is_not_found_by_the_tool_query(zq: VendorMock) -> None:
    with zq.client(ZhiqiteClient) as client:
        client.text_to_image(prompt="p", batch_size=1, always_on_scripts=scripts("sd-1"))
        with pytest.raises(errors.NotFoundError):
            client.get_tool_task(tool_code="enhance", business_task_id="sd-1")


def test_enhance_input_over_1536_px_is_refused(zq: VendorMock) -> None:
    from generator.runtime.images import png_bytes
    from generator.runtime.mock.core import EXAMPLE_IMAGES

    EXAMPLE_IMAGES["huge.png"] = lambda: png_bytes(1600, 40)
    try:
        with zq.client(ZhiqiteClient) as client, pytest.raises(errors.APIError) as caught:
            client.enhance(
                business_task_id="big",
                image="https://zhiqite.market.alicloudapi.com/_mock/examples/huge.png",
            )
    finally:
        del EXAMPLE_IMAGES["huge.png"]
    assert caught.value.code == "400" and "1536" in caught.value.vendor_message


# -- catalogues -----------------------------------------------------------------------------
def test_catalogues_are_paginated_and_filtered(zq: VendorMock) -> None:
    with zq.client(ZhiqiteClient) as client:
        first = client.list_embeddings(page_num=1, page_size=4)
        last = client.list_embeddings(page_num=3, page_size=4)
        photon = client.list_models(page_num=1, page_size=10, sd_model_name="Photon")
        loras = client.list_loras(page_num=1, page_size=10, lora_base_model="SDXL")
    assert first.total == 10 and len(first.items) == 4 and len(last.items) == 2
    assert first.items[0].embedding_simplify_name == "FastNegativeV2"
    assert [m.sd_model_checkpoint for m in photon.items] == ["photon_v1_84728.safetensors"]
    assert loras.total == 0 and loras.items == []


# -- callbacks -------------------------------------------------------------------------------
def test_callbacks_follow_the_ladder_until_the_receiver_answers_code_200() -> None:
    answers = iter(["busy", "{}", json.dumps({"code": "200"})])
    received: list[dict] = []

    def receiver(request: httpx.Request) -> httpx.Response:
        received.append(json.loads(request.content))
        return httpx.Response(200, text=next(answers))

    mock = create_mock(callback_transport=httpx.MockTransport(receiver))
    with mock.client(ZhiqiteClient) as client:
        client.text_to_image(
            prompt="p",
            batch_size=1,
            callback_url="https://hooks.example/zq",
            always_on_scripts=scripts("cb-1"),
        )
    mock.advance(8)  # done at 8 s: first delivery
    for _ in range(20):
        mock.advance(1)
    attempts = list(mock.callbacks.attempts)
    assert [round(a.time - attempts[0].time) for a in attempts] == [0, 3, 8]
    assert [a.accepted for a in attempts] == [False, False, True]
    assert received[-1]["id_task"] == "cb-1" and received[-1]["status"] == 2
    with mock.client(ZhiqiteClient) as client:
        assert client.parse_callback(received[-1]).status == "succeeded"
