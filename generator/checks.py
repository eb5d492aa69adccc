"""Checks of a spec's extensions that go beyond their models: made at generation, so that a
mistake stops ``make generate`` with the file and JSON pointer instead of failing later in a
mock, a test or a cassette.

- every ``x-sdk*`` key anywhere is one the project knows (the closest known one is named);
- response templates (``task.view``, ``callback.payload``, ``mock.response``) use only values
  a template can name, and ``$request.<name>`` only inputs the operation has;
- dotted paths that name an operation's inputs (``mock.params``, ``mock.image``,
  ``caller_id``, a get's ``task_id``, ``x-sdk-limits``) name inputs it has, and the paths of
  a task family's fields (``task.fields``) name fields its get operations' answers declare;
- each operation's example gives every required input, valid by its schema and limits, and
  every documented example answer and callback validates against its schema.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from .errors import SpecError, json_pointer
from .runtime.mock.templates import template_errors
from .runtime.vendor import Operation, Vendor

# Where each extension key may appear: the root, an operation, a parameter, a property.
KNOWN_KEYS = (
    "x-sdk",
    "x-sdk-operation",
    "x-sdk-limits",
    "x-sdk-from",
    "x-sdk-refusal",
    "x-sdk-allow-slash",
    "x-sdk-routes",
    "x-sdk-aliases",
    "x-sdk-doc",  # why the spec differs from the vendor's document (generator.doccheck)
)


def check_spec(
    file: str, document: dict[str, Any], vendor: Vendor, *, examples: bool = True
) -> None:
    """Raise :class:`SpecError` for the first mistake found (see the module docstring)."""
    for path, key in _extension_keys(document, []):
        if key not in KNOWN_KEYS:
            close = difflib.get_close_matches(key, KNOWN_KEYS, n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise SpecError(file, json_pointer([*path, key]), f"unknown extension {key!r}{hint}")
    for where, template, op in _templates(vendor):
        inputs = frozenset(p.wire for p in op.params) if op is not None else None
        for at, reason in template_errors(template, inputs):
            raise SpecError(file, json_pointer([*where, *at]), reason)
    for op in vendor.operations:
        _check_inputs(file, op)
        _check_task_fields(file, vendor, op)
        _check_answer_shapes(file, vendor, op, document)
        if examples:
            _check_examples(file, vendor, op, document)


def _extension_keys(node: Any, path: list[Any]) -> Iterator[tuple[list[Any], str]]:
    """Every ``x-sdk*`` key in ``node``, with the path of the object holding it; the values of
    known extensions are the models' business and are not walked."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str) and key.startswith("x-sdk"):
                yield path, key
                if key in KNOWN_KEYS:
                    continue
            yield from _extension_keys(value, [*path, key])
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _extension_keys(value, [*path, index])


def _op_at(op: Operation) -> list[Any]:
    return ["paths", op.path, op.method.lower()]


def _templates(vendor: Vendor) -> Iterator[tuple[list[Any], Any, Operation | None]]:
    if vendor.task is not None:
        yield ["x-sdk", "task", "view"], vendor.task.view, None
    if vendor.callback is not None:
        yield ["x-sdk", "callback", "payload"], vendor.callback.payload, None
    for op in vendor.operations:
        ext = [*_op_at(op), "x-sdk-operation"]
        yield [*ext, "mock", "response"], op.mock.response, op
        if op.task is not None:
            yield [*ext, "task", "view"], op.task.view, None


