"""A vendor's answer envelope, both ways: unwrapped by clients, rendered by mocks.

An envelope is a list of layers (``x-sdk.envelope.layers``). Each layer has a code whose
success values are known, a message, maybe a request id, and the path to the next layer.
ShowAPI has two (the gateway's ``showapi_res_code``, then the business ``ret_code``); Tencent's
``Response.Error`` is one layer whose success is the code's absence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple

from . import errors
from .paths import get_path, set_path
from .schemas import declares
from .secrets import redact

if TYPE_CHECKING:
    from .vendor import Envelope, EnvelopeLayer, ErrorSpec, Vendor

FALLBACK_KINDS = {
    "token_missing": "authentication",
    "token_invalid": "authentication",
    "token_not_yet_valid": "authentication",
    "token_expired": "authentication",
    "account_in_arrears": "quota_exceeded",
    "concurrency_limited": "rate_limited",
    "rate_limited": "server_error",
    "invalid_image": "invalid_request",
    "download_failed": "invalid_request",
    "payload_too_large": "invalid_request",
    "unknown_operation": "not_found",
    "not_found": "invalid_request",
    "conflict": "invalid_request",
    "permission_denied": "authentication",
    "image_missing": "invalid_request",
    "image_resolution": "invalid_image",
    "unsupported_version": "unknown_operation",
}


@dataclass(frozen=True, slots=True)
class LayerReader:
    """A layer as a client reads it in every answer, read out of the vendor model once (a
    pydantic model's attribute reads cost several times a plain object's)."""

    layer: EnvelopeLayer
    index: int  # its place among the envelope's layers, outermost 0
    code: str
    success: tuple[Any, ...]
    success_texts: frozenset[str]  # the success codes as text: a code may come as a string
    request_id: str
    request_id_always: bool
    payload: str
    flat: bool  # no path has a dot: each is one key, read without ``get_path``'s call

    def texts_succeed(self, code: Any) -> bool:
        """Whether ``code``, as text, is a success code (a code may come as a string)."""
        return code is not None and str(code) in self.success_texts


def layer_readers(envelope: Envelope) -> tuple[LayerReader, ...]:
    """``envelope``'s layers as :class:`LayerReader`, worked out once."""
    known = _readers.get(id(envelope))
    if known is not None and known[0] is envelope:
        return known[1]
    readers = tuple(
        LayerReader(
            layer=layer,
            index=index,
            code=layer.code,
            success=layer.success,
            success_texts=frozenset(str(s) for s in layer.success if s is not None),
            request_id=layer.request_id,
            request_id_always=bool(layer.request_id) and layer.request_id_on == "all",
            payload=layer.payload,
            flat="." not in layer.code + layer.request_id + layer.payload,
        )
        for index, layer in enumerate(envelope.layers)
    )
    _readers[id(envelope)] = (envelope, readers)  # holding the envelope keeps its id unique
    return readers


_readers: dict[int, tuple[Envelope, tuple[LayerReader, ...]]] = {}


def is_success(layer: LayerReader, code: Any) -> bool:
    return code in layer.success or not layer.code or layer.texts_succeed(code)


def layer_message(layer: EnvelopeLayer, node: Any) -> str:
    for path in layer.message:
        value = get_path(node, path)
        if value not in (None, ""):
            return str(value)
    return ""


def unwrap(
    vendor: Vendor, body: Any, status_code: int, role: str = "", task_statuses: Any = ()
) -> tuple[Any, str]:
    """The payload inside ``body`` and the request id; a failure raises its typed error. An
    error-range HTTP status in ``task_statuses`` (a failed task's, for a family whose status
    is the HTTP status) is a task's answer, not a failure, unless the envelope says one."""
    return unwrap_layers(
        layer_readers(vendor.envelope), vendor, body, status_code, role, task_statuses
    )


def unwrap_layers(
    layers: tuple[LayerReader, ...],
    vendor: Vendor,
    body: Any,
    status_code: int,
    role: str,
    task_statuses: Any,
) -> tuple[Any, str]:
    """:func:`unwrap` with the vendor's layers read out already (a client keeps them per
    operation: see ``answers.AnswerFacts``)."""
    node, request_id = body, ""
    for layer in layers:
        if not isinstance(node, dict):
            raise errors.ResponseFormatError(
                f"[{vendor.package}] envelope layer {layer.index} is {type(node).__name__}, "
                "not an object"
            )
        get = node.get if layer.flat else partial(get_path, node)
        code = get(layer.code) if layer.code else None
        if code in layer.success or not layer.code or layer.texts_succeed(code):  # is_success
            if layer.request_id_always:
                request_id = str(get(layer.request_id) or request_id)
            if layer.payload:
                node = get(layer.payload, {})
            continue
        if layer.request_id:
            request_id = str(get(layer.request_id) or request_id)
        message = layer_message(layer.layer, node)
        raise api_error(vendor, layer.index, code, message, status_code, request_id, body, role)
    if status_code >= 400 and status_code not in task_statuses:
        raise api_error(
            vendor, -1, None, f"HTTP {status_code}", status_code, request_id, body, role
        )
    return node, request_id


