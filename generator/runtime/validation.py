"""Checking an operation's inputs against its spec: one routine for clients and mocks.

A client runs it before anything is sent and raises ``RequestValidationError``; a mock runs it
on every request and answers the vendor's own error. Types, required fields, enums and ranges
come from the JSON schemas in the spec; ``x-sdk-limits`` adds what JSON schema cannot say
(exactly one of two inputs, image formats and sizes, non-empty text).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .images import (
    FORMAT_NAMES,
    ImageProblem,
    ImageTooLarge,
    decode_base64,
    image_channels,
    image_size,
    sniff,
)
from .paths import get_path

if TYPE_CHECKING:
    from jsonschema import FormatChecker
    from openapi_schema_validator import OAS30Validator

    from .vendor import ImageLimit, ImageSlot, Operation, Param

_validators: dict[str, OAS30Validator] = {}
_by_identity: dict[int, tuple[dict[str, Any], OAS30Validator]] = {}
TRUE_WORDS = {"true", "1", "yes", "on"}
FALSE_WORDS = {"false", "0", "no", "off", ""}


@dataclass(slots=True)
class Checked:
    """Validated values (by wire name), problems as (error kind, message), decoded images."""

    values: dict[str, Any]
    problems: list[tuple[str, str]] = field(default_factory=list)
    images: dict[str, bytes] = field(default_factory=dict)

    def add(self, kind: str, message: str) -> None:
        self.problems.append((kind, message))


def _is_web_url(value: object) -> bool:
    if not isinstance(value, str):
        return True  # the type check reports it
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@cache
def formats() -> FormatChecker:
    """OpenAPI's formats, plus "uri" (jsonschema checks it only with an optional package
    installed): the vendors' uri inputs are URLs they download from or POST to, so http(s)
    with a host."""
    from jsonschema import FormatChecker
    from openapi_schema_validator import oas30_format_checker

    checker = FormatChecker(())
    checker.checkers = {**oas30_format_checker.checkers}
    checker.checks("uri")(_is_web_url)
    return checker


@cache
def has_jsonschema() -> bool:
    """Whether the ``mock`` extra's schema validator is installed (the clients work without)."""
    try:
        import openapi_schema_validator  # noqa: F401
    except ImportError:
        return False
    return True


def validator(schema: dict[str, Any]) -> OAS30Validator:
    """The compiled validator of ``schema``, made once per distinct schema (jsonschema is
    imported on the first call: a client that never needs it never loads it)."""
    from openapi_schema_validator import OAS30Validator

    known = _by_identity.get(id(schema))
    if known is not None and known[0] is schema:  # the same dict object as last time
        return known[1]
    key = json.dumps(schema, sort_keys=True)
    found = _validators.get(key)
    if found is None:
        found = _validators[key] = OAS30Validator(schema, format_checker=formats())
    _by_identity[id(schema)] = (schema, found)  # holding the dict keeps its id unique
    return found


def schema_problems(schema: dict[str, Any], value: Any) -> list[str]:
    """Why ``value`` breaks ``schema``, in jsonschema's words: directly for the plain scalar
    schemas most inputs have (a type, bounds, an enum), by jsonschema for anything else."""
    if schema.keys() <= SIMPLE_KEYS:
        return simple_problems(schema, value)
    if not has_jsonschema():
        return structural_problems(schema, value)
    problems = []
    for error in validator(schema).iter_errors(value):
        uri = error.validator == "format" and error.validator_value == "uri"
        problems.append("not an http(s) URL" if uri else error.message)
    return problems


SIMPLE_KEYS = frozenset(
    {
        "type", "format", "enum", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
        "minLength", "maxLength", "multipleOf", "nullable", "default", "description", "title",
        "example", "x-py-name", "x-sdk-aliases",
    }
)  # fmt: skip
_NUMBER = (int, float)  # tuples made once: ``int | float`` builds a union on every test
_FILE_BYTES = (bytes, bytearray, memoryview)
TYPES: dict[str, Any] = {  # a plain isinstance is the type's own (C) method: no Python call
    "string": str.__instancecheck__,
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, _NUMBER) and not isinstance(v, bool),
    "boolean": bool.__instancecheck__,
}


