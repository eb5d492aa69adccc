"""Stage three: typed pydantic models, by datamodel-code-generator used as a library.

Before calling it we give every inline object schema a stable, meaningful title (taken from
``x-py-class`` where the spec sets one, otherwise from the operation's Python name and the
property path) and hoist it into ``components/schemas``, so class names never depend on the
generator's guesses and the output has no timestamps.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import json
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

from . import cache
from .errors import SpecError
from .naming import pascal

if TYPE_CHECKING:
    from concurrent.futures import Future

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
JSON_TYPES = ("application/json", "application/json;charset=UTF-8")


def name_schemas(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``document`` whose object schemas all live, titled, in components/schemas."""
    doc = copy.deepcopy(document)
    _inline_shared_parts(doc)
    schemas: dict[str, Any] = doc.setdefault("components", {}).setdefault("schemas", {})
    namer = _Namer(schemas)
    for name in list(schemas):
        schemas[name].setdefault("title", name)
        namer.walk_children(schemas[name], name)
    for _path, method, op in operations(doc):
        base = pascal(op.get("x-sdk-operation", {}).get("name") or op.get("operationId", method))
        body = op.get("requestBody", {}).get("content", {})
        for media in body.values():
            if "schema" in media:
                media["schema"] = namer.hoist(media["schema"], f"{base}Request")
        for media in _success_contents(op):
            if "schema" in media:
                _title_payload(doc, media["schema"], f"{base}Result")
                media["schema"] = namer.hoist(media["schema"], f"{base}Response")
        for callback in op.get("callbacks", {}).values():
            for item in callback.values():
                for cb_op in item.values():
                    for media in cb_op.get("requestBody", {}).get("content", {}).values():
                        media["schema"] = namer.hoist(media["schema"], f"{base}Callback")
    return doc


def _inline_shared_parts(doc: dict[str, Any]) -> None:
    """Replace references to shared responses and request bodies (``components/responses``,
    ``components/requestBodies``) with copies, so every later stage sees each operation whole."""
    shared = doc.get("components", {})

    def inline(node: dict[str, Any], section: str) -> dict[str, Any]:
        ref = node.get("$ref", "")
        prefix = f"#/components/{section}/"
        if ref.startswith(prefix) and ref[len(prefix) :] in shared.get(section, {}):
            return copy.deepcopy(shared[section][ref[len(prefix) :]])
        return node

    for _path, _method, op in operations(doc):
        if "requestBody" in op:
            op["requestBody"] = inline(op["requestBody"], "requestBodies")
        for code, response in op.get("responses", {}).items():
            op["responses"][code] = inline(response, "responses")


def _title_payload(doc: dict[str, Any], schema: dict[str, Any], title: str) -> None:
    """Name what the vendor's envelope wraps ``{Operation}Result``: it is what clients return."""
    path = [
        key
        for layer in doc.get("x-sdk", {}).get("envelope", {}).get("layers", [])
        for key in str(layer.get("payload", "")).split(".")
        if key
    ]
    node: dict[str, Any] | None = schema
    for key in path:
        node = _find_property(node, key) if node is not None else None
    if node is not None and node is not schema and "$ref" not in node:
        node.setdefault("title", node.get("x-py-class", title))


def _find_property(schema: dict[str, Any], key: str) -> dict[str, Any] | None:
    if key in schema.get("properties", {}):
        own: dict[str, Any] = schema["properties"][key]
        return own
    for part in schema.get("allOf", []):
        found = _find_property(part, key)
        if found is not None:
            return found
    return None


def operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(path, method, operation) for every operation, in document order."""
    for path, item in doc.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item[method]


def _success_contents(op: dict[str, Any]) -> list[dict[str, Any]]:
    codes = sorted(c for c in op.get("responses", {}) if str(c).startswith("2"))
    return [m for c in codes[:1] for m in op["responses"][c].get("content", {}).values()]


class _Namer:
    def __init__(self, schemas: dict[str, Any]) -> None:
        self.schemas = schemas

    def hoist(self, schema: dict[str, Any], default: str) -> dict[str, Any]:
        """Title ``schema`` and move it to components; returns the ``$ref`` that replaces it."""
        titled_list = schema.get("type") == "array" and "title" in schema  # a list payload
        if "$ref" in schema or not (_is_object(schema) or titled_list):
            self.walk_children(schema, default)
            return schema
        title = schema.get("x-py-class") or schema.get("title") or default
        schema["title"] = title
        self.walk_children(schema, title)
        existing = self.schemas.get(title)
        if existing is not None and existing != schema:
            title = self._free_name(title)
            schema["title"] = title
        self.schemas[title] = schema
        return {"$ref": f"#/components/schemas/{title}"}

    def walk_children(self, schema: dict[str, Any], title: str) -> None:
        for part in schema.get("allOf", []):
            self.walk_children(part, title)
        for name, prop in list(schema.get("properties", {}).items()):
            schema["properties"][name] = self.hoist(prop, f"{title}{pascal(name)}")
        if isinstance(schema.get("items"), dict):
            schema["items"] = self.hoist(schema["items"], f"{title}Item")

    def _free_name(self, title: str) -> str:
        n = 2
        while f"{title}{n}" in self.schemas:
            n += 1
        return f"{title}{n}"


def _is_object(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "object" or "properties" in schema or "allOf" in schema


def _is_scalar(schema: dict[str, Any]) -> bool:
    return not _is_object(schema) and schema.get("type") != "array" and "$ref" not in schema


def inline_scalars(schemas: dict[str, Any]) -> dict[str, Any]:
    """``schemas`` without named scalars (an enum of formats, a code): each reference to one
    is replaced by the schema itself, and inline scalars lose their titles, so a field is typed
    ``Literal["jpg", "png"]`` or ``int`` rather than a wrapper class a caller must construct."""
    prefix = "#/components/schemas/"
    scalars = {prefix + name: s for name, s in schemas.items() if _is_scalar(s)}

    def schema(node: Any) -> Any:
        if not isinstance(node, dict):
            return node
        if node.get("$ref") in scalars:
            node = {**copy.deepcopy(scalars[node["$ref"]]), **node}
            del node["$ref"]
        node = dict(node)
        if _is_scalar(node):
            node.pop("title", None)
        if node.get("type") == "string" and node.get("format") == "uri":
            # A URL is a plain ``str`` in the models: the runtime checks the format on input,
            # and pydantic's ``AnyUrl`` would make every client import pay for pydantic.networks.
            del node["format"]
        for key in ("items", "additionalProperties", "not"):
            node[key] = schema(node[key]) if key in node else None
            if node[key] is None:
                del node[key]
        for key in ("allOf", "anyOf", "oneOf"):
            if key in node:
                node[key] = [schema(part) for part in node[key]]
        if isinstance(node.get("properties"), dict):
            node["properties"] = {k: schema(v) for k, v in node["properties"].items()}
        return node

    return {name: schema(s) for name, s in schemas.items() if prefix + name not in scalars}


def optional_caller_ids(named: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``named``'s schemas in which the field where a caller names a task (an
    operation's ``caller_id``) is optional: the client fills in a fresh id when none is given,
    so a model built by hand may leave it out. The vendor still requires it, and the spec's
    own schemas (which clients and mocks validate against) keep it required."""
    schemas: dict[str, Any] = copy.deepcopy(named["components"]["schemas"])
    prefix = "#/components/schemas/"
    for _path, _method, op in operations(named):
        where = op.get("x-sdk-operation", {}).get("caller_id", "")
        if not where:
            continue
        for media in op.get("requestBody", {}).get("content", {}).values():
            node: dict[str, Any] | None = media.get("schema")
            *parents, last = where.split(".")
            for key in [*parents, None]:
                while node is not None and str(node.get("$ref", "")).startswith(prefix):
                    node = schemas.get(node["$ref"][len(prefix) :])
                if node is None or key is None:
                    break
                node = _find_property(node, key)
            if node is not None and last in node.get("required", []):
                node["required"] = [name for name in node["required"] if name != last]
    return schemas


def start_workers(inputs: list[bytes]) -> ProcessPoolExecutor | None:
    """Worker processes for a ``Batch``, forked before the specs are even loaded, when some
    models are likely missing from the cache: one per vendor whose spec (``inputs``: each
    vendor's spec and overlay bytes) has not had its models made by this module and today's
    datamodel-code-generator (``remember``), leaving a core to this process (on two cores, a
    second worker made the whole a fifth slower: three processes sharing two). Each warms up
    as soon as it starts, making a one-schema model (the library's imports are most of a
    small vendor's cold model time), while the parent goes on loading the specs. None when
    every vendor's models are likely cached, on one core, or where processes cannot be
    forked. A wrong guess costs time, never a wrong model: ``Batch`` looks each one up in the
    cache itself."""
    cores = os.cpu_count() or 1
    if cores < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    cold = sum(1 for data in inputs if cache.get("models-made", _made_key(data)) is None)
    if not cold:
        return None
    workers = min(cold, cores - 1)  # a core left for this process: it has its own work to do
    pool = _forking_pool(workers, _warm_up)
    pool.submit(os.getpid)  # the workers are forked at the first job: now, not when one is due
    return pool


def _forking_pool(workers: int, warm_up: Callable[[], None] | None = None) -> ProcessPoolExecutor:
    """Forked worker processes; a job whose worker dies fails with ``BrokenProcessPool``
    instead of being waited for forever (``multiprocessing.Pool`` would wait)."""
    context = multiprocessing.get_context("fork")
    return ProcessPoolExecutor(workers, mp_context=context, initializer=warm_up)


def _made(job: Future[str], file: str) -> str:
    """The models a worker made for ``file``: its result, or its error; a worker that died
    (killed, out of memory) is named as that."""
    try:
        return job.result()
    except BrokenProcessPool:
        reason = "model generation failed: its worker process died (killed, or out of memory?)"
        raise SpecError(file, "/components/schemas", reason) from None


def remember(inputs: list[bytes]) -> None:
    """Note that the models of each spec in ``inputs`` are in the cache (``start_workers``)."""
    for data in inputs:
        cache.put("models-made", _made_key(data), "")


