"""Image headers built byte by byte, read by ``imageinfo.read_header``: the sides a GIF or
BMP states (up to 65535, and a top-down BMP's negative height), a GIF's colour table sized
from its flags, and a file cut short before its first image refused. Pillow writes only the
common layouts, so these cover the ones it does not (an OS/2 BMP, a GIF without a colour
table). Written against the mutants ``make mutants`` showed surviving in
``generator/runtime/imageinfo.py``."""

from __future__ import annotations

import struct

import pytest

from generator.runtime.imageinfo import HeaderInfo, read_header


def gif(width: int, height: int, flags: int, length: int, background: int = 0) -> bytes:
    """A GIF89a of ``length`` bytes: its screen descriptor, then zeros (a colour table and an
    image descriptor, as far as the length goes)."""
    head = b"GIF89a" + struct.pack("<HH", width, height) + bytes([flags, background, 0])
    return head + bytes(length - len(head))


def test_a_gif_states_its_sides_and_one_band() -> None:
    assert read_header(gif(40000, 300, 0x00, 23)) == HeaderInfo("gif", 40000, 300, 1)


@pytest.mark.parametrize(
    ("flags", "table"),
    [(0x80, 6), (0x82, 24), (0x87, 768), (0xF1, 12)],
)
def test_a_gif_colour_table_is_sized_from_its_flags(flags: int, table: int) -> None:
    """13 bytes of header, 3 * 2 ** (size bits + 1) of colour table, 10 of image descriptor:
    one byte less is a file cut short."""
    whole = 13 + table + 10
    assert read_header(gif(5, 6, flags, whole, background=0)) == HeaderInfo("gif", 5, 6, 1)
    assert read_header(gif(5, 6, flags, whole - 1, background=0)) is None


@pytest.mark.parametrize("flags", [0x00, 0x01, 0x07, 0x7F])
def test_without_the_table_flag_a_gif_has_no_colour_table(flags: int) -> None:
    assert read_header(gif(5, 6, flags, 23, background=0x87)) == HeaderInfo("gif", 5, 6, 1)
    assert read_header(gif(5, 6, flags, 22)) is None


def test_the_background_colour_is_not_read_as_the_flags() -> None:
    assert read_header(gif(5, 6, 0x82, 46, background=0)) is None  # 47 bytes needed
    assert read_header(gif(5, 6, 0x00, 23, background=0x87)) is not None


def bmp(dib: bytes) -> bytes:
    """A BMP: the 14-byte file header, then the DIB header ``dib`` and a few pixel bytes."""
    return b"BM" + bytes(12) + dib + bytes(16)


def test_an_os2_bmp_states_unsigned_sides_in_two_bytes() -> None:
    core = struct.pack("<IHHHH", 12, 40000, 300, 1, 24)
    assert read_header(bmp(core)) == HeaderInfo("bmp", 40000, 300)


def test_a_windows_bmp_states_signed_sides_and_a_top_down_one_a_negative_height() -> None:
    info = struct.pack("<IiiHH", 40, 640, -480, 1, 24) + bytes(24)
    assert read_header(bmp(info)) == HeaderInfo("bmp", 640, 480)
    wide = struct.pack("<IiiHH", 40, 70000, 2, 1, 24) + bytes(24)
    assert read_header(bmp(wide)) == HeaderInfo("bmp", 70000, 2)


def test_a_header_size_near_twelve_is_a_windows_header() -> None:
    info = struct.pack("<IiiHH", 13, 9, 7, 1, 24) + bytes(24)
    assert read_header(bmp(info)) == HeaderInfo("bmp", 9, 7)


SOI = b"\xff\xd8"


def sof(width: int, height: int, bands: int = 3, marker: int = 0xC0) -> bytes:
    """A JPEG start-of-frame segment: precision, height, width, component count, and three
    bytes per component."""
    body = struct.pack(">BHHB", 8, height, width, bands) + bytes(3 * bands)
    return bytes([0xFF, marker]) + struct.pack(">H", 2 + len(body)) + body


def segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", 2 + len(payload)) + payload


