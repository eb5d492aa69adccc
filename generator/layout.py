"""Where things are: the project's folders and the file names a vendor folder may hold."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
GENERATED = ROOT / "generated"
TEMPLATES = ROOT / "templates"
SPEC_NAMES = ("openapi.json", "openapi.yaml", "openapi.yml")
OVERLAY_NAME = "overlay.yaml"