def simple_problems(schema: dict[str, Any], value: Any) -> list[str]:
    """:func:`schema_problems` for a schema whose keys are all in ``SIMPLE_KEYS``."""
    if value is None:
        return [] if schema.get("nullable") else ["None for not nullable"]
    kind = schema.get("type")
    if kind in TYPES and not TYPES[kind](value):
        return [f"{value!r} is not of type {kind!r}"]
    problems = []
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{value!r} is not one of {schema['enum']!r}")
    if isinstance(value, str):
        problems += _length_problems(schema, value)
        if schema.get("format") == "uri" and not _is_web_url(value):
            problems.append("not an http(s) URL")
    elif isinstance(value, _NUMBER) and not isinstance(value, bool):
        problems += _number_problems(schema, value)
    return problems


def structural_problems(schema: dict[str, Any], value: Any, where: str = "") -> list[str]:
    """What a client checks of a nested schema without jsonschema installed: required
    properties, and each property and list item by its own schema, recursively; the rest
    (``oneOf``, patterns) is left to the vendor."""
    own = {k: v for k, v in schema.items() if k in SIMPLE_KEYS}
    problems = [f"{where}{p}" for p in simple_problems(own, value)] if own else []
    if problems:
        return problems
    for part in schema.get("allOf", []):
        problems += structural_problems(part, value, where)
    if isinstance(value, dict):
        problems += [
            f"{where}{name!r} is a required property"
            for name in schema.get("required", [])
            if name not in value
        ]
        for name, sub in schema.get("properties", {}).items():
            if name in value and isinstance(sub, dict):
                problems += structural_problems(sub, value[name], f"{where}{name}: ")
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            problems += structural_problems(schema["items"], item, f"{where}[{index}]: ")
    return problems


def _length_problems(schema: dict[str, Any], value: str) -> list[str]:
    if "minLength" in schema and len(value) < schema["minLength"]:
        return [
            f"{value!r} should be non-empty"
            if schema["minLength"] == 1
            else f"{value!r} is too short"
        ]
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        return [f"{value!r} is too long"]
    return []


def _number_problems(schema: dict[str, Any], value: float) -> list[str]:
    problems = []
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None:
        if schema.get("exclusiveMinimum") and value <= low:
            problems.append(f"{value!r} is less than or equal to the minimum of {low!r}")
        elif value < low:
            problems.append(f"{value!r} is less than the minimum of {low!r}")
    if high is not None:
        if schema.get("exclusiveMaximum") and value >= high:
            problems.append(f"{value!r} is greater than or equal to the maximum of {high!r}")
        elif value > high:
            problems.append(f"{value!r} is greater than the maximum of {high!r}")
    step = schema.get("multipleOf")
    if step and _not_multiple(value, step):
        problems.append(f"{value!r} is not a multiple of {step!r}")
    return problems


def _not_multiple(value: float, step: float) -> bool:
    if not math.isfinite(value):
        return True  # no infinity is a multiple of anything
    if isinstance(step, float):
        quotient = value / step
        return int(quotient) != quotient
    return value % step != 0 if isinstance(value, int) else int(value / step) != value / step


def coerce(param: Param, raw: str) -> Any:
    """A form or query string turned into the type the param's schema declares."""
    kind = param.schema_.get("type")
    try:
        if kind in ("integer", "number") and not math.isfinite(float(raw)):
            return raw  # "inf" and "nan" are no JSON numbers: the type check refuses them
        if kind == "integer":
            number = float(raw)
            return int(number) if number.is_integer() else number
        if kind == "number":
            number = float(raw)
            return int(number) if number.is_integer() and "." not in raw else number
        if kind == "boolean":
            word = raw.strip().lower()
            if word in TRUE_WORDS:
                return True
            if word in FALSE_WORDS:
                return False
    except ValueError:
        pass
    return raw  # left as text, so the schema check reports the wrong type


def check(op: Operation, values: dict[str, Any]) -> Checked:
    """Check ``values`` (wire name -> value, ``None`` for absent) against ``op``."""
    return checker(op)(values)


Checker = Callable[[dict[str, Any]], Checked]
_checkers: dict[int, tuple[Operation, Checker]] = {}


