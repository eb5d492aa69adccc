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


def contract_for(vendor: Vendor):  # -> generator.runtime.testing.Contract
    """The vendor's generated contract (clients, mock and models), as its contract tests use."""
    import importlib

    from generator.runtime.testing import Contract

    package = importlib.import_module(f"generated.{vendor.package}")
    mock = importlib.import_module(f"generated.{vendor.package}.mock")
    return Contract(
        package.VENDOR,
        getattr(package, client_class_name(vendor)),
        getattr(package, client_class_name(vendor, is_async=True)),
        mock.create_mock,
        package.models,
    )


def auth_of_kind(kind: str):  # -> generator.runtime.vendor.Auth
    """The first way in, of any vendor in specs/, of auth ``kind`` (a skip when none has it)."""
    import pytest

    ways = [w for v in all_vendors() for w in (v.auth, *v.auth.alternatives)]
    found = next((w for w in ways if w.kind == kind), None)
    if found is None:
        pytest.skip(f"no spec in specs/ signs with {kind}")
    return found