def api_error(
    vendor: Vendor,
    layer: int,
    code: Any,
    message: str,
    status_code: int,
    request_id: str,
    body: Any,
    role: str = "",
) -> errors.APIError:
    """The typed error for a failure the vendor reported at ``layer`` with ``code``."""
    kinds = kinds_of(vendor, layer, code)
    if len(kinds) > 1:  # several kinds share the code: the message tells them apart
        kinds = _by_message(vendor, kinds, message) or kinds
    if len(kinds) > 1 and role == "get" and "not_found" in kinds:
        kinds = ["not_found"]
    cls = _error_class(kinds, status_code)
    return cls(
        redact(message or "request failed"),
        vendor=vendor.package,
        code=code,
        status_code=status_code,
        request_id=request_id,
        body=body,
    )


def bodiless_error(
    vendor: Vendor, status_code: int, text: str, headers: Mapping[str, str]
) -> errors.APIError:
    """The typed error for an HTTP failure without the vendor's JSON (a gateway's refusal):
    its reason from ``envelope.error_header`` when the vendor names one, its kind from the
    bodiless ``errors`` with that status (told apart by the reason's text)."""
    header = vendor.envelope.error_header.lower()
    message = redact(headers.get(header, "") if header else "") or text or f"HTTP {status_code}"
    code_header = vendor.envelope.error_code_header
    code = headers.get(code_header.lower()) if code_header else None
    specs = vendor.error_specs
    kinds = [k for k, s in specs.items() if not s.body and s.http_status == status_code]
    if len(kinds) > 1 and code:
        kinds = [k for k in kinds if specs[k].headers.get(code_header) == code] or kinds
    if len(kinds) > 1:
        kinds = _by_message(vendor, kinds, message) or kinds
    cls = _error_class(kinds, status_code)
    return cls(message, vendor=vendor.package, code=code, status_code=status_code, body=text)


def _error_class(kinds: list[str], status_code: int) -> type[errors.APIError]:
    """The exception of the one kind found; else the one the HTTP status suggests."""
    if len(kinds) == 1:
        return errors.BY_KIND[kinds[0]]
    if status_code >= 500:
        return errors.ServerError
    return errors.BY_HTTP_STATUS.get(status_code, errors.APIError)


def json_of(response: Any) -> Any:
    """An httpx response's JSON, parsed once however often it is asked for (``ValueError``
    when it is not JSON). A body that is not JSON is remembered as such, not as the error: an
    error kept on the response would hold, through its traceback, the frames that hold the
    response (a cycle only the garbage collector frees), and grow with every raise."""
    cached = response.__dict__.get("_sdk_json", _UNSET)
    if cached is _UNSET:
        try:
            cached = response.json()
        except ValueError:
            cached = _NOT_JSON
        response.__dict__["_sdk_json"] = cached
    if cached is _NOT_JSON:
        raise ValueError("the answer is not JSON")
    return cached


_UNSET = object()
_NOT_JSON = object()


def refusal_kind(vendor: Vendor, response: Any) -> str:
    """The error kind a failed HTTP answer names by its envelope code, or ``""``."""
    try:
        body = json_of(response)
    except ValueError:
        return ""
    layers = vendor.envelope.layers
    if not layers or not layers[0].code or not isinstance(body, dict):
        return ""
    kinds = kinds_of(vendor, 0, get_path(body, layers[0].code))
    return kinds[0] if len(kinds) == 1 else ""


def kinds_of(vendor: Vendor, layer: int, code: Any) -> list[str]:
    """The error kinds whose code (or, failing that, one of whose ``also`` codes) is ``code``."""
    if code is None:
        return []
    specs = vendor.error_specs
    mine = [k for k, s in specs.items() if s.layer == layer]
    exact = [k for k in mine if str(specs[k].code) == str(code)]
    return exact or [k for k in mine if _also(specs[k], code)]


def _also(spec: ErrorSpec, code: Any) -> bool:
    """True when ``code`` is one of ``spec.also`` (``Prefix.*`` matching a family)."""
    text = str(code)
    return any(
        text == other or (other.endswith(".*") and text.startswith(other[:-1]))
        for other in spec.also
    )


