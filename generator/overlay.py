"""OpenAPI Overlay 1.0: apply a list of ``update`` / ``remove`` actions to a document.

Targets are JSONPath expressions (jsonpath-ng's extended syntax, so filters such as
``parameters[?(@.name == 'page')]`` work). A target that matches nothing is an error naming
the action: after a vendor release it is how we learn that our additions no longer fit.
"""

from __future__ import annotations

from typing import Any

from jsonpath_ng.exceptions import JsonPathParserError
from jsonpath_ng.ext.parser import parse as parse_jsonpath

from .errors import SpecError, json_pointer


def apply_overlay(doc: dict[str, Any], overlay: Any, overlay_file: str, spec_file: str) -> None:
    """Apply ``overlay`` to ``doc`` in place."""
    actions = _check_overlay(overlay, overlay_file)
    for index, action in enumerate(actions):
        where = json_pointer(["actions", index])
        target = action["target"]
        try:
            matches = parse_jsonpath(target).find(doc)
        except (JsonPathParserError, Exception) as exc:  # jsonpath-ng raises plain Exception too
            raise SpecError(
                overlay_file, f"{where}/target", f"bad JSONPath {target!r}: {exc}"
            ) from None
        if not matches:
            raise SpecError(
                overlay_file,
                where + "/target",
                f"target {target!r} matches nothing in {spec_file}; "
                "the vendor's file has changed under this action",
            )
        for match in matches:
            if action.get("remove") is True:
                _remove(match, overlay_file, where)
            else:
                _merge(match.value, action["update"], overlay_file, where)


def _check_overlay(overlay: Any, file: str) -> list[dict[str, Any]]:
    if not isinstance(overlay, dict) or not str(overlay.get("overlay", "")).startswith("1."):
        raise SpecError(file, "/overlay", "not an OpenAPI Overlay 1.x document")
    actions = overlay.get("actions")
    if not isinstance(actions, list) or not actions:
        raise SpecError(file, "/actions", "an overlay needs a non-empty list of actions")
    for index, action in enumerate(actions):
        where = json_pointer(["actions", index])
        if not isinstance(action, dict) or not isinstance(action.get("target"), str):
            raise SpecError(file, where, "each action needs a string 'target'")
        if "update" not in action and action.get("remove") is not True:
            raise SpecError(file, where, "each action needs 'update' or 'remove: true'")
    return actions


def _merge(node: Any, update: Any, file: str, where: str) -> None:
    if isinstance(node, dict) and isinstance(update, dict):
        for key, value in update.items():
            if isinstance(node.get(key), dict) and isinstance(value, dict):
                _merge(node[key], value, file, where)
            else:
                node[key] = value
    elif isinstance(node, list):
        node.extend(update if isinstance(update, list) else [update])
    else:
        raise SpecError(file, where + "/update", "an update's target must be an object or array")


def _remove(match: Any, file: str, where: str) -> None:
    parent = match.context.value if match.context is not None else None
    if isinstance(parent, dict):
        parent.pop(str(match.path.fields[0]), None)
    elif isinstance(parent, list):
        parent.remove(match.value)
    else:
        raise SpecError(file, where + "/target", "the root cannot be removed")
