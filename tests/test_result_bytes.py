"""A result the vendor answers as bytes (``ResultBytes``) is saved as exactly those bytes, at
the path given as a string or a ``Path``. Written against the mutants ``make mutants`` showed
untested in ``generator/runtime/answers.py``."""

from __future__ import annotations

from pathlib import Path

from generator.runtime.answers import ResultBytes
from generator.runtime.images import png_bytes


def test_save_writes_the_bytes_and_returns_the_path(tmp_path: Path) -> None:
    data = png_bytes(5, 4)
    result = ResultBytes(data, "image/png")
    saved = result.save(str(tmp_path / "out.png"))
    assert saved == tmp_path / "out.png" and isinstance(saved, Path)
    assert saved.read_bytes() == data


def test_save_takes_a_path_and_replaces_what_was_there(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    target.write_bytes(b"old content, longer than the new")
    assert ResultBytes(b"new", "image/webp", 203).save(target) == target
    assert target.read_bytes() == b"new"


def test_the_bytes_never_show_in_the_repr() -> None:
    shown = repr(ResultBytes(b"\x89PNG-secret-pixels", "image/png"))
    assert "secret-pixels" not in shown and "image/png" in shown