def _by_message(vendor: Vendor, kinds: list[str], message: str) -> list[str]:
    """The kinds whose message template's fixed start begins ``message``, keeping only those
    with the longest such start (``"failed: system error"`` beats ``"failed: "``)."""
    fixed = {k: vendor.error_specs[k].message.split("{detail}")[0] for k in kinds}
    matching = {k: len(f) for k, f in fixed.items() if f and message.startswith(f)}
    if not matching:
        return []
    longest = max(matching.values())
    return [k for k, n in matching.items() if n == longest]


# -- the mock's side ------------------------------------------------------------------------


def render_success(vendor: Vendor, payload: Any, request_id: str) -> Any:
    """Wrap ``payload`` (a copy of it, when an object) in every layer, with the success code
    and request id set."""
    known = _plans.get(id(vendor))
    write = known[1] if known is not None and known[0] is vendor else _success_plan(vendor)
    return write(dict(payload) if isinstance(payload, dict) else payload, request_id)


class SuccessLayer(NamedTuple):
    """What a success writes into one layer, worked out once per vendor (``""``: nothing):
    the path the body so far is wrapped under, the message blanked, the code stamped, the
    request id stamped, constant fields, and whether any of those paths is dotted."""

    wrap: str
    blank: str
    code_path: str
    code: Any
    id_path: str
    extra: tuple[tuple[str, Any], ...]
    dotted: bool


def success_layer(layer: EnvelopeLayer) -> SuccessLayer:
    """``layer``'s writes on a success. The message is blanked only in a layer that wraps,
    and not where success means the code is absent; the request id only where the vendor
    gives one on every answer."""
    code = layer.success[0] if layer.success else None
    blank = (
        layer.message[0] if layer.payload and layer.message and None not in layer.success else ""
    )
    code_path = layer.code if code is not None else ""
    id_path = layer.request_id if layer.request_id_on == "all" else ""
    return SuccessLayer(
        wrap=layer.payload,
        blank=blank,
        code_path=code_path,
        code=code,
        id_path=id_path,
        extra=tuple(layer.on_success.items()),
        dotted="." in f"{layer.payload}{blank}{code_path}{id_path}",
    )


def write_success(plan: Sequence[SuccessLayer], body: Any, request_id: str) -> Any:
    """``body`` through each layer of ``plan``, innermost first, in one frame: the mock
    answers every request through it. A code or request id is never written over a payload
    field of the same name (an envelope whose payload shares its object). A layer whose
    paths are all single keys is written here; one with a dotted path by ``_write_dotted``."""
    for layer in plan:
        if layer.dotted:
            body = _write_dotted(layer, body, request_id)
            continue
        wrap, blank, code_path, code, id_path, extra, _ = layer
        if wrap:
            body = {wrap: body, blank: ""} if blank else {wrap: body}
        if isinstance(body, dict):  # nothing is stamped in a payload that is no object
            if code_path and body.get(code_path) is None:
                body[code_path] = code
            if id_path and body.get(id_path) is None:
                body[id_path] = request_id
            for key, value in extra:
                body[key] = value
    return body


def _write_dotted(layer: SuccessLayer, body: Any, request_id: str) -> Any:
    """``write_success`` for one layer, any of whose paths may be dotted."""
    if layer.wrap:
        inner, body = body, {}
        set_path(body, layer.wrap, inner)
        if layer.blank:
            set_path(body, layer.blank, "")
    if not isinstance(body, dict):
        return body
    if layer.code_path and get_path(body, layer.code_path) is None:
        set_path(body, layer.code_path, layer.code)
    if layer.id_path and get_path(body, layer.id_path) is None:
        set_path(body, layer.id_path, request_id)
    for key, value in layer.extra:
        body[key] = value
    return body


SuccessWriter = Callable[[Any, str], Any]