def checker(op: Operation) -> Checker:
    """:func:`check` for one operation, worked out once (a mock checks every request with it):
    the params to check with a quick test of each schema, and whether the operation has any
    ``x-sdk-limits`` at all. A value the quick test passes has no problems; one it fails is
    checked again in full, for the messages."""
    known = _checkers.get(id(op))
    if known is not None and known[0] is op:
        return known[1]
    params = [
        (p.wire, p.required, None if p.location == "file" else valid_test(p.schema_), p.schema_)
        for p in op.params
        if p.source != "auth"  # the auth plug-in sets it and the mock's auth checks it
    ]
    limits = op.limits
    has_limits = bool(limits.exactly_one_of or limits.non_empty or limits.images or limits.slots)

    def run(values: dict[str, Any]) -> Checked:
        if None in values.values():  # absent inputs left out
            present = {key: value for key, value in values.items() if value is not None}
        else:  # a mock's inputs: only those given, copied in one step
            present = dict(values)
        result = Checked(present, [], {})
        wrong: set[str] = set()
        for wire, required, valid, schema in params:
            value = present.get(wire)
            if value is None:
                if required:
                    result.add("invalid_request", f"{wire} is required")
                continue
            if valid is None or valid(value):
                continue
            for message in schema_problems(schema, value):
                result.add("invalid_request", f"{wire}: {message}")
                wrong.add(wire)
        if has_limits:
            _check_limits(op, result, skip=wrong)
        return result

    _checkers[id(op)] = (op, run)  # holding the operation keeps its id unique
    return run


def valid_test(schema: dict[str, Any]) -> Callable[[Any], bool]:
    """A quick test of ``value`` against ``schema``: true exactly when
    ``schema_problems(schema, value)`` finds nothing. Plain type-only and string schemas get
    a test of their own; anything else asks the full check."""
    if not schema.keys() <= SIMPLE_KEYS:
        if not has_jsonschema():  # a client on its base dependencies: the structural check
            return lambda value: not schema_problems(schema, value)
        full: Callable[[Any], bool] = validator(schema).is_valid
        return full
    type_ok = TYPES.get(schema.get("type", ""))
    string_rules = {"minLength", "maxLength"} & schema.keys() or schema.get("format") == "uri"
    number_rules = {"minimum", "maximum", "multipleOf"} & schema.keys()
    if "enum" in schema or number_rules or (string_rules and type_ok is not TYPES["string"]):
        return lambda value: not simple_problems(schema, value)
    nullable = bool(schema.get("nullable"))
    if not string_rules:
        if type_ok is None:
            return lambda value: value is not None or nullable
        if not nullable:
            checks: Callable[[Any], bool] = type_ok  # None fails every type, as it should
            return checks
        return lambda value: type_ok(value) if value is not None else nullable
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    uri = schema.get("format") == "uri"

    def string(value: Any) -> bool:
        if not isinstance(value, str):
            return value is None and nullable
        return (
            len(value) >= low
            and (high is None or len(value) <= high)
            and (not uri or _is_web_url(value))
        )

    return string


def _check_limits(op: Operation, result: Checked, skip: set[str]) -> None:
    """The ``x-sdk-limits`` checks; inputs in ``skip`` already failed their schema."""
    limits, values = op.limits, result.values
    for group in limits.exactly_one_of:
        given = [name for name in group if values.get(name) not in (None, "")]
        if len(given) != 1:
            found = "none" if not given else " and ".join(given)
            result.add(
                "invalid_request", f"exactly one of {', '.join(group)} is required (got {found})"
            )
    for name in limits.non_empty:
        if isinstance(values.get(name), str) and not values[name].strip():
            result.add("invalid_request", f"{name} must not be empty")
    for name, limit in limits.images.items():
        value = get_path(values, name)
        if value not in (None, "") and name.split(".")[0] not in skip:
            _check_image(name, value, limit, result)
    for _slot_name, slot in limits.slots.items():
        if slot.required and effective_input(slot, values) is None:
            result.add("image_missing", f"one of {', '.join(slot.inputs)} is required")
    if not result.problems:
        for problem in slot_problems(op, slot_images(op, values, result.images)):
            result.add(*problem)


def effective_input(slot: ImageSlot, values: dict[str, Any]) -> str | None:
    """The input a slot's image is taken from: the first of its inputs that is given."""
    return next((n for n in slot.inputs if get_path(values, n) not in (None, "")), None)


def slot_images(
    op: Operation, values: dict[str, Any], decoded: dict[str, bytes]
) -> dict[str, bytes]:
    """Each slot's image, where its effective input is already decoded (base64 or a file)."""
    found = {}
    for slot_name, slot in op.limits.slots.items():
        name = effective_input(slot, values)
        if name is not None and name in decoded:
            found[slot_name] = decoded[name]
    return found


