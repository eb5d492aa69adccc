"""Stage one: read a vendor's spec, apply our overlay, validate it as OpenAPI.

Every failure is a :class:`SpecError` naming the file, a JSON pointer and the reason.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from . import cache
from .errors import SpecError, json_pointer
from .layout import OVERLAY_NAME, SPEC_NAMES
from .overlay import apply_overlay


@dataclass(frozen=True)
class LoadedSpec:
    """A vendor's spec with our overlay applied, ready for the IR stage."""

    vendor_dir: Path
    spec_file: Path
    overlay_file: Path | None
    document: dict[str, Any]
    sha256: str


# libyaml's loader when PyYAML has it (its wheels do): ten times faster on our specs.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def find_spec(vendor_dir: Path) -> Path:
    for name in SPEC_NAMES:
        if (vendor_dir / name).is_file():
            return vendor_dir / name
    raise SpecError(str(vendor_dir), "/", f"no {' / '.join(SPEC_NAMES)} in this folder")


def load(vendor_dir: Path) -> LoadedSpec:
    """Load ``specs/<vendor>/`` into a validated, overlaid document."""
    spec_file = find_spec(vendor_dir)
    raw = spec_file.read_bytes()
    digest = hashlib.sha256(raw)
    document = parse_document(raw, spec_file)
    if not isinstance(document, dict):
        raise SpecError(str(spec_file), "/", "an OpenAPI document must be an object")
    validate_openapi(document, str(spec_file))  # the vendor's file on its own, first
    overlay_file = vendor_dir / OVERLAY_NAME
    if overlay_file.is_file():
        overlay_raw = overlay_file.read_bytes()
        digest.update(overlay_raw)
        overlay = parse_document(overlay_raw, overlay_file)
        apply_overlay(document, overlay, str(overlay_file), spec_file.name)
        validate_openapi(document, f"{spec_file} with {overlay_file.name} applied")
        return LoadedSpec(vendor_dir, spec_file, overlay_file, document, digest.hexdigest())
    return LoadedSpec(vendor_dir, spec_file, None, document, digest.hexdigest())


def parse_document(raw: bytes, file: Path) -> Any:
    """Parse JSON or YAML, reporting a syntax error with its line and column."""
    text = raw.decode("utf-8")
    try:
        if file.suffix == ".json":
            return json.loads(text)
        return yaml.load(text, Loader=YAML_LOADER)
    except json.JSONDecodeError as exc:
        raise SpecError(
            str(file), "/", f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or exc
        raise SpecError(str(file), "/", f"invalid YAML{where}: {reason}") from None


def validate_openapi(document: dict[str, Any], file: str) -> None:
    """Validate against the OpenAPI 3.0 or 3.1 object model."""
    version = str(document.get("openapi", ""))
    if not version.startswith(("3.0.", "3.1.")):
        raise SpecError(file, "/openapi", f"expected OpenAPI 3.0.x or 3.1.x, found {version!r}")
    valid_before = _validated_key(document)  # this very document passed before: same verdict
    if valid_before and cache.get("openapi-valid", valid_before) == "valid":
        return
    from openapi_pydantic.v3.v3_0 import OpenAPI as OpenAPI30
    from openapi_pydantic.v3.v3_1 import OpenAPI as OpenAPI31

    model = OpenAPI30 if version.startswith("3.0.") else OpenAPI31
    try:
        validated = model.model_validate(copy.deepcopy(document))
    except ValidationError as exc:
        error = max(exc.errors(), key=lambda e: len(_document_path(document, e["loc"])))
        pointer = json_pointer(_document_path(document, error["loc"]))
        raise SpecError(file, pointer, _describe(dict(error))) from None
    unknown = _unknown_field(validated, [])
    if unknown:
        raise SpecError(
            file, json_pointer(unknown), f"unknown field {unknown[-1]!r} (extensions start with x-)"
        )
    if valid_before:
        cache.put("openapi-valid", valid_before, "valid")


def _validated_key(document: dict[str, Any]) -> str:
    """The cache key of a document's verdict: the document, openapi-pydantic's version and this
    module (the checks above). Only passing documents are remembered; one that is not plain
    JSON (YAML dates, number keys) gets no key and is validated every time."""
    from importlib.metadata import version

    try:
        text = json.dumps(document, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):
        return ""
    return cache.key(text, version("openapi-pydantic"), cache.source_of(__file__))


def _unknown_field(node: Any, path: list[Any]) -> list[Any] | None:
    """The path of the first key OpenAPI does not define and that is not an ``x-`` extension.

    openapi-pydantic accepts any extra key, so a misspelt ``descripton`` (or YAML that split a
    description at a comma) would otherwise pass unnoticed.
    """
    if isinstance(node, BaseModel):
        for key in node.model_extra or {}:
            if not key.startswith("x-"):
                return [*path, key]
        for name, field in type(node).model_fields.items():
            value = getattr(node, name)
            if value is not None and name in node.model_fields_set:
                found = _unknown_field(value, [*path, field.alias or name])
                if found:
                    return found
    elif isinstance(node, dict):
        for key, value in node.items():
            found = _unknown_field(value, [*path, key])
            if found:
                return found
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found = _unknown_field(value, [*path, index])
            if found:
                return found
    return None


def _document_path(document: Any, loc: tuple[Any, ...]) -> list[Any]:
    """Keep the parts of a pydantic location that exist in the document.

    Pydantic puts union member names ("Reference", "Schema", ...) into error locations; walking
    the real document drops them and leaves a pointer a person can follow.
    """
    node, path = document, []
    for part in loc:
        if _has(node, part):
            node = node[part]
            path.append(part)
    if loc and loc[-1] not in path and isinstance(node, dict) and isinstance(loc[-1], str):
        path.append(loc[-1])  # a missing required field: point at where it should be
    return path


def _has(node: Any, part: Any) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and part < len(node)


def _describe(error: dict[str, Any]) -> str:
    if error["type"] == "missing":
        return f"required field '{error['loc'][-1]}' is missing"
    return f"{error['msg']} (got {error.get('input')!r:.80})"