def success_writer(plan: Sequence[SuccessLayer]) -> SuccessWriter:
    """``write_success`` for ``plan``, written out as straight-line code once per vendor: each
    answer then runs a few stores, not a loop over layers that tests what each one has. A
    field is tested for a value already there only where one can be (a payload's own field);
    in an object the layer has just made, the keys are known. A plan with a dotted path is
    left to ``write_success``."""
    if any(layer.dotted for layer in plan):
        return partial(write_success, tuple(plan))
    names: dict[str, Any] = {}

    def const(value: Any) -> str:  # the spec's names and values reach the code as names only
        name = f"c{len(names)}"
        names[name] = value
        return name

    lines, fresh = ["def write(body, request_id):"], False
    keys: set[str] = set()  # those of the object made by the last layer that wraps
    for layer in plan:
        if layer.wrap:
            wrap, fresh, keys = const(layer.wrap), True, {layer.wrap}
            if layer.blank:
                keys.add(layer.blank)
                lines.append(f"    body = {{{wrap}: body, {const(layer.blank)}: ''}}")
            else:
                lines.append(f"    body = {{{wrap}: body}}")
        writes = []
        for path, value in ((layer.code_path, const(layer.code)), (layer.id_path, "request_id")):
            if not path:
                continue
            key = const(path)
            if fresh and path not in keys:
                writes.append(f"body[{key}] = {value}")
            else:  # a payload's own field of that name is kept
                writes.append(f"if body.get({key}) is None: body[{key}] = {value}")
            keys.add(path)
        writes += [f"body[{const(key)}] = {const(value)}" for key, value in layer.extra]
        keys.update(key for key, _ in layer.extra)
        if writes and not fresh:  # nothing is stamped in a payload that is no object
            lines.append("    if isinstance(body, dict):")
            lines += [f"        {write}" for write in writes]
        else:
            lines += [f"    {write}" for write in writes]
    lines.append("    return body")
    exec("\n".join(lines), names)  # the spec's names and values are bound as names only
    written: SuccessWriter = names["write"]
    return written


_plans: dict[int, tuple[Vendor, SuccessWriter]] = {}


def _success_plan(vendor: Vendor) -> SuccessWriter:
    """A vendor's success writes, innermost layer first, made into its writer once
    (``render_success`` looks it up on every answer; the cache holds the vendor, so its id is
    never reused)."""
    write = success_writer([success_layer(layer) for layer in reversed(vendor.envelope.layers)])
    _plans[id(vendor)] = (vendor, write)
    return write


def error_spec(vendor: Vendor, kind: str) -> ErrorSpec:
    from .vendor import ErrorSpec  # loaded with the vendor model already: no import cost

    while kind not in vendor.error_specs and kind in FALLBACK_KINDS:
        kind = FALLBACK_KINDS[kind]
    # A refusal the vendor does not describe is still the caller's fault, never a 5xx that
    # a client would retry: only the mock's own failure falls back to 500.
    return vendor.error_specs.get(kind) or ErrorSpec(
        http_status=500 if kind == "server_error" else 400
    )


def render_error(
    vendor: Vendor,
    kind: str,
    detail: str,
    request_id: str,
    schema: dict[str, Any] | None = None,
) -> tuple[int, dict[str, str], dict[str, Any] | None]:
    """HTTP status, headers and body with which the vendor reports a failure of ``kind``; the
    body is None for a refusal that has none (a gateway's, its reason in a header). The
    message goes into the first of the layer's message fields that the operation's answer
    ``schema`` declares (ShowAPI's submit has ``remark``, its list ``ret_msg``)."""
    spec = error_spec(vendor, kind)
    message = spec.message.replace("{detail}", detail)
    headers = {k: v.replace("{detail}", detail) for k, v in spec.headers.items()}
    layers = vendor.envelope.layers
    if not spec.body:
        return spec.http_status, headers, None
    if not layers:
        return spec.http_status, headers, {}
    failing = layers[min(spec.layer, len(layers) - 1)]
    body: dict[str, Any] = {}
    if failing.payload and spec.layer < len(layers) - 1:
        set_path(body, failing.payload, {})
    if failing.message:
        set_path(body, _message_field(layers, spec.layer, schema), message)
    _stamp(body, failing, spec.code, request_id)
    for index in reversed(range(min(spec.layer, len(layers)))):
        layer = layers[index]
        inner, body = body, {}
        if layer.payload:
            set_path(body, layer.payload, inner)
        else:
            body.update(inner)
        if layer.message and None not in layer.success:
            set_path(body, layer.message[0], "")
        _stamp(body, layer, layer.success[0] if layer.success else None, request_id)
    return spec.http_status, headers, body


def _message_field(layers: tuple[EnvelopeLayer, ...], index: int, schema: Any) -> str:
    failing = layers[min(index, len(layers) - 1)]
    if schema:
        prefix = "".join(f"{layer.payload}." for layer in layers[:index] if layer.payload)
        for path in failing.message:
            if declares(schema, prefix + path):
                return path
    return failing.message[0]


def _stamp(body: dict[str, Any], layer: EnvelopeLayer, code: Any, request_id: str) -> None:
    """A failure's marks on one layer of ``body``: its code, unless a layer merged into the
    same object wrote one already; the request id (every layer of an error carries the same
    one, whatever the layer's ``request_id_on``); and the fields it gives on errors only."""
    if layer.code and code is not None and get_path(body, layer.code) is None:
        set_path(body, layer.code, code)
    if layer.request_id:
        set_path(body, layer.request_id, request_id)
    for key, value in layer.on_error.items():
        body.setdefault(key, value)
