"""``specs/x-sdk.schema.json``: the JSON Schema of the ``x-sdk*`` extensions, made from the
vendor model's own classes (``runtime.vendor.VendorExtension`` and friends), so that editors
with a YAML language server complete and check extensions as they are typed. Each YAML spec
points at it with a first line ``# yaml-language-server: $schema=../x-sdk.schema.json``.

``make generate`` writes it and ``make check`` fails when it is not current. It checks only
the extensions: the rest of an OpenAPI document is left to the editor's OpenAPI support.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic.json_schema import models_json_schema

from .runtime.vendor import (
    Limits,
    OperationExtension,
    ParameterExtensions,
    PropertyExtensions,
    VendorExtension,
)

SCHEMA_NAME = "x-sdk.schema.json"
PARAMETER_KEYS = ("-from", "-refusal", "-allow-slash", "-routes", "-doc")  # after "x-sdk"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
MODELS = (VendorExtension, OperationExtension, Limits, ParameterExtensions, PropertyExtensions)


def _open(model: str, known: tuple[str, ...]) -> dict[str, Any]:
    """An object that may hold anything besides ``known`` extensions, and no other x-sdk key."""
    others = "|".join(k.removeprefix("x-sdk") for k in known)
    return {
        "allOf": [{"$ref": f"#/$defs/{model}"}],
        "patternProperties": {f"^x-sdk(?!({others})$)": False},
    }


def extension_schema() -> dict[str, Any]:
    refs, defs = models_json_schema(
        [(m, "validation") for m in MODELS], ref_template="#/$defs/{model}"
    )
    definitions = dict(defs["$defs"])
    # The parameter and property models list their keys but allow the rest of OpenAPI.
    for name in ("ParameterExtensions", "PropertyExtensions"):
        definitions[name] = {**definitions[name], "additionalProperties": True}
    operation = {
        "type": "object",
        "required": ["x-sdk-operation"],
        "properties": {
            "x-sdk-operation": {"$ref": "#/$defs/OperationExtension"},
            "x-sdk-limits": {"$ref": "#/$defs/Limits"},
            "x-sdk-doc": {"type": "object"},
            "parameters": {
                "type": "array",
                "items": _open("ParameterExtensions", PARAMETER_KEYS),
            },
        },
        "patternProperties": {"^x-sdk(?!(-operation|-limits|-doc)$)": False},
    }
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_NAME,
        "title": "OpenAPI document with the SDK factory's x-sdk extensions",
        "description": "Generated from generator/runtime/vendor.py by `make generate`; "
        "see specs/EXTENSIONS.md. Do not edit.",
        "type": "object",
        "required": ["x-sdk"],
        "properties": {
            "x-sdk": {"$ref": "#/$defs/VendorExtension"},
            "paths": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "properties": {method: {"$ref": "#/$defs/Operation"} for method in METHODS},
                },
            },
            "components": {
                "type": "object",
                "properties": {
                    "parameters": {
                        "type": "object",
                        "additionalProperties": _open("ParameterExtensions", PARAMETER_KEYS),
                    }
                },
            },
        },
        "patternProperties": {"^x-sdk.": False},
        "$defs": {**definitions, "Operation": operation},
    }
    del refs
    return schema


def schema_bytes() -> bytes:
    return (json.dumps(extension_schema(), indent=1, sort_keys=True) + "\n").encode()
