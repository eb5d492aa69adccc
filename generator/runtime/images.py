"""Reading images the way the vendors' limits talk about them: format, size, encoding.

Format, size and channels come from the header bytes (:mod:`.imageinfo`), so a client checks
its inputs without Pillow; Pillow (the ``mock`` extra) is imported only by what draws or
decodes pixels: the mocks' effects and the stand-in images of tests.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import struct
import warnings
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from .imageinfo import HeaderInfo, read_header

if TYPE_CHECKING:
    from PIL import Image

FORMAT_NAMES = {
    "jpg": "jpeg",
    "jpeg": "jpeg",
    "png": "png",
    "webp": "webp",
    "bmp": "bmp",
    "tiff": "tiff",
    "tif": "tiff",
    "gif": "gif",
}
_DATA_URI = re.compile(r"^data:image/[\w.+-]+;base64,", re.IGNORECASE)


# The mock's own limit on an input image's pixels, for inputs whose vendor states none: the
# mock decodes what it is given, so a few kB of PNG must not become gigabytes of pixels.
# 25 million pixels is a 5000 x 5000 image (about 75 MB once decoded as RGB), the largest
# any vendor here documents; ``--max-pixels`` changes it.
DEFAULT_MAX_PIXELS = 25_000_000


class ImageProblem(ValueError):
    """An input that is not a usable image; the message says why."""


class ImageTooLarge(ImageProblem):
    """An image with more pixels than may be decoded (a decompression bomb, say)."""


def _simd_b64decode() -> Callable[..., bytes] | None:
    """pybase64's decoder (the ``mock`` extra), or None on a client's base dependencies."""
    try:
        from pybase64 import b64decode
    except ImportError:
        return None
    return b64decode


# The standard library decodes base64 a character at a time: on a submitted image that was a
# fifth of a mock's whole work per request. pybase64 decodes with SIMD instructions, some
# twenty times quicker. It refuses a little more than the standard library does (a lone ``=``
# after a full group, which the standard library ignores), never less, and where both accept,
# both give the same bytes (``tests/test_images_base64.py``): so what it refuses is judged
# again by the standard library, whose verdict stands.
_FAST_B64DECODE = _simd_b64decode()


def decode_base64(text: str) -> bytes:
    """Bytes of a base64 image, with or without a ``data:image/...;base64,`` prefix."""
    text = text.strip()
    if text[:5].lower() == "data:":  # the prefix's regex only where it may be: it costs
        text = _DATA_URI.sub("", text)  # as much as the rest of the check on a small image
    if _FAST_B64DECODE is not None:
        try:
            return _FAST_B64DECODE(text, validate=True)
        except (binascii.Error, ValueError):
            pass  # the standard library's verdict, below
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ImageProblem("not valid base64") from None


def _header(data: bytes) -> HeaderInfo:
    info = read_header(data)
    if info is None:
        raise ImageProblem("not a readable image")
    return info


# The last image sniffed, and what it is. A mock reads a submitted image's header three times
# (its limits, the mock's pixel cap, the effect's result size), each time the same ``bytes``
# object: the same object is the same content, since ``bytes`` never changes. One is kept.
_last_sniffed: tuple[bytes, tuple[str, int, int]] | None = None


def sniff(data: bytes) -> tuple[str, int, int]:
    """(format, width, height) of an image, reading only its header (nothing is decoded).

    A plain PNG is read here (``png_size``); anything else is Pillow's verdict where Pillow is
    installed (a mock, or a client with the ``mock`` extra), else what the header says
    (``imageinfo``: a client on its base dependencies). One beyond Pillow's decompression-bomb
    bound raises :class:`ImageTooLarge`."""
    global _last_sniffed
    last = _last_sniffed
    if last is not None and last[0] is data:
        return last[1]
    found = _sniff(data)
    if type(data) is bytes:  # a bytearray could change under the same identity
        _last_sniffed = (data, found)
    return found


def _sniff(data: bytes) -> tuple[str, int, int]:
    size = png_size(data)
    if size is not None:
        return "png", size[0], size[1]
    try:
        return _pil_sniff(data)
    except ModuleNotFoundError:
        info = _header(data)
        pixels = info.width * info.height
        if pixels > BOMB_PIXELS:
            raise ImageTooLarge(f"{pixels:,} pixels: too large to decode") from None
        return info.format, info.width, info.height


def _pil_sniff(data: bytes) -> tuple[str, int, int]:
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                return (img.format or "").lower(), img.width, img.height
    except Image.DecompressionBombError as exc:
        pixels = re.search(r"\((\d+) pixels\)", str(exc))
        count = f"{int(pixels.group(1)):,} pixels" if pixels else "too many pixels"
        raise ImageTooLarge(f"{count}: too large to decode") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, struct.error):
        raise ImageProblem("not a readable image") from None


# Pillow's own bounds (its MAX_IMAGE_PIXELS default): it warns above the first and refuses to
# decode above twice that, a decompression bomb.
WARN_PIXELS = 89_478_485
BOMB_PIXELS = 2 * WARN_PIXELS
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# (bit depth, colour type) pairs of the PNG standard, every one of which Pillow reads.
_PNG_KINDS = {
    (1, 0), (2, 0), (4, 0), (8, 0), (16, 0), (8, 2), (16, 2), (1, 3), (2, 3), (4, 3), (8, 3),
    (8, 4), (16, 4), (8, 6), (16, 6),
}  # fmt: skip
_IHDR_CRC = zlib.crc32(b"IHDR")


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a plain PNG, or None to let Pillow judge the bytes.

    A mock checks every submitted image, and opening it with Pillow costs more than the rest of
    a submit. Most images are plain PNGs: the signature, an ``IHDR`` chunk whose checksum
    holds, with a standard depth and colour type and no unknown filter, then ``IDAT`` at once.
    Those are read here, exactly as Pillow would read them (it too stops at the first
    ``IDAT``); anything else (other chunks first, a broken header, a huge image, another
    format) goes to Pillow, so the verdict never differs (``tests/test_images_sniff.py``).
    """
    if len(data) < 41 or not data.startswith(PNG_SIGNATURE):
        return None
    length, kind = struct.unpack_from(">I4s", data, 8)
    if length != 13 or kind != b"IHDR":
        return None
    header = data[16:29]
    if zlib.crc32(header, _IHDR_CRC) != int.from_bytes(data[29:33], "big"):
        return None
    width, height, depth, colour, _method, filtering, _interlace = struct.unpack(">IIBBBBB", header)
    if filtering or (depth, colour) not in _PNG_KINDS or not width or not height:
        return None
    if data[37:41] != b"IDAT":
        return None
    if width * height > WARN_PIXELS:
        return None  # Pillow warns or refuses (decompression bombs)
    return width, height


