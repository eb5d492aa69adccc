"""``sniff`` remembers the last ``bytes`` it read: the same object again is not read again (a
submit's image is sniffed three times), while other bytes, equal or not, and a ``bytearray``
(which can change under the same identity) are always read."""

from __future__ import annotations

import pytest

from generator.runtime import images
from generator.runtime.images import ImageProblem, png_bytes, sniff


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The headers ``sniff`` reads, in order."""
    seen: list[bytes] = []
    real = images._sniff

    def counted(data: bytes) -> tuple[str, int, int]:
        seen.append(bytes(data))
        return real(data)

    monkeypatch.setattr(images, "_sniff", counted)
    monkeypatch.setattr(images, "_last_sniffed", None)
    return seen


def test_the_same_bytes_are_read_once(reads) -> None:
    data = png_bytes(3, 2)
    assert [sniff(data) for _ in range(3)] == [("png", 3, 2)] * 3
    assert reads == [data]


def test_other_bytes_are_read_even_when_equal(reads) -> None:
    first, twin = png_bytes(3, 2), png_bytes(3, 2)
    assert first == twin and first is not twin
    assert sniff(first) == sniff(twin) == ("png", 3, 2)
    assert len(reads) == 2


def test_alternating_images_each_get_their_own_size(reads) -> None:
    small, large = png_bytes(3, 2), png_bytes(40, 30)
    found = [sniff(data) for data in (small, large, small, large)]
    assert found == [("png", 3, 2), ("png", 40, 30), ("png", 3, 2), ("png", 40, 30)]


def test_a_bytearray_is_read_every_time_so_a_change_is_seen(reads) -> None:
    data = bytearray(png_bytes(3, 2))
    assert sniff(data) == ("png", 3, 2)  # type: ignore[arg-type]
    data[:] = png_bytes(5, 4)
    assert sniff(data) == ("png", 5, 4)  # type: ignore[arg-type]
    assert len(reads) == 2


def test_a_refusal_is_not_remembered(reads) -> None:
    broken = b"not an image at all, and long enough to be read as one"
    for _ in range(2):
        with pytest.raises(ImageProblem):
            sniff(broken)
    assert len(reads) == 2
