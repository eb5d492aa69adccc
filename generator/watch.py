"""Watch mode: regenerate a vendor whenever its spec or overlay is saved."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from . import pipeline
from .errors import SpecError


def snapshot(specs: Path) -> dict[Path, tuple[int, int]]:
    """(modification time, size) of every file in the vendor folders."""
    return {
        path: (path.stat().st_mtime_ns, path.stat().st_size)
        for folder in pipeline.vendor_dirs(specs)
        for path in folder.iterdir()
        if path.is_file()
    }


def watch(
    specs: Path,
    out: Path,
    *,
    interval: float = 0.5,
    on_done: Callable[[pipeline.Generated], None] = lambda _done: None,
    on_error: Callable[[Exception], None] = lambda exc: print(one_line(exc), flush=True),
    sleep: Callable[[float], None] = time.sleep,
    rounds: int | None = None,
) -> None:
    """Look at ``specs`` every ``interval`` seconds; after a change, regenerate (only what
    changed: ``pipeline.generate``) and pass the result to ``on_done``. A spec that does not
    load (or any other failure) is reported to ``on_error`` in one line and watched on.
    ``rounds`` bounds the looks (tests)."""
    seen = snapshot(specs)
    looked = 0
    while rounds is None or looked < rounds:
        sleep(interval)
        looked += 1
        now = snapshot(specs)
        if now == seen:
            continue
        seen = now
        try:
            on_done(pipeline.generate(specs, out))
        except Exception as exc:  # a spec mid-edit must never stop the watcher
            on_error(exc)


def one_line(exc: Exception) -> str:
    """A failed regeneration in one line: a spec error names its file and JSON pointer."""
    if isinstance(exc, SpecError):
        return f"error: {exc}"
    text = " ".join(str(exc).split())
    return f"error: {type(exc).__name__}: {text}"
