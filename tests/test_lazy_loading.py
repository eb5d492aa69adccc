"""Loading on first use (``generator.runtime.lazy``): a stand-in module gives the real
module's attributes and keeps them, and a client class's vendor model is the one in its own
package, kept on each instance under the name it is declared as."""

from __future__ import annotations

import importlib
import json
import sys
from types import SimpleNamespace

import pytest

from generator.runtime.lazy import LazyModule, VendorOf
from tests.vendors import all_vendors


def test_a_lazy_module_gives_the_real_attribute_and_keeps_it() -> None:
    lazy = LazyModule("json")
    assert lazy.dumps is json.dumps
    assert vars(lazy)["dumps"] is json.dumps  # the next read never reaches __getattr__


def test_a_lazy_module_imports_nothing_for_a_dunder_probe() -> None:
    """copy, pickle and inspect probe objects for ``__hooks__``: such a probe is a plain
    AttributeError naming the hook, without importing the module (here, one that is missing)."""
    lazy = LazyModule("tests.no_such_module_here")
    assert not hasattr(lazy, "__wrapped__")
    with pytest.raises(AttributeError, match=r"^__deepcopy__$"):
        _ = lazy.__deepcopy__
    assert "tests.no_such_module_here" not in sys.modules


def test_a_lazy_module_names_its_module_in_its_repr() -> None:
    assert repr(LazyModule("json")) == "<module 'json', imported on first use>"


@pytest.mark.parametrize("vendor", all_vendors(), ids=lambda v: v.package)
def test_vendor_of_reads_the_vendor_of_its_own_package(vendor) -> None:
    module = f"generated.{vendor.package}.client"
    expected = importlib.import_module(f"generated.{vendor.package}.vendor").VENDOR

    class Client:
        model = VendorOf(module)

    assert Client.model is expected
    assert "model" not in vars(Client)["model"].__dict__  # nothing kept on the descriptor
    client = Client()
    assert client.model is expected
    assert vars(client) == {"model": expected}  # kept under the declared name
    assert client.model is expected  # read again from the instance


def test_vendor_of_set_after_the_class_keeps_the_vendor_under_vendor() -> None:
    """Assigned to a class already made, the descriptor is told no name: it keeps the model
    under ``vendor``, the name every generated client uses."""
    vendor = all_vendors()[0]
    descriptor = VendorOf(f"generated.{vendor.package}.client")
    holder = SimpleNamespace()
    found = descriptor.__get__(holder, SimpleNamespace)
    assert found.package == vendor.package
    assert vars(holder) == {"vendor": found}
