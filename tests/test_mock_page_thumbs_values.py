"""The page's thumbnails (``GET /_mock/thumbs/<task>/<name>``) and its task list's query, value by
value, without a browser: what a small copy of each kind of image is (a PNG scaled down with
Lanczos, an SVG as it came), the 404 with its reason for a missing or unreadable image, and the
``status`` and ``q`` filters of ``GET /_mock/tasks``."""

from __future__ import annotations

import io
import random

import pytest
from PIL import Image

from generator.runtime.clock import VirtualClock
from generator.runtime.images import open_image, png_bytes
from generator.runtime.mock.core import VendorMock
from generator.runtime.mock.page import THUMB_SIDE, _tasks, thumbnail
from generator.runtime.mock.serve import build_mock, vendor_packages
from generator.runtime.mock.store import MockTask
from tests.test_mock_page_values import stored as page_task

NO_STORE = {"cache-control": "no-store"}
SVG = b'\n  <svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"></svg>'


def noisy_png(width: int, height: int) -> bytes:
    """A PNG of seeded noise: every resampling filter scales it to different pixels."""
    rng = random.Random(7)
    img = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def stored(task_id: str, created: float, **fields: object) -> MockTask:
    """A stored task (as the page tests build one) with no input image unless one is given."""
    return page_task(task_id, created, **{"image": None, **fields})


@pytest.fixture
def mock() -> VendorMock:
    """A mock at time 12 with five tasks made at 0 to 4 (each queued 1 s, then 10 s running):
    t0 has succeeded (from an input image, the only task with one), t1 failed, t2 to t4
    still run."""
    built = build_mock(vendor_packages()[0], clock=VirtualClock(start=12.0))
    for i in range(5):
        outcome = "failed" if i == 1 else "succeeded"
        image = png_bytes(8, 8) if i == 0 else None  # only t0 has an input image
        built.store.add(stored(f"t{i}", float(i), outcome=outcome, error="boom", image=image))
    return built


# -- thumbnails -------------------------------------------------------------------------------
def test_a_large_image_becomes_a_png_scaled_with_lanczos_and_never_cached(
    mock: VendorMock,
) -> None:
    big = noisy_png(2 * THUMB_SIDE + 40, THUMB_SIDE + 20)
    mock.store.add(stored("big", 0.0, image=big))
    answer = thumbnail(mock, "big/input")
    expected = open_image(big)
    expected.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    assert (answer.status, answer.media_type, answer.headers) == (200, "image/png", NO_STORE)
    got = Image.open(io.BytesIO(answer.body))
    assert got.size == (THUMB_SIDE, THUMB_SIDE * (THUMB_SIDE + 20) // (2 * THUMB_SIDE + 40))
    assert got.tobytes() == expected.tobytes()


def test_an_svg_is_sent_as_it_came_even_after_leading_white_space(mock: VendorMock) -> None:
    mock.store.add(stored("drawn", 0.0, slots={"logo": SVG}))
    answer = thumbnail(mock, "drawn/logo")
    assert (answer.status, answer.body, answer.media_type, answer.headers) == (
        200,
        SVG,
        "image/svg+xml",
        NO_STORE,
    )


def test_an_unreadable_image_is_a_404_naming_it(mock: VendorMock) -> None:
    mock.store.add(stored("odd", 0.0, slots={"mask": b"not an image at all"}))
    answer = thumbnail(mock, "odd/mask")
    assert (answer.status, answer.media_type) == (404, "application/json")
    assert answer.json() == {"error": "'odd/mask' is not a readable image"}


@pytest.mark.parametrize(
    "ref",
    ["nope/input", "t0/absent.png", "t2/input", "t1/vector.svg"],
    ids=["no-such-task", "no-such-file", "no-input-image", "result-of-a-failed-task"],
)
def test_a_missing_image_is_a_404_naming_it(mock: VendorMock, ref: str) -> None:
    answer = thumbnail(mock, ref)
    assert (answer.status, answer.media_type) == (404, "application/json")
    assert answer.json() == {"error": f"no image {ref!r}"}


# -- the task list's query --------------------------------------------------------------------
def ids(page: dict) -> list[str]:
    return [row["id"] for row in page["items"]]


def test_the_task_list_without_filters_has_every_task(mock: VendorMock) -> None:
    page = _tasks(mock, {})
    assert (page["total"], ids(page)) == (5, ["t4", "t3", "t2", "t1", "t0"])


def test_the_task_list_keeps_the_status_asked_for(mock: VendorMock) -> None:
    failed = _tasks(mock, {"status": "failed"})
    assert (failed["total"], ids(failed)) == (1, ["t1"])
    running = _tasks(mock, {"status": "running", "limit": "2"})
    assert (running["total"], ids(running)) == (3, ["t4", "t3"])


def test_the_task_list_keeps_the_ids_holding_the_text_asked_for(mock: VendorMock) -> None:
    by_caller_id = _tasks(mock, {"q": "ext-t2"})
    assert (by_caller_id["total"], ids(by_caller_id)) == (1, ["t2"])
    both = _tasks(mock, {"q": "t", "status": "succeeded"})
    assert (both["total"], ids(both)) == (1, ["t0"])
