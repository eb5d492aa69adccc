"""Remake ``docs/mock-page.png`` (laptop) and ``docs/mock-page-phone.png``: the mock's page
with a few Kling tasks, a failure, a fault and callbacks, in the system's headless Chromium.

    .venv/bin/python docs/mock_page_screenshot.py
"""

from __future__ import annotations

import base64
import contextlib
import io
import sys
import tempfile
from pathlib import Path

import httpx
from PIL import Image

from generated.kling import KlingClient
from generated.kling.mock import create_mock
from generator.runtime import errors
from generator.runtime.clock import VirtualClock
from generator.runtime.live import LiveServer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.test_mock_page import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


def house(size: tuple[int, int], flip: bool = False) -> str:
    img = Image.open(ROOT / "tests" / "data" / "house.png").convert("RGB").resize(size)
    if flip:
        img = img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode()


def refusing_receiver() -> httpx.MockTransport:
    """A callback receiver that is down for the first two deliveries."""
    calls = []

    def answer(_request: httpx.Request) -> httpx.Response:
        calls.append(1)
        down = len(calls) <= 2
        return httpx.Response(503 if down else 200, text="busy" if down else "ok")

    return httpx.MockTransport(answer)


def populate(mock, url: str) -> None:
    with KlingClient("test", "test", base_url=url, max_retries=0, clock=mock.clock) as client:
        hook = "https://hooks.example/kling"
        client.create_task(element_frontal_image=house((400, 300)), external_task_id="order-1041")
        mock.advance(3)
        client.create_task(element_frontal_image=house((400, 300), True), callback_url=hook)
        mock.force_outcome("failed", error="content check failed on the frontal image")
        client.create_task(element_frontal_image=house((300, 400)), external_task_id="order-1042")
        mock.advance(20)
        client.create_task(element_frontal_image=house((400, 400)), external_task_id="order-1043")
        mock.advance(4)
        with contextlib.suppress(errors.NotFoundError):  # a refusal for the journal
            client.get_task(task_id="order-9999")
    mock.inject_fault("error", 2, status=502, operation="get_task")
    mock.force_outcome("failed", 1)


def main() -> None:
    from playwright.sync_api import sync_playwright

    mock = create_mock(clock=VirtualClock(), callback_transport=refusing_receiver())
    with LiveServer(mock.app) as served, tempfile.TemporaryDirectory() as profile:
        populate(mock, served.url)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            page = browser.new_page()
            for name, width, height in (("mock-page", 1280, 860), ("mock-page-phone", 390, 844)):
                page.set_viewport_size({"width": width, "height": height})
                page.goto(f"{served.url}/_mock/")
                page.wait_for_selector("article.task img[data-kind=result]")
                page.wait_for_timeout(600)
                shot = Image.open(io.BytesIO(page.screenshot()))
                target = ROOT / "docs" / f"{name}.png"
                shot.convert("RGB").quantize(colors=128, dither=Image.Dither.NONE).save(
                    target, optimize=True
                )
                print(target, target.stat().st_size)
            browser.close()


if __name__ == "__main__":
    main()
