"""``python -m generator new NAME``: a commented skeleton spec for a new vendor.

The skeleton (``generator/skeletons/async_task.yaml``) describes the commonest asynchronous
task API (a multipart submit with a Bearer key; a result endpoint answering the job, its
result inline as base64; errors as ``{id, name, errors: [...]}``). It generates and passes
every generic test as it is, so a new vendor starts from something that works and is changed
one step at a time.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import SpecError
from .layout import SPECS

SKELETON = Path(__file__).parent / "skeletons" / "async_task.yaml"
NAME = re.compile(r"[a-z][a-z0-9_]*")


def new_vendor(name: str, specs: Path = SPECS) -> Path:
    """Write ``specs/<name>/openapi.yaml`` from the skeleton; returns its path. Refuses a name
    that is not a lower-case Python identifier and a vendor folder that already exists."""
    target = specs / name / "openapi.yaml"
    if not NAME.fullmatch(name):
        raise SpecError(str(target), "/x-sdk/package", f"{name!r} is not a lower-case identifier")
    if (specs / name).exists():
        raise SpecError(str(specs / name), "/", "this vendor folder already exists")
    words = name.split("_")
    text = (
        SKELETON.read_text()
        .replace("__PREFIX__", "".join(w.capitalize() for w in words))
        .replace("__TITLE__", " ".join(w.capitalize() for w in words) + " API")
        .replace("__ENV__", name.upper())
        .replace("__NAME__", name)
    )
    target.parent.mkdir(parents=True)
    target.write_text(text)
    return target
