"""Dotted paths into JSON values, as the ``x-sdk`` extensions write them.

``a.b`` is a key inside a key (``a.0.b``: inside the first item of the list ``a``); ``a[].b``
collects ``b`` from every item of the list ``a``.
"""

from __future__ import annotations

import itertools
from typing import Any

MISSING: Any = object()


def get_path(value: Any, path: str, default: Any = None) -> Any:
    """The value at ``path`` (no ``[]``), or ``default`` when any step is missing."""
    if not path:
        return value
    if isinstance(value, dict) and "." not in path:  # one key: most paths, read cheaply
        return value.get(path, default)
    for key in path.split("."):
        if isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        elif isinstance(value, dict) and key in value:
            value = value[key]
        else:
            return default
    return value


def get_first(value: Any, paths: str, default: Any = None) -> Any:
    """The value at the first of ``paths`` (``a|b``: alternatives) that is present: for a
    vendor that writes the same fact under one name or another."""
    for path in paths.split("|"):
        found = get_path(value, path, MISSING)
        if found is not MISSING and found is not None:
            return found
    return default


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
    """Set ``path`` in ``target``, creating what is missing on the way: a list where the next
    step is an index (``errors.0.message`` makes ``{"errors": [{"message": ...}]}``, as
    ``get_path`` reads it back), an object otherwise."""
    keys = path.split(".")
    node: Any = target
    for key, following in itertools.pairwise(keys):
        child = _child(node, key)
        if not isinstance(child, dict | list):
            child = [] if following.isdigit() else {}
            _put(node, key, child)
        node = child
    _put(node, keys[-1], value)


def _child(node: Any, key: str) -> Any:
    if isinstance(node, list):
        return node[int(key)] if key.isdigit() and int(key) < len(node) else None
    return node.get(key)


def _put(node: Any, key: str, value: Any) -> None:
    """``node[key] = value``; a list grows (with nulls) up to the index."""
    if isinstance(node, list):
        if not key.isdigit():
            raise ValueError(f"cannot set {key!r} in a list: not an index")
        index = int(key)
        node.extend([None] * (index + 1 - len(node)))
        node[index] = value
    else:
        node[key] = value
