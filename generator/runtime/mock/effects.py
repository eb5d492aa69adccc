"""What a mock's task makes of its input: real images, made with Pillow.

Each effect takes the task and returns its result files by name. The vendor's spec picks the
effect by name (``x-sdk-operation.mock.effect``); the mock calls it once, when the task first
succeeds, and serves the files from ``/_mock/files/<task>/<name>``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from PIL import Image, ImageFilter, ImageOps

from ..images import open_image, to_png
from .store import MockTask

Files = dict[str, tuple[bytes, str]]
PNG = "image/png"


def _tint(task: MockTask) -> tuple[int, int, int]:
    """A colour derived from the task's prompt, so different prompts give different results."""
    seed = hashlib.sha256(str(task.inputs.get("prompt", task.id)).encode()).digest()
    return seed[0], seed[1], seed[2]


def repaint(task: MockTask) -> Files:
    """Redraw the input: posterised, softened and washed with a prompt-dependent colour."""
    if task.image is None:
        raise ValueError("repaint needs an input image")
    img = open_image(task.image).convert("RGB")
    painted = ImageOps.posterize(img, 3).filter(ImageFilter.SMOOTH_MORE)
    wash = Image.new("RGB", img.size, _tint(task))
    return {"result.png": (to_png(Image.blend(painted, wash, 0.25)), PNG)}


EFFECTS: dict[str, Callable[[MockTask], Files]] = {"repaint": repaint}
