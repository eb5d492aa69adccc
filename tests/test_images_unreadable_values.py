"""``images.sniff`` on what Pillow refuses, word for word: bytes that are no image, and a
decompression bomb whose refusal does not count its pixels (the words a user reads in the
vendor's error come from here)."""

from __future__ import annotations

import pytest

from generator.runtime.images import ImageProblem, ImageTooLarge, sniff


@pytest.mark.parametrize(
    "data",
    [b"this is a text file, not an image", b"GIF89a" + b"\x00" * 4, b"\xff\xd8\xff" + b"\x01" * 40],
    ids=["text", "cut-gif", "broken-jpeg"],
)
def test_bytes_pillow_cannot_read_are_not_a_readable_image(data: bytes) -> None:
    with pytest.raises(ImageProblem) as caught:
        sniff(data)
    assert type(caught.value) is ImageProblem
    assert str(caught.value) == "not a readable image"


def test_a_bomb_refused_without_a_pixel_count_is_too_many_pixels(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PIL import Image

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise Image.DecompressionBombError("refused: could be a decompression bomb")

    monkeypatch.setattr(Image, "open", refuse)
    with pytest.raises(ImageTooLarge) as caught:
        sniff(b"GIF89a" + b"\x00" * 40)
    assert str(caught.value) == "too many pixels: too large to decode"
