"""Which model a list operation's page holds: read from the generated models' source."""

from __future__ import annotations

import ast

from .runtime.vendor import Vendor


def page_item_types(vendor: Vendor, models_code: str) -> dict[str, str]:
    """For each paginated operation, the model class of its items (``Any`` where the models
    do not say): the element type of its payload model's items field, or of the payload
    itself when it is a list."""
    classes = {n.name: n for n in ast.parse(models_code).body if isinstance(n, ast.ClassDef)}
    found: dict[str, str] = {}
    for op in vendor.operations:
        if op.pagination is None or op.payload_model not in classes:
            continue
        cls = classes[op.payload_model]
        item = next((_list_element(base) for base in cls.bases if _list_element(base)), "")
        for node in cls.body:
            if item:
                break
            names = _names(node)
            if names and op.pagination.items in names:
                item = _list_element(node)
        found[op.name] = f"models.{item}" if item else "Any"
    return found


def _list_element(node: ast.AST) -> str:
    """``X`` of the first ``list[X]`` inside an annotation, or ``""``."""
    for sub in ast.walk(node):
        is_list = isinstance(sub, ast.Subscript) and getattr(sub.value, "id", "") == "list"
        if is_list and isinstance(sub.slice, ast.Name):  # type: ignore[attr-defined]
            return sub.slice.id  # type: ignore[attr-defined]
    return ""


def _names(node: ast.AST) -> tuple[str, ...]:
    """A field's Python name and its alias (its wire name), or ``()`` for anything else."""
    if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)):
        return ()
    aliases = [
        str(sub.value.value)
        for sub in ast.walk(node.annotation)
        if isinstance(sub, ast.keyword)
        and sub.arg == "alias"
        and isinstance(sub.value, ast.Constant)
    ]
    return (node.target.id, *aliases)