def test_a_jpeg_states_its_sides_and_bands_in_its_frame() -> None:
    data = SOI + segment(0xE0, b"JFIF\x00" + bytes(9)) + sof(40000, 30000, 1) + b"\xff\xd9"
    assert read_header(data) == HeaderInfo("jpeg", 40000, 30000, 1)


def test_a_long_segment_before_the_frame_is_skipped_whole() -> None:
    data = SOI + segment(0xE1, bytes(40000)) + sof(64, 48, 3)
    assert read_header(data) == HeaderInfo("jpeg", 64, 48, 3)


@pytest.mark.parametrize("fill", [b"\xff", b"\xff\xff\xff"], ids=["one", "three"])
def test_fill_bytes_before_a_marker_are_skipped(fill: bytes) -> None:
    assert read_header(SOI + fill + sof(7, 9)) == HeaderInfo("jpeg", 7, 9, 3)


@pytest.mark.parametrize("marker", [0xD8, 0x01, 0xD0, 0xD3, 0xD7])
def test_markers_without_a_length_are_stepped_over(marker: int) -> None:
    data = SOI + bytes([0xFF, marker]) + sof(7, 9) + b"\xff\xd9"
    assert read_header(data) == HeaderInfo("jpeg", 7, 9, 3)


@pytest.mark.parametrize("marker", [0xD9, 0x02, 0xC4, 0xCC])
def test_other_markers_have_a_length(marker: int) -> None:
    """A marker outside the length-less ones is followed by its length: two bytes of it here
    (``00 04``) cover the next two, which are skipped, however they look."""
    data = SOI + bytes([0xFF, marker, 0x00, 0x04, 0xFF, 0xD0]) + sof(7, 9)
    assert read_header(data) == HeaderInfo("jpeg", 7, 9, 3)


def test_a_jpeg_without_a_frame_or_with_stray_bytes_is_none() -> None:
    assert read_header(SOI + segment(0xE0, bytes(20)) + b"\xff\xd9") is None
    assert read_header(SOI + b"\x00\x00" + sof(7, 9)) is None


def ifd(order: str, entries: list[tuple[int, int, int]]) -> bytes:
    """A TIFF of byte order ``order`` whose first directory (right after the header) holds
    ``entries`` of (tag, type, value): type 3 (SHORT) or 4 (LONG), the value left-aligned
    in its four bytes as TIFF writes it."""
    magic = b"II*\x00" if order == "<" else b"MM\x00*"
    out = magic + struct.pack(order + "I", 8) + struct.pack(order + "H", len(entries))
    for tag, kind, value in entries:
        packed = struct.pack(order + ("H" if kind == 3 else "I"), value).ljust(4, b"\x00")
        out += struct.pack(order + "HHI", tag, kind, 1) + packed
    return out + bytes(4)


@pytest.mark.parametrize("order", ["<", ">"])
@pytest.mark.parametrize(("kind", "width", "height"), [(3, 40000, 300), (4, 3_000_000_000, 5)])
def test_a_tiff_states_its_sides_in_either_byte_order_and_size(order, kind, width, height):
    data = ifd(order, [(254, 4, 0), (256, kind, width), (257, kind, height), (259, 3, 1)])
    assert read_header(data) == HeaderInfo("tiff", width, height)


@pytest.mark.parametrize("order", ["<", ">"])
def test_a_tiff_may_mix_short_and_long_sides(order: str) -> None:
    data = ifd(order, [(256, 3, 640), (257, 4, 70000)])
    assert read_header(data) == HeaderInfo("tiff", 640, 70000)


@pytest.mark.parametrize("tags", [[256], [257], [258]])
def test_a_tiff_without_both_sides_is_none(tags: list[int]) -> None:
    assert read_header(ifd("<", [(tag, 3, 10) for tag in tags])) is None


