"""The quick PNG reader reads only a header that is an ``IHDR`` chunk by name: a first chunk
of the right length under another name, even with a checksum forged to match an ``IHDR``'s,
is left to Pillow. Written against the mutants ``make mutants`` showed surviving in
``png_size``."""

from __future__ import annotations

import struct
import zlib

from generator.runtime.images import PNG_SIGNATURE, png_size


def chunk(kind: bytes, body: bytes, crc_kind: bytes | None = None) -> bytes:
    crc = zlib.crc32((crc_kind or kind) + body)
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


HEADER = struct.pack(">IIBBBBB", 32, 16, 8, 2, 0, 0, 0)  # 32 x 16, 8-bit RGB
TAIL = chunk(b"IDAT", zlib.compress(b"\x00" * (1 + 32 * 3) * 16)) + chunk(b"IEND", b"")


def test_a_plain_png_header_is_read() -> None:
    assert png_size(PNG_SIGNATURE + chunk(b"IHDR", HEADER) + TAIL) == (32, 16)


def test_a_first_chunk_by_another_name_is_left_to_pillow_whatever_its_checksum() -> None:
    forged = PNG_SIGNATURE + chunk(b"JUNK", HEADER, crc_kind=b"IHDR") + TAIL

    assert png_size(forged) is None


def test_a_header_of_exactly_the_bytes_needed_is_read_and_a_shorter_one_is_not() -> None:
    whole = PNG_SIGNATURE + chunk(b"IHDR", HEADER) + TAIL

    assert png_size(whole[:41]) == (32, 16)  # up to the name of the first IDAT
    assert png_size(whole[:40]) is None
    assert png_size(PNG_SIGNATURE + b"\x00" * 5) is None  # cut inside the header: no error


def test_a_side_too_large_for_a_signed_integer_is_left_to_pillow() -> None:
    huge = struct.pack(">IIBBBBB", 2**31 + 16, 16, 8, 2, 0, 0, 0)

    assert png_size(PNG_SIGNATURE + chunk(b"IHDR", huge) + TAIL) is None
