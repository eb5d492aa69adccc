"""``$task.preview``: a running task's first result image, made small and blurred by how much
is left to do, as base64 JPEG; nothing when the task has no raster image to show."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image, ImageFilter, ImageStat

from generator.runtime.mock.store import MockTask
from generator.runtime.mock.templates import Context, _preview

from .test_mock_page_values import stored


def context(files: dict[str, tuple[bytes, str]], now: float) -> Context:
    return Context(now=now, task_spec=None, file_urls=lambda _t: {}, file_bytes=lambda _t: files)


def rgba_png(width: int, height: int) -> bytes:
    """A picture with detail for the blur to smooth, with an alpha channel JPEG cannot hold."""
    img = Image.new("RGBA", (width, height))
    img.putdata(
        [
            ((x * 7) % 256, (y * 5) % 256, (x * y) % 256, 200)
            for y in range(height)
            for x in range(width)
        ]
    )
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def running() -> MockTask:
    return stored("t", 0.0)  # queued 1 s, then 10 s running: at 6 it is half done


def test_the_preview_is_the_first_image_small_blurred_by_what_is_left_as_jpeg() -> None:
    data = rgba_png(300, 400)
    files = {"notes.json": (b"{}", "application/json"), "a.png": (data, "image/png")}
    task = running()
    assert task.progress(6.0) == 0.5
    found = _preview(context(files, 6.0), task)
    assert found is not None
    shown = Image.open(io.BytesIO(base64.b64decode(found)))
    assert (shown.format, shown.mode, shown.size) == ("JPEG", "RGB", (96, 128))
    small = Image.open(io.BytesIO(data)).convert("RGB")
    small.thumbnail((128, 128))
    out = io.BytesIO()
    blur = ImageFilter.GaussianBlur(4.0)  # (1 - progress) * 8, at progress 0.5
    small.filter(blur).save(out, format="JPEG", quality=70)
    assert found == base64.b64encode(out.getvalue()).decode()


def test_the_blur_shrinks_as_the_task_runs() -> None:
    files = {"a.png": (rgba_png(128, 128), "image/png")}
    task = running()

    def sharpness(now: float) -> float:
        shown = Image.open(io.BytesIO(base64.b64decode(_preview(context(files, now), task) or "")))
        edges = shown.convert("L").filter(ImageFilter.FIND_EDGES)
        return ImageStat.Stat(edges).mean[0]

    assert sharpness(1.0) < sharpness(6.0) < sharpness(10.9)


@pytest.mark.parametrize(
    "files",
    [
        {},
        {"a.json": (b"{}", "application/json")},
        {"v.svg": (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml")},
        {"v.svg": (b" \n\t<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml")},
    ],
    ids=["no-files", "no-image", "svg", "svg-after-space"],
)
def test_no_raster_image_means_no_preview(files: dict[str, tuple[bytes, str]]) -> None:
    assert _preview(context(files, 6.0), running()) is None
