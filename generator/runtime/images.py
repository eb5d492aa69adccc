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


class ImageProblem(ValueError):
    """An input that is not a usable image; the message says why."""


def decode_base64(text: str) -> bytes:
    """Bytes of a base64 image, with or without a ``data:image/...;base64,`` prefix."""
    text = _DATA_URI.sub("", text.strip())
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ImageProblem("not valid base64") from None


def _header(data: bytes) -> HeaderInfo:
    info = read_header(data)
    if info is None:
        raise ImageProblem("not a readable image")
    return info


def sniff(data: bytes) -> tuple[str, int, int]:
    """(format, width, height) of an image, reading only its header."""
    info = _header(data)
    return info.format, info.width, info.height


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
        with Image.open(io.BytesIO(data)) as img:
            return len(img.getbands())
    except (UnidentifiedImageError, OSError, ValueError):
        raise ImageProblem("not a readable image") from None


def open_image(data: bytes) -> Image.Image:
    """Fully decoded RGB(A) image; an unreadable one raises :class:`ImageProblem`."""
    from PIL import Image, UnidentifiedImageError

    try:
        img = Image.open(io.BytesIO(data))
        img.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
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
