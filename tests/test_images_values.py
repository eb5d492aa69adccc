"""What ``generator.runtime.images`` says about an image, value by value: the stand-in images
are the files they claim to be, base64 is read with or without its data URI, the header-only
reading works without Pillow, and each refusal says why in words a caller can act on."""

from __future__ import annotations

import base64
import io
import struct
import sys
import warnings
import zlib

import pytest
from PIL import Image

from generator.runtime import images
from generator.runtime.images import (
    ImageProblem,
    ImageTooLarge,
    blank_png,
    decode_base64,
    image_channels,
    mask_png_base64,
    open_image,
    pixel_problem,
    png_bytes,
    sniff,
)


def saved(mode: str, size: tuple[int, int], fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, format=fmt)
    return out.getvalue()


def chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """A PNG's chunks as (type, data), each length and checksum checked on the way."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    found, at = [], 8
    while at < len(data):
        (length,) = struct.unpack_from(">I", data, at)
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        (crc,) = struct.unpack_from(">I", data, at + 8 + length)
        assert crc == zlib.crc32(kind + body), kind
        found.append((kind, body))
        at += 12 + length
    return found


@pytest.mark.parametrize(("width", "height"), [(16, 3), (13, 5), (1, 1)])
def test_blank_png_is_a_standard_one_bit_black_png(width: int, height: int) -> None:
    data = blank_png(width, height)
    found = chunks(data)
    assert [kind for kind, _ in found] == [b"IHDR", b"IDAT", b"IEND"]
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # one-bit grey, plain
    assert found[0][1] == header
    rows = zlib.decompress(found[1][1])
    assert rows == b"\x00" * (height * (1 + (width + 7) // 8))  # filter byte + packed bits
    assert found[2][1] == b""
    with Image.open(io.BytesIO(data)) as img:
        img.load()
        assert (img.mode, img.size, img.getextrema()) == ("1", (width, height), (0, 0))


def test_png_bytes_and_the_mask_are_pngs_of_the_size_asked() -> None:
    with Image.open(io.BytesIO(png_bytes(50, 30))) as img:
        assert (img.format, img.mode, img.size) == ("PNG", "RGB", (50, 30))
        assert len(img.getcolors(10_000) or []) > 1  # blocks of colour, not a flat fill
    mask = base64.b64decode(mask_png_base64(60, 30))
    with Image.open(io.BytesIO(mask)) as img:
        assert (img.mode, img.size) == ("L", (60, 30))
        assert img.getpixel((0, 0)) == 0 and img.getpixel((30, 15)) == 255


@pytest.mark.parametrize(
    "text",
    [
        "{b64}",
        "  {b64}\n",
        "data:image/png;base64,{b64}",
        "DATA:IMAGE/PNG;BASE64,{b64}",
        "data:image/svg+xml;base64,{b64}",
    ],
    ids=["bare", "padded", "data-uri", "data-uri-capitals", "data-uri-svg"],
)
def test_base64_is_read_with_or_without_its_data_uri(text: str) -> None:
    data = png_bytes(8, 8)
    assert decode_base64(text.format(b64=base64.b64encode(data).decode())) == data


@pytest.mark.parametrize("text", ["not base64!", "data:text/plain;base64,aGk=", "abc"])
def test_text_that_is_not_base64_of_an_image_is_refused(text: str) -> None:
    with pytest.raises(ImageProblem, match=r"^not valid base64$"):
        decode_base64(text)


@pytest.mark.parametrize(
    ("mode", "fmt", "channels"),
    [
        ("L", "PNG", 1),
        ("RGB", "PNG", 3),
        ("RGBA", "PNG", 4),
        ("RGB", "JPEG", 3),
        ("L", "JPEG", 1),
        ("RGB", "BMP", 3),
        ("RGBA", "TIFF", 4),
        ("L", "TIFF", 1),
    ],
)
def test_image_channels_counts_the_bands_as_stored(mode: str, fmt: str, channels: int) -> None:
    assert image_channels(saved(mode, (9, 7), fmt)) == channels


def test_image_channels_of_bytes_that_are_no_image_is_a_plain_refusal() -> None:
    with pytest.raises(ImageProblem, match=r"^not a readable image$"):
        image_channels(b"this is text, not a picture" * 4)


@pytest.fixture
def without_pillow(monkeypatch: pytest.MonkeyPatch) -> None:
    """``sniff`` as on a client's base install: Pillow's verdict is not to be had."""

    def missing(_data: bytes) -> object:
        raise ModuleNotFoundError("No module named 'PIL'")

    monkeypatch.setattr(images, "_pil_sniff", missing)


@pytest.mark.usefixtures("without_pillow")
def test_without_pillow_the_header_gives_format_and_size() -> None:
    assert sniff(saved("RGB", (40, 30), "JPEG")) == ("jpeg", 40, 30)
    assert sniff(saved("P", (11, 6), "GIF")) == ("gif", 11, 6)
    with pytest.raises(ImageProblem, match=r"^not a readable image$"):
        sniff(b"this is text, not a picture" * 4)


@pytest.mark.usefixtures("without_pillow")
def test_without_pillow_a_header_beyond_the_bomb_bound_is_too_large() -> None:
    gif = bytearray(saved("P", (11, 6), "GIF"))
    gif[6:10] = struct.pack("<HH", 65535, 65535)  # the logical screen: 4,294,836,225 pixels
    with pytest.raises(ImageTooLarge, match=r"^4,294,836,225 pixels: too large to decode$"):
        sniff(bytes(gif))
    at_bound = bytearray(gif)
    at_bound[6:10] = struct.pack("<HH", 12470, 14351)  # 178,956,970: Pillow's bound exactly
    assert sniff(bytes(at_bound)) == ("gif", 12470, 14351)


def test_pillow_s_bomb_refusal_names_the_pixels() -> None:
    gif = bytearray(saved("P", (11, 6), "GIF"))
    gif[6:10] = struct.pack("<HH", 65535, 65535)
    with pytest.raises(ImageTooLarge, match=r"^4,294,836,225 pixels: too large to decode$"):
        images._pil_sniff(bytes(gif))


def test_pixel_problem_says_which_limit_an_image_is_over() -> None:
    data = png_bytes(40, 30)
    assert pixel_problem(data, 1_199) == "40x30 is over this mock's limit of 1,199 pixels"
    assert pixel_problem(data, 1_200) == ""
    assert pixel_problem(data, None) == ""
    assert pixel_problem(b"not an image at all" * 4, 10) == ""  # left to the format checks
    assert pixel_problem(blank_png(20_000, 20_000), None).endswith(": too large to decode")


@pytest.mark.parametrize(
    ("mode", "expected"),
    [("P", "RGBA"), ("LA", "RGBA"), ("RGBA", "RGBA"), ("L", "RGB"), ("RGB", "RGB")],
)
def test_open_image_decodes_to_rgb_or_rgba(mode: str, expected: str) -> None:
    img = open_image(saved(mode, (5, 4)))
    assert (img.mode, img.size) == (expected, (5, 4))


def test_open_image_refuses_what_it_cannot_decode() -> None:
    with pytest.raises(ImageProblem, match=r"^not a readable image$"):
        open_image(b"this is text, not a picture" * 4)
    with pytest.raises(ImageTooLarge, match=r"^too many pixels to decode$"):
        open_image(blank_png(20_000, 20_000))


def test_without_pillow_image_channels_takes_the_header_s_best_guess(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A BMP's header says nothing of its bands: without Pillow to ask, RGB is assumed."""
    bmp, png = saved("RGB", (9, 7), "BMP"), saved("L", (9, 7))
    monkeypatch.setitem(sys.modules, "PIL", None)  # Pillow cannot be imported
    assert image_channels(bmp) == 3
    assert image_channels(png) == 1  # a header that says its bands needs no Pillow


