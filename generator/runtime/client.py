"""The base under every generated client: one place for requests, retries, errors and waiting.

A generated client is a subclass that sets ``vendor`` and adds one typed method per operation,
each a single call to :meth:`SyncClient._call` (or the async twin). Everything here is driven
by the :class:`~generator.runtime.vendor.Vendor` model, never by the vendor's name.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import random
import sys
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Self, TypeVar, cast, overload
from urllib.parse import quote, urlencode

import httpx
from pydantic import ValidationError

from . import errors
from .answers import ResultBytes, read_answer
from .auth import choose_mode, plugin_for
from .callback_payloads import read_callback
from .clock import Clock, SystemClock
from .envelope import bodiless_error, refusal_kind
from .images import image_format
from .lazy import VendorOf
from .pages import AsyncPage, SyncPage
from .paths import get_path, set_path
from .responses import NO_OPTIONS, RawResponse, RequestOptions, retry_after, with_jitter
from .secrets import Secret, install_log_filter, public_url, redact, scrub_chain
from .tasks import (
    PollSchedule,
    ProgressCallback,
    TaskOutcome,
    TerminalProgress,
    inline_result,
    read_outcome,
    result_file_name,
    submitted_task_id,
)
from .wire import WireLayout, wire_layout

if TYPE_CHECKING:
    import asyncio

    from pydantic import BaseModel

    from .vendor import Operation, TaskSpec

M = TypeVar("M", bound="BaseModel")
log = logging.getLogger("generator.runtime.client")
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
NOT_WORTH_RETRYING = {"quota_exceeded", "account_in_arrears", "permission_denied"}
DEFAULT_TIMEOUT = 30.0  # seconds
DEFAULT_MAX_RETRIES = 2  # after the first try: three tries in all
PACKAGE = "imagekit-sdk-factory"
# Where vendors without a request id in their envelope put one (gateways' conventions).
REQUEST_ID_HEADERS = ("x-request-id", "x-ca-request-id", "request-id", "x-tc-requestid")


@cache
def user_agent() -> str:
    """``imagekit-sdk-factory/<version>``: the package and version every request names."""
    from importlib.metadata import PackageNotFoundError, version  # on first use: it is slow

    try:
        return f"{PACKAGE}/{version(PACKAGE)}"
    except PackageNotFoundError:  # a checkout that was never installed
        return f"{PACKAGE}/0+unknown"


# Requests an async client has on the wire at once: httpx's default pool size. More would only
# queue inside httpcore's pool, whose cost per queued request grows with the queue (1,000
# concurrent calls spent 28 ms of client CPU each); they wait here instead, at no cost.
MAX_IN_FLIGHT = 100


@dataclass
class Outgoing:
    """A request being built, before auth signs it and httpx sends it. A JSON body is already
    serialised (``content``), so that a signing plug-in signs the bytes that are sent."""

    method: str
    path: str
    host: str = ""
    prefix: str = ""
    query: list[tuple[str, str]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    form: dict[str, Any] = field(default_factory=dict)
    files: dict[str, Any] = field(default_factory=dict)
    content: bytes | None = None


@dataclass
class Answer:
    """An operation's answer: the payload inside the envelope, the request id, the response."""

    payload: Any
    request_id: str
    response: httpx.Response


@dataclass
class Prepared:
    """A request ready to send: the httpx request, the values sent (wire names, JSON-ready)
    and whether resending it is safe."""

    request: httpx.Request
    sent: dict[str, Any]
    safe: bool


def stamp_elapsed(response: httpx.Response, started: float) -> None:
    """Give ``response`` its ``elapsed`` time where the transport left it unset (httpx sets
    it when a streamed body is closed; in-process transports answer without streaming)."""
    if "_elapsed" not in response.__dict__:  # httpx's own field (hasattr would raise inside)
        response.elapsed = timedelta(seconds=time.perf_counter() - started)


class Recovered(dict[str, Any]):
    """A submit's answer rebuilt from the task a lost first attempt made (see ``_recover``)."""


def fresh_caller_id() -> str:
    """A task name no other call will use: what a submit is named when the caller names none."""
    return f"sdk-{uuid.uuid4().hex}"


