"""Checking an operation's inputs against its spec: one routine for clients and mocks.

A client runs it before anything is sent and raises ``RequestValidationError``; a mock runs it
on every request and answers the vendor's own error. Types, required fields, enums and ranges
come from the JSON schemas in the spec; ``x-sdk-limits`` adds what JSON schema cannot say
(exactly one of two inputs, image formats and sizes, non-empty text).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from jsonschema import FormatChecker
from openapi_schema_validator import OAS30Validator, oas30_format_checker

from .images import FORMAT_NAMES, ImageProblem, decode_base64, sniff
from .vendor import ImageLimit, Operation, Param

_validators: dict[str, OAS30Validator] = {}
TRUE_WORDS = {"true", "1", "yes", "on"}
FALSE_WORDS = {"false", "0", "no", "off", ""}


@dataclass
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


# OpenAPI's formats, plus "uri" (jsonschema checks it only with an optional package installed):
# the vendors' uri inputs are URLs they download from or POST to, so http(s) with a host.
FORMATS = FormatChecker(())
FORMATS.checkers = {**oas30_format_checker.checkers}
FORMATS.checks("uri")(_is_web_url)


def validator(schema: dict[str, Any]) -> OAS30Validator:
    key = json.dumps(schema, sort_keys=True)
    found = _validators.get(key)
    if found is None:
        found = _validators[key] = OAS30Validator(schema, format_checker=FORMATS)
    return found


def coerce(param: Param, raw: str) -> Any:
    """A form or query string turned into the type the param's schema declares."""
    kind = param.schema_.get("type")
    try:
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
    result = Checked({k: v for k, v in values.items() if v is not None})
    wrong: set[str] = set()
    for param in op.params:
        if param.source == "auth":  # the auth plug-in sets it and the mock's auth checks it
            continue
        value = result.values.get(param.wire)
        if value is None:
            if param.required:
                result.add("invalid_request", f"{param.wire} is required")
            continue
        if param.location == "file":
            continue
        for error in validator(param.schema_).iter_errors(value):
            uri = error.validator == "format" and error.validator_value == "uri"
            message = "not an http(s) URL" if uri else error.message
            result.add("invalid_request", f"{param.wire}: {message}")
            wrong.add(param.wire)
    _check_limits(op, result, skip=wrong)
    return result


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
        value = values.get(name)
        if value not in (None, "") and name not in skip:
            _check_image(name, value, limit, result)


def _check_image(name: str, value: Any, limit: ImageLimit, result: Checked) -> None:
    if limit.source == "base64_or_url" and str(value).startswith(("http://", "https://")):
        limit = limit.model_copy(update={"source": "url"})
    elif limit.source == "base64_or_url":
        limit = limit.model_copy(update={"source": "base64"})
    if limit.source == "url":
        parts = urlsplit(str(value))
        if parts.scheme not in ("http", "https") or not parts.netloc:
            result.add("invalid_request", f"{name}: not an http(s) URL")
        return
    if limit.source == "base64":
        too_long = _base64_too_long(str(value), limit)
        if too_long:
            result.add("payload_too_large", f"{name}: {too_long}")
            return
        try:
            data = decode_base64(value)
        except ImageProblem as exc:
            result.add("invalid_image", f"{name}: {exc}")
            return
    else:
        data = bytes(value) if not isinstance(value, bytes) else value
    if limit.max_bytes and len(data) > limit.max_bytes:
        result.add("payload_too_large", f"{name}: {len(data)} bytes, over {limit.max_bytes}")
        return
    problem = image_problem(data, limit)
    if problem:
        result.add("invalid_image", f"{name}: {problem}")
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


def image_problem(data: bytes, limit: ImageLimit) -> str:
    """Why ``data`` breaks ``limit``, or ``""`` when it does not."""
    try:
        fmt, width, height = sniff(data)
    except ImageProblem as exc:
        return str(exc)
    allowed = {FORMAT_NAMES.get(f, f) for f in limit.formats}
    if allowed and FORMAT_NAMES.get(fmt, fmt) not in allowed:
        return f"{fmt or 'unknown'} images are not accepted (use {', '.join(limit.formats)})"
    if limit.min_side and min(width, height) < limit.min_side:
        return f"{width}x{height} is under {limit.min_side} px on a side"
    if limit.max_side and max(width, height) >= limit.max_side:
        return f"{width}x{height} is not under {limit.max_side} px on a side"
    aspect = width / height if height else 0
    if (limit.min_aspect and aspect < limit.min_aspect) or (
        limit.max_aspect and aspect > limit.max_aspect
    ):
        return f"{width}x{height} has an aspect ratio outside {limit.min_aspect}-{limit.max_aspect}"
    return ""