def test_a_directory_offset_past_the_end_is_none_even_where_a_signed_read_lands_inside() -> None:
    """0xFFFFFFD8 is far past the end; read as a signed number it would be 40 bytes before
    the end, where a directory with both sides sits."""
    tail = struct.pack("<H", 2) + struct.pack("<HHIHH", 256, 3, 1, 9, 0)
    tail += struct.pack("<HHIHH", 257, 3, 1, 8, 0) + bytes(40 - 26)
    data = b"II*\x00" + struct.pack("<I", 0xFFFFFFD8) + bytes(100) + tail
    assert read_header(data) is None


def test_a_directory_count_is_unsigned() -> None:
    """A count over 32767 (legal: two bytes, unsigned) still reads every entry."""
    count = 40000
    entries = struct.pack("<HHIHH", 256, 3, 1, 9, 0) + struct.pack("<HHIHH", 257, 3, 1, 8, 0)
    entries += struct.pack("<HHIHH", 0, 3, 1, 0, 0) * (count - 2)
    data = b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", count) + entries + bytes(4)
    assert read_header(data) == HeaderInfo("tiff", 9, 8)


def png(width: int, height: int, colour: int) -> bytes:
    """A PNG signature and IHDR chunk (checksum not checked by the header reader)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr + bytes(4)


@pytest.mark.parametrize(("colour", "bands"), [(0, 1), (2, 3), (3, 1), (4, 2), (6, 4), (5, None)])
def test_a_png_states_its_sides_and_bands_by_colour_type(colour: int, bands: int | None) -> None:
    assert read_header(png(3_000_000_000, 1, colour)) == HeaderInfo("png", 3_000_000_000, 1, bands)


@pytest.mark.parametrize(("width", "height"), [(0, 5), (5, 0), (0, 0)])
def test_an_image_without_area_is_none(width: int, height: int) -> None:
    assert read_header(png(width, height, 2)) is None


def riff(chunk: bytes, payload: bytes) -> bytes:
    body = b"WEBP" + chunk + struct.pack("<I", len(payload)) + payload
    return b"RIFF" + struct.pack("<I", len(body)) + body + bytes(8)


@pytest.mark.parametrize(("width", "height"), [(1, 1), (16383, 300), (640, 16383)])
def test_a_lossy_webp_states_14_bit_sides_whatever_its_scale_bits(width, height) -> None:
    sides = struct.pack("<HH", width | 0xC000, height | 0x4000)
    data = riff(b"VP8 ", b"\x30\x01\x00\x9d\x01\x2a" + sides + bytes(10))
    assert read_header(data) == HeaderInfo("webp", width, height, 3)


@pytest.mark.parametrize(
    ("width", "height", "alpha"), [(1, 1, 0), (16384, 2, 1), (3, 16384, 0), (1000, 700, 1)]
)
def test_a_lossless_webp_states_its_sides_less_one_and_its_alpha(width, height, alpha) -> None:
    bits = (width - 1) | (height - 1) << 14 | alpha << 28 | 0b101 << 29  # version bits set
    data = riff(b"VP8L", b"\x2f" + struct.pack("<I", bits) + bytes(10))
    assert read_header(data) == HeaderInfo("webp", width, height, 3 + alpha)


@pytest.mark.parametrize(
    ("flags", "width", "height", "bands"),
    [
        (0x10, 1, 1, 4),
        (0x00, 16_777_216, 5, 3),
        (0x2E, 300, 16_777_216, 3),
        (0x01, 7, 7, 3),
        (0xFF, 9, 8, 4),
    ],
)
def test_an_extended_webp_states_24_bit_sides_and_alpha_from_its_flags(
    flags, width, height, bands
) -> None:
    payload = bytes([flags, 0, 0, 0])
    payload += (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    data = riff(b"VP8X", payload + bytes(10))
    assert read_header(data) == HeaderInfo("webp", width, height, bands)


def test_a_riff_that_is_no_webp_or_has_another_chunk_is_none() -> None:
    extended = riff(b"VP8X", bytes([0x10, 0, 0, 0, 4, 0, 0, 4, 0, 0]) + bytes(10))
    assert read_header(extended) == HeaderInfo("webp", 5, 5, 4)
    assert read_header(extended[:8] + b"WAVE" + extended[12:]) is None
    assert read_header(riff(b"ALPH", bytes(20))) is None
