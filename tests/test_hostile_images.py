"""Images a mock must refuse from their header: too many pixels (a 20 kB PNG of 13000 x 13000
one-bit pixels, Pillow's decompression bomb at 30000 x 30000) and bytes that are no image.
Each vendor's own invalid-image or resolution error, never a 5xx, "retry" or InternalError;
a served mock's memory stays put and it keeps answering others meanwhile."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from generator.runtime import errors
from generator.runtime.images import (
    DEFAULT_MAX_PIXELS,
    ImageTooLarge,
    blank_png,
    png_bytes,
    sniff,
)
from generator.runtime.live import LiveServer
from generator.runtime.mock.serve import vendor_packages

from .hostile import (
    client_class,
    credentials,
    expected_error,
    free_ports,
    image_operations,
    send_unchecked,
    served,
    vendor,
    with_image,
)

ONE_BIT_13K = blank_png(13000, 13000)
BOMB_30K = blank_png(30000, 30000)
PROBES = {
    "13000x13000 one-bit": (ONE_BIT_13K, "image_resolution"),
    "30000x30000 bomb": (BOMB_30K, "image_resolution"),
    "not an image": (b"GIF89a but not really" * 10, "invalid_image"),
    "truncated PNG": (png_bytes(64, 48)[:40], "invalid_image"),
}
OPERATIONS = image_operations()


class ImageHost:
    """A loopback server answering every GET with one image's bytes (for URL inputs)."""

    def __init__(self) -> None:
        self.data = b""
        self.live = LiveServer(self)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"image/png")],
            }
        )
        await send({"type": "http.response.body", "body": self.data})


@pytest.fixture(scope="module")
def image_host():
    host = ImageHost()
    with host.live:
        yield host


def test_the_probes_are_what_they_claim() -> None:
    assert len(ONE_BIT_13K) < 25_000 and sniff(ONE_BIT_13K) == ("png", 13000, 13000)
    with pytest.raises(ImageTooLarge):
        sniff(BOMB_30K)
    assert DEFAULT_MAX_PIXELS < 13000 * 13000


def test_every_image_vendor_is_probed() -> None:
    """Found from the specs: every vendor with an image input has an operation probed (its
    example gives the image, so the probe can stand in for it)."""
    takes_images = {
        package
        for package in vendor_packages()
        if any(op.limits.images for op in vendor(package).operations)
    }
    assert takes_images and {package for package, _ in OPERATIONS} == takes_images


@pytest.mark.parametrize("probe", sorted(PROBES))
@pytest.mark.parametrize(("package", "name"), OPERATIONS)
def test_a_hostile_image_gets_the_vendors_own_image_error(
    package: str, name: str, probe: str, image_host: ImageHost
) -> None:
    data, kind = PROBES[probe]
    image_host.data = data
    mock = _create_mock(package, allowed_hosts=[f"127.0.0.1:{image_host.live.port}"])
    op = vendor(package).ops[name]
    base_url = vendor(package).base_url or "http://mock.invalid"
    values = with_image(op, base_url, data, f"{image_host.live.url}/probe.png")
    with mock.client(client_class(package), max_retries=0) as client:
        answer = send_unchecked(client, op, values)
        with pytest.raises(errors.APIError) as raised:
            client._read(op, answer)
    expected = expected_error(package, kind)
    assert answer.status_code == expected.http_status < 500
    assert raised.value.code == expected.code
    assert isinstance(raised.value, errors.InvalidRequestError)
    assert "retry" not in answer.text.lower() and "InternalError" not in answer.text
    assert mock.store.tasks == {}


def _create_mock(package: str, **options):
    import importlib

    return importlib.import_module(f"generated.{package}.mock").create_mock(**options)