def wire_text(value: Any) -> str:
    """How a typed value is written into a query string or a form field."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


FileInput = bytes | IO[bytes] | os.PathLike[str] | str
"""A file input: its bytes, an open binary file, or a path."""


def read_file(value: FileInput) -> bytes:
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    if isinstance(value, str | os.PathLike):
        return Path(value).read_bytes()
    return value.read()


def file_part(name: str, data: bytes) -> tuple[str, bytes, str]:
    """(filename, bytes, content type) of an upload: servers that look at the file name's
    extension or the part's type get the image's real format."""
    fmt = image_format(data)
    if not fmt:
        return name, data, "application/octet-stream"
    return f"{name}.{'jpg' if fmt == 'jpeg' else fmt}", data, f"image/{fmt}"


def wire_values(layout: WireLayout, values: Mapping[str, Any]) -> dict[str, Any]:
    """The caller's values as they are checked and sent: a file input (a path, an open file or
    bytes) as its bytes, a model given as input as its JSON."""
    files = layout.files
    given: dict[str, Any] = {}
    for key, value in values.items():  # a loop, not a comprehension: one call fewer per call
        if key in files and value is not None:
            given[key] = read_file(value)
        else:
            given[key] = value if isinstance(value, PLAIN_JSON) else to_json(value)
    return given


PLAIN_JSON = (str, int, float, type(None))
"""What ``to_json`` hands back as it is."""


def to_json(value: Any) -> Any:
    if isinstance(value, PLAIN_JSON):
        return value
    from pydantic import BaseModel  # a model given as input: pydantic is loaded already

    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_none=True)
    if isinstance(value, list):
        return [to_json(v) for v in value]
    return value


class BaseClient:
    """What the sync and async clients share; it does no I/O itself."""

    vendor: VendorOf  # each generated client sets its own, read on first use

    def __init__(
        self,
        credentials: Mapping[str, str | Secret | None],
        *,
        settings: Mapping[str, str | None] | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        clock: Clock | None = None,
    ) -> None:
        self._auth_mode = choose_mode(self.vendor.auth, credentials, os.environ)
        self._credentials = self._resolve_credentials(credentials)
        self.settings = self._resolve_settings(settings or {})
        self.base_url = self._resolve_base_url(base_url)
        url = httpx.URL(self.base_url)
        self._host, self._prefix = url.netloc.decode(), url.path.rstrip("/")
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self.max_retries = max_retries
        self.clock: Clock = clock or SystemClock()
        self._auth = plugin_for(self._auth_mode)
        self._ops = self.vendor.ops  # read out of the vendor model once: every call asks
        install_log_filter()

    def __repr__(self) -> str:
        # a client whose __init__ failed has no base URL yet, and a traceback may show it
        base_url = getattr(self, "base_url", None)
        return f"{type(self).__name__}(base_url={base_url and public_url(base_url)!r})"

    def _resolve_credentials(self, given: Mapping[str, str | Secret | None]) -> dict[str, Secret]:
        resolved: dict[str, Secret] = {}
        for cred in self._auth_mode.credentials:
            value = given.get(cred.name) or os.environ.get(cred.env)
            if not value and not cred.required:
                continue
            if not value:
                others = [m.credentials[0].name for m in self.vendor.auth.alternatives]
                raise errors.ConfigurationError(
                    f"{type(self).__name__} needs {cred.name}: pass it or set {cred.env}"
                    + "".join(f" (or sign in with {name} and its kin)" for name in others)
                )
            resolved[cred.name] = value if isinstance(value, Secret) else Secret(value)
        return resolved

    def _resolve_settings(self, given: Mapping[str, str | None]) -> dict[str, str]:
        resolved: dict[str, str] = {}
        for setting in self.vendor.settings:
            value = given.get(setting.name) or os.environ.get(setting.env or "-") or setting.default
            if setting.choices and value and value not in setting.choices:
                raise errors.ConfigurationError(
                    f"{type(self).__name__}: {setting.name} must be one of "
                    f"{', '.join(setting.choices)}, not {value!r}"
                )
            resolved[setting.name] = value
        return resolved

    def _resolve_base_url(self, given: str | None) -> str:
        env = f"{self.vendor.package.upper()}_BASE_URL"
        url = given or os.environ.get(env) or self.vendor.base_url
        if not url:
            raise errors.ConfigurationError(
                f"{type(self).__name__} needs base_url: this vendor publishes none "
                f"(pass base_url= or set {env})"
            )
        return url.rstrip("/")

    # -- building and reading ----------------------------------------------------------------
    def _operation(self, name: str) -> Operation:
        return self._ops[name]

    def _prepare(
        self, op: Operation, values: Mapping[str, Any], options: RequestOptions = NO_OPTIONS
    ) -> Prepared:
        """Check ``values`` (wire names) and build the signed request, with the call's extra
        headers, query and body (``options``) added before it is signed."""
        layout = wire_layout(op)
        if layout.caller_id:
            values = self._named(op, values)
        given = wire_values(layout, values)
        checked = layout.check({**self._fixed_values(layout), **given})
        if checked.problems:
            raise errors.RequestValidationError(op.name, [m for _, m in checked.problems])
        out = self._outgoing(layout, checked.values, options.extra_body)
        if options is not NO_OPTIONS:
            out.query.extend((k, wire_text(v)) for k, v in options.extra_query.items())
            out.headers.update(options.extra_headers)
        self._auth.apply(out, self._credentials, self.clock.time())
        named = bool(layout.caller_id) and get_path(given, layout.caller_id) not in (None, "")
        timeout = options.timeout if options.timeout is not None else self.timeout
        return Prepared(self._request(out, timeout), given, layout.idempotent or named)

    def _named(self, op: Operation, values: Mapping[str, Any]) -> Mapping[str, Any]:
        """``values`` with the task named where the caller may name it (``caller_id``, a
        dotted path into the inputs) and did not: a resend of a named submit cannot make a
        second task."""
        top, _, rest = op.caller_id.partition(".")
        if top not in op.params_by_wire:
            return values
        if not rest:
            given = values.get(top)
            return values if given not in (None, "") else {**values, top: fresh_caller_id()}
        # inside an object input: filled in a JSON copy, the caller's own object left alone
        inner = to_json(values.get(top))
        if not isinstance(inner, dict) or get_path(inner, rest) not in (None, ""):
            return values  # named already, or the object is missing (validation says so)
        inner = copy.deepcopy(inner)
        set_path(inner, rest, fresh_caller_id())
        return {**values, top: inner}

    def _outgoing(
        self, layout: WireLayout, values: Mapping[str, Any], extra_body: Mapping[str, Any]
    ) -> Outgoing:
        out = Outgoing(layout.method, layout.path, self._host, self._prefix)
        body: dict[str, Any] = {}
        for wire, location, safe, _param in layout.placements:
            value = values.get(wire)
            if value is None:
                continue
            if location == "path":
                out.path = out.path.replace("{" + wire + "}", quote(wire_text(value), safe=safe))
            elif location == "query":
                out.query.append((wire, wire_text(value)))
            elif location == "header":
                out.headers[wire] = wire_text(value)
            elif location == "form":
                out.form[wire] = wire_text(value)
            elif location == "file":
                out.files[wire] = file_part(wire, value)
            else:
                body[wire] = value
        if layout.body in ("form", "multipart"):
            out.form.update({k: wire_text(v) for k, v in extra_body.items()})
        if layout.body == "json":
            body.update(extra_body)
            # json.dumps' defaults: the same bytes Tencent's official SDK sends for a body
            out.content = json.dumps(body).encode()
            out.headers["Content-Type"] = layout.media_type or "application/json"
        return out

    def _fixed_values(self, layout: WireLayout) -> dict[str, Any]:
        """The params the caller does not give: the spec's constants, the client's settings
        and the credentials sent as params."""
        fixed = dict(layout.constants)
        for wire, name in layout.settings:
            fixed[wire] = self.settings.get(name) or None
        for wire, name in layout.credentials:
            secret = self._credentials.get(name)
            fixed[wire] = secret.get() if secret else None
        return fixed

    def _request(self, out: Outgoing, timeout: float | httpx.Timeout) -> httpx.Request:
        headers = {"User-Agent": user_agent(), "Accept-Encoding": "gzip", **out.headers}
        if not isinstance(timeout, httpx.Timeout):
            timeout = httpx.Timeout(timeout)
        # The query is encoded here, as httpx encodes ``params=`` (``urlencode``), so that httpx
        # parses the URL once: given ``params=``, it parses the URL, then again with the query.
        url = self.base_url + out.path
        if out.query:
            url += "?" + urlencode(out.query)
        return httpx.Request(
            out.method,
            url,
            headers=headers,
            data=out.form or None,
            files=out.files or None,
            content=out.content,
            extensions={"timeout": timeout.as_dict()},
        )

    # -- options and raw answers -------------------------------------------------------------
    def with_options(
        self, *, timeout: float | httpx.Timeout | None = None, max_retries: int | None = None
    ) -> Self:
        """A copy of this client with another timeout or retry count, sharing its connections
        (closing the copy leaves them open)."""
        twin = copy.copy(self)
        if timeout is not None:
            twin.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        if max_retries is not None:
            twin.max_retries = max_retries
        twin._owns_http = False
        return twin

    @property
    def with_raw_response(self) -> RawResponses:
        """Every operation, returning a :class:`~generator.runtime.responses.RawResponse`
        (status, headers, elapsed time, request id, and ``.parse()`` for the usual result)."""
        twin = self.with_options()
        twin._raw = True
        return RawResponses(twin)

    _raw: bool = False
    _owns_http: bool = False

    def _request_id(self, request_id: str, response: httpx.Response) -> str:
        if request_id:
            return request_id
        return next((response.headers[h] for h in REQUEST_ID_HEADERS if h in response.headers), "")

    def _result(self, op: Operation, model: type[M] | None, answer: Answer) -> Any:
        """An answer as the method returns it: its model carrying the request id."""
        if model is None:
            return answer.payload
        result = self._model(op, model, answer.payload)
        private = getattr(result, "__pydantic_private__", None)  # None for ResultBytes
        if private is not None:
            # pydantic's own store of private values, written directly: its __setattr__ for a
            # private name costs as much again as the rest of this method
            private["_request_id"] = answer.request_id
        return result

    def _page_args(
        self, op: Operation, model: type[M], answer: Answer, values: Mapping[str, Any]
    ) -> dict[str, Any]:
        assert op.pagination is not None
        return {
            "result": self._model(op, model, answer.payload),
            "payload": answer.payload,
            "pagination": op.pagination,
            "values": values,
            "request_id": answer.request_id,
        }

    def _read(self, op: Operation, response: httpx.Response) -> tuple[Any, str]:
        payload, request_id = read_answer(self.vendor, op, response)
        return payload, request_id or self._request_id(request_id, response)

    def _model(self, op: Operation, model: type[M], payload: Any) -> M:
        if isinstance(payload, ResultBytes):  # the result itself, as the body
            return cast(M, payload)
        try:
            return model.model_validate(payload)
        except ValidationError as exc:
            if isinstance(payload, Recovered):
                raise errors.ConflictError(
                    f"an earlier attempt of this submit made the task; follow it with "
                    f"wait(..., operation={op.name!r})",
                    vendor=self.vendor.package,
                    body=dict(payload),
                ) from None
            raise errors.ResponseFormatError(
                f"[{self.vendor.package}] {op.name}: answer does not match {model.__name__}: "
                f"{exc.error_count()} problem(s), first: {exc.errors()[0]['msg']}"
            ) from None

    # -- retries -----------------------------------------------------------------------------
    def _retry_after_error(
        self, prepared: Prepared, exc: httpx.TransportError, attempt: int
    ) -> float | None:
        """Seconds to wait before retrying after ``exc``, or None to give up.

        A request that never reached the vendor is always safe to resend. One that may have
        reached it is resent only when that is safe: the operation is idempotent, or the task
        is named by the caller. Resending an unnamed submit whose outcome is unknown could pay
        for the task twice.
        """
        if attempt >= self.max_retries:
            return None
        if isinstance(exc, NOT_SENT) or prepared.safe:
            return self._backoff(attempt)
        return None

    def _retry_after_status(
        self, prepared: Prepared, response: httpx.Response, attempt: int
    ) -> float | None:
        """Seconds to wait before resending after an error status, or None to read the answer
        (a 2xx body's own refusals are told by reading it: ``_retry_after_refusal``)."""
        status = response.status_code
        if attempt >= self.max_retries:
            return None
        if not (status == 429 or status >= 500):
            return None
        if status >= 500 and not prepared.safe:
            return None
        if status == 429 and refusal_kind(self.vendor, response) in NOT_WORTH_RETRYING:
            return None  # a used-up quota stays used up
        asked = retry_after(response.headers.get("retry-after", ""), self.clock.time())
        return with_jitter(asked) if asked is not None else self._backoff(attempt)

    def _settle(
        self, op: Operation, prepared: Prepared, response: httpx.Response, attempt: int
    ) -> Answer | float | None:
        """What one attempt's answer comes to: the :class:`Answer`; or seconds to wait before
        resending; or None for a resent named submit refused as a duplicate, whose task the
        first attempt made (``_recovered`` finds it). A failure raises its typed error."""
        if response.status_code >= 400:  # an error status is weighed before it is read
            delay = self._retry_after_status(prepared, response, attempt)
            if delay is not None:
                return delay
        try:
            return Answer(*self._read(op, response), response)
        except errors.RateLimitError:  # in a 2xx body: resent when that is safe
            delay = self._retry_after_refusal(response, attempt)
            if delay is None:
                raise
            return delay
        except errors.ConflictError:  # maybe this submit's own first attempt
            if attempt == 0 or not op.caller_id:
                raise
            return None

    def _retry_after_refusal(self, response: httpx.Response, attempt: int) -> float | None:
        """Seconds to wait before resending a request whose 2xx answer read as a rate or
        job-limit refusal (Tencent's come so), or None to raise it. Nothing was done, so the
        request can be resent whatever the operation. The answer is read once: a success,
        the common case, is never looked at for a refusal first."""
        if response.status_code >= 400:
            return None  # an error status was weighed before the answer was read
        return self._backoff(attempt) if attempt < self.max_retries else None

    # -- caller-named tasks -------------------------------------------------------------------
    def _recovery_query(self, submit: Operation, task_id: str) -> tuple[Operation, dict[str, Any]]:
        """The get request for a named task whose submit was resent and refused as a duplicate:
        the first attempt reached the vendor and made the task."""
        get, values = self.vendor.poll_for(submit.name)
        return get, {**values, get.task_id: task_id}

    def _recover(self, submit: Operation, task_id: str, task: Any) -> Recovered:
        """The submit's answer, rebuilt from the task object the first attempt made."""
        log.info("%s: a resent submit found its task %s already made", submit.name, task_id)
        payload = Recovered(task if isinstance(task, dict) else {})
        if submit.task_id and not submit.task_id.startswith("$"):
            set_path(payload, submit.task_id, task_id)
        return payload

    @staticmethod
    def _backoff(attempt: int) -> float:
        return min(0.5 * 2.0**attempt, 8.0) * random.uniform(0.75, 1.0)

    def _transport_error(self, what: str, exc: httpx.TransportError) -> errors.APIConnectionError:
        """The typed error for a request (``what``: an operation's name) that got no answer."""
        host = httpx.URL(self.base_url).host
        sent = not isinstance(exc, NOT_SENT)
        cls = (
            errors.APITimeoutError
            if isinstance(exc, httpx.TimeoutException)
            else errors.APIConnectionError
        )
        scrub_chain(exc, self._secret_names())  # it stays the typed error's __cause__
        detail = redact(str(exc)) or type(exc).__name__
        outcome = " (the vendor may have received it)" if sent else ""
        return cls(
            f"[{self.vendor.package}] {what}: no answer from {host}{outcome}: {detail}",
            sent=sent,
        )

    def _secret_names(self) -> list[str]:
        """Headers and query or form fields that carry a secret: the auth plug-in's, and the
        operations' credential params."""
        found = [*self._auth.secret_headers(), *([self._auth.field] if self._auth.field else [])]
        found += [
            p.wire
            for op in self.vendor.operations
            for p in op.params
            if p.source in ("credential", "auth")
        ]
        return found

    # -- tasks -------------------------------------------------------------------------------
    def _poll(self, operation: str | None) -> tuple[Operation, dict[str, Any], TaskSpec]:
        """The get operation, its extra inputs and the task family for tasks of ``operation``
        (a submit operation's name; the vendor's main task family when None)."""
        if operation is not None and operation not in self.vendor.ops:
            raise errors.ConfigurationError(f"{self.vendor.package} has no operation {operation!r}")
        try:
            op, params = self.vendor.poll_for(operation)
        except KeyError:
            raise errors.ConfigurationError(f"{self.vendor.package} has no tasks") from None
        spec = self.vendor.task_spec(op)
        if spec is None:
            raise errors.ConfigurationError(f"{self.vendor.package} has no tasks")
        return op, {**params}, spec

    def parse_callback(
        self, payload: Mapping[str, Any], *, operation: str | None = None
    ) -> TaskOutcome:
        """The outcome a vendor callback reports (the JSON body the vendor POSTed to you) about
        a task of ``operation`` (the submit that made it; the main task family when None).
        A payload that is not such a callback raises :class:`~.errors.CallbackError`."""
        self._poll(operation)  # a vendor without tasks is a ConfigurationError
        return read_callback(self.vendor, payload, operation)

    def _submitted(self, name: str, values: Mapping[str, Any]) -> tuple[Operation, dict[str, Any]]:
        """The submit operation ``name`` and its values with the task named if it may be."""
        op = self._operation(name)
        return op, dict(self._named(op, values))

    def _task_id_of(self, op: Operation, payload: Any, values: Mapping[str, Any]) -> str:
        sent = {k: to_json(v) for k, v in values.items()}
        task_id = submitted_task_id(self.vendor, op, payload, sent)
        if not task_id:
            raise errors.ResponseFormatError(
                f"[{self.vendor.package}] {op.name}: the answer carries no task id"
            )
        return task_id

    def _reporter(
        self, on_progress: ProgressCallback | None, show_progress: bool | None
    ) -> ProgressCallback | None:
        """``on_progress``, plus a progress line on the terminal when asked, or by default
        when standard error is a terminal (it appears once a wait has lasted a few seconds)."""
        show = sys.stderr.isatty() if show_progress is None else show_progress
        if not show:
            return on_progress
        terminal = TerminalProgress(sys.stderr, self.clock, quiet_seconds=0 if show_progress else 3)
        if on_progress is None:
            return terminal

        def both(outcome: TaskOutcome) -> None:
            on_progress(outcome)
            terminal(outcome)

        return both

    def _save(
        self, folder: Path, outcome: TaskOutcome, index: int, response: httpx.Response
    ) -> Path:
        """Write one downloaded result into ``folder``, named after its URL (or the task)."""
        if response.status_code >= 400:
            raise bodiless_error(
                self.vendor, response.status_code, redact(response.text[:200]), response.headers
            )
        path = folder / result_file_name(outcome, index, str(response.url), response.headers)
        path.write_bytes(response.content)
        return path

    def _save_inline(self, folder: Path, outcome: TaskOutcome, index: int, url: str) -> Path:
        """Write a result given inline (base64, kept as a ``data:`` URL) into ``folder``."""
        try:
            data, kind = inline_result(url) or (b"", "")
        except ValueError as exc:
            raise errors.ResponseFormatError(f"[{self.vendor.package}] {exc}") from None
        path = folder / result_file_name(outcome, index, "", {"content-type": kind})
        path.write_bytes(data)
        return path

    @staticmethod
    def _outcome(spec: TaskSpec, payload: Any, task_id: str) -> TaskOutcome:
        return read_outcome(spec, payload, task_id)


class SyncClient(BaseClient):
    """Blocking client base; use as a context manager or call :meth:`close`."""

    def __init__(
        self,
        credentials: Mapping[str, str | Secret | None],
        *,
        transport: httpx.BaseTransport | None = None,
        http_client: httpx.Client | None = None,
        **options: Any,
    ) -> None:
        super().__init__(credentials, **options)
        self._http = http_client or httpx.Client(transport=transport, timeout=self.timeout)
        self._owns_http = http_client is None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    @overload
    def _call(
        self, name: str, model: type[M], values: Mapping[str, Any], options: RequestOptions = ...
    ) -> M: ...
    @overload
    def _call(
        self, name: str, model: None, values: Mapping[str, Any], options: RequestOptions = ...
    ) -> Any: ...
    def _call(
        self,
        name: str,
        model: type[M] | None,
        values: Mapping[str, Any],
        options: RequestOptions = NO_OPTIONS,
    ) -> Any:
        """Send operation ``name`` and return its payload as ``model`` (as it came, for an
        operation whose spec gives the answer no schema), carrying the request id."""
        op = self._ops[name]
        answer = self._exchange(op, values, options)
        if self._raw:
            return RawResponse(
                answer.response, answer.request_id, lambda: self._result(op, model, answer)
            )
        return self._result(op, model, answer)

    def _list(
        self,
        name: str,
        model: type[BaseModel],
        values: Mapping[str, Any],
        options: RequestOptions = NO_OPTIONS,
    ) -> SyncPage[Any]:
        """Send list operation ``name`` and return its first page, which fetches the next
        ones (with the same ``options``) as they are iterated."""
        op = self._operation(name)
        answer = self._exchange(op, values, options)

        def fetch(following: dict[str, Any]) -> SyncPage[Any]:
            return self.with_options()._list(name, model, following, options)

        def page() -> SyncPage[Any]:
            return SyncPage(fetch, **self._page_args(op, model, answer, values))

        return RawResponse(answer.response, answer.request_id, page) if self._raw else page()  # type: ignore[return-value]

    def _send(self, op: Operation, values: Mapping[str, Any]) -> Any:
        return self._exchange(op, values).payload

    def _exchange(
        self, op: Operation, values: Mapping[str, Any], options: RequestOptions = NO_OPTIONS
    ) -> Answer:
        prepared = self._prepare(op, values, options)
        attempt = 0
        while True:
            if log.isEnabledFor(logging.DEBUG):  # the arguments cost more than the check
                log.debug("%s %s (%s), attempt %d", op.method, op.path, op.name, attempt + 1)
            try:
                started = time.perf_counter()
                response = self._http.send(prepared.request)
                if self._raw:  # only a raw answer shows it
                    stamp_elapsed(response, started)
            except httpx.TransportError as exc:
                delay = self._retry_after_error(prepared, exc, attempt)
                if delay is None:
                    raise self._transport_error(op.name, exc) from exc
            else:
                settled = self._settle(op, prepared, response, attempt)
                if isinstance(settled, Answer):
                    return settled
                if settled is None:  # a resent submit refused as a duplicate of itself
                    return self._recovered(op, prepared)
                delay = settled
                response.close()
            self.clock.sleep(delay)
            attempt += 1

    def _recovered(self, op: Operation, prepared: Prepared) -> Answer:
        """The answer of a named submit whose resend was refused as a duplicate: the first
        attempt reached the vendor and made the task, which a get finds."""
        task_id = str(get_path(prepared.sent, op.caller_id))
        get, values = self._recovery_query(op, task_id)
        found = self._exchange(get, values)
        return Answer(self._recover(op, task_id, found.payload), found.request_id, found.response)

    def get_outcome(self, task_id: str, *, operation: str | None = None) -> TaskOutcome:
        """Where task ``task_id`` stands now. ``operation`` names the submit that made it when
        the vendor has several task families (Zhiqite's tools)."""
        op, values, spec = self._poll(operation)
        values[op.task_id] = task_id
        return self._outcome(spec, self._send(op, values), task_id)

    def wait(
        self,
        task_id: str,
        *,
        operation: str | None = None,
        timeout: float = 600.0,
        poll_interval: float | None = None,
        on_progress: ProgressCallback | None = None,
        show_progress: bool | None = None,
    ) -> TaskOutcome:
        """Poll until the task succeeds or fails, and return its outcome.

        Polls start at the vendor's advised interval (or ``poll_interval``) and back off.
        ``on_progress`` is called with every outcome seen. ``show_progress`` draws a progress
        line on standard error (by default, when it is a terminal and the wait is long).
        Raises ``WaitTimeoutError`` when ``timeout`` seconds pass first. ``operation`` is as
        for :meth:`get_outcome`.
        """
        deadline = self.clock.time() + timeout
        spec = self._poll(operation)[2]
        report = self._reporter(on_progress, show_progress)
        for interval in PollSchedule(poll_interval or spec.poll_interval):
            outcome = self.get_outcome(task_id, operation=operation)
            if report is not None:
                report(outcome)
            if outcome.done:
                return outcome
            remaining = deadline - self.clock.time()
            if remaining <= 0:
                raise errors.WaitTimeoutError(outcome, timeout)
            self.clock.sleep(min(interval, remaining))
        raise AssertionError("unreachable")

    def _submit_and_wait(
        self, name: str, values: Mapping[str, Any], **wait_options: Any
    ) -> TaskOutcome:
        """Submit with ``name`` and wait for the task (behind the ``*_and_wait`` methods)."""
        op, named = self._submitted(name, values)
        task_id = self._task_id_of(op, self._send(op, named), named)
        return self.wait(task_id, operation=name, **wait_options)

    def download(self, outcome: TaskOutcome, folder: str | os.PathLike[str]) -> list[Path]:
        """Save the outcome's result images into ``folder`` (made if missing); returns the
        files written, in the order of ``outcome.images``."""
        target = Path(folder)
        target.mkdir(parents=True, exist_ok=True)
        saved = []
        for index, url in enumerate(outcome.images):
            if url.startswith("data:"):  # a result given inline (base64): nothing to fetch
                saved.append(self._save_inline(target, outcome, index, url))
                continue
            try:
                response = self._http.get(url, timeout=self.timeout)
            except httpx.TransportError as exc:
                raise self._transport_error("download", exc) from exc
            saved.append(self._save(target, outcome, index, response))
        return saved


class AsyncClient(BaseClient):
    """asyncio client base; use ``async with`` or await :meth:`aclose`."""

    def __init__(
        self,
        credentials: Mapping[str, str | Secret | None],
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
        **options: Any,
    ) -> None:
        super().__init__(credentials, **options)
        self._http = http_client or httpx.AsyncClient(transport=transport, timeout=self.timeout)
        self._owns_http = http_client is None
        self._gate: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None

    def _in_flight(self) -> asyncio.Semaphore:
        """The running loop's limit on requests on the wire at once (``MAX_IN_FLIGHT``)."""
        import asyncio  # here, not at the top: a sync client never needs it

        loop = asyncio.get_running_loop()
        if self._gate is None or self._gate[0] is not loop:
            self._gate = (loop, asyncio.Semaphore(MAX_IN_FLIGHT))
        return self._gate[1]

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    @overload
    async def _call(
        self, name: str, model: type[M], values: Mapping[str, Any], options: RequestOptions = ...
    ) -> M: ...
    @overload
    async def _call(
        self, name: str, model: None, values: Mapping[str, Any], options: RequestOptions = ...
    ) -> Any: ...
    async def _call(
        self,
        name: str,
        model: type[M] | None,
        values: Mapping[str, Any],
        options: RequestOptions = NO_OPTIONS,
    ) -> Any:
        """Send operation ``name`` and return its payload (see SyncClient._call)."""
        op = self._ops[name]
        answer = await self._exchange(op, values, options)
        if self._raw:
            return RawResponse(
                answer.response, answer.request_id, lambda: self._result(op, model, answer)
            )
        return self._result(op, model, answer)

    async def _list(
        self,
        name: str,
        model: type[BaseModel],
        values: Mapping[str, Any],
        options: RequestOptions = NO_OPTIONS,
    ) -> AsyncPage[Any]:
        """Send list operation ``name`` and return its first page (see SyncClient._list)."""
        op = self._operation(name)
        answer = await self._exchange(op, values, options)

        async def fetch(following: dict[str, Any]) -> AsyncPage[Any]:
            return await self.with_options()._list(name, model, following, options)

        def page() -> AsyncPage[Any]:
            return AsyncPage(fetch, **self._page_args(op, model, answer, values))

        return RawResponse(answer.response, answer.request_id, page) if self._raw else page()  # type: ignore[return-value]

    async def _send(self, op: Operation, values: Mapping[str, Any]) -> Any:
        return (await self._exchange(op, values)).payload

    async def _exchange(
        self, op: Operation, values: Mapping[str, Any], options: RequestOptions = NO_OPTIONS
    ) -> Answer:
        prepared = self._prepare(op, values, options)
        attempt = 0
        while True:
            if log.isEnabledFor(logging.DEBUG):  # the arguments cost more than the check
                log.debug("%s %s (%s), attempt %d", op.method, op.path, op.name, attempt + 1)
            try:
                started = time.perf_counter()
                async with self._in_flight():
                    response = await self._http.send(prepared.request)
                if self._raw:  # only a raw answer shows it
                    stamp_elapsed(response, started)
            except httpx.TransportError as exc:
                delay = self._retry_after_error(prepared, exc, attempt)
                if delay is None:
                    raise self._transport_error(op.name, exc) from exc
            else:
                settled = self._settle(op, prepared, response, attempt)
                if isinstance(settled, Answer):
                    return settled
                if settled is None:  # a resent submit refused as a duplicate of itself
                    return await self._recovered(op, prepared)
                delay = settled
                await response.aclose()
            await self.clock.asleep(delay)
            attempt += 1

    async def _recovered(self, op: Operation, prepared: Prepared) -> Answer:
        """The answer of a named submit whose resend was refused as a duplicate: the first
        attempt reached the vendor and made the task, which a get finds."""
        task_id = str(get_path(prepared.sent, op.caller_id))
        get, values = self._recovery_query(op, task_id)
        found = await self._exchange(get, values)
        return Answer(self._recover(op, task_id, found.payload), found.request_id, found.response)

    async def get_outcome(self, task_id: str, *, operation: str | None = None) -> TaskOutcome:
        """Where task ``task_id`` stands now (see SyncClient.get_outcome)."""
        op, values, spec = self._poll(operation)
        values[op.task_id] = task_id
        return self._outcome(spec, await self._send(op, values), task_id)

    async def wait(
        self,
        task_id: str,
        *,
        operation: str | None = None,
        timeout: float = 600.0,
        poll_interval: float | None = None,
        on_progress: ProgressCallback | None = None,
        show_progress: bool | None = None,
    ) -> TaskOutcome:
        """Poll until the task succeeds or fails, and return its outcome (see SyncClient.wait)."""
        deadline = self.clock.time() + timeout
        spec = self._poll(operation)[2]
        report = self._reporter(on_progress, show_progress)
        for interval in PollSchedule(poll_interval or spec.poll_interval):
            outcome = await self.get_outcome(task_id, operation=operation)
            if report is not None:
                report(outcome)
            if outcome.done:
                return outcome
            remaining = deadline - self.clock.time()
            if remaining <= 0:
                raise errors.WaitTimeoutError(outcome, timeout)
            await self.clock.asleep(min(interval, remaining))
        raise AssertionError("unreachable")

    async def _submit_and_wait(
        self, name: str, values: Mapping[str, Any], **wait_options: Any
    ) -> TaskOutcome:
        """Submit with ``name`` and wait for the task (behind the ``*_and_wait`` methods)."""
        op, named = self._submitted(name, values)
        task_id = self._task_id_of(op, await self._send(op, named), named)
        return await self.wait(task_id, operation=name, **wait_options)

    async def download(self, outcome: TaskOutcome, folder: str | os.PathLike[str]) -> list[Path]:
        """Save the outcome's result images into ``folder`` (see SyncClient.download)."""
        target = Path(folder)
        target.mkdir(parents=True, exist_ok=True)
        saved = []
        for index, url in enumerate(outcome.images):
            if url.startswith("data:"):  # a result given inline (base64): nothing to fetch
                saved.append(self._save_inline(target, outcome, index, url))
                continue
            try:
                response = await self._http.get(url, timeout=self.timeout)
            except httpx.TransportError as exc:
                raise self._transport_error("download", exc) from exc
            saved.append(self._save(target, outcome, index, response))
        return saved


class RawResponses:
    """``client.with_raw_response``: each operation of the client, returning a
    :class:`~generator.runtime.responses.RawResponse` instead of the parsed result (awaitable
    for an async client)."""

    def __init__(self, client: BaseClient) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        if name not in self._client.vendor.ops:
            raise AttributeError(f"{type(self._client).__name__} has no operation {name!r}")
        return getattr(self._client, name)

    def __dir__(self) -> list[str]:
        return sorted(self._client.vendor.ops)
