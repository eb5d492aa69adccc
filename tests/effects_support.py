"""Shared builders for the effect value tests: a task around an image, images of flat
colours, and reading a result file back as pixels."""

from __future__ import annotations

import io
from dataclasses import replace
from typing import Any

from PIL import Image

from generator.runtime.images import to_png
from generator.runtime.mock.store import MockTask

from .test_mock_clock_and_store import task

Colour = tuple[int, int, int]


def effect_task(
    effect: str,
    image: Image.Image | None = None,
    *,
    args: dict[str, Any] | None = None,
    inputs: dict[str, Any] | None = None,
    slots: dict[str, Image.Image] | None = None,
    task_id: str = "task-1",
) -> MockTask:
    """A finished task of ``effect`` whose input (and slot images) are these pictures."""
    made = task(task_id, account="acct", created=0.0, queue=0.0, run=0.0, args=args)
    return replace(
        made,
        effect=effect,
        inputs=inputs or {},
        image=None if image is None else to_png(image),
        slots={name: to_png(img) for name, img in (slots or {}).items()},
    )


def solid(width: int, height: int, colour: Colour) -> Image.Image:
    return Image.new("RGB", (width, height), colour)


def halves(width: int, height: int, left: Colour, right: Colour) -> Image.Image:
    """Left half one colour, right half another."""
    img = solid(width, height, left)
    img.paste(right, (width // 2, 0, width, height))
    return img


def quadrants(
    width: int, height: int, colours: tuple[Colour, Colour, Colour, Colour]
) -> Image.Image:
    """Top left, top right, bottom left, bottom right: four flat colours."""
    top_left, top_right, bottom_left, bottom_right = colours
    img = solid(width, height, top_left)
    img.paste(top_right, (width // 2, 0, width, height // 2))
    img.paste(bottom_left, (0, height // 2, width // 2, height))
    img.paste(bottom_right, (width // 2, height // 2, width, height))
    return img


def picture(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


def colours_of(img: Image.Image) -> set[Colour]:
    return {colour for _, colour in img.getcolors(img.width * img.height)}
