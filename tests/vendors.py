"""The generated vendors, found from specs/ (never a list kept by hand)."""

from __future__ import annotations

from generator.layout import ROOT
from generator.runtime.vendor import Vendor, load_vendor


def all_vendors() -> list[Vendor]:
    """Every vendor with a spec folder, as its generated package's vendor model."""
    from generator.pipeline import vendor_dirs

    return [load_vendor(ROOT / "generated" / f.name / "vendor.json") for f in vendor_dirs()]


def client_class_name(vendor: Vendor, is_async: bool = False) -> str:
    return f"{'Async' if is_async else ''}{vendor.class_prefix}Client"