def slot_problems(op: Operation, images: dict[str, bytes]) -> list[tuple[str, str]]:
    """What breaks the slots' rules among ``images`` (slot name -> bytes): a slot that must
    have the size of another, an image with the wrong number of channels."""
    problems = []
    for slot_name, slot in op.limits.slots.items():
        image = images.get(slot_name)
        other = images.get(slot.same_size_as) if slot.same_size_as else None
        if image is None:
            continue
        channels = next(
            (op.limits.images[n].channels for n in slot.inputs if n in op.limits.images), None
        )
        if channels is not None and image_channels(image) != channels:
            problems.append(
                ("invalid_request", f"{slot_name}: needs {channels} channel(s), a grey image")
            )
        if other is not None and image_size(image) != image_size(other):
            w, h = image_size(image)
            ow, oh = image_size(other)
            problems.append(
                (
                    "invalid_request",
                    f"{slot_name} is {w}x{h} but {slot.same_size_as} is {ow}x{oh}",
                )
            )
    return problems


def _check_image(name: str, value: Any, limit: ImageLimit, result: Checked) -> None:
    source = limit.source
    if source == "base64_or_url":
        source = "url" if str(value).startswith(("http://", "https://")) else "base64"
    if source == "url":
        parts = urlsplit(str(value))
        if parts.scheme not in ("http", "https") or not parts.netloc:
            result.add("invalid_request", f"{name}: not an http(s) URL")
        return
    if source == "base64":
        too_long = _base64_too_long(str(value), limit)
        if too_long:
            result.add("payload_too_large", f"{name}: {too_long}")
            return
        try:
            data = decode_base64(value)
        except ImageProblem as exc:
            result.add("invalid_image", f"{name}: {exc}")
            return
    elif isinstance(value, _FILE_BYTES):
        data = bytes(value)
    else:
        result.add("invalid_request", f"{name}: not a file's bytes")
        return
    problem = data_problem(data, limit)
    if problem:
        result.add(problem[0], f"{name}: {problem[1]}")
    else:
        result.images[name] = data


def _base64_too_long(text: str, limit: ImageLimit) -> str:
    """Why base64 ``text`` is over the limit before decoding it, or ``""``."""
    if limit.max_base64_chars and len(text) > limit.max_base64_chars:
        return f"{len(text)} characters of base64, over {limit.max_base64_chars}"
    decoded_at_least = len(text) * 3 // 4 - 2
    if limit.max_bytes and decoded_at_least > limit.max_bytes:
        return f"about {decoded_at_least} bytes once decoded, over {limit.max_bytes}"
    return ""


def data_problem(data: bytes, limit: ImageLimit) -> tuple[str, str] | None:
    """(error kind, why) when image bytes (decoded, uploaded or downloaded) break ``limit``."""
    if limit.max_bytes and len(data) > limit.max_bytes:
        return "payload_too_large", f"{len(data)} bytes, over {limit.max_bytes}"
    as_base64 = 4 * -(-len(data) // 3)
    if limit.max_base64_chars and as_base64 > limit.max_base64_chars:
        return (
            "payload_too_large",
            f"{as_base64} characters as base64, over {limit.max_base64_chars}",
        )
    return image_problem(data, limit)


@cache
def _accepted(formats: tuple[str, ...]) -> frozenset[str]:
    """The formats a limit accepts, each by the name ``sniff`` gives it (``jpg`` is ``jpeg``)."""
    return frozenset(FORMAT_NAMES.get(f, f) for f in formats)


def image_problem(data: bytes, limit: ImageLimit) -> tuple[str, str] | None:
    """(error kind, why) when the image breaks ``limit``'s format, side or aspect rules."""
    try:
        fmt, width, height = sniff(data)
    except ImageTooLarge as exc:
        return "image_resolution", str(exc)
    except ImageProblem as exc:
        return "invalid_image", str(exc)
    allowed = _accepted(limit.formats)
    if allowed and FORMAT_NAMES.get(fmt, fmt) not in allowed:
        accepted = ", ".join(limit.formats)
        return "invalid_image", f"{fmt or 'unknown'} images are not accepted (use {accepted})"
    if limit.min_side and min(width, height) < limit.min_side:
        return "image_resolution", f"{width}x{height} is under {limit.min_side} px on a side"
    if limit.max_side and max(width, height) > limit.max_side:
        return "image_resolution", f"{width}x{height} is over {limit.max_side} px on a side"
    aspect = width / height if height else 0
    if (limit.min_aspect and aspect < limit.min_aspect) or (
        limit.max_aspect and aspect > limit.max_aspect
    ):
        bounds = f"{limit.min_aspect}-{limit.max_aspect}"
        return "invalid_image", f"{width}x{height} has an aspect ratio outside {bounds}"
    return None
