"""Stage two: the vendor model (``runtime.vendor.Vendor``) built from a loaded, named spec.

Reads the standard parts of OpenAPI (servers, security schemes, parameters, bodies, responses,
callbacks) and our ``x-sdk*`` extensions, and checks the extensions with the runtime's own
models, so a mistake in them is reported with its JSON pointer like any other spec error.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import SpecError, describe, json_pointer
from .load import LoadedSpec
from .models import operations
from .naming import is_identifier, snake
from .runtime.vendor import (
    Auth,
    CallbackSpec,
    Credential,
    Envelope,
    ErrorSpec,
    Limits,
    MockDefaults,
    Operation,
    OperationExtension,
    OperationMock,
    Pagination,
    Param,
    Poll,
    Setting,
    TaskSpec,
    Vendor,
    VendorExtension,
)

M = TypeVar("M", bound=BaseModel)
BODY_KINDS = {
    "application/x-www-form-urlencoded": "form",
    "multipart/form-data": "multipart",
    "application/json": "json",
}
ROLE_ORDER = ("submit", "get", "list", "action", "catalog")
SCALARS = {"string": "str", "number": "float", "integer": "int", "boolean": "bool"}


def build(loaded: LoadedSpec, named: dict[str, Any], *, examples: bool = True) -> Vendor:
    """The vendor model for ``named`` (the output of ``models.name_schemas``), checked by
    ``checks.check_spec`` (its examples too, unless ``examples`` is false: comparing two
    versions of an API needs no working examples)."""
    from .checks import check_spec

    builder = _Builder(str(loaded.spec_file), named)
    vendor = builder.vendor(loaded.sha256)
    check_spec(builder.file, named, vendor, examples=examples)
    return vendor


class _Builder:
    def __init__(self, file: str, doc: dict[str, Any]) -> None:
        self.file = file
        self.doc = doc

    # -- helpers ---------------------------------------------------------------------------
    def fail(self, path: list[Any], reason: str) -> SpecError:
        return SpecError(self.file, json_pointer(path), reason)

    def check(self, model: type[M], data: Any, path: list[Any]) -> M:
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            raise self.fail(path + list(err["loc"]), describe(model, err)) from None

    def resolve(self, node: Any, seen: tuple[str, ...] = ()) -> Any:
        """A copy of ``node`` with every local ``$ref`` replaced by what it points at."""
        if isinstance(node, list):
            return [self.resolve(n, seen) for n in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            ref = node["$ref"]
            if ref in seen:
                return {}
            return self.resolve(self.deref(ref), (*seen, ref))
        return {k: self.resolve(v, seen) for k, v in node.items()}

    def deref(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            raise self.fail([], f"only local $ref are supported, got {ref!r}")
        node: Any = self.doc
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                raise self.fail([], f"$ref {ref!r} points at nothing")
            node = node[part]
        return node

    def shallow(self, node: dict[str, Any]) -> dict[str, Any]:
        return self.deref(node["$ref"]) if "$ref" in node else node

    # -- vendor ----------------------------------------------------------------------------
    def vendor(self, sha256: str) -> Vendor:
        ext = self.doc.get("x-sdk")
        if not isinstance(ext, dict):
            raise self.fail(
                ["x-sdk"], "the vendor extension x-sdk is missing (see specs/EXTENSIONS.md)"
            )
        at = ["x-sdk"]
        self.check(VendorExtension, ext, at)  # every key known, every value of its type
        for key in ("package", "class_prefix"):
            if not is_identifier(str(ext.get(key, ""))):
                raise self.fail([*at, key], f"x-sdk.{key} must be a Python identifier")
        servers = self.doc.get("servers") or []
        base_url = "" if ext.get("base_url_required") else (servers[0]["url"] if servers else "")
        task = ext.get("task")
        callback = ext.get("callback")
        return Vendor(
            package=ext["package"],
            class_prefix=ext["class_prefix"],
            title=ext.get("title") or self.doc["info"]["title"],
            spec_sha256=sha256,
            base_url=base_url,
            auth=self.auth(ext.get("auth"), [*at, "auth"]),
            envelope=self.check(Envelope, ext.get("envelope", {}), [*at, "envelope"]),
            errors={
                kind: self.check(ErrorSpec, spec, [*at, "errors", kind])
                for kind, spec in ext.get("errors", {}).items()
            },
            task=self.check(TaskSpec, task, [*at, "task"]) if task else None,
            callback=self.check(CallbackSpec, callback, [*at, "callback"]) if callback else None,
            mock=self.check(MockDefaults, ext.get("mock", {}), [*at, "mock"]),
            settings=tuple(
                self.check(Setting, s, [*at, "settings", i])
                for i, s in enumerate(ext.get("settings", []))
            ),
            operations=tuple(self.operations()),
        )

    def auth(self, ext: Any, at: list[Any]) -> Auth:
        """The auth model: ``kind`` and ``field`` come from the named security scheme where
        OpenAPI can say them; a form-field key, which OpenAPI cannot, names its kind alone."""
        if not isinstance(ext, dict) or not ("scheme" in ext or "kind" in ext):
            raise self.fail(
                at, "x-sdk.auth needs 'scheme' (a name under components/securitySchemes) or 'kind'"
            )
        scheme: dict[str, Any] = {}
        if "scheme" in ext:
            schemes = self.doc.get("components", {}).get("securitySchemes", {})
            if ext["scheme"] not in schemes:
                raise self.fail([*at, "scheme"], f"no security scheme named {ext['scheme']!r}")
            scheme = schemes[ext["scheme"]]
        kind, field = ext.get("kind"), ext.get("field")
        if kind is None:
            if scheme.get("type") == "apiKey" and scheme.get("in") in ("query", "header"):
                kind, field = scheme["in"], scheme["name"]
            elif scheme.get("type") == "http" and scheme.get("scheme") == "bearer":
                kind = "bearer_jwt"
            else:
                raise self.fail([*at, "kind"], "this security scheme needs an explicit kind")
        credentials = [
            self.check(Credential, c, [*at, "credentials", i])
            for i, c in enumerate(ext.get("credentials", []))
        ]
        return self.check(
            Auth,
            {
                **ext,
                "kind": kind,
                "scheme": ext.get("scheme", ""),
                "field": field or "",
                "credentials": credentials,
            },
            at,
        )

    # -- operations ------------------------------------------------------------------------
    def operations(self) -> list[Operation]:
        ops = [self.operation(path, method, op) for path, method, op in operations(self.doc)]
        ops.sort(key=lambda op: ROLE_ORDER.index(op.role))
        names = [op.name for op in ops]
        for name in names:
            if names.count(name) > 1:
                raise self.fail(["paths"], f"two operations are named {name!r}")
        return ops

    def operation(self, path: str, method: str, op: dict[str, Any]) -> Operation:
        at = ["paths", path, method]
        if "x-sdk-operation" not in op:
            raise self.fail(
                [*at, "x-sdk-operation"],
                "each operation needs x-sdk-operation with its role "
                "(submit, get, list, action or catalog; see specs/EXTENSIONS.md)",
            )
        ext = op["x-sdk-operation"]
        self.check(OperationExtension, ext, [*at, "x-sdk-operation"])
        name = ext.get("name") or snake(op.get("operationId", ""))
        if name[:1].isdigit():  # a vendor id like 3259_4_POST, not named by us yet
            name = f"op_{name.rstrip('_')}"
        if not is_identifier(name):
            raise self.fail([*at, "x-sdk-operation", "name"], "each operation needs a Python name")
        body, params = self.params(op, at)
        response_model, response_schema, example, response_status = self.response(op)
        cb_model, cb_schema, cb_example = self.callback(op)
        role = ext["role"]
        data = {
            "name": name,
            "operation_id": op.get("operationId", name),
            "method": method.upper(),
            "path": path,
            "role": role,
            "doc": ext.get("doc")
            or "\n\n".join(t for t in (op.get("summary"), op.get("description")) if t),
            "body": body,
            "media_type": next(iter(op.get("requestBody", {}).get("content", {})), ""),
            "params": params,
            "task_id": ext.get("task_id", ""),
            "caller_id": ext.get("caller_id", ""),
            "idempotent": ext.get("idempotent", role != "submit"),
            "example": ext.get("example", {}),
            "response_model": response_model,
            "payload_model": self.payload_model(response_model),
            "response_schema": response_schema,
            "error_schemas": self.error_schemas(op),
            "response_example": example,
            "response_status": response_status,
            "binary_media": self.binary_media(op),
            "callback_model": cb_model,
            "callback_schema": cb_schema,
            "callback_example": cb_example,
        }
        try:
            operation = Operation.model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            raise self.fail([*at, "x-sdk-operation", *err["loc"]], err["msg"]) from None
        return operation.model_copy(
            update={
                "limits": self.check(Limits, op.get("x-sdk-limits", {}), [*at, "x-sdk-limits"]),
                "mock": self.check(
                    OperationMock, ext.get("mock", {}), [*at, "x-sdk-operation", "mock"]
                ),
                "pagination": self.optional(Pagination, ext, "pagination", at),
                "task": self.optional(TaskSpec, ext, "task", at),
                "poll": self.optional(Poll, ext, "poll", at),
            }
        )

    def optional(self, model: type[M], ext: dict[str, Any], key: str, at: list[Any]) -> M | None:
        """``ext[key]`` checked as ``model``, or None when the operation does not set it."""
        if key not in ext:
            return None
        return self.check(model, ext[key], [*at, "x-sdk-operation", key])

    def params(self, op: dict[str, Any], at: list[Any]) -> tuple[str, list[Param]]:
        """The operation's inputs, by location. The credential's own field (HD repaint's
        ``user_key`` form field) is documented in the spec but filled in by the auth plug-in,
        so it is not an input of the method."""
        auth_field = self.doc.get("x-sdk", {}).get("auth", {}).get("field")
        params: list[Param] = []
        for i, raw in enumerate(op.get("parameters", [])):
            p = self.shallow(raw)
            if auth_field and p.get("name") == auth_field:
                continue
            if p.get("in") not in ("query", "path", "header"):
                raise self.fail(
                    [*at, "parameters", i, "in"], f"parameters in {p.get('in')!r} are not supported"
                )
            param = self.param(
                p["name"],
                p.get("schema", {}),
                p["in"],
                p.get("required", False),
                p.get("description", ""),
                p.get("x-py-name"),
            )
            if p.get("x-sdk-allow-slash"):
                param = param.model_copy(update={"allow_slash": True})
            if p.get("x-sdk-routes") is False:
                param = param.model_copy(update={"routes": False})
            params.append(self.filled_by(param, p, [*at, "parameters", i]))
        body = "none"
        content = op.get("requestBody", {}).get("content", {})
        if content:
            media_type = next(iter(content))
            body = BODY_KINDS.get(media_type.split(";")[0].strip(), "")
            if not body:
                raise self.fail(
                    [*at, "requestBody", "content", media_type], "unsupported media type"
                )
            schema = self.shallow(content[media_type].get("schema", {}))
            required = set(schema.get("required", []))
            for wire, prop in schema.get("properties", {}).items():
                if wire == auth_field:
                    continue
                resolved = self.shallow(prop)
                location = body if body == "json" else "form"
                if body == "multipart" and resolved.get("format") == "binary":
                    location = "file"
                param = self.param(
                    wire,
                    prop,
                    location,
                    wire in required,
                    prop.get("description") or resolved.get("description", ""),
                    prop.get("x-py-name") or resolved.get("x-py-name"),
                )
                aliases = (
                    prop.get("x-sdk-aliases")
                    or resolved.get("x-sdk-aliases")
                    or schema.get("x-sdk-aliases", {}).get(wire)
                    or ()
                )
                params.append(param.model_copy(update={"aliases": tuple(aliases)}))
        seen: dict[str, str] = {
            name: "the wait options" for name in ("timeout", "on_progress", "show_progress")
        }
        for made in params:
            if made.py in seen:
                raise self.fail(
                    at,
                    f"inputs {seen[made.py]!r} and {made.wire!r} share the Python name {made.py!r}",
                )
            seen[made.py] = made.wire
        return body, params

    def filled_by(self, param: Param, raw: dict[str, Any], at: list[Any]) -> Param:
        """Apply ``x-sdk-from`` (``constant``, ``auth`` or ``setting:<name>``) and
        ``x-sdk-refusal`` to a parameter."""
        source = str(raw.get("x-sdk-from", "input"))
        update: dict[str, Any] = {"refusal": raw.get("x-sdk-refusal", "invalid_request")}
        if source == "constant":
            schema = param.schema_
            value = schema["enum"][0] if len(schema.get("enum", [])) == 1 else schema.get("default")
            if value is None:
                raise self.fail([*at, "schema"], "a constant needs a one-value enum or a default")
            update |= {"source": "constant", "value": str(value)}
        elif source.startswith("setting:"):
            name = source.partition(":")[2]
            settings = [s.get("name") for s in self.doc.get("x-sdk", {}).get("settings", [])]
            if name not in settings:
                raise self.fail([*at, "x-sdk-from"], f"no setting {name!r} in x-sdk.settings")
            update |= {"source": "setting", "value": name}
        elif source.startswith("credential:"):
            name = source.partition(":")[2]
            known = [
                c.get("name")
                for c in self.doc.get("x-sdk", {}).get("auth", {}).get("credentials", [])
            ]
            if name not in known:
                raise self.fail([*at, "x-sdk-from"], f"no credential {name!r} in x-sdk.auth")
            update |= {"source": "credential", "value": name}
        elif source in ("auth", "input"):
            update["source"] = source
        else:
            raise self.fail([*at, "x-sdk-from"], f"unknown source {source!r}")
        try:
            return Param.model_validate({**param.model_dump(by_alias=True), **update})
        except ValidationError as exc:
            raise self.fail([*at, "x-sdk-refusal"], exc.errors()[0]["msg"]) from None

    def param(
        self,
        wire: str,
        schema: dict[str, Any],
        location: str,
        required: bool,
        description: str,
        py_name: str | None,
    ) -> Param:
        py_type = self.py_type(schema)
        resolved = self.resolve(schema)
        named_enum = (
            py_type.isidentifier() and py_type not in SCALARS.values() and "enum" in resolved
        )
        return Param.model_validate(
            {
                "wire": wire,
                "py": py_name or snake(wire),
                "location": location,
                "required": required,
                "schema": resolved,
                "description": description,
                "py_type": py_type,
                "literal": tuple(resolved["enum"]) if named_enum else (),
            }
        )

    def py_type(self, schema: dict[str, Any]) -> str:
        if "$ref" in schema:
            target = self.deref(schema["$ref"])
            if "title" in target and ("properties" in target or "allOf" in target):
                return f"models.{target['title']}"
            if "title" in target and target.get("enum") and target.get("type") == "string":
                return str(target["title"])  # a Literal alias the client module defines
            return self.py_type(target)
        if schema.get("enum") and schema.get("type") == "string":
            return "Literal[" + ", ".join(repr(v) for v in schema["enum"]) + "]"
        kind = schema.get("type")
        if kind == "string" and schema.get("format") == "binary":
            return "FileInput"
        if kind == "array":
            return f"list[{self.py_type(schema.get('items', {}))}]"
        if kind == "object":
            return "dict[str, Any]"
        return SCALARS.get(str(kind), "Any")

    def response(self, op: dict[str, Any]) -> tuple[str, dict[str, Any], Any, int]:
        """The success answer's model name, schema, example and HTTP status: the first 2xx
        answer's, or, when that one is the image itself (``binary_media``), the first JSON
        one's."""
        binary = set(self.binary_media(op))
        for code, media_type, media in self.success_media(op):
            if media_type in binary:
                continue
            schema = media.get("schema", {})
            title = self.shallow(schema).get("title", "") if schema else ""
            return title, self.resolve(schema), media.get("example"), int(code)
        return "", {}, None, 200

    def success_media(self, op: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
        """(status code, media type, content) of every 2xx answer, by status code."""
        responses = op.get("responses", {})
        codes = sorted((c for c in responses if str(c).startswith("2")), key=str)
        return [
            (str(code), media_type, media)
            for code in codes
            for media_type, media in self.shallow(responses[code]).get("content", {}).items()
        ]

    def binary_media(self, op: dict[str, Any]) -> tuple[str, ...]:
        """The media types of 2xx answers whose body is bytes (``type: string, format:
        binary``: an image returned as the body), each once."""
        found = [
            media_type
            for _code, media_type, media in self.success_media(op)
            if self.shallow(media.get("schema", {})).get("format") == "binary"
        ]
        return tuple(dict.fromkeys(found))

    def error_schemas(self, op: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """JSON schemas of the non-2xx answers, by status code (or ``default``); an answer the
        spec declares without a JSON body (a gateway's refusal) maps to ``{}``."""
        found = {}
        for code, response in op.get("responses", {}).items():
            if str(code).startswith("2"):
                continue
            media = self.shallow(response).get("content", {}).get("application/json")
            found[str(code)] = self.resolve(media["schema"]) if media and "schema" in media else {}
        return found

    def payload_model(self, response_model: str) -> str:
        """The class of what the envelope unwraps to (the response itself without envelope)."""
        if not response_model:
            return ""
        schema = self.doc["components"]["schemas"][response_model]
        for layer in self.doc.get("x-sdk", {}).get("envelope", {}).get("layers", []):
            for key in filter(None, str(layer.get("payload", "")).split(".")):
                prop = _property(self, schema, key)
                if prop is None:
                    return str(self.shallow(schema).get("title", response_model))
                schema = prop
        return str(self.shallow(schema).get("title", response_model))

    def callback(self, op: dict[str, Any]) -> tuple[str, dict[str, Any], Any]:
        for callback in op.get("callbacks", {}).values():
            for item in callback.values():
                for cb_op in item.values():
                    for media in cb_op.get("requestBody", {}).get("content", {}).values():
                        schema = media.get("schema", {})
                        return (
                            self.shallow(schema).get("title", ""),
                            self.resolve(schema),
                            media.get("example"),
                        )
        return "", {}, None


def _property(builder: _Builder, schema: dict[str, Any], key: str) -> dict[str, Any] | None:
    schema = builder.shallow(schema)
    if key in schema.get("properties", {}):
        own: dict[str, Any] = schema["properties"][key]
        return own
    for part in schema.get("allOf", []):
        found = _property(builder, part, key)
        if found is not None:
            return found
    return None
