"""Tencent aiart ImageInpaintingRemoval: TC3 signing (checked against the official SDK), the
mock's signature checks and job limit, real removal, and the SDK pointed at the served mock."""

from __future__ import annotations

import asyncio
import base64
import io
import threading

import httpx
import pytest
from PIL import Image, ImageDraw, ImageStat
from tencentcloud.aiart.v20221229 import aiart_client
from tencentcloud.aiart.v20221229 import models as sdk_models
from tencentcloud.common import abstract_client, credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile

from generated.tencent_aiart import AsyncTencentAiartClient, TencentAiartClient
from generated.tencent_aiart.mock import create_mock
from generator.runtime import errors
from generator.runtime.auth import canonical_request, tc3_signature, utc_date
from generator.runtime.clock import SystemClock, VirtualClock
from generator.runtime.images import to_png
from generator.runtime.mock import VendorMock

from .conftest import ServedMock

TIMESTAMP = 1_731_574_045  # 2024-11-14T08:47:25Z
SECRET_ID, SECRET_KEY = "AKIDexample0000000000000000000000", "example-secret-key-000000000000"


def scene(width: int = 160, height: int = 120) -> tuple[str, str]:
    """(image, mask) as base64: a sky-and-grass picture with a red box, and a mask over it."""
    img = Image.new("RGB", (width, height), (90, 150, 220))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, height * 3 // 4, width, height), fill=(60, 140, 60))
    draw.rectangle((width // 3, height // 4, width * 2 // 3, height // 2), fill=(220, 30, 30))
    mask = Image.new("L", (width, height), 0)
    box = (width // 3 - 4, height // 4 - 4, width * 2 // 3 + 4, height // 2 + 4)
    ImageDraw.Draw(mask).rectangle(box, fill=255)
    return base64.b64encode(to_png(img)).decode(), base64.b64encode(to_png(mask)).decode()


@pytest.fixture
def aiart() -> VendorMock:
    return create_mock()


def sdk_request(**fields: object) -> sdk_models.ImageInpaintingRemovalRequest:
    request = sdk_models.ImageInpaintingRemovalRequest()
    for name, value in fields.items():
        setattr(request, name, value)
    return request


def sdk_client(endpoint: str, secret_id: str = "test", secret_key: str = "test"):
    profile = ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint=endpoint))
    return aiart_client.AiartClient(
        credential.Credential(secret_id, secret_key), "ap-guangzhou", profile
    )


# -- signing --------------------------------------------------------------------------------
def test_our_authorization_header_equals_the_official_sdks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fields = {"InputUrl": "https://example.com/a.jpg", "MaskUrl": "https://example.com/m.jpg"}
    monkeypatch.setattr(abstract_client.time, "time", lambda: TIMESTAMP)
    sent: list = []

    class Captured(TencentCloudSDKException):
        pass

    def capture(req):
        sent.append(req)
        raise Captured("captured", "not sent")

    client = sdk_client("aiart.tencentcloudapi.com", SECRET_ID, SECRET_KEY)
    monkeypatch.setattr(client.request, "send_request", capture)
    with pytest.raises(TencentCloudSDKException):
        client.ImageInpaintingRemoval(sdk_request(RspImgType="url", **fields))
    theirs = sent[0]

    ours: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda r: ours.append(r) or httpx.Response(500))
    clock = VirtualClock(start=TIMESTAMP)
    with (
        TencentAiartClient(
            SECRET_ID, SECRET_KEY, transport=transport, clock=clock, max_retries=0
        ) as ours_client,
        pytest.raises(errors.ServerError),
    ):
        ours_client.image_inpainting_removal(
            image_url=fields["InputUrl"], mask_url=fields["MaskUrl"], result_type="url"
        )
    assert ours[0].content == theirs.data.encode()  # the same body bytes...
    assert ours[0].headers["authorization"] == theirs.header["Authorization"]  # ...same signature
    for name in ("X-TC-Action", "X-TC-Version", "X-TC-Region", "X-TC-Timestamp", "Content-Type"):
        assert ours[0].headers[name] == theirs.header[name], name


