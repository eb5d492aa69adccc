"""The checks behind every generated contract test, so the generated tests stay one-liners.

A contract ties a vendor's client, its mock and its spec together: each operation round-trips
client -> mock -> client; every answer the mock gives validates against the spec's response
schema; the documented examples (answers and callbacks) parse with the client; and the vcrpy
cassettes under ``tests/cassettes/<vendor>/`` replay through the client without a network.

Recording: with ``SDK_RECORD=1`` and the vendor's credential variables set, ``replay`` records
against the real vendor instead, with every credential filtered out of the cassette.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qsl, urlencode, urlsplit

from pydantic import BaseModel

from .answers import declared_binary
from .auth import plugin_for
from .client import AsyncClient, SyncClient
from .envelope import unwrap
from .images import image_format, mask_png_base64, png_base64, png_bytes
from .mock.core import MOCK_BASE_URL, VendorMock
from .pages import AsyncPage, SyncPage
from .schemas import declared_properties, declares, undeclared
from .secrets import redact
from .tasks import submitted_task_id
from .validation import validator
from .vendor import Operation, Vendor

ROOT = Path(__file__).resolve().parents[2]
CASSETTES = ROOT / "tests" / "cassettes"
EXAMPLE_VALUES: dict[str, Callable[[str], Any]] = {
    "$example_png": lambda _base: png_base64(),
    "$example_png_512": lambda _base: png_base64(512, 384),
    "$example_png_file": lambda _base: png_bytes(320, 240),
    "$example_mask": lambda _base: mask_png_base64(),
    # An image URL the mock serves itself (from the base URL the client calls).
    "$example_png_url": lambda base: f"{base}/_mock/examples/example.png",
}
RECORD_ENV = "SDK_RECORD"


def example_values(op: Operation, base_url: str = MOCK_BASE_URL) -> dict[str, Any]:
    """The operation's example inputs by wire name, placeholders filled in at any depth
    (URL placeholders point at the scheme and host of ``base_url``)."""
    parts = urlsplit(base_url)
    origin = f"{parts.scheme}://{parts.netloc}"

    def fill(value: Any) -> Any:
        if isinstance(value, str) and value in EXAMPLE_VALUES:
            return EXAMPLE_VALUES[value](origin)
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fill(v) for v in value]
        return value

    filled: dict[str, Any] = fill(dict(op.example))
    return filled


def as_kwargs(op: Operation, values: dict[str, Any]) -> dict[str, Any]:
    """Wire-named values as the Python keyword arguments of the client method."""
    return {op.params_by_wire[wire].py: value for wire, value in values.items()}


def answer_schema(op: Operation, status: int) -> dict[str, Any] | None:
    """The schema the spec gives an answer with this HTTP status: ``{}`` for one it declares
    without a body, None when it declares nothing for that status."""
    if 200 <= status < 300:
        return op.response_schema
    declared = op.error_schemas
    if str(status) in declared:
        return declared[str(status)]
    return declared.get("default", op.response_schema if status < 300 else None)


def binary_answer_problems(op: Operation, status: int, media_type: str, data: bytes) -> list[str]:
    """Why a success answer that is the result itself (``binary_media``) breaks the spec: an
    image media type whose bytes are not that image."""
    kind = media_type.removeprefix("image/").replace("jpg", "jpeg")
    if media_type.startswith("image/") and image_format(data) != kind:
        return [f"{op.name} ({status}): the body is not an {media_type} image"]
    return []


def schema_errors(schema: dict[str, Any], instance: Any, *, strict: bool = True) -> list[str]:
    """Why ``instance`` breaks ``schema``: its rules and, when ``strict``, any field it has
    that the schema does not declare (a mock must not answer what the spec no longer has:
    client code reading such a field would work against the mock and fail against the
    vendor). Failure answers are checked without ``strict``: specs seldom list their fields."""
    found = [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
        for e in validator(schema).iter_errors(instance)
    ]
    extra = undeclared(schema, instance) if strict else []
    return found + [f"{path}: not declared by the spec" for path in extra]


class Contract:
    def __init__(
        self,
        vendor: Vendor,
        client_cls: type[SyncClient],
        async_client_cls: type[AsyncClient],
        create_mock: Callable[..., VendorMock],
        models: Any,
    ) -> None:
        self.vendor = vendor
        self.client_cls = client_cls
        self.async_client_cls = async_client_cls
        self.create_mock = create_mock
        self.models = models

    def _inputs(self, op: Operation, mock: VendorMock, client: SyncClient) -> dict[str, Any]:
        """Example inputs, with a task the mock really has where the operation needs one: made
        by a submit of the task family ``op`` reads."""
        values = self.examples(op)
        if op.role in ("get", "list"):
            submit = self._submit_for(op)
            if submit is not None:
                sent = self.examples(submit)
                payload = client._send(submit, sent)
                _poll, params = self.vendor.poll_for(submit.name)
                if op.task_id:
                    values.update(params)
                    values[op.task_id] = submitted_task_id(self.vendor, submit, payload, sent)
        return as_kwargs(op, values)

    def examples(self, op: Operation) -> dict[str, Any]:
        return example_values(op, self.vendor.base_url or MOCK_BASE_URL)

    def _submit_for(self, op: Operation) -> Operation | None:
        submits = [o for o in self.vendor.operations if o.role == "submit"]
        if op.role == "get":
            submits = [o for o in submits if self.vendor.poll_for(o.name)[0].name == op.name]
        return submits[0] if submits else None

    def round_trip(self, name: str) -> BaseModel:
        """Call ``name`` on a client wired to a fresh mock; check the model and every answer."""
        op = self.vendor.ops[name]
        mock = self.create_mock()
        with mock.client(self.client_cls) as client:
            result = getattr(client, name)(**self._inputs(op, mock, client))
        self._assert_model(op, result)
        self.assert_answers_match_spec(mock)
        return cast(BaseModel, result)

    def async_round_trip(self, name: str) -> BaseModel:
        op = self.vendor.ops[name]
        mock = self.create_mock()

        async def run() -> BaseModel:
            with mock.client(self.client_cls) as sync_client:
                kwargs = self._inputs(op, mock, sync_client)
            async with mock.client(self.async_client_cls) as client:
                return cast(BaseModel, await getattr(client, name)(**kwargs))

        result = asyncio.run(run())
        self._assert_model(op, result)
        self.assert_answers_match_spec(mock)
        return result

    def _assert_model(self, op: Operation, result: Any) -> None:
        if op.payload_model and op.pagination is not None:  # a list: its first page
            assert isinstance(result, SyncPage | AsyncPage)
            result = result.result
        if op.payload_model:
            assert isinstance(result, getattr(self.models, op.payload_model))

    def assert_answers_match_spec(self, mock: VendorMock) -> None:
        problems = []
        for entry in mock.journal:
            op = self.vendor.ops.get(entry.operation)
            if op is None:
                continue
            if declared_binary(op, entry.media_type) and 200 <= entry.status < 300:
                problems += binary_answer_problems(op, entry.status, entry.media_type, entry.answer)
                continue
            schema = answer_schema(op, entry.status)
            if schema is None:
                problems.append(f"{op.name} ({entry.status}): the spec declares no such answer")
            elif schema == {} and entry.response is not None:
                problems.append(f"{op.name} ({entry.status}): declared without a body, got one")
            elif schema:
                found = schema_errors(schema, entry.response, strict=_succeeded(self.vendor, entry))
                problems += [f"{op.name} ({entry.status}): {p}" for p in found]
        assert not problems, "mock answers break the spec:\n" + "\n".join(problems)

    def task_fields_are_in_the_spec(self) -> None:
        """The fields the client follows tasks by are fields the spec's answers declare: each
        submit's new task id, and each task family's status, images, progress and error."""
        problems = []
        for op in self.vendor.operations:
            if op.role == "get" and self.vendor.task_spec(op) is not None:
                fields = self.vendor.task_spec(op).fields  # type: ignore[union-attr]
                paths = [
                    fields.status,
                    *fields.images,
                    fields.progress,
                    fields.preview,
                    fields.error,
                ]
                problems += self._missing(op, [p for p in paths if p])
            if op.role == "submit" and not op.task_id.startswith("$"):
                family = self.vendor.task_spec(self.vendor.poll_for(op.name)[0])
                problems += self._missing(op, [op.task_id or (family.fields.id if family else "")])
        assert not problems, "the client follows tasks by fields the spec lacks:\n" + "\n".join(
            problems
        )

    def _missing(self, op: Operation, paths: list[str]) -> list[str]:
        schema = payload_schema(self.vendor, op)
        return [f"{op.name}: {path}" for path in paths if path and not declares(schema, path)]

    def refused_answers_match_spec(self, name: str) -> None:
        """A request with an unknown credential is refused, in a shape the spec allows."""
        op = self.vendor.ops[name]
        mock = self.create_mock()
        with mock.client(self.client_cls) as client:
            kwargs = self._inputs(op, mock, client)
        first = self.vendor.auth.credentials[0].name
        with mock.client(self.client_cls, **{first: "not-a-known-key"}) as client:
            try:
                getattr(client, name)(**kwargs)
            except Exception as exc:
                from .errors import APIError

                assert isinstance(exc, APIError), f"expected an APIError, got {exc!r}"
            else:
                raise AssertionError("an unknown credential was accepted")
        expected = (
            self.vendor.errors["authentication"].http_status
            if "authentication" in self.vendor.errors
            else None
        )
        assert expected is None or mock.journal[-1].status == expected
        self.assert_answers_match_spec(mock)

    def example_answer_parses(self, name: str) -> BaseModel:
        """The spec's example answer unwraps and parses into the operation's model."""
        op = self.vendor.ops[name]
        assert op.response_example is not None, f"{name} has no example answer in the spec"
        assert not schema_errors(op.response_schema, op.response_example)
        payload, _ = unwrap(self.vendor, op.response_example, 200, op.role)
        return cast(BaseModel, getattr(self.models, op.payload_model).model_validate(payload))

    def callback_example_parses(self, name: str) -> Any:
        op = self.vendor.ops[name]
        assert op.callback_example is not None, f"{name} has no callback example in the spec"
        assert not schema_errors(op.callback_schema, op.callback_example)
        getattr(self.models, op.callback_model).model_validate(op.callback_example)
        with self.create_mock().client(self.client_cls) as client:
            return client.parse_callback(op.callback_example, operation=name)

    # -- cassettes -----------------------------------------------------------------------
    def cassette(self, name: str) -> Path:
        return CASSETTES / self.vendor.package / f"{name}.yaml"

    def recording(self) -> bool:
        return os.environ.get(RECORD_ENV) == "1" and all(
            os.environ.get(c.env) for c in self.vendor.auth.credentials
        )

    def vcr(self) -> Any:
        import vcr

        return vcr.VCR(
            record_mode="all" if self.recording() else "none",
            **cassette_filters(self.vendor),
        )

    def replay(self, name: str) -> BaseModel:
        """The cassette of ``name`` replays through the client and parses."""
        op = self.vendor.ops[name]
        path = self.cassette(name)
        assert self.recording() or path.is_file(), f"no cassette {path}"
        credentials = {
            c.name: os.environ.get(c.env) or c.mock_default for c in self.vendor.auth.credentials
        }
        base_url = (
            self.vendor.base_url
            or os.environ.get(f"{self.vendor.package.upper()}_BASE_URL")
            or "http://vendor.invalid"
        )
        generated: Any = self.client_cls  # a generated client takes its credentials by name
        with (
            self.vcr().use_cassette(str(path)),
            generated(**credentials, base_url=base_url, max_retries=0) as client,
        ):
            result = getattr(client, name)(**as_kwargs(op, self.examples(op)))
        self._assert_model(op, result)
        return cast(BaseModel, result)


def cassette_filters(vendor: Vendor) -> dict[str, Any]:
    """vcrpy options that keep this vendor's credentials out of a cassette."""
    auth = vendor.auth
    query = [auth.field] if auth.kind == "query" else []
    headers = ["authorization", *plugin_for(auth).secret_headers()]
    headers += sorted(  # headers that carry a credential (Zhiqite's account key pair)
        {p.wire for op in vendor.operations for p in op.params if p.source == "credential"}
    )

    def scrub(request: Any) -> Any:
        content_type = request.headers.get("Content-Type", "") or ""
        request.body = scrub_body(vendor, content_type, request.body)
        return request

    return {
        "filter_query_parameters": query,
        "filter_headers": headers,
        "before_record_request": scrub,
        "before_record_response": scrub_response_headers,
        "decode_compressed_response": True,
    }


