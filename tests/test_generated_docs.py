"""Every generated client method says which HTTP call it makes, first thing in its docstring."""

from __future__ import annotations

import importlib
import inspect

import pytest

from generator.discover import vendor_packages


@pytest.mark.parametrize("package", vendor_packages())
def test_each_method_docstring_begins_with_its_http_method_and_path(package: str) -> None:
    module = importlib.import_module(f"generated.{package}")
    vendor = module.VENDOR
    for cls in (f"{vendor.class_prefix}Client", f"Async{vendor.class_prefix}Client"):
        client = getattr(module, cls)
        for op in vendor.operations:
            doc = inspect.getdoc(getattr(client, op.name)) or ""
            assert doc.startswith(f"{op.method} {op.path}"), f"{cls}.{op.name}: {doc[:80]!r}"
