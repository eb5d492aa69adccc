"""``images.sniff`` silences Pillow's decompression-bomb warning only: a TIFF whose description
tag claims more bytes than the file holds is still read (format and size), and Pillow's warning
that it skipped the tag reaches the caller, as any other warning would."""

from __future__ import annotations

import struct
import warnings

import pytest

from generator.runtime.images import sniff

pytest.importorskip("PIL", reason="the Pillow verdict needs Pillow (the mock extra)")


def tiff_with_an_oversized_tag(width: int = 3, height: int = 2) -> bytes:
    """A little-endian, uncompressed 8-bit grey TIFF whose ImageDescription (tag 270) says it
    is 100,000 bytes long."""
    pixels = bytes(width * height)
    shorts = [(256, width), (257, height), (258, 8), (259, 1), (262, 1), (277, 1), (278, height)]
    entry_count = len(shorts) + 3
    data_at = 8 + 2 + 12 * entry_count + 4
    entries = [struct.pack("<HHIHH", tag, 3, 1, value, 0) for tag, value in shorts]
    entries += [
        struct.pack("<HHII", 270, 2, 100_000, 8),
        struct.pack("<HHII", 273, 4, 1, data_at),
        struct.pack("<HHII", 279, 4, 1, len(pixels)),
    ]
    entries.sort(key=lambda e: struct.unpack("<H", e[:2])[0])
    head = b"II*\x00" + struct.pack("<IH", 8, entry_count)
    return head + b"".join(entries) + struct.pack("<I", 0) + pixels


def test_a_damaged_tag_is_read_past_and_its_warning_passed_on() -> None:
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        assert sniff(tiff_with_an_oversized_tag()) == ("tiff", 3, 2)
    messages = {str(w.message) for w in seen}
    assert "Tag data larger than file. Skipping tag 270" in messages