def scrub_response_headers(response: dict[str, Any]) -> dict[str, Any]:
    """A recorded answer with every credential value masked in its headers: a gateway's
    refusal may echo what it was sent (Alibaba's string to sign names the app key)."""
    headers = response.get("headers") or {}
    for name, values in headers.items():
        if isinstance(values, list):
            headers[name] = [redact(v) if isinstance(v, str) else v for v in values]
        elif isinstance(values, str):
            headers[name] = redact(values)
    return response


def scrub_body(vendor: Vendor, content_type: str, body: bytes | str | None) -> Any:
    """``body`` without the credential a form-key vendor sends in it (urlencoded or
    multipart); other bodies are returned unchanged."""
    field = vendor.auth.field
    if vendor.auth.kind != "form" or not body:
        return body
    raw = body.encode() if isinstance(body, str) else body
    if content_type.startswith("application/x-www-form-urlencoded"):
        pairs = parse_qsl(raw.decode(), keep_blank_values=True)
        return urlencode([(k, v) for k, v in pairs if k != field]).encode()
    boundary = content_type.partition("boundary=")[2].strip('"')
    if content_type.startswith("multipart/form-data") and boundary:
        marker = b"--" + boundary.encode()
        named = f'name="{field}"'.encode()
        parts = raw.split(marker)
        return marker.join(p for p in parts if named not in p.split(b"\r\n\r\n", 1)[0])
    return body


def payload_schema(vendor: Vendor, op: Operation) -> dict[str, Any]:
    """The schema of what the envelope unwraps to, inside ``op``'s answer schema."""
    schema = op.response_schema
    for layer in vendor.envelope.layers:
        for key in filter(None, layer.payload.split(".")):
            schema = declared_properties(schema).get(key, {})
    return schema


def _succeeded(vendor: Vendor, entry: Any) -> bool:
    """True when a journal entry's answer is the vendor's success."""
    try:
        unwrap(vendor, entry.response, entry.status)
    except Exception:  # any typed failure, or a malformed answer
        return False
    return True
