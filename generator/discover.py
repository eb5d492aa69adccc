"""The vendors a project has: one per folder of ``specs/`` holding a spec.

Tests and tools find vendors here rather than keeping lists of their own, so a spec dropped
into ``specs/`` is generated, served and tested everywhere with no other edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .layout import SPECS


@dataclass(frozen=True)
class VendorFolder:
    """A vendor folder of ``specs/`` and the package it generates (``x-sdk.package``)."""

    folder: Path
    package: str

    @property
    def name(self) -> str:
        return self.folder.name


@cache
def vendor_folders(specs: Path = SPECS) -> tuple[VendorFolder, ...]:
    """Every vendor under ``specs``, by folder name; a spec without a usable ``x-sdk.package``
    is named after its folder (generation reports what is wrong with it)."""
    from .load import load
    from .pipeline import vendor_dirs

    found = []
    for folder in vendor_dirs(specs):
        ext = load(folder).document.get("x-sdk")
        package = ext.get("package") if isinstance(ext, dict) else None
        found.append(VendorFolder(folder, package if isinstance(package, str) else folder.name))
    return tuple(found)


def vendor_packages(specs: Path = SPECS) -> list[str]:
    """The generated package name of every vendor under ``specs``, sorted."""
    return sorted(v.package for v in vendor_folders(specs))
