"""Reading an image's header without Pillow (``images.png_size``) gives Pillow's own verdict:
the same format and size, or the same refusal, on good and broken images alike."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from generator.runtime import images
from generator.runtime.images import ImageProblem, png_bytes


def verdict(sniff, data: bytes) -> object:
    try:
        return sniff(data)
    except ImageProblem:
        return "refused"
    except Exception as exc:  # Pillow's own refusals (a decompression bomb) must match too
        return type(exc).__name__


def saved(mode: str, size: tuple[int, int], fmt: str = "PNG", **options: object) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, format=fmt, **options)
    return out.getvalue()


def with_header(data: bytes, header: bytes, *, fix_crc: bool = True) -> bytes:
    """``data`` with its IHDR body replaced (its checksum recomputed unless told not to)."""
    crc = zlib.crc32(header, zlib.crc32(b"IHDR")) if fix_crc else int.from_bytes(data[29:33])
    return data[:16] + header + struct.pack(">I", crc) + data[33:]


def ihdr(data: bytes) -> list[int]:
    return list(struct.unpack(">IIBBBBB", data[16:29]))


def pack(fields: list[int]) -> bytes:
    return struct.pack(">IIBBBBB", *fields)


PLAIN = png_bytes(64, 48)
CASES = {
    "plain rgb": PLAIN,
    "grey": saved("L", (30, 20)),
    "rgba": saved("RGBA", (7, 9)),
    "palette": saved("P", (12, 5)),
    "one bit": saved("1", (33, 3)),
    "16-bit grey": saved("I;16", (4, 4)),
    "with a pHYs chunk first": saved("RGB", (16, 8), dpi=(72, 72)),
    "with text chunks first": None,
    "jpeg": saved("RGB", (40, 30), "JPEG"),
    "gif": saved("P", (10, 10), "GIF"),
    "bad header checksum": with_header(PLAIN, PLAIN[16:29][:-1] + b"\x01", fix_crc=False),
    "unknown filter": with_header(PLAIN, pack([*ihdr(PLAIN)[:5], 1, 0])),
    "unknown depth and colour": with_header(PLAIN, pack([64, 48, 8, 5, 0, 0, 0])),
    "zero width": with_header(PLAIN, pack([0, *ihdr(PLAIN)[1:]])),
    "interlaced flag": with_header(PLAIN, pack([*ihdr(PLAIN)[:6], 1])),
    "truncated after the header": PLAIN[:33],
    "truncated signature": PLAIN[:6],
    "not an image": b"hello, this is text and not a picture at all, honestly" * 2,
    "huge": with_header(PLAIN, pack([100_000, 100_000, 8, 2, 0, 0, 0])),
}


def _text_first() -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "made for a test")
    return saved("RGB", (16, 8), pnginfo=info)


CASES["with text chunks first"] = _text_first()


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_fast_path_agrees_with_pillow(name: str) -> None:
    data = CASES[name]
    assert verdict(images.sniff, data) == verdict(images._pil_sniff, data)


def test_plain_pngs_are_read_without_pillow(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(_data: bytes) -> object:
        raise AssertionError("Pillow opened a plain PNG")

    monkeypatch.setattr(images, "_pil_sniff", refuse)
    assert images.sniff(PLAIN) == ("png", 64, 48)
    assert images.sniff(CASES["grey"]) == ("png", 30, 20)


def test_anything_else_goes_to_pillow() -> None:
    assert images.png_size(CASES["jpeg"]) is None
    assert images.png_size(CASES["with text chunks first"]) is None
    assert images.png_size(CASES["bad header checksum"]) is None
