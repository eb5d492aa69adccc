"""A version of a vendor's API, from wherever it is: a spec folder, a spec file, or a git
revision (``REV:path``), with an overlay where the vendor's own file needs ours."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from . import ir, load, models
from .errors import SpecError
from .layout import OVERLAY_NAME, SPEC_NAMES
from .runtime.vendor import Vendor


def api_of(where: str, overlay: Path | None = None) -> Vendor:
    """The vendor model of the spec at ``where``. A folder is loaded as ``specs/<vendor>/``
    is (its overlay included); a file or a git revision is loaded with ``overlay``, or the
    ``overlay.yaml`` beside the file when there is one."""
    path = Path(where)
    if path.is_dir():
        return _model(path)
    if path.is_file():
        return _from_bytes(path.read_bytes(), path.name, overlay or _beside(path))
    rev, sep, name = where.partition(":")
    if not sep:
        raise SpecError(where, "/", "no such folder or file, and not a REV:path")
    return _from_bytes(_git_show(rev, name), Path(name).name, overlay or _beside(Path(name)))


def _beside(path: Path) -> Path | None:
    found = path.parent / OVERLAY_NAME
    return found if found.is_file() else None


def _from_bytes(spec: bytes, name: str, overlay: Path | None) -> Vendor:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / (name if name in SPEC_NAMES else "openapi" + Path(name).suffix)).write_bytes(spec)
        if overlay is not None:
            (folder / OVERLAY_NAME).write_bytes(overlay.read_bytes())
        return _model(folder)


def _model(folder: Path) -> Vendor:
    loaded = load.load(folder)
    return ir.build(loaded, models.name_schemas(loaded.document), examples=False)


def _git_show(rev: str, path: str) -> bytes:
    done = subprocess.run(["git", "show", f"{rev}:{path}"], capture_output=True, check=False)
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip() or "git show failed"
        raise SpecError(f"{rev}:{path}", "/", reason)
    return done.stdout