def test_image_channels_asks_pillow_quietly_even_of_a_large_image() -> None:
    """100 million pixels: over Pillow's warning bound, under its refusal. Only the header is
    read, and Pillow's warning about the size stays inside."""
    bmp = bytearray(saved("RGB", (9, 7), "BMP"))
    bmp[18:26] = struct.pack("<ii", 10_000, 10_000)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        assert image_channels(bytes(bmp)) == 3
    assert seen == []


def test_image_channels_of_a_header_pillow_cannot_open_is_a_plain_refusal() -> None:
    bmp = bytearray(saved("RGB", (9, 7), "BMP"))
    bmp[28:30] = struct.pack("<H", 7)  # seven bits a pixel: no BMP has that
    with pytest.raises(ImageProblem, match=r"^not a readable image$"):
        image_channels(bytes(bmp))


@pytest.mark.parametrize(("width", "height"), [(64, 50), (60, 30), (31, 17)])
def test_the_stand_in_mask_is_white_over_the_middle_third_only(width: int, height: int) -> None:
    with Image.open(io.BytesIO(base64.b64decode(mask_png_base64(width, height)))) as mask:
        box = (width // 3, height // 3, 2 * width // 3 + 1, 2 * height // 3 + 1)
        assert mask.getbbox() == box  # the rectangle's corners are both inside it
        assert mask.getextrema() == (0, 255)
        white = (box[2] - box[0]) * (box[3] - box[1])
        assert mask.histogram()[255] == white
        assert mask.histogram()[0] == width * height - white


def test_the_stand_in_mask_has_the_stand_in_image_s_size_by_default() -> None:
    mask_data, image_data = base64.b64decode(mask_png_base64()), png_bytes()
    with Image.open(io.BytesIO(mask_data)) as mask, Image.open(io.BytesIO(image_data)) as image:
        assert mask.size == image.size == (64, 48)
