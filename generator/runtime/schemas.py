"""Reading JSON schemas the way the runtime needs: which fields an object schema declares
(``allOf`` parts included), whether a dotted path is declared, which fields of a value are not."""

from __future__ import annotations

from typing import Any


def undeclared(schema: dict[str, Any], instance: Any, path: str = "") -> list[str]:
    """Paths of object fields in ``instance`` that ``schema`` (with its ``allOf`` parts)
    does not declare, where it declares properties and allows no others by default."""
    if isinstance(instance, list) and isinstance(schema.get("items"), dict):
        return [
            p for i, v in enumerate(instance) for p in undeclared(schema["items"], v, f"{path}/{i}")
        ]
    if not isinstance(instance, dict):
        return []
    props = declared_properties(schema)
    if not props or schema.get("additionalProperties") not in (None, False):
        return []
    extra = [f"{path}/{key}" for key in instance if key not in props]
    nested = [
        p
        for key, v in instance.items()
        if key in props
        for p in undeclared(props[key], v, f"{path}/{key}")
    ]
    return extra + nested


def declared_properties(schema: dict[str, Any]) -> dict[str, Any]:
    props = dict(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        props.update(declared_properties(part))
    return props


def declares(schema: dict[str, Any], path: str) -> bool:
    """True when ``schema`` declares the field at dotted ``path`` (``a[].b`` goes into the
    items of the list ``a``; ``a|b``: either)."""
    if "|" in path:
        return any(declares(schema, one) for one in path.split("|"))
    node: dict[str, Any] | None = schema
    for part in path.split("."):
        if node is None:
            return False
        many = part.endswith("[]")
        node = declared_properties(node).get(part.removesuffix("[]"))
        if many and node is not None:
            node = node.get("items")
    return node is not None