def test_signature_matches_the_documented_algorithm_for_a_session_token() -> None:
    seen: list[httpx.Request] = []
    transport = httpx.MockTransport(
        lambda r: seen.append(r) or httpx.Response(200, json={"Response": {"RequestId": "r"}})
    )
    clock = VirtualClock(start=TIMESTAMP)
    with TencentAiartClient(
        "id", "key", "sts-token", transport=transport, clock=clock, base_url="http://127.0.0.1:9"
    ) as client:
        client.image_inpainting_removal(
            image_url="https://a.example/i.png", mask_url="https://a.example/m.png"
        )
    request = seen[0]
    assert request.headers["x-tc-token"] == "sts-token"
    assert request.headers["host"] == "127.0.0.1:9"
    canonical = canonical_request(
        "POST", "/", "", dict(request.headers), ("content-type", "host"), request.content
    )
    signature = tc3_signature("key", "aiart", TIMESTAMP, canonical)
    assert request.headers["authorization"].endswith(f"Signature={signature}")
    assert "Credential=id/2024-11-14/aiart/tc3_request" in request.headers["authorization"]


def test_secrets_stay_out_of_reprs_and_errors(aiart: VendorMock) -> None:
    with aiart.client(TencentAiartClient, secret_key="wrong-secret-key") as client:
        with pytest.raises(errors.AuthenticationError) as caught:
            client.image_inpainting_removal(
                image_url="https://a.example/i.png", mask_url="https://a.example/m.png"
            )
        assert "wrong-secret-key" not in repr(client) + str(caught.value)
    assert caught.value.code == "AuthFailure.SignatureFailure"


# -- the mock's checks ----------------------------------------------------------------------
def signed_post(
    mock: VendorMock, headers: dict[str, str], body: bytes, secret: str = "test", sent: bytes = b""
) -> dict:
    """POST / to the mock, signed over exactly these headers and ``body`` (and sending ``sent``
    instead of it, when given). A ``secret-id`` header names the SecretId (default ``test``)."""
    base = {"content-type": "application/json", "host": "aiart.tencentcloudapi.com"}
    base.update({k.lower(): v for k, v in headers.items()})
    secret_id = base.pop("secret-id", "test")
    stamp = int(base.get("x-tc-timestamp", "0"))
    canonical = canonical_request("POST", "/", "", base, ("content-type", "host"), body)
    signature = tc3_signature(secret, "aiart", stamp, canonical)
    base["authorization"] = (
        f"TC3-HMAC-SHA256 Credential={secret_id}/{utc_date(stamp)}/aiart/tc3_request, "
        f"SignedHeaders=content-type;host, Signature={signature}"
    )
    with httpx.Client(
        transport=mock.transport(), base_url="https://aiart.tencentcloudapi.com"
    ) as http:
        return http.post("/", headers=base, content=sent or body).json()["Response"]


def good_headers(mock: VendorMock, **changes: str) -> dict[str, str]:
    headers = {
        "X-TC-Action": "ImageInpaintingRemoval",
        "X-TC-Version": "2022-12-29",
        "X-TC-Region": "ap-guangzhou",
        "X-TC-Timestamp": str(int(mock.clock.time())),
    }
    headers.update(changes)
    return {k: v for k, v in headers.items() if v}


BODY = b'{"InputUrl": "https://nowhere.example/a.png", "MaskUrl": "https://nowhere.example/m.png"}'


@pytest.mark.parametrize(
    ("change", "secret", "code"),
    [
        ({}, "wrong", "AuthFailure.SignatureFailure"),
        ({"secret-id": "AKIDunknown"}, "test", "AuthFailure.SecretIdNotFound"),
        ({"X-TC-Timestamp": "OFFSET:-301"}, "test", "AuthFailure.SignatureExpire"),
        ({"X-TC-Timestamp": "OFFSET:+301"}, "test", "AuthFailure.SignatureExpire"),
        ({"X-TC-Action": "TextToImage"}, "test", "InvalidAction"),
        ({"X-TC-Action": ""}, "test", "InvalidAction"),
        ({"X-TC-Version": "2018-01-01"}, "test", "NoSuchVersion"),
    ],
)
def test_mock_refuses_each_signature_and_header_fault_with_its_code(
    aiart: VendorMock, change: dict, secret: str, code: str
) -> None:
    stamp = change.get("X-TC-Timestamp", "")
    if stamp.startswith("OFFSET:"):
        change = {**change, "X-TC-Timestamp": str(int(aiart.clock.time()) + int(stamp[7:]))}
    answer = signed_post(aiart, good_headers(aiart, **change), BODY, secret)
    assert answer["Error"]["Code"] == code and answer["RequestId"]
    assert aiart.store.tasks == {}


