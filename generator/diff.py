"""What changed in a vendor's API between two versions, for a caller of the generated client.

Compares two vendor models (``runtime.vendor.Vendor``: the previous generation's
``vendor.json`` and the spec being compiled, or any two versions of a spec) and lists each
change with whether it can break existing client code:

- operations added (safe) or removed (breaking);
- inputs added (safe if optional, breaking if required), removed (breaking), retyped
  (breaking), made required (breaking) or optional (safe);
- answer fields added (safe), removed, retyped or made optional (breaking: code reading them
  gets nothing, or something else), made required (safe);
- enum values: an input losing one is breaking, gaining one is safe; an answer gaining one is
  breaking (code matching on the values meets a new one), losing one is safe;
- limits (ranges, lengths, multiples, image sizes and formats): tightened is breaking for
  inputs, loosened is safe.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from .runtime.vendor import ImageLimit, Operation, Param, Vendor

LOWER_BOUNDS = ("minimum", "minLength", "minItems", "exclusiveMinimum")
UPPER_BOUNDS = ("maximum", "maxLength", "maxItems", "exclusiveMaximum")
IMAGE_UPPER = ("max_bytes", "max_base64_chars", "max_side", "max_aspect")
IMAGE_LOWER = ("min_side", "min_aspect")


@dataclass(frozen=True)
class Change:
    """One difference: where (``operation``, and ``place``: an input or an answer field),
    what (``kind``), in words (``detail``), and whether existing client code can break."""

    vendor: str
    operation: str
    place: str
    kind: str
    detail: str
    breaking: bool

    def line(self) -> str:
        mark = "BREAKING" if self.breaking else "safe    "
        where = ".".join(p for p in (self.operation, self.place) if p)
        return f"  {mark} {where}: {self.detail}"

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def diff(old: Vendor, new: Vendor) -> list[Change]:
    """Every change from ``old`` to ``new``, operations in the new order."""
    changes: list[Change] = []
    add = _Collector(new.package, changes)
    for name in old.ops:
        if name not in new.ops:
            add(name, "", "operation_removed", f"operation removed ({old.ops[name].path})", True)
    for name, op in new.ops.items():
        if name not in old.ops:
            add(name, "", "operation_added", f"new operation {op.method} {op.path}", False)
        else:
            _operation(add, old.ops[name], op)
    return changes


def is_breaking(changes: list[Change]) -> bool:
    return any(c.breaking for c in changes)


def report(changes: list[Change], vendor: str) -> str:
    """The changes as text, one line each, breaking ones first."""
    if not changes:
        return f"{vendor}: no change to the API"
    ordered = sorted(changes, key=lambda c: not c.breaking)
    breaking = sum(c.breaking for c in changes)
    head = f"{vendor}: {len(changes)} change(s), {breaking} breaking"
    return "\n".join([head, *(c.line() for c in ordered)])


class _Collector:
    def __init__(self, vendor: str, changes: list[Change]) -> None:
        self.vendor = vendor
        self.changes = changes

    def __call__(self, op: str, place: str, kind: str, detail: str, breaking: bool) -> None:
        self.changes.append(Change(self.vendor, op, place, kind, detail, breaking))


def _operation(add: _Collector, old: Operation, new: Operation) -> None:
    if (old.method, old.path) != (new.method, new.path):
        moved = f"moved from {old.method} {old.path} to {new.method} {new.path}"
        add(new.name, "", "operation_moved", moved, False)
    old_inputs = {p.wire: p for p in old.inputs}
    new_inputs = {p.wire: p for p in new.inputs}
    for wire, param in old_inputs.items():
        if wire not in new_inputs:
            add(new.name, _input(param), "field_removed", "input removed", True)
    for wire, param in new_inputs.items():
        if wire not in old_inputs:
            required = param.required
            detail = "new required input" if required else "new optional input"
            add(new.name, _input(param), "field_added", detail, required)
        else:
            _input_changes(add, new.name, old_inputs[wire], param)
    _image_limits(add, new.name, old.limits.images, new.limits.images)
    _schema(add, new.name, "answer", old.response_schema, new.response_schema, output=True)


def _input(param: Param) -> str:
    return f"{param.py} ({param.wire})" if param.py != param.wire else param.py


def _input_changes(add: _Collector, op: str, old: Param, new: Param) -> None:
    place = _input(new)
    if old.required != new.required:
        detail = "now required" if new.required else "now optional"
        add(op, place, "field_required" if new.required else "field_optional", detail, new.required)
    _schema_node(add, op, place, old.schema_, new.schema_, output=False)


def _schema(
    add: _Collector, op: str, place: str, old: dict[str, Any], new: dict[str, Any], *, output: bool
) -> None:
    """Differences between two (resolved) JSON schemas, property by property."""
    _schema_node(add, op, place, old, new, output=output)
    old_props, new_props = _properties(old), _properties(new)
    old_required, new_required = _required(old), _required(new)
    for name in old_props:
        if name not in new_props:
            add(op, f"{place}.{name}", "field_removed", "field removed", output)
    for name, schema in new_props.items():
        where = f"{place}.{name}"
        if name not in old_props:
            required = name in new_required
            detail = (
                "new field" if output else f"new {'required' if required else 'optional'} field"
            )
            add(op, where, "field_added", detail, (not output) and required)
            continue
        if (name in old_required) != (name in new_required):
            now = name in new_required
            breaking = (not now) if output else now
            kind = "field_required" if now else "field_optional"
            add(op, where, kind, "now required" if now else "now optional", breaking)
        _schema(add, op, where, old_props[name], schema, output=output)
    old_items, new_items = old.get("items"), new.get("items")
    if isinstance(old_items, dict) and isinstance(new_items, dict):
        _schema(add, op, f"{place}[]", old_items, new_items, output=output)


def _schema_node(
    add: _Collector, op: str, place: str, old: dict[str, Any], new: dict[str, Any], *, output: bool
) -> None:
    """Type, enum and bound changes of one schema node (not its properties)."""
    if _type(old) != _type(new) and _type(old) and _type(new):
        add(op, place, "field_retyped", f"type {_type(old)} -> {_type(new)}", True)
        return
    old_enum, new_enum = old.get("enum"), new.get("enum")
    if old_enum is not None and new_enum is not None:
        for value in old_enum:
            if value not in new_enum:
                add(op, place, "enum_removed", f"value {value!r} removed", not output)
        for value in new_enum:
            if value not in old_enum:
                add(op, place, "enum_added", f"value {value!r} added", output)
    elif (old_enum is None) != (new_enum is None):
        tightened = new_enum is not None
        detail = "restricted to listed values" if tightened else "no longer restricted to a list"
        add(
            op,
            place,
            "limit_tightened" if tightened else "limit_loosened",
            detail,
            tightened and not output,
        )
    if not output:
        _bounds(add, op, place, old, new)


def _bounds(add: _Collector, op: str, place: str, old: dict[str, Any], new: dict[str, Any]) -> None:
    for key in (*LOWER_BOUNDS, *UPPER_BOUNDS, "multipleOf", "pattern", "format"):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        tightened = _tighter(key, before, after)
        kind = "limit_tightened" if tightened else "limit_loosened"
        add(op, place, kind, f"{key} {_show(before)} -> {_show(after)}", tightened)


def _tighter(key: str, before: Any, after: Any) -> bool:
    if after is None:
        return False
    if before is None:
        return True
    if isinstance(before, bool) or isinstance(after, bool):  # OpenAPI 3.0 exclusive flags
        return bool(after) and not bool(before)
    if key in LOWER_BOUNDS:
        return bool(after > before)
    if key in UPPER_BOUNDS:
        return bool(after < before)
    if key == "multipleOf":
        return after % before != 0 if isinstance(after, int | float) else True
    return True  # a new pattern or format: assume it refuses something


def _image_limits(
    add: _Collector, op: str, old: dict[str, ImageLimit], new: dict[str, ImageLimit]
) -> None:
    for name, limit in new.items():
        before = old.get(name)
        if before is None:
            continue
        for key in (*IMAGE_UPPER, *IMAGE_LOWER):
            a, b = getattr(before, key), getattr(limit, key)
            if a == b:
                continue
            tighter = b is not None and (a is None or (b < a if key in IMAGE_UPPER else b > a))
            kind = "limit_tightened" if tighter else "limit_loosened"
            add(op, f"{name} (image)", kind, f"{key} {_show(a)} -> {_show(b)}", tighter)
        dropped = [f for f in before.formats if f not in limit.formats] if limit.formats else []
        gained = [f for f in limit.formats if f not in before.formats] if before.formats else []
        if dropped:
            add(
                op,
                f"{name} (image)",
                "limit_tightened",
                f"formats no longer taken: {dropped}",
                True,
            )
        if gained:
            add(op, f"{name} (image)", "limit_loosened", f"formats now taken: {gained}", False)


def _properties(schema: dict[str, Any]) -> dict[str, Any]:
    props = dict(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        props.update(_properties(part))
    return props


def _required(schema: dict[str, Any]) -> set[str]:
    found = set(schema.get("required", []))
    for part in schema.get("allOf", []):
        found |= _required(part)
    return found


def _type(schema: dict[str, Any]) -> str:
    kind = schema.get("type", "")
    if kind == "number" and schema.get("format") in ("int32", "int64"):
        return "integer"
    return str(kind)


def _show(value: Any) -> str:
    return "none" if value is None else repr(value)
