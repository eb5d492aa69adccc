"""Vendor-specific behaviour of served mocks: ShowAPI's plain form posts (httpx, curl) and
background callbacks, HD repaint's upscaled result and async client, Kling's three views."""

from __future__ import annotations

import io
import subprocess

import httpx
from PIL import Image

from generated.showapi import ShowapiClient

from .conftest import ServedMock


def test_plain_form_post_gets_a_task_that_ends_done_with_a_png(
    served: ServedMock, image_b64: str
) -> None:
    submitted = httpx.post(
        f"{served.url}/3259-1?appKey=test",
        data={"prompt": "snow on the roofs", "orgin_img_base64": image_b64},
    ).json()
    assert submitted["showapi_res_code"] == 0
    task_id = submitted["showapi_res_body"]["taskOrder"]
    body = httpx.post(f"{served.url}/3259-2", params={"appKey": "test", "task_id": task_id}).json()
    assert body["showapi_res_body"]["status"] == "done"
    image = httpx.get(body["showapi_res_body"]["result"])
    assert image.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(image.content)).format == "PNG"
    assert body["showapi_res_body"]["result"].startswith(served.url)


def test_generated_client_against_the_served_mock(served: ServedMock, image_b64: str) -> None:
    with ShowapiClient("test", base_url=served.url) as client:
        task = client.submit_repaint(prompt="p", image_base64=image_b64)
        assert client.wait(task.task_order, timeout=10).status == "succeeded"


def test_curl_form_post(served: ServedMock, image_b64: str, tmp_path) -> None:
    form = tmp_path / "form.txt"
    form.write_text(image_b64)
    done = subprocess.run(
        [
            "curl",
            "-s",
            "-X",
            "POST",
            f"{served.url}/3259-1?appKey=test",
            "--data-urlencode",
            "prompt=winter",
            "--data-urlencode",
            f"orgin_img_base64@{form}",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert '"showapi_res_code":0' in done.stdout


def test_callbacks_are_delivered_in_the_background_to_the_receiver(image_b64: str) -> None:
    import threading

    from generated.showapi import VENDOR
    from generated.showapi.mock import create_mock
    from generator.runtime.clock import SystemClock
    from generator.runtime.live import LiveServer
    from generator.runtime.receiver import CallbackReceiver

    arrived = threading.Event()
    receiver = CallbackReceiver([VENDOR], on_outcome=lambda _vendor, _outcome: arrived.set())
    with (
        LiveServer(receiver.app) as hooks,
        ServedMock(create_mock(clock=SystemClock(), task_seconds=0)) as served,
        ShowapiClient("test", base_url=served.url) as client,
    ):
        task = client.submit_repaint(
            prompt="p", image_base64=image_b64, callback_url=f"{hooks.url}/showapi"
        )
        assert arrived.wait(timeout=10), "no callback arrived"
    outcome = receiver.received[0].outcome
    assert outcome.task_id == task.task_order and outcome.status == "succeeded"
    assert outcome.images[0].startswith(served.url)


def test_hdrepaint_client_against_the_served_mock() -> None:
    from generated.hdrepaint import AsyncHdrepaintClient, HdrepaintClient
    from generated.hdrepaint.mock import create_mock as create_hd_mock
    from generator.runtime.clock import SystemClock
    from generator.runtime.images import png_bytes

    mock = create_hd_mock(clock=SystemClock(), task_seconds=0, queue_seconds=0)
    with ServedMock(mock) as served, HdrepaintClient("test", base_url=served.url) as client:
        task = client.submit_hd_repaint(input_image=png_bytes(40, 30), upscale=2)
        outcome = client.wait(task.task_id, timeout=10, poll_interval=0.05)
        image = Image.open(io.BytesIO(httpx.get(outcome.images[0]).content))

        async def run() -> str:
            async with AsyncHdrepaintClient("test", base_url=served.url) as aclient:
                accepted = await aclient.submit_seamless(input_image=png_bytes(40, 30))
                done = await aclient.wait(accepted.task_id, timeout=10, poll_interval=0.05)
                return done.vendor_status

        import asyncio

        assert asyncio.run(run()) == "Completed"
    assert outcome.vendor_status == "Completed" and image.size == (80, 60)


def test_kling_client_against_the_served_mock() -> None:
    from generated.kling import KlingClient
    from generated.kling.mock import create_mock as create_kling_mock
    from generator.runtime.clock import SystemClock
    from generator.runtime.images import png_base64

    mock = create_kling_mock(clock=SystemClock(), task_seconds=0, queue_seconds=0)
    with ServedMock(mock) as served, KlingClient("test", "test", base_url=served.url) as client:
        task = client.create_task(element_frontal_image=png_base64(400, 300))
        outcome = client.wait(task.task_id, timeout=10, poll_interval=0.05)
        views = [httpx.get(url).content for url in outcome.images]
    assert outcome.status == "succeeded" and len(set(views)) == 3
