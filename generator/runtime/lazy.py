"""Loading deferred to first use, so that importing a client costs little more than httpx.

A generated client module names its answer models and its vendor model without building
them: pydantic builds those classes when the first client is made (the vendor model) and when
the first answer is parsed (the models), not when ``generated.<vendor>`` is imported. A script
that only imports a client, or a command line asked for ``--help``, never pays for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, overload

if TYPE_CHECKING:
    from .vendor import Vendor


class LazyModule:
    """Stands for the module ``name`` until one of its attributes is read: that read imports
    the module, and every attribute read is kept on this object so the next read is plain."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__"):  # copy, pickle and friends probing for hooks
            raise AttributeError(attribute)
        value = getattr(importlib.import_module(self._name), attribute)
        setattr(self, attribute, value)
        return value

    def __repr__(self) -> str:
        return f"<module {self._name!r}, imported on first use>"


class VendorOf:
    """A client class's vendor model, read from ``vendor.json`` in the client module's own
    package the first time it is needed, then kept on each client instance."""

    def __init__(self, module: str) -> None:
        self._module = module.rpartition(".")[0] + ".vendor"
        self._attribute = "vendor"

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self._attribute = name

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> Vendor: ...
    @overload
    def __get__(self, instance: object, owner: type[Any]) -> Vendor: ...
    def __get__(self, instance: object | None, owner: type[Any]) -> Vendor:
        vendor: Vendor = importlib.import_module(self._module).VENDOR
        if instance is not None:
            instance.__dict__[self._attribute] = vendor
        return vendor
