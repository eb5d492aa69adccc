"""Synthetic vendors kept for tests (``tests/vendors/<name>/openapi.yaml``): each generated
into a temporary package of its own, imported, and forgotten afterwards."""

from __future__ import annotations

import importlib
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

from generator import pipeline

VENDORS = Path(__file__).parent / "vendors"


@contextmanager
def generated(name: str, package: str, root: Path) -> Iterator[ModuleType]:
    """``tests/vendors/<name>`` generated under ``root`` as the package ``<package>.<name>``."""
    specs = root / "specs"
    shutil.copytree(VENDORS / name, specs / name)
    pipeline.generate(specs, root / package, cassettes_dir=root / "cassettes")
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(f"{package}.{name}")
    finally:
        sys.path.remove(str(root))
        for module in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[module]