def test_a_timestamp_within_five_minutes_is_accepted(aiart: VendorMock) -> None:
    headers = good_headers(aiart, **{"X-TC-Timestamp": str(int(aiart.clock.time()) - 299)})
    answer = signed_post(aiart, headers, BODY)
    assert answer["Error"]["Code"] == "FailedOperation.ImageDownloadError"  # past the auth


def test_a_body_changed_after_signing_fails_the_signature(aiart: VendorMock) -> None:
    headers = good_headers(aiart)
    honest = signed_post(aiart, headers, BODY)
    tampered = signed_post(aiart, headers, BODY, sent=BODY.replace(b"a.png", b"b.png"))
    assert honest["Error"]["Code"] == "FailedOperation.ImageDownloadError"  # past the auth
    assert tampered["Error"]["Code"] == "AuthFailure.SignatureFailure"


# -- removal ----------------------------------------------------------------------------------
def mean_in_box(img: Image.Image, box: tuple[int, int, int, int]) -> tuple[float, ...]:
    return tuple(ImageStat.Stat(img.crop(box)).mean[:3])


def test_masked_region_is_filled_from_its_surroundings(aiart: VendorMock) -> None:
    image, mask = scene()
    with aiart.client(TencentAiartClient) as client:
        result = client.image_inpainting_removal(image_base64=image, mask_base64=mask, logo_add=0)
    out = Image.open(io.BytesIO(base64.b64decode(result.result_image)))
    assert out.format == "JPEG" and out.size == (160, 120)
    red, _green, blue = mean_in_box(out.convert("RGB"), (60, 35, 100, 55))
    assert red < 140 and blue > 150  # the red box is gone: sky colours fill its place
    assert result.request_id


def test_the_ai_mark_is_added_by_default_and_not_with_logo_add_0(aiart: VendorMock) -> None:
    image, mask = scene()
    corner = (120, 100, 160, 120)
    with aiart.client(TencentAiartClient) as client:
        marked = client.image_inpainting_removal(image_base64=image, mask_base64=mask)
        plain = client.image_inpainting_removal(image_base64=image, mask_base64=mask, logo_add=0)
    original = Image.open(io.BytesIO(base64.b64decode(image))).convert("RGB")
    marked_img = Image.open(io.BytesIO(base64.b64decode(marked.result_image))).convert("RGB")
    plain_img = Image.open(io.BytesIO(base64.b64decode(plain.result_image))).convert("RGB")

    def difference(a, b):
        return sum(
            abs(x - y) for x, y in zip(mean_in_box(a, corner), mean_in_box(b, corner), strict=True)
        )

    assert difference(plain_img, original) < 12
    assert difference(marked_img, original) > 30


def test_a_custom_logo_goes_into_its_rect(aiart: VendorMock) -> None:
    from generated.tencent_aiart import models

    image, mask = scene()
    logo = base64.b64encode(to_png(Image.new("RGB", (8, 8), (255, 255, 0)))).decode()
    rect = models.LogoRect(x=4, y=4, width=20, height=10)
    with aiart.client(TencentAiartClient) as client:
        result = client.image_inpainting_removal(
            image_base64=image,
            mask_base64=mask,
            logo_param=models.LogoParam(logo_image=logo, logo_rect=rect),
        )
    out = Image.open(io.BytesIO(base64.b64decode(result.result_image))).convert("RGB")
    r, g, b = mean_in_box(out, (6, 6, 22, 12))
    assert r > 200 and g > 200 and b < 80


def test_url_result_is_served_by_the_mock_and_expires_after_an_hour(aiart: VendorMock) -> None:
    image, mask = scene()
    with aiart.client(TencentAiartClient) as client:
        result = client.image_inpainting_removal(
            image_base64=image, mask_base64=mask, result_type="url"
        )
    with httpx.Client(transport=aiart.transport()) as http:
        fresh = http.get(result.result_image)
        aiart.advance(3601)
        stale = http.get(result.result_image)
    assert fresh.status_code == 200 and fresh.headers["content-type"] == "image/jpeg"
    assert stale.status_code == 404


