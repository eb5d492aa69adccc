"""The mock's core: one synchronous function from a request to a response, over its state.

Adapters put it on the wire: ``asgi`` (a Starlette app, for uvicorn and httpx.ASGITransport)
and ``transport`` (httpx transports that call it directly, sync or async). Every answer is in
the vendor's own shape, failures included; an unexpected fault inside the mock becomes the
vendor's system-error answer, never a traceback.
"""

from __future__ import annotations

import json
import logging
import random
import re
import string
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

import httpx

from ..auth import AuthRefused, plugin_for
from ..clock import Clock, VirtualClock
from ..envelope import render_error, render_success
from ..images import png_bytes
from ..paths import get_path
from ..validation import check, coerce, data_problem, slot_problems
from ..vendor import Operation, Param, Status, TaskSpec, Vendor
from . import multipart
from .callbacks import CallbackDispatcher
from .effects import EFFECTS
from .store import Account, MockTask, TaskStore
from .templates import Context, render

log = logging.getLogger("generator.runtime.mock")
FILES_PREFIX = "/_mock/files/"
# Example input images the mock serves itself, so examples can pass images by URL.
EXAMPLE_IMAGES: dict[str, Callable[[], bytes]] = {
    "example.png": lambda: png_bytes(512, 384),
    "small.png": lambda: png_bytes(64, 48),
}
MOCK_BASE_URL = "http://mock.invalid"
T = TypeVar("T")


@dataclass
class MockRequest:
    method: str
    path: str
    base_url: str
    query_string: str = ""
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    form: dict[str, Any] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    json: Any = None

    @classmethod
    def build(
        cls, method: str, url: str, headers: Iterable[tuple[str, str]], body: bytes
    ) -> MockRequest:
        parts = urlsplit(url)
        return cls(
            method=method.upper(),
            path=parts.path or "/",
            base_url=f"{parts.scheme}://{parts.netloc}",
            query_string=parts.query,
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            headers={k.lower(): v for k, v in headers},
            body=body,
        )


@dataclass
class MockResponse:
    """An answer. ``delay`` is how long the vendor would take to give it (a synchronous job):
    the transports hold it back that long on the mock's clock."""

    status: int
    body: bytes
    media_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class JournalEntry:
    """One request the mock received (credentials masked) and what it answered."""

    time: float
    method: str
    path: str
    operation: str
    status: int
    params: dict[str, Any]
    response: Any


@dataclass
class Call:
    """One validated call of an operation, as the role handlers see it."""

    op: Operation
    values: dict[str, Any]
    images: dict[str, bytes]
    account: Account
    request: MockRequest
    delay: float = 0.0


class MockError(Exception):
    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