def _made_key(data: bytes) -> str:
    return cache.key(data, _library_version(), cache.source_of(__file__))


def _warm_up() -> None:
    """A worker's first job: a one-schema model, made and thrown away."""
    warm = {"Warm": {"type": "object", "properties": {"name": {"type": "string"}}}}
    with contextlib.suppress(Exception):  # the real jobs report any trouble with the library
        _generate(_document({"components": {"schemas": warm}}))


class Batch:
    """Several vendors' models, begun one vendor at a time and collected in order (``codes``).
    With ``pool`` (``start_workers``), each one missing from the cache goes to a worker as soon
    as its vendor is added, so models are made while the caller loads the next spec and builds
    the rest of each vendor. Without one, those missing are made together at the end
    (``make_all``)."""

    def __init__(self, pool: ProcessPoolExecutor | None) -> None:
        self._pool = pool
        self._jobs: list[tuple[dict[str, Any], str]] = []
        self._begun: dict[int, Future[str]] = {}

    def add(self, named: dict[str, Any], file: str) -> None:
        if self._pool is not None:
            text = _document(named)  # text, not the dict: the worker gets it as it is now
            if cache.get("models", _models_key(text)) is None:
                self._begun[len(self._jobs)] = self._pool.submit(_models_of, text, file)
        self._jobs.append((named, file))

    def codes(self) -> list[str]:
        """Each added vendor's models, in the order they were added."""
        if self._pool is None:
            return make_all(self._jobs)
        return [
            _made(self._begun[i], job[1]) if i in self._begun else render_models(*job)
            for i, job in enumerate(self._jobs)
        ]


def make_all(jobs: list[tuple[dict[str, Any], str]]) -> list[str]:
    """``render_models`` for each ``(named, file)``. Those missing from the cache are made in
    worker processes, one per core, when there are two or more: datamodel-code-generator
    takes most of a cold regeneration. The workers are forked after it is imported."""
    missing = [i for i, (named, _file) in enumerate(jobs) if _cached(named) is None]
    workers = min(len(missing), os.cpu_count() or 1)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [render_models(named, file) for named, file in jobs]
    import datamodel_code_generator  # noqa: F401 (imported once, before the fork)

    with _forking_pool(workers) as pool:
        batch = Batch(pool)
        for named, file in jobs:
            batch.add(named, file)
        return batch.codes()


def _document(named: dict[str, Any]) -> str:
    """The OpenAPI document datamodel-code-generator is given: the schemas alone."""
    schemas = optional_caller_ids(named)
    document = {
        "openapi": named.get("openapi", "3.0.3"),
        "info": {"title": "models", "version": "0"},
        "paths": {},
        "components": {"schemas": inline_scalars(schemas)},
    }
    return json.dumps(document)


def _cached(named: dict[str, Any]) -> str | None:
    return cache.get("models", _models_key(_document(named)))


def render_models(named: dict[str, Any], file: str) -> str:
    """Python source of the pydantic models for every schema in ``named``."""
    return _models_of(_document(named), file)


def _models_of(text: str, file: str) -> str:
    """``render_models`` for the document ``_document`` made of the schemas."""
    digest = _models_key(text)
    cached = cache.get("models", digest)
    if cached is not None:
        return cached
    try:
        code = _generate(text)
    except Exception as exc:  # the library raises many types; all mean the schema is unusable
        raise SpecError(file, "/components/schemas", f"model generation failed: {exc}") from None
    cache.put("models", digest, code)
    return code


def _generate(text: str) -> str:
    """datamodel-code-generator's models for the OpenAPI document ``text``, with our options."""
    from datamodel_code_generator import InputFileType, LiteralType, PythonVersion, generate
    from datamodel_code_generator.enums import DataModelType, OpenAPIScope

    code = generate(
        text,
        input_file_type=InputFileType.OpenAPI,
        output_model_type=DataModelType.PydanticV2BaseModel,
        openapi_scopes=[OpenAPIScope.Schemas],
        disable_timestamp=True,
        snake_case_field=True,
        use_annotated=True,
        # Enums as Literals: a model field takes the documented string ("png") exactly as
        # the client methods' arguments do, and type checkers accept it in both places.
        enum_field_as_literal=LiteralType.All,
        # Every model remembers the request id of the answer it came in.
        base_class="generator.runtime.model.VendorModel",
        field_constraints=True,
        use_standard_collections=True,
        use_union_operator=True,
        target_python_version=PythonVersion.PY_311,
        use_title_as_name=True,
        extra_fields="allow",
        allow_population_by_field_name=True,
        use_schema_description=True,
        use_field_description=True,
        reuse_model=False,
        formatters=[],
        custom_file_header="",
    )
    return str(code)


def _models_key(document: str) -> str:
    """What the models depend on: the schemas, datamodel-code-generator's version and this
    module (its options above)."""
    return cache.key(document, _library_version(), cache.source_of(__file__))


@functools.cache
def _library_version() -> str:
    from importlib.metadata import version

    return version("datamodel-code-generator")