def test_the_pixel_limit_is_an_option() -> None:
    """An image under the vendor's limits but over ``max_pixels`` is refused; a mock given a
    larger limit takes it."""
    mock = _create_mock("kling", max_pixels=400 * 400)
    op = vendor("kling").ops["create_task"]
    big = png_bytes(500, 500)
    values = with_image(op, vendor("kling").base_url, big, "")
    with mock.client(client_class("kling"), max_retries=0) as client:
        refused = send_unchecked(client, op, values)
    assert refused.status_code == 400 and "160,000 pixels" in refused.json()["message"]
    roomy = _create_mock("kling", max_pixels=500 * 500)
    with roomy.client(client_class("kling"), max_retries=0) as client:
        assert send_unchecked(client, op, values).json()["code"] == 0


def test_a_served_mock_keeps_its_memory_and_answers_others_during_the_probes(
    image_host: ImageHost,
) -> None:
    """Every vendor served at once by the documented command; each image operation gets both
    pixel probes while another caller polls: memory grows < 200 MB, polls stay fast."""
    image_host.data = ONE_BIT_13K
    port = free_ports(len({p for p, _ in OPERATIONS}) + 1)
    args = ("--port", str(port), "--allow-host", f"127.0.0.1:{image_host.live.port}")
    with served(*args) as mocks:
        before = mocks.rss_bytes()
        slowest = _poll_while(mocks.urls, lambda: _probe_all(mocks.urls, image_host))
        grown = mocks.rss_bytes() - before
    print(f"RSS grew {grown / 2**20:.1f} MB; slowest other caller {slowest * 1000:.0f} ms")
    assert grown < 200 << 20, f"RSS grew {grown >> 20} MB"
    assert slowest < 1.0, f"another caller waited {slowest:.2f} s"


def _probe_all(urls: dict[str, str], image_host: ImageHost) -> list[int]:
    statuses = []
    for package, name in OPERATIONS:
        op = vendor(package).ops[name]
        with client_class(package)(
            **credentials(package), base_url=urls[package], max_retries=0, timeout=60
        ) as client:
            for data in (ONE_BIT_13K, BOMB_30K):
                image_host.data = data
                values = with_image(op, urls[package], data, f"{image_host.live.url}/p.png")
                answer = send_unchecked(client, op, values)
                statuses.append(answer.status_code)
                expected = expected_error(package, "image_resolution")
                assert answer.status_code == expected.http_status, answer.text
    return statuses


def _poll_while(urls: dict[str, str], work) -> float:
    """Run ``work`` in a thread while polling a mock's journal; the slowest poll's seconds."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # reported below
            failures.append(exc)

    thread = threading.Thread(target=run)
    slowest = 0.0
    url = next(iter(urls.values())) + "/no-such-operation"
    with httpx.Client(timeout=30) as http:
        thread.start()
        while thread.is_alive():
            started = time.perf_counter()
            assert http.get(url).status_code < 500
            slowest = max(slowest, time.perf_counter() - started)
        thread.join()
    if failures:
        raise failures[0]
    return slowest


def test_a_task_whose_results_would_be_too_large_is_refused_at_submit() -> None:
    """Upscaling is where a small input becomes a huge result: HD repaint's ``upscale`` 8 of a
    4000 x 4000 image would be 1 billion pixels; the mock refuses it before making anything."""
    mock = _create_mock("hdrepaint")
    op = vendor("hdrepaint").ops["submit_hd_repaint"]
    values = {**with_image(op, "", blank_png(4000, 4000), ""), "upscale": "8"}
    with mock.client(client_class("hdrepaint"), max_retries=0) as client:
        answer = send_unchecked(client, op, values)
    expected = expected_error("hdrepaint", "invalid_request")
    assert answer.json()["err_code"] == expected.code and "at most" in answer.json()["err_msg"]
    assert mock.store.tasks == {}
    values["upscale"] = "2"  # 64 million pixels: within four times the input limit
    with mock.client(client_class("hdrepaint"), max_retries=0) as client:
        assert send_unchecked(client, op, values).json()["err_code"] == 0