class VendorMock:
    """A functional fake of one vendor.

    ``clock`` defaults to a :class:`VirtualClock` that tests advance; served mocks pass a
    system clock. ``credentials`` are the keys the mock accepts (LocalStack's ``test`` by
    default). ``allowed_hosts`` are hosts the mock may download input images from, besides
    itself. ``callback_transport`` lets tests receive callbacks in-process.
    """

    def __init__(
        self,
        vendor: Vendor,
        *,
        clock: Clock | None = None,
        credentials: Iterable[str] | None = None,
        task_seconds: float | None = None,
        queue_seconds: float | None = None,
        allowed_hosts: Iterable[str] = (),
        callback_transport: httpx.BaseTransport | None = None,
        seed: int = 0,
    ) -> None:
        self.vendor = vendor
        self.clock: Clock = clock or VirtualClock()
        self.task_seconds = vendor.mock.task_seconds if task_seconds is None else task_seconds
        self.queue_seconds = vendor.mock.queue_seconds if queue_seconds is None else queue_seconds
        self.allowed_hosts = set(allowed_hosts)
        self._default_credentials = tuple(
            credentials or [c.mock_default for c in vendor.auth.credentials[:1]] or ["test"]
        )
        self._auth = plugin_for(vendor.auth)
        self._routes = [(_path_pattern(op), op) for op in vendor.operations]
        self._prefix = urlsplit(vendor.base_url).path.rstrip("/")
        self._lock = threading.RLock()
        self._seed = seed
        self._app: Any = None
        self.callbacks = CallbackDispatcher(self, transport=callback_transport)
        self.reset()
        if isinstance(self.clock, VirtualClock):
            self.clock.on_advance(lambda _now: self.callbacks.run_due())

    # -- state -------------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget every task, journal entry and account change."""
        with self._lock:
            self.store = TaskStore()
            self.accounts = {}
            for key in self._default_credentials:
                self.add_credential(key)
            self.journal: list[JournalEntry] = []
            self._forced: list[tuple[Status, str]] = []
            self._random = random.Random(self._seed)
            self.callbacks.clear()

    def add_credential(
        self,
        key: str,
        quota: int | None = None,
        *,
        secret: str | None = None,
        money: float | None = None,
    ) -> Account:
        """Accept ``key`` too, with ``quota`` submits and ``money`` (the vendor's defaults when
        None), and ``secret`` for signing schemes (the vendor's default secret when None)."""
        defaults = self.vendor.mock
        secrets = [c.mock_default for c in self.vendor.auth.credentials[1:2]]
        account = Account(
            key,
            secret=secret if secret is not None else (secrets[0] if secrets else ""),
            quota=quota if quota is not None else defaults.quota,
            money=money if money is not None else defaults.money,
        )
        self.accounts[key] = account
        return account

    def set_quota(self, key: str, quota: int | None) -> None:
        self.accounts[key].quota = quota

    def force_outcome(self, status: Status, count: int = 1, error: str = "") -> None:
        """Make the next ``count`` submitted tasks end in ``status`` (failed or succeeded)."""
        self._forced.extend([(status, error or "the task failed (forced by the test)")] * count)

    def advance(self, seconds: float) -> None:
        """Move a virtual clock forward; tasks progress and due callbacks are sent."""
        if not isinstance(self.clock, VirtualClock):
            raise TypeError("only a virtual clock can be advanced")
        self.clock.advance(seconds)

    # -- wiring ------------------------------------------------------------------------------
    @property
    def app(self) -> Any:
        """The Starlette app (built once); callbacks run on advance, not in the background."""
        if self._app is None:
            from .asgi import create_app

            self._app = create_app(self)
        return self._app

    def transport(self) -> httpx.MockTransport:
        """An httpx transport straight into this mock, for sync and async clients alike."""
        from .transport import mock_transport

        return mock_transport(self)

    def async_transport(self, *, asgi: bool = True) -> httpx.AsyncBaseTransport:
        """An async transport: through the Starlette app (``httpx.ASGITransport``) or direct."""
        return httpx.ASGITransport(app=self.app) if asgi else self.transport()

    def client(self, client_cls: type[T], **options: Any) -> T:
        """A ``client_cls`` wired to this mock: its credentials, its transport and its clock,
        so ``wait()`` moves a virtual clock instead of sleeping."""
        from ..client import AsyncClient

        credentials = {c.name: c.mock_default for c in self.vendor.auth.credentials if c.required}
        credentials[self.vendor.auth.credentials[0].name] = self._default_credentials[0]
        credentials.update({k: options.pop(k) for k in list(credentials) if k in options})
        options.setdefault("base_url", self.vendor.base_url or MOCK_BASE_URL)
        options.setdefault("clock", self.clock)
        if issubclass(client_cls, AsyncClient):
            options.setdefault("transport", self.async_transport())
        else:
            options.setdefault("transport", self.transport())
        return client_cls(**credentials, **options)

    def _new_id(self, length: int = 23) -> str:
        return "".join(self._random.choices(string.ascii_letters, k=length))

    # -- the request path ------------------------------------------------------------------
    def handle(self, request: MockRequest) -> MockResponse:
        """Answer one request. Never raises."""
        with self._lock:
            request_id = self._new_id(24).lower()
            op_name, params = "", {}
            try:
                if self._route_path(request).startswith("/_mock/"):
                    return self._admin(request)
                op = self._route(request)
                op_name = op.name
                self._parse_body(op, request)
                account = self._authenticate(request)
                values = self._inputs(op, request)
                params = self._masked(op, values)
                payload, delay = self._dispatch(op, values, account, request)
                response = self._json(200, render_success(self.vendor, payload, request_id))
                response.delay = delay
            except MockError as exc:
                response = self._error(exc.kind, exc.detail, request_id)
            except Exception:  # a bug in the mock must still answer in the vendor's shape
                log.exception(
                    "mock %s failed on %s %s", self.vendor.package, request.method, request.path
                )
                response = self._error("server_error", "internal error", request_id)
            self.journal.append(
                JournalEntry(
                    self.clock.time(),
                    request.method,
                    request.path,
                    op_name,
                    response.status,
                    params,
                    _json_or_none(response),
                )
            )
            return response

    def _route(self, request: MockRequest) -> Operation:
        """The operation a request is for: by path and method, then by the constant headers
        the spec fixes (Tencent's ``X-TC-Action`` and ``X-TC-Version``, all on ``POST /``). A
        request whose constant differs is refused as that parameter's ``refusal`` says."""
        allowed: list[str] = []
        refusals: list[MockError] = []
        path = self._route_path(request)
        for pattern, op in self._routes:
            match = pattern.fullmatch(path)
            if match and request.method == op.method:
                refusal = _constant_mismatch(op, request)
                if refusal is None:
                    request.query.update({f"{{{k}}}": v for k, v in match.groupdict().items()})
                    return op
                refusals.append(refusal)
            elif match:
                allowed.append(op.method)
        if refusals:
            raise refusals[0]
        if allowed:
            raise MockError(
                "unknown_operation",
                f"{request.method} {request.path} (use {' or '.join(sorted(set(allowed)))})",
            )
        raise MockError("unknown_operation", request.path)

    def _route_path(self, request: MockRequest) -> str:
        """The path without the server URL's own path (``/AIGCImgOpenServ``), when it has it:
        clients pointed at the vendor's base URL and at a served mock both reach the mock."""
        if self._prefix and request.path.startswith(self._prefix + "/"):
            return request.path[len(self._prefix) :]
        return request.path

    def _parse_body(self, op: Operation, request: MockRequest) -> None:
        limit = self.vendor.mock.max_body_bytes
        if len(request.body) > limit:
            raise MockError("payload_too_large", f"body over {limit} bytes")
        content_type = request.headers.get("content-type", "")
        if not request.body:
            return
        try:
            if content_type.startswith("application/x-www-form-urlencoded"):
                request.form = dict(parse_qsl(request.body.decode("utf-8"), keep_blank_values=True))
            elif content_type.startswith("multipart/form-data"):
                request.form, request.files = multipart.parse(request.body, content_type)
            elif "json" in content_type or op.body == "json":
                request.json = json.loads(request.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise MockError("invalid_request", f"the body could not be read: {exc}") from None
        if op.body in ("form", "multipart") and not content_type.startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            raise MockError(
                "invalid_request", f"expected a form body, got {content_type or 'none'}"
            )

    def _authenticate(self, request: MockRequest) -> Account:
        try:
            return self._auth.authenticate(request, self.accounts, self.clock.time())
        except AuthRefused as exc:
            raise MockError(exc.kind, exc.detail) from None

    def _inputs(self, op: Operation, request: MockRequest) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for param in op.params:
            if param.location == "query":
                raw = request.query.get(param.wire)
            elif param.location == "path":
                raw = request.query.get(f"{{{param.wire}}}")
            elif param.location == "header":
                raw = request.headers.get(param.wire.lower())
            elif param.location == "form":
                raw = request.form.get(param.wire)
            elif param.location == "file":
                values[param.wire] = request.files.get(param.wire)
                continue
            else:
                values[param.wire] = _json_field(request.json, param)
                continue
            values[param.wire] = None if raw is None else coerce(param, raw)
        if op.body == "json" and request.json is not None and not isinstance(request.json, dict):
            raise MockError("invalid_request", "the JSON body must be an object")
        return values

    def _masked(self, op: Operation, values: dict[str, Any]) -> dict[str, Any]:
        """What the journal keeps of a request's inputs: no file bytes, no credentials."""
        secret = {p.wire for p in op.params if p.source == "credential"}
        return {
            k: ("<bytes>" if isinstance(v, bytes) else "****" if k in secret else v)
            for k, v in values.items()
            if v is not None
        }

    def _dispatch(
        self, op: Operation, values: dict[str, Any], account: Account, request: MockRequest
    ) -> tuple[Any, float]:
        """The payload of the answer, and how long the vendor would take to give it."""
        checked = check(op, values)
        if checked.problems:
            kind = checked.problems[0][0]
            raise MockError(kind, "; ".join(m for k, m in checked.problems if k == kind))
        handler = {
            "submit": self._submit,
            "get": self._get,
            "list": self._list,
            "action": self._action,
            "catalog": self._catalog,
        }.get(op.role)
        if handler is None:
            raise MockError("unknown_operation", f"{op.name} is not served by this mock")
        call = Call(op, checked.values, checked.images, account, request)
        return handler(call), call.delay

    # -- roles -------------------------------------------------------------------------------
    def _submit(self, call: Call) -> dict[str, Any]:
        """Start a task; it runs on the clock and is seen by get, list and callbacks."""
        self._refuse_reused_ids(call)
        task = self._start(call, self.queue_seconds, self.task_seconds)
        self.callbacks.watch(task)
        return render(
            call.op.mock.response,
            self._context(task=task, request=call.values, account=call.account),
        )

    def _action(self, call: Call) -> dict[str, Any]:
        """A synchronous job (Tencent's): it takes ``task_seconds`` and its result is in the
        answer. While it runs it holds one of the account's job slots; the transports hold the
        answer back for as long as the job takes, on the mock's clock."""
        limit = self.vendor.mock.concurrency
        now = self.clock.time()
        busy = [t for t in self._tasks_of(call.account) if t.status(now) in ("queued", "running")]
        if limit is not None and len(busy) >= limit:
            raise MockError("concurrency_limited", f"{len(busy)} job(s) running, {limit} allowed")
        task = self._start(call, 0.0, self.task_seconds)
        if task.outcome == "failed":
            raise MockError("server_error", task.error)
        self._task_files(task)  # a broken input must fail this request, not a later download
        finished = self._context(
            now=task.finishes_at, task=task, request=call.values, account=call.account
        )
        answer = render(call.op.mock.response, finished)
        call.delay = task.run_seconds
        return answer

    def _refuse_reused_ids(self, call: Call) -> None:
        for name in call.op.limits.unique:
            value = get_path(call.values, name)
            if value in (None, ""):
                continue
            mine = self._tasks_of(call.account)
            if self.store.external_id_taken(str(value), call.account.key) or any(
                get_path(t.inputs, name) == value for t in mine
            ):
                raise MockError("conflict", f"{name} {value!r} is already used")

    def _start(self, call: Call, queue_seconds: float, run_seconds: float) -> MockTask:
        """Charge the account and store a new task with the call's images and arguments."""
        op, values, account = call.op, call.values, call.account
        slots = self._slot_images(call)
        image = self._input_image(call)
        self._charge(account)
        outcome, error = self._forced.pop(0) if self._forced else ("succeeded", "")
        return self.store.add(
            MockTask(
                id=self._new_id(),
                account=account.key,
                operation=op.name,
                created_at=self.clock.time(),
                queue_seconds=queue_seconds,
                run_seconds=run_seconds,
                outcome=outcome,
                error=error,
                effect=op.mock.effect,
                args={arg: get_path(values, wire) for arg, wire in op.mock.params.items()},
                external_id=str(get_path(values, op.mock.external_id) or ""),
                price=self.vendor.mock.price,
                inputs=values,
                base_url=call.request.base_url,
                image=image,
                slots=slots,
                files_ttl=op.mock.files_ttl,
                callback_url=str(get_path(values, op.mock.callback_url) or ""),
                poll_op=self._poll_op(op),
            )
        )

    def _charge(self, account: Account) -> None:
        price = self.vendor.mock.price
        if account.remaining == 0:
            raise MockError("quota_exceeded", account.key)
        if account.money is not None and account.money < price:
            raise MockError("account_in_arrears", account.key)
        account.used += 1
        if account.money is not None:
            account.money = round(account.money - price, 2)

    def _tasks_of(self, account: Account) -> list[MockTask]:
        return [t for t in self.store.tasks.values() if t.account == account.key]

    def _poll_op(self, op: Operation) -> str:
        try:
            return self.vendor.poll_for(op.name)[0].name
        except KeyError:
            return ""

    def _get(self, call: Call) -> dict[str, Any]:
        """A task of this get operation's family, found by its id or the caller's own id."""
        task_id = str(call.values.get(call.op.task_id, ""))
        task = self.store.get(task_id, call.account.key)
        if task is None or (task.poll_op and task.poll_op != call.op.name):
            raise MockError("not_found", task_id)
        return render(
            call.op.mock.response,
            self._context(task=task, request=call.values, account=call.account),
        )

    def _list(self, call: Call) -> dict[str, Any]:
        values = call.values
        page = _page(call.op, values, self.store.of_account(call.account.key))
        return render(
            call.op.mock.response, self._context(request=values, page=page, account=call.account)
        )

    def _catalog(self, call: Call) -> dict[str, Any]:
        """One page of the operation's static rows, those matching every filter given."""
        mock, values = call.op.mock, call.values
        rows = [
            row
            for row in mock.rows
            if all(
                values.get(wire) in (None, "") or row.get(field) == values.get(wire)
                for wire, field in mock.filters.items()
            )
        ]
        page = _page(call.op, values, rows)
        return render(mock.response, self._context(request=values, page=page, account=call.account))

    def task_spec(self, task: MockTask | None) -> TaskSpec | None:
        """The task family a task belongs to: that of the get operation that follows it."""
        get = self.vendor.ops.get(task.poll_op) if task is not None and task.poll_op else None
        return self.vendor.task_spec(get)

    def _context(self, now: float | None = None, **kwargs: Any) -> Context:
        """Template context at ``now`` (the clock's time by default)."""
        return Context(
            now=self.clock.time() if now is None else now,
            task_spec=self.task_spec(kwargs.get("task")),
            file_urls=self.file_urls,
            file_bytes=self._task_files,
            **kwargs,
        )

    # -- images ------------------------------------------------------------------------------
    def _input_image(self, call: Call) -> bytes | None:
        """The input image, from the first image input given (decoded or downloaded)."""
        return self._image_from(call, call.op.mock.image)

    def _slot_images(self, call: Call) -> dict[str, bytes]:
        """Every image slot's image (``x-sdk-limits.slots``), checked against the slots' rules
        now that URLs have been downloaded too."""
        images = {}
        for name, slot in call.op.limits.slots.items():
            image = self._image_from(call, slot.inputs)
            if image is not None:
                images[name] = image
        problems = slot_problems(call.op, images)
        if problems:
            raise MockError(*problems[0])
        return images

    def _image_from(self, call: Call, inputs: Iterable[str]) -> bytes | None:
        """The image in the first of ``inputs`` given: decoded already, or downloaded and
        checked against that input's limits."""
        for name in inputs:
            if name in call.images:
                return call.images[name]
            url = get_path(call.values, name)
            if isinstance(url, str) and url:
                data = self.fetch(url, call.request)
                limit = call.op.limits.images.get(name)
                problem = data_problem(data, limit) if limit is not None else None
                if problem is not None:
                    raise MockError(problem[0], f"{name}: {problem[1]}")
                return data
        return None

    def fetch(self, url: str, request: MockRequest) -> bytes:
        """Bytes at ``url``: the mock's own files, or an allowed host; nothing else is fetched."""
        parts = urlsplit(url)
        own = f"{parts.scheme}://{parts.netloc}" == request.base_url
        if own and parts.path.startswith(("/_mock/files/", "/_mock/examples/")):
            found = self._served_file(parts.path)
            if found is None:
                raise MockError("download_failed", url)
            return found[0]
        if parts.hostname not in self.allowed_hosts:
            raise MockError(
                "download_failed", f"{url} (the mock downloads only from itself and allowed hosts)"
            )
        try:
            response = httpx.get(url, timeout=10.0)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise MockError("download_failed", f"{url}: {type(exc).__name__}") from None
        return response.content

    def file_urls(self, task: MockTask) -> dict[str, str]:
        """URLs of a finished task's result files, by file name without extension."""
        files = self._task_files(task)
        return {
            name.rsplit(".", 1)[0]: f"{task.base_url}{FILES_PREFIX}{task.id}/{name}"
            for name in files
        }

    def _task_files(self, task: MockTask) -> dict[str, tuple[bytes, str]]:
        if task.files is None:
            effect = EFFECTS.get(task.effect)
            task.files = effect(task) if effect is not None else {}
        return task.files

    def _file(self, ref: str) -> tuple[bytes, str] | None:
        """A result file, while its task has succeeded and its URL has not expired."""
        task_id, _, name = ref.partition("/")
        task = self.store.tasks.get(task_id)
        now = self.clock.time()
        if task is None or task.status(now) != "succeeded":
            return None
        if task.files_ttl is not None and now > task.finishes_at + task.files_ttl:
            return None
        return self._task_files(task).get(name)

    # -- admin -------------------------------------------------------------------------------
    def _served_file(self, path: str) -> tuple[bytes, str] | None:
        """A result file (``/_mock/files/<task>/<name>``) or an example input image
        (``/_mock/examples/<name>``, what ``$example_png_url`` points at)."""
        if path.startswith(FILES_PREFIX):
            return self._file(path[len(FILES_PREFIX) :])
        maker = EXAMPLE_IMAGES.get(path.removeprefix("/_mock/examples/"))
        return (maker(), "image/png") if maker is not None else None

    def _admin(self, request: MockRequest) -> MockResponse:
        path = self._route_path(request)
        if path.startswith(("/_mock/files/", "/_mock/examples/")) and request.method == "GET":
            found = self._served_file(path)
            if found is None:
                return self._json(404, {"error": "no such file"})
            return MockResponse(200, found[0], found[1])
        if path == "/_mock/journal" and request.method == "GET":
            return self._json(200, [entry.__dict__ for entry in self.journal])
        if path == "/_mock/reset" and request.method == "POST":
            self.reset()
            return self._json(200, {"ok": True})
        if path == "/_mock/advance" and request.method == "POST":
            seconds = float(request.query.get("seconds", "0") or 0)
            if not isinstance(self.clock, VirtualClock):
                return self._json(409, {"error": "this mock runs on the real clock"})
            self.advance(seconds)
            return self._json(200, {"now": self.clock.time()})
        if path == "/_mock/outcome" and request.method == "POST":
            status = request.query.get("status", "failed")
            if status not in ("succeeded", "failed"):
                return self._json(400, {"error": "status must be succeeded or failed"})
            self.force_outcome(status, int(request.query.get("count", "1")))  # type: ignore[arg-type]
            return self._json(200, {"ok": True})
        return self._json(404, {"error": f"no admin route {request.method} {path}"})

    # -- answers -----------------------------------------------------------------------------
    def _json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> MockResponse:
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        return MockResponse(status, data, "application/json", headers or {})

    def _error(self, kind: str, detail: str, request_id: str) -> MockResponse:
        status, headers, body = render_error(self.vendor, kind, detail, request_id)
        if body is None:  # a gateway's refusal: the reason is in the headers only
            return MockResponse(status, b"", "text/plain", headers)
        return self._json(status, body, headers)


def _page(op: Operation, values: dict[str, Any], items: list[Any]) -> dict[str, Any]:
    """The page the request asks for (its ``pagination`` inputs) of ``items``."""
    pagination = op.pagination
    page_input = pagination.page if pagination else ""
    size_input = pagination.size if pagination else ""
    number = int(values.get(page_input) or 1)
    size = int(values.get(size_input) or (pagination.default_size if pagination else 20))
    return {
        "number": number,
        "size": size,
        "total": len(items),
        "pages": max(1, -(-len(items) // size)),
        "items": items[(number - 1) * size : number * size],
    }


def _json_field(body: Any, param: Param) -> Any:
    """A JSON body's field by its wire name, or by one of the spellings the vendor also takes."""
    if not isinstance(body, dict):
        return None
    for name in (param.wire, *param.aliases):
        if name in body:
            return body[name]
    return None


def _constant_mismatch(op: Operation, request: MockRequest) -> MockError | None:
    """The refusal for the first constant header of ``op`` that the request gets wrong."""
    for param in op.params:
        if param.source == "constant" and param.location == "header":
            given = request.headers.get(param.wire.lower())
            if given != param.value:
                shown = "missing" if given is None else repr(given)
                return MockError(param.refusal, f"{param.wire} {shown}")
    return None


def _path_pattern(op: Operation) -> re.Pattern[str]:
    """A regex of the operation's path; a parameter marked ``allow_slash`` may span segments."""
    slashy = {p.wire for p in op.params if p.location == "path" and p.allow_slash}
    regex = ""
    for part in re.split(r"(\{[^}]+\})", op.path):
        name = part[1:-1]
        if part.startswith("{"):
            regex += f"(?P<{name}>.+?)" if name in slashy else f"(?P<{name}>[^/]+)"
        else:
            regex += re.escape(part)
    return re.compile(regex)


def _json_or_none(response: MockResponse) -> Any:
    if response.media_type != "application/json":
        return None
    try:
        return response.json()
    except ValueError:
        return None