def pixel_problem(data: bytes, max_pixels: int | None) -> str:
    """Why an image is over ``max_pixels`` (read from its header), or ``""``; an unreadable
    image is left to the format checks."""
    try:
        _fmt, width, height = sniff(data)
    except ImageTooLarge as exc:
        return str(exc)
    except ImageProblem:
        return ""
    if max_pixels and width * height > max_pixels:
        return f"{width}x{height} is over this mock's limit of {max_pixels:,} pixels"
    return ""


def image_format(data: bytes) -> str:
    """The image format of ``data`` (``png``, ``jpeg``, ...), or ``""`` when it is not one."""
    try:
        return sniff(data)[0]
    except ImageProblem:
        return ""


def image_size(data: bytes) -> tuple[int, int]:
    """(width, height) of an image, reading only its header."""
    _fmt, width, height = sniff(data)
    return width, height


def image_channels(data: bytes) -> int:
    """How many bands the image has as stored (1 for grey, 3 for RGB, 4 for RGBA): from the
    header where it says (PNG, JPEG, GIF, WebP), else from Pillow when it is installed."""
    info = _header(data)
    if info.channels is not None:
        return info.channels
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError:  # without Pillow the header's best guess stands
        return 3
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                return len(img.getbands())
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise ImageProblem("not a readable image") from None


def open_image(data: bytes) -> Image.Image:
    """Fully decoded RGB(A) image; an unreadable one raises :class:`ImageProblem`."""
    from PIL import Image, UnidentifiedImageError

    try:
        img = Image.open(io.BytesIO(data))
        img.load()
    except Image.DecompressionBombError:
        raise ImageTooLarge("too many pixels to decode") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, struct.error):
        raise ImageProblem("not a readable image") from None
    return img.convert("RGBA" if img.mode in ("RGBA", "LA", "P") else "RGB")


def to_png(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=False, compress_level=1)
    return out.getvalue()


def png_bytes(width: int = 64, height: int = 48) -> bytes:
    """A small, valid PNG: coloured blocks, so it compresses well at any size."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (width, height), (40, 90, 160))
    draw = ImageDraw.Draw(img)
    step = max(8, min(width, height) // 6)
    for x in range(0, width, step):
        for y in range(0, height, step):
            colour = (x * 255 // max(width, 1), y * 255 // max(height, 1), 128)
            draw.rectangle([x, y, x + step // 2, y + step // 2], fill=colour)
    return to_png(img)


def png_base64(width: int = 64, height: int = 48) -> str:
    """:func:`png_bytes` as base64: the stand-in image of examples and tests."""
    return base64.b64encode(png_bytes(width, height)).decode()


def mask_png_base64(width: int = 64, height: int = 48) -> str:
    """A single-channel PNG mask of that size, white over a centred block (the part to remove):
    the stand-in mask of examples and tests, matching :func:`png_base64`'s size."""
    from PIL import Image, ImageDraw

    mask = Image.new("L", (width, height), 0)
    ImageDraw.Draw(mask).rectangle(
        (width // 3, height // 3, 2 * width // 3, 2 * height // 3), fill=255
    )
    return base64.b64encode(to_png(mask)).decode()


def blank_png(width: int, height: int) -> bytes:
    """A black one-bit PNG of any size, written row by row without holding its pixels: a
    13000 x 13000 one is about 20 kB, the shape of a decompression bomb, for tests."""
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then the packed bits
    packer = zlib.compressobj(9)
    chunks = [packer.compress(row) for _ in range(height)]
    idat = b"".join(chunks) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", idat)
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)
