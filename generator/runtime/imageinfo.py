"""An image's format, size and channels read from its first bytes, without Pillow.

Clients check their image inputs before sending them (format, sides, aspect ratio, a mask's
channels) and must do so with only their base dependencies; these are the facts the vendors'
limits talk about, and every format they accept states them in a fixed-layout header.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # by colour type; a palette is one band
JPEG_FRAMES = {0xC0 + n for n in range(16)} - {0xC4, 0xC8, 0xCC}  # start-of-frame markers


@dataclass(frozen=True)
class HeaderInfo:
    """What an image's header says: ``channels`` is None where the header leaves it open."""

    format: str
    width: int
    height: int
    channels: int | None = None


def read_header(data: bytes) -> HeaderInfo | None:
    """The header facts of a PNG, JPEG, GIF, WebP, BMP or TIFF image; None for anything else
    (or a header cut short)."""
    try:
        for magic, reader in READERS:
            if data.startswith(magic):
                info = reader(data)
                return info if info is not None and info.width > 0 and info.height > 0 else None
    except (struct.error, IndexError):
        return None
    return None


def _png(data: bytes) -> HeaderInfo | None:
    if data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return HeaderInfo("png", width, height, PNG_CHANNELS.get(data[25]))


def _jpeg(data: bytes) -> HeaderInfo | None:
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            at += 2
            continue
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if marker in JPEG_FRAMES:
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return HeaderInfo("jpeg", width, height, data[at + 9])
        at += 2 + length
    return None


def _gif(data: bytes) -> HeaderInfo | None:
    width, height = struct.unpack("<HH", data[6:10])
    flags = data[10]
    palette = 3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0
    if len(data) < 13 + palette + 10:  # no room for a first image descriptor: cut short
        return None
    return HeaderInfo("gif", width, height, 1)


def _webp(data: bytes) -> HeaderInfo | None:
    if data[8:12] != b"WEBP":
        return None
    chunk = data[12:16]
    if chunk == b"VP8 ":
        width, height = struct.unpack("<HH", data[26:30])
        return HeaderInfo("webp", width & 0x3FFF, height & 0x3FFF, 3)
    if chunk == b"VP8L":
        (bits,) = struct.unpack("<I", data[21:25])
        alpha = (bits >> 28) & 1
        return HeaderInfo("webp", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, 3 + alpha)
    if chunk == b"VP8X":
        alpha = data[20] & 0x10
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return HeaderInfo("webp", width, height, 4 if alpha else 3)
    return None


def _bmp(data: bytes) -> HeaderInfo:
    (dib,) = struct.unpack("<I", data[14:18])
    if dib == 12:
        width, height = struct.unpack("<HH", data[18:22])
    else:
        width, height = struct.unpack("<ii", data[18:26])
    return HeaderInfo("bmp", abs(width), abs(height))


def _tiff(data: bytes) -> HeaderInfo | None:
    order = "<" if data[:2] == b"II" else ">"
    (offset,) = struct.unpack(order + "I", data[4:8])
    (count,) = struct.unpack(order + "H", data[offset : offset + 2])
    sides: dict[int, int] = {}
    for n in range(count):
        entry = data[offset + 2 + 12 * n : offset + 14 + 12 * n]
        tag, kind = struct.unpack(order + "HH", entry[:4])
        if tag in (256, 257):  # ImageWidth, ImageLength: SHORT (3) or LONG (4)
            fmt = order + ("H" if kind == 3 else "I")
            sides[tag] = struct.unpack(fmt, entry[8 : 8 + struct.calcsize(fmt)])[0]
    if 256 not in sides or 257 not in sides:
        return None
    return HeaderInfo("tiff", sides[256], sides[257])


READERS = (
    (b"\x89PNG\r\n\x1a\n", _png),
    (b"\xff\xd8", _jpeg),
    (b"GIF87a", _gif),
    (b"GIF89a", _gif),
    (b"RIFF", _webp),
    (b"BM", _bmp),
    (b"II*\x00", _tiff),
    (b"MM\x00*", _tiff),
)