def test_the_url_form_wins_over_base64(aiart: VendorMock) -> None:
    image, mask = scene()
    black = base64.b64encode(to_png(Image.new("RGB", (160, 120)))).decode()
    with aiart.client(TencentAiartClient) as client:
        first = client.image_inpainting_removal(
            image_base64=image, mask_base64=mask, result_type="url"
        )
        # Both forms given: the service uses the URL (the scene), not the base64 (black).
        again = client.image_inpainting_removal(
            image_url=first.result_image, image_base64=black, mask_base64=mask, logo_add=0
        )
    out = Image.open(io.BytesIO(base64.b64decode(again.result_image))).convert("RGB")
    assert sum(mean_in_box(out, (0, 0, 40, 20))) > 300  # sky, not black


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"mask_base64": "MASK"}, "InvalidParameterValue.ImageEmpty"),
        ({"image_base64": "IMAGE"}, "InvalidParameterValue.ImageEmpty"),
        (
            {"image_base64": "bm90IGFuIGltYWdl", "mask_base64": "MASK"},
            "FailedOperation.ImageDecodeFailed",
        ),
        (
            {"image_base64": "WIDE", "mask_base64": "WIDE_MASK"},
            "FailedOperation.ImageResolutionExceed",
        ),
        (
            {"image_base64": "IMAGE", "mask_base64": "SMALL_MASK"},
            "InvalidParameterValue.ParameterValueError",
        ),
        (
            {"image_base64": "IMAGE", "mask_base64": "RGB_MASK"},
            "InvalidParameterValue.ParameterValueError",
        ),
        (
            {"image_base64": "A" * 6_291_460, "mask_base64": "MASK"},
            "FailedOperation.ImageSizeExceed",
        ),
        (
            {"image_url": "https://elsewhere.example/a.png", "mask_base64": "MASK"},
            "FailedOperation.ImageDownloadError",
        ),
    ],
)
def test_bad_images_get_their_documented_codes_from_the_mock_and_the_client(
    aiart: VendorMock, kwargs: dict, code: str
) -> None:
    image, mask = scene()
    wide = base64.b64encode(to_png(Image.new("RGB", (5000, 8)))).decode()
    values = {
        "IMAGE": image,
        "MASK": mask,
        "WIDE": wide,
        "WIDE_MASK": base64.b64encode(to_png(Image.new("L", (5000, 8)))).decode(),
        "SMALL_MASK": base64.b64encode(to_png(Image.new("L", (10, 10)))).decode(),
        "RGB_MASK": base64.b64encode(to_png(Image.new("RGB", (160, 120)))).decode(),
    }
    body = {
        {"image_base64": "InputImage", "mask_base64": "Mask", "image_url": "InputUrl"}[
            k
        ]: values.get(v, v)
        for k, v in kwargs.items()
    }
    import json

    stamp = str(int(aiart.clock.time()))
    answer = signed_post(
        aiart, good_headers(aiart, **{"X-TC-Timestamp": stamp}), json.dumps(body).encode()
    )
    assert answer["Error"]["Code"] == code, answer
    with aiart.client(TencentAiartClient) as client:
        try:
            client.image_inpainting_removal(**{k: values.get(v, v) for k, v in kwargs.items()})
        except errors.RequestValidationError:
            pass  # refused before sending: fine, nothing to compare
        except errors.APIError as exc:
            assert exc.code == code
        else:
            raise AssertionError("accepted")


def test_the_client_maps_every_code_of_a_kind_to_its_exception() -> None:
    def answer(code: str) -> httpx.MockTransport:
        body = {"Response": {"Error": {"Code": code, "Message": "m"}, "RequestId": "rid-1"}}
        return httpx.MockTransport(lambda r: httpx.Response(200, json=body))

    expected = {
        "AuthFailure.SignatureExpire": errors.AuthenticationError,
        "AuthFailure.TokenFailure": errors.AuthenticationError,
        "RequestLimitExceeded.JobNumExceed": errors.RateLimitError,
        "FailedOperation.ImageDecodeFailed": errors.InvalidImageError,
        "FailedOperation.ImageResolutionExceed": errors.InvalidImageError,
        "FailedOperation.ImageDownloadError": errors.DownloadFailedError,
        "InvalidParameterValue.ImageEmpty": errors.InvalidRequestError,
        "InvalidParameterValue.Whatever": errors.InvalidRequestError,
        "FailedOperation.InnerError": errors.ServerError,
        "ResourceUnavailable.InArrears": errors.QuotaExceededError,
    }
    for code, cls in expected.items():
        client = TencentAiartClient("i", "k", transport=answer(code), max_retries=0)
        with client, pytest.raises(cls) as caught:
            client.image_inpainting_removal(
                image_url="https://a.example/i.png", mask_url="https://a.example/m.png"
            )
        assert caught.value.code == code and caught.value.request_id == "rid-1", code