def _check_inputs(file: str, op: Operation) -> None:
    """Dotted paths that name the operation's inputs name inputs it has."""
    ext = [*_op_at(op), "x-sdk-operation"]
    limits = [*_op_at(op), "x-sdk-limits"]
    named: list[tuple[list[Any], str]] = [
        ([*ext, "mock", "params", arg], wire) for arg, wire in op.mock.params.items()
    ]
    named += [([*ext, "mock", "image", i], wire) for i, wire in enumerate(op.mock.image)]
    named += [([*ext, "mock", "callback_url"], op.mock.callback_url)]
    named += [([*ext, "caller_id"], op.caller_id)]
    if op.role == "get":
        named += [([*ext, "task_id"], op.task_id)]
    elif op.task_id.startswith("$request."):
        named += [([*ext, "task_id"], op.task_id.removeprefix("$request."))]
    for g, group in enumerate(op.limits.exactly_one_of):
        named += [([*limits, "exactly_one_of", g, i], w) for i, w in enumerate(group)]
    for key in ("non_empty", "unique"):
        named += [([*limits, key, i], w) for i, w in enumerate(getattr(op.limits, key))]
    named += [([*limits, "images", w], w) for w in op.limits.images]
    for slot, spec in op.limits.slots.items():
        named += [([*limits, "slots", slot, "inputs", i], w) for i, w in enumerate(spec.inputs)]
    wires = sorted(p.wire for p in op.params)
    for at, dotted in named:
        head = dotted.split(".")[0].removesuffix("[]")
        if dotted and head not in wires:
            close = difflib.get_close_matches(head, wires, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (inputs: {', '.join(wires)})"
            raise SpecError(file, json_pointer(at), f"no input {head!r}{hint}")


def _check_task_fields(file: str, vendor: Vendor, op: Operation) -> None:
    """The fields a get operation's task family is read by are fields its answer declares."""
    from .runtime.schemas import declares
    from .runtime.testing import payload_schema

    spec = vendor.task_spec(op)
    if op.role != "get" or spec is None or not op.response_schema:
        return
    schema = payload_schema(vendor, op)
    at = ["x-sdk-operation", "task"] if op.task is not None else None
    where = [*_op_at(op), *at] if at else ["x-sdk", "task"]
    fields = spec.fields
    # (the id may be left out of an answer: the client then keeps the id it asked with)
    named = [("status", fields.status), ("progress", fields.progress)]
    named += [("preview", fields.preview), ("error", fields.error)]
    named += [("images", path) for path in fields.images]
    named += [("images_base64", path) for path in fields.images_base64]
    for key, path in named:
        if path and not declares(schema, path):
            reason = f"{op.name}'s answer declares no field {path!r}"
            raise SpecError(file, json_pointer([*where, "fields", key]), reason)


def _check_answer_shapes(
    file: str, vendor: Vendor, op: Operation, document: dict[str, Any]
) -> None:
    """A get's family says its status somewhere (a field or the HTTP status), each HTTP status
    it reads is one the get declares, and ``mock.body_file`` goes with a declared image body."""
    ext = [*_op_at(op), "x-sdk-operation"]
    if op.mock.body_file and (op.role != "get" or not op.binary_media):
        reason = "body_file needs a get operation with a 2xx answer of type string, format binary"
        raise SpecError(file, json_pointer([*ext, "mock", "body_file"]), reason)
    spec = vendor.task_spec(op)
    if op.role != "get" or spec is None:
        return
    where = [*ext, "task"] if op.task is not None else ["x-sdk", "task"]
    if not spec.fields.status and not spec.http_statuses:
        reason = "a task family needs fields.status or http_statuses to tell its status"
        raise SpecError(file, json_pointer([*where, "fields"]), reason)
    declared = {str(code) for code in document["paths"][op.path][op.method.lower()]["responses"]}
    for code in spec.http_statuses:
        if str(code) not in declared:
            reason = (
                f"{op.name} declares no answer {code} (responses: {', '.join(sorted(declared))})"
            )
            raise SpecError(file, json_pointer([*where, "http_statuses", str(code)]), reason)


def _check_examples(file: str, vendor: Vendor, op: Operation, document: dict[str, Any]) -> None:
    """The operation's example inputs pass the client's own checks; its documented answer and
    callback validate against their schemas."""
    from .runtime.testing import example_values, schema_errors
    from .runtime.validation import check

    at = _op_at(op)
    wires = sorted(p.wire for p in op.inputs)
    for key in op.example:
        if key not in wires:
            close = difflib.get_close_matches(key, wires, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (inputs: {', '.join(wires)})"
            pointer = json_pointer([*at, "x-sdk-operation", "example", key])
            raise SpecError(file, pointer, f"no input {key!r}{hint}")
    values = example_values(op)
    for param in op.params:  # what the client fills in by itself
        if param.source == "constant":
            values.setdefault(param.wire, param.value)
        elif param.source == "setting":
            setting = next((s for s in vendor.settings if s.name == param.value), None)
            if setting is not None and setting.default:  # an empty setting is not sent
                values.setdefault(param.wire, setting.default)
        elif param.source == "credential":
            values.setdefault(param.wire, "test")
    problems = [message for _kind, message in check(op, values).problems]
    if problems:
        pointer = json_pointer([*at, "x-sdk-operation", "example"])
        raise SpecError(file, pointer, f"the example does not pass: {'; '.join(problems)}")
    raw = document["paths"][op.path][op.method.lower()]
    documented = [
        (op.response_example, op.response_schema, _example_at(raw, "responses")),
        (op.callback_example, op.callback_schema, _example_at(raw, "callbacks")),
    ]
    for example, schema, where in documented:
        if example is None or not schema:
            continue
        errors = schema_errors(schema, example, strict=False)
        if errors:
            reason = f"the documented example does not validate: {errors[0]}"
            raise SpecError(file, json_pointer([*at, *where]), reason)


def _example_at(op: dict[str, Any], where: str) -> list[Any]:
    """The path (within the operation) of its first documented success answer's or callback
    body's example: where the vendor model took it from."""
    if where == "responses":
        for code, response in op.get("responses", {}).items():
            for media, content in response.get("content", {}).items():
                if str(code).startswith("2") and "example" in content:
                    return ["responses", code, "content", media, "example"]
        return ["responses"]
    for name, callback in op.get("callbacks", {}).items():
        for expression, item in callback.items():
            for method, cb_op in item.items():
                for media, content in cb_op.get("requestBody", {}).get("content", {}).items():
                    if "example" in content:
                        at = [expression, method, "requestBody", "content", media, "example"]
                        return ["callbacks", name, *at]
    return ["callbacks"]
