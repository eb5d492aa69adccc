"""A cache of the generator's deterministic, expensive steps, by the hash of their inputs.

Two steps cost most of a regeneration and give the same text for the same input every time:
datamodel-code-generator turning a vendor's schemas into pydantic models, and ruff formatting a
source file. Their results are kept in ``.cache/generator/`` (gitignored; ``SDKGEN_CACHE``
moves it, ``SDKGEN_CACHE=off`` turns it off) under a key hashing everything that shapes them:
the input text, the tool's version and the code or configuration that calls it. A changed
input misses the cache and runs the step; nothing is ever looked up by name alone.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from .layout import ROOT

_SETTING = os.environ.get("SDKGEN_CACHE", "")
CACHE_DIR: Path | None = (
    None if _SETTING == "off" else Path(_SETTING) if _SETTING else ROOT / ".cache" / "generator"
)


def key(*parts: str | bytes) -> str:
    """A hash of ``parts``, each length-prefixed so that no two lists of parts share one."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(b"%d:" % len(data))
        digest.update(data)
    return digest.hexdigest()


def get(kind: str, digest: str) -> str | None:
    """The text stored under ``kind``/``digest``, or None."""
    if CACHE_DIR is None:
        return None
    try:
        return (CACHE_DIR / kind / digest).read_text(encoding="utf-8")
    except OSError:
        return None


def put(kind: str, digest: str, text: str) -> None:
    """Store ``text`` (atomically: a reader sees the whole file or none); a cache that cannot
    be written is skipped, never an error."""
    if CACHE_DIR is None:
        return
    folder = CACHE_DIR / kind
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, folder / digest)
    except OSError:
        return


def source_of(module_file: str) -> bytes:
    """The source of a module of ours (part of a cache key: the code that calls the tool)."""
    return Path(module_file).read_bytes()
