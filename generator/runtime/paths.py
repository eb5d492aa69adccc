"""Dotted paths into JSON values, as the ``x-sdk`` extensions write them.

``a.b`` is a key inside a key (``a.0.b``: inside the first item of the list ``a``); ``a[].b``
collects ``b`` from every item of the list ``a``.
"""

from __future__ import annotations

from typing import Any

MISSING: Any = object()


def get_path(value: Any, path: str, default: Any = None) -> Any:
    """The value at ``path`` (no ``[]``), or ``default`` when any step is missing."""
    if not path:
        return value
    for key in path.split("."):
        if isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        elif isinstance(value, dict) and key in value:
            value = value[key]
        else:
            return default
    return value


def get_all(value: Any, path: str) -> list[Any]:
    """Every value at ``path``, following ``[]`` into lists; missing steps give nothing."""
    head, sep, rest = path.partition("[]")
    found = get_path(value, head, MISSING)
    if found is MISSING or found is None:
        return []
    if not sep:
        return [found]
    if not isinstance(found, list):
        return []
    rest = rest.lstrip(".")
    return [v for item in found for v in (get_all(item, rest) if rest else [item])]


def set_path(target: dict[str, Any], path: str, value: Any) -> None:
    """Set ``path`` in ``target``, creating the objects on the way."""
    keys = path.split(".")
    for key in keys[:-1]:
        target = target.setdefault(key, {})
    target[keys[-1]] = value