# -- one job at a time ----------------------------------------------------------------------
def test_an_overlapping_job_gets_job_num_exceed_in_process(aiart: VendorMock) -> None:
    image, mask = scene()

    async def two_at_once() -> list[object]:
        async with aiart.client(AsyncTencentAiartClient, max_retries=0) as client:
            calls = [
                client.image_inpainting_removal(image_base64=image, mask_base64=mask)
                for _ in range(2)
            ]
            return await asyncio.gather(*calls, return_exceptions=True)

    first, second = asyncio.run(two_at_once())
    assert not isinstance(first, Exception)
    assert (
        isinstance(second, errors.RateLimitError)
        and second.code == "RequestLimitExceeded.JobNumExceed"
    )
    with aiart.client(TencentAiartClient) as client:  # once the job is done, the slot is free
        assert client.image_inpainting_removal(image_base64=image, mask_base64=mask).result_image


def test_job_limit_refusals_are_retried_by_the_client(aiart: VendorMock) -> None:
    image, mask = scene()

    async def two_at_once() -> list[object]:
        async with aiart.client(AsyncTencentAiartClient) as client:
            calls = [
                client.image_inpainting_removal(image_base64=image, mask_base64=mask)
                for _ in range(2)
            ]
            return await asyncio.gather(*calls, return_exceptions=True)

    results = asyncio.run(two_at_once())
    assert all(not isinstance(r, Exception) for r in results), results


# -- the official SDK against the served mock -----------------------------------------------
def test_official_sdk_succeeds_and_fails_with_the_right_codes_against_the_served_mock() -> None:
    image, mask = scene()
    with ServedMock(create_mock(clock=SystemClock(), task_seconds=0.3)) as served:
        endpoint = served.url.removeprefix("http://")
        client = sdk_client(endpoint)
        ok = client.ImageInpaintingRemoval(
            sdk_request(InputImage=image, Mask=mask, RspImgType="url")
        )
        assert ok.ResultImage.startswith(served.url) and ok.RequestId
        assert httpx.get(ok.ResultImage).headers["content-type"] == "image/jpeg"
        b64 = client.ImageInpaintingRemoval(sdk_request(InputImage=image, Mask=mask, LogoAdd=0))
        assert Image.open(io.BytesIO(base64.b64decode(b64.ResultImage))).size == (160, 120)
        failures = {
            "AuthFailure.SignatureFailure": (
                sdk_client(endpoint, "test", "bad"),
                {"InputImage": image, "Mask": mask},
            ),
            "AuthFailure.SecretIdNotFound": (
                sdk_client(endpoint, "nobody", "test"),
                {"InputImage": image, "Mask": mask},
            ),
            "InvalidParameterValue.ImageEmpty": (client, {"Mask": mask}),
            "FailedOperation.ImageDecodeFailed": (client, {"InputImage": "bm9wZQ==", "Mask": mask}),
        }
        for code, (sdk, fields) in failures.items():
            with pytest.raises(TencentCloudSDKException) as caught:
                sdk.ImageInpaintingRemoval(sdk_request(**fields))
            assert caught.value.get_code() == code and caught.value.get_request_id()

        results: list[object] = []

        def call() -> None:
            try:
                results.append(
                    client.ImageInpaintingRemoval(sdk_request(InputImage=image, Mask=mask))
                )
            except TencentCloudSDKException as exc:
                results.append(exc.get_code())

        threads = [threading.Thread(target=call) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert "RequestLimitExceeded.JobNumExceed" in results
    assert sum(1 for r in results if not isinstance(r, str)) == 1
