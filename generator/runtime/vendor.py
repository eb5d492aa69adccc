"""The vendor model: everything a client or a mock needs to know about one vendor's API.

The generator builds it from a spec (``generator.ir``) and writes it into each generated
package as ``vendor.json``; the runtime reads it back with :func:`load_vendor`. Everything that
differs between vendors is data here, so the runtime itself never asks which vendor it serves.
The ``x-sdk*`` extensions that feed it are described in ``specs/EXTENSIONS.md``.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["queued", "running", "succeeded", "failed"]
ErrorKind = Literal[
    "authentication",
    "token_missing",
    "token_invalid",
    "token_not_yet_valid",
    "token_expired",
    "permission_denied",
    "account_in_arrears",
    "account_restricted",
    "quota_exceeded",
    "rate_limited",
    "concurrency_limited",
    "invalid_request",
    "invalid_image",
    "download_failed",
    "not_found",
    "conflict",
    "unknown_operation",
    "payload_too_large",
    "server_error",
    "image_missing",
    "image_resolution",
    "unsupported_version",
    "app_key_invalid",
    "signature_invalid",
    "digest_invalid",
    "timestamp_invalid",
    "nonce_used",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Credential(_Model):
    """One secret the client is constructed with (``app_key``, ``secret_key``, ...). An
    optional one (a session token) may be left out; the mock has no default for it."""

    name: str
    env: str
    description: str = ""
    mock_default: str = "test"
    required: bool = True


class Setting(_Model):
    """A client option that is not a secret (Tencent's region): its constructor argument,
    environment variable, default (empty: required) and allowed values."""

    name: str
    env: str = ""
    default: str = ""
    description: str = ""
    choices: tuple[str, ...] = ()


AuthKind = Literal["query", "form", "header", "bearer_jwt", "tc3", "ca_signature"]
Role = Literal["submit", "get", "list", "action", "catalog"]


class Auth(_Model):
    """How requests prove who sends them. ``kind`` picks the plug-in in ``runtime.auth``.

    ``alternatives`` are other ways in the vendor offers (Alibaba's market: the AppCode, or the
    app key signature); each lists every credential it needs. A client uses the first way
    whose credentials it was given (given ones before those from the environment); a mock
    accepts each way, telling them apart by what the request carries."""

    kind: AuthKind
    scheme: str = ""
    field: str = ""
    prefix: str = ""
    credentials: tuple[Credential, ...]
    token_ttl_seconds: int = 1800
    token_not_before_seconds: int = 5
    service: str = ""
    max_skew_seconds: int = 300
    alternatives: tuple[Auth, ...] = ()

    @property
    def modes(self) -> tuple[Auth, ...]:
        """This way in, then each alternative."""
        return (self, *self.alternatives)

    @property
    def all_credentials(self) -> tuple[Credential, ...]:
        """Every credential of every way in, each once, in order (the client's arguments)."""
        seen: dict[str, Credential] = {}
        for mode in self.modes:
            for cred in mode.credentials:
                seen.setdefault(cred.name, cred)
        return tuple(seen.values())


class EnvelopeLayer(_Model):
    """One wrapping level of a vendor's answer.

    ``code`` is a dotted path to the status code inside this layer and ``success`` lists the
    values meaning success (``None`` means "the field is absent"). ``request_id`` is where the
    answer carries the vendor's request id: on every answer, or on errors only
    (``request_id_on: errors``). ``payload`` is the path to the next layer, or empty when the
    next layer lives in this same object. ``on_success`` and
    ``on_error`` are constant fields a mock adds to this layer (ShowAPI's ``showapi_fee_num``).
    """

    code: str
    success: tuple[Any, ...]
    message: tuple[str, ...] = ()
    request_id: str = ""
    request_id_on: Literal["all", "errors"] = "all"
    payload: str = ""
    on_success: dict[str, Any] = Field(default_factory=dict)
    on_error: dict[str, Any] = Field(default_factory=dict)


class Envelope(_Model):
    """The layers of an answer, and ``error_header``: the response header in which a gateway
    in front of the vendor gives its reason when it refuses without a body (Alibaba's
    ``X-Ca-Error-Message``), and ``error_code_header`` the one with its code
    (``X-Ca-Error-Code``), which tells the client the kind of refusal."""

    layers: tuple[EnvelopeLayer, ...] = ()
    error_header: str = ""
    error_code_header: str = ""


class ErrorSpec(_Model):
    """How the vendor says one kind of failure: which layer, which code, which HTTP status.
    ``also`` lists the vendor's other codes of this kind (``Prefix.*`` matches a family): the
    client maps them to the same exception; the mock answers with ``code``."""

    layer: int = 0
    code: Any = None
    also: tuple[str, ...] = ()
    message: str = "{detail}"
    http_status: int = 200
    headers: dict[str, str] = Field(default_factory=dict)
    body: bool = True


class TaskFields(_Model):
    """Where a task's facts sit in the vendor's task object (dotted paths, ``[]`` for lists).
    ``images`` hold result URLs; ``images_base64`` results given inline, as base64 text.
    ``status`` may name alternatives, ``state|status``: the first one present is read; it is
    empty for a vendor whose answer says the status by its HTTP status alone
    (``TaskSpec.http_statuses``)."""

    id: str
    status: str = ""
    images: tuple[str, ...] = ()
    images_base64: tuple[str, ...] = ()
    progress: str = ""
    preview: str = ""
    created: str = ""
    error: str = ""


class TaskSpec(_Model):
    """A task family: how the vendor writes its tasks. ``status_type`` says whether status
    words are strings or integers on the wire; ``messages`` is the text the vendor puts beside
    each status (Zhiqite's ``desc``). ``http_statuses`` reads the status from the get
    answer's HTTP status (``{202: running, 200: succeeded}``), for a vendor whose answer has
    no status field (or whose success is the image itself); an answer in the error range it
    names (a failed task's ``422``) is then the task, not an error."""

    poll_interval: float = 2.0
    statuses: dict[str, Status] = Field(default_factory=dict)
    http_statuses: dict[int, Status] = Field(default_factory=dict)
    status_type: Literal["string", "integer"] = "string"
    messages: dict[Status, str] = Field(default_factory=dict)
    fields: TaskFields
    view: dict[str, Any] = Field(default_factory=dict)
    time_format: str = "%Y-%m-%d %H:%M:%S"
    utc_offset_hours: float = 0

    def wire_status(self, status: Status) -> str | int:
        """The vendor's word for ``status``; a vendor without a word for queued says running's,
        one with no words (its status is the HTTP status) the status itself."""
        return self.wire_words[status]  # a KeyError names a status without a word

    @cached_property
    def wire_words(self) -> dict[Status, str | int]:
        """``wire_status`` of every status that has a word, worked out once: every task the
        mock answers with reads it."""
        if not self.statuses:
            return {status: status for status in get_args(Status)}
        words: dict[Status, str | int] = {}
        for wire, canonical in self.statuses.items():  # the first word of a status is its own
            words.setdefault(canonical, int(wire) if self.status_type == "integer" else wire)
        if "queued" not in words and "running" in words:
            words["queued"] = words["running"]
        return words


class CallbackSpec(_Model):
    """Callbacks: on which statuses they are sent, their payload template, where the payload
    keeps the task's facts (``fields``, when they differ from the task object's), the reply the
    vendor expects from the receiver, and the retry ladder in seconds."""

    when: tuple[Status, ...] = ("succeeded", "failed")
    fields: TaskFields | None = None
    payload: dict[str, Any] = Field(default_factory=dict)
    reply: dict[str, Any] | None = None
    retry_seconds: tuple[float, ...] = ()


class MockDefaults(_Model):
    """Mock defaults: task durations, each account's starting quota (submits, None for
    unlimited), money and price per submit, how many jobs an account may run at once (None for
    no limit), and the largest request body the vendor takes."""

    task_seconds: float = 3.0
    queue_seconds: float = 0.0
    quota: int | None = None
    money: float | None = None
    price: float = 0.0
    concurrency: int | None = None
    max_body_bytes: int = 32 * 1024 * 1024


class Param(_Model):
    """One input of an operation, wherever it travels.

    ``source`` says who fills it in: the caller (``input``, a method argument), the spec
    (``constant``: ``value``), a client setting (``setting``: ``value`` names it) or the auth
    plug-in (``auth``). A request whose constant differs is refused as ``refusal``; a
    constant header also picks the operation in the mock (Tencent's action) unless ``routes``
    is false (a version header that is sent and checked but routes nothing).
    """

    wire: str
    py: str
    location: Literal["query", "path", "header", "form", "json", "file"]
    required: bool = False
    schema_: dict[str, Any] = Field(default_factory=dict, alias="schema")
    description: str = ""
    py_type: str = "str"
    source: Literal["input", "constant", "setting", "auth", "credential"] = "input"
    value: str = ""
    refusal: ErrorKind = "invalid_request"
    aliases: tuple[str, ...] = ()
    allow_slash: bool = False
    literal: tuple[str, ...] = ()
    routes: bool = True


class ImageLimit(_Model):
    """An image input's limits. ``base64_or_url`` takes either in one field. ``max_bytes``
    bounds the image itself (decoded, downloaded or uploaded); ``max_base64_chars`` the base64
    text, for vendors that state their limit that way. ``min_aspect`` and ``max_aspect`` bound
    width / height."""

    source: Literal["base64", "url", "file", "base64_or_url"]
    formats: tuple[str, ...] = ()
    max_bytes: int | None = None
    max_base64_chars: int | None = None
    min_side: int | None = None
    max_side: int | None = None
    min_aspect: float | None = None
    max_aspect: float | None = None
    channels: int | None = None


class ImageSlot(_Model):
    """An image the operation takes in one of several inputs (dotted paths reach into objects),
    the first one given winning (Tencent: the URL over the base64). ``same_size_as`` names
    another slot whose image must have the same width and height."""

    inputs: tuple[str, ...]
    required: bool = False
    same_size_as: str = ""


class Limits(_Model):
    exactly_one_of: tuple[tuple[str, ...], ...] = ()
    non_empty: tuple[str, ...] = ()
    unique: tuple[str, ...] = ()
    images: dict[str, ImageLimit] = Field(default_factory=dict)
    slots: dict[str, ImageSlot] = Field(default_factory=dict)


class Pagination(_Model):
    page: str
    size: str
    default_size: int = 20
    items: str = ""
    total: str = ""
    pages: str = ""


class OperationMock(_Model):
    """How the mock serves an operation: the image effect and its arguments (effect argument
    name -> input wire name), the inputs carrying the image and the callback URL, the template
    of the answer's payload, and how long result URLs live. ``http_status`` gives a get
    operation's HTTP status by the task's state (``{queued: 202, running: 202}``; 200 otherwise).
    ``body_file`` makes a get answer, once its task succeeded, with that result file's bytes
    (named as in ``$task.files.<name>``; its own media type) instead of the JSON ``response``.
    A catalog
    operation serves ``rows``, keeping those whose field equals each given filter input
    (``filters``: input wire name -> row field)."""

    effect: str = ""
    params: dict[str, str] = Field(default_factory=dict)
    image: tuple[str, ...] = ()
    callback_url: str = ""
    response: dict[str, Any] | list[Any] = Field(default_factory=dict)
    files_ttl: float | None = None
    rows: tuple[dict[str, Any], ...] = ()
    filters: dict[str, str] = Field(default_factory=dict)
    http_status: dict[Status, int] = Field(default_factory=dict)
    body_file: str = ""


class Poll(_Model):
    """Which get operation follows a submit's tasks, with the inputs it needs besides the
    task id (Zhiqite's tool tasks: ``get_tool_task`` with ``toolCode: enhance``)."""

    operation: str
    params: dict[str, Any] = Field(default_factory=dict)


class Operation(_Model):
    name: str
    operation_id: str
    method: str
    path: str
    role: Role
    doc: str = ""
    body: Literal["none", "form", "json", "multipart"] = "none"
    media_type: str = ""
    params: tuple[Param, ...] = ()
    task_id: str = ""
    caller_id: str = ""
    idempotent: bool = True
    task: TaskSpec | None = None
    poll: Poll | None = None
    limits: Limits = Limits()
    pagination: Pagination | None = None
    mock: OperationMock = OperationMock()
    example: dict[str, Any] = Field(default_factory=dict)
    response_model: str = ""
    payload_model: str = ""
    response_schema: dict[str, Any] = Field(default_factory=dict)
    error_schemas: dict[str, dict[str, Any]] = Field(default_factory=dict)
    response_example: Any = None
    response_status: int = 200
    binary_media: tuple[str, ...] = ()
    callback_model: str = ""
    callback_schema: dict[str, Any] = Field(default_factory=dict)
    callback_example: Any = None

    @cached_property
    def params_by_wire(self) -> dict[str, Param]:
        return {p.wire: p for p in self.params}

    @cached_property
    def inputs(self) -> tuple[Param, ...]:
        """The params the caller gives: the client method's arguments."""
        return tuple(p for p in self.params if p.source == "input")


class Vendor(_Model):
    """One vendor's API, as the runtime serves it."""

    package: str
    class_prefix: str
    title: str
    spec_sha256: str
    base_url: str = ""
    auth: Auth
    envelope: Envelope = Envelope()
    errors: dict[ErrorKind, ErrorSpec] = Field(default_factory=dict)
    task: TaskSpec | None = None
    callback: CallbackSpec | None = None
    mock: MockDefaults = MockDefaults()
    settings: tuple[Setting, ...] = ()
    operations: tuple[Operation, ...]

    @cached_property
    def ops(self) -> dict[str, Operation]:
        return {op.name: op for op in self.operations}

    @cached_property
    def error_specs(self) -> dict[str, ErrorSpec]:
        """``errors`` keyed by plain text: the runtime looks kinds up by name."""
        return {str(kind): spec for kind, spec in self.errors.items()}

    def op_for_role(self, role: str) -> Operation | None:
        return next((op for op in self.operations if op.role == role), None)

    def literal_types(self) -> list[tuple[str, tuple[str, ...]]]:
        """The named string enums the client's method arguments use, as (name, values)."""
        found = {p.py_type: p.literal for op in self.operations for p in op.inputs if p.literal}
        return sorted(found.items())

    def poll_for(self, submit: str | None = None) -> tuple[Operation, dict[str, Any]]:
        """The get operation that follows tasks of ``submit`` (a submit operation's name; the
        vendor's first get operation when None), with the inputs it needs besides the id."""
        op = self.ops.get(submit or "")
        if op is not None and op.poll is not None:
            return self.ops[op.poll.operation], dict(op.poll.params)
        if op is not None and op.role == "get":
            return op, {}
        default = self.op_for_role("get")
        if default is None:
            raise KeyError(f"{self.package} has no get operation")
        return default, {}

    def task_spec(self, get: Operation | None = None) -> TaskSpec | None:
        """The task family a get operation reads (its own, else the vendor's)."""
        return (get.task if get is not None else None) or self.task


# -- the extensions as a spec writes them -------------------------------------------------------
# The models above are what the runtime reads; these are the ``x-sdk*`` extensions as written in
# a spec, checked key by key (an unknown key is an error) before ``generator.ir`` builds the
# vendor model from them, and exported as ``specs/x-sdk.schema.json`` for editors.


class AuthExtension(Auth):
    """``x-sdk.auth``: ``kind`` and ``field`` may come from the named security scheme."""

    kind: AuthKind | None = None  # type: ignore[assignment]
    credentials: tuple[Credential, ...] = ()


class VendorExtension(_Model):
    """``x-sdk``, at the root of a spec (see ``specs/EXTENSIONS.md``)."""

    package: str
    class_prefix: str
    title: str = ""
    base_url_required: bool = False
    auth: AuthExtension
    envelope: Envelope = Envelope()
    errors: dict[ErrorKind, ErrorSpec] = Field(default_factory=dict)
    task: TaskSpec | None = None
    callback: CallbackSpec | None = None
    mock: MockDefaults = MockDefaults()
    settings: tuple[Setting, ...] = ()


class OperationExtension(_Model):
    """``x-sdk-operation``, on each operation: ``role`` is required (see EXTENSIONS.md)."""

    role: Role
    name: str = ""
    doc: str = ""
    task_id: str = ""
    caller_id: str = ""
    idempotent: bool | None = None
    example: dict[str, Any] = Field(default_factory=dict)
    mock: OperationMock = OperationMock()
    pagination: Pagination | None = None
    task: TaskSpec | None = None
    poll: Poll | None = None


class ParameterExtensions(_Model):
    """The ``x-sdk*`` keys a parameter may carry."""

    x_sdk_from: str = Field("input", alias="x-sdk-from")
    x_sdk_refusal: ErrorKind = Field("invalid_request", alias="x-sdk-refusal")
    x_sdk_allow_slash: bool = Field(False, alias="x-sdk-allow-slash")
    x_sdk_routes: bool = Field(True, alias="x-sdk-routes")
    x_sdk_doc: dict[str, Any] = Field(default_factory=dict, alias="x-sdk-doc")


class PropertyExtensions(_Model):
    """The ``x-sdk*`` keys a schema property may carry."""

    x_sdk_aliases: tuple[str, ...] = Field((), alias="x-sdk-aliases")
    x_sdk_doc: dict[str, Any] = Field(default_factory=dict, alias="x-sdk-doc")


def load_vendor(path: str | Path) -> Vendor:
    """Read a generated package's ``vendor.json``."""
    return Vendor.model_validate_json(Path(path).read_bytes())
