"""The mock's core: one synchronous function from a request to a response, over its state.

Adapters put it on the wire: ``asgi`` (an ASGI app, for uvicorn and httpx.ASGITransport)
and ``transport`` (httpx transports that call it directly, sync or async). Every answer is in
the vendor's own shape, failures included; an unexpected fault inside the mock becomes the
vendor's system-error answer, never a traceback.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import random
import re
import string
import threading
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

from ..answers import ResultBytes
from ..auth import AuthPlugin, AuthRefused, plugin_for
from ..clock import Clock, VirtualClock
from ..envelope import render_error, render_success
from ..images import DEFAULT_MAX_PIXELS, pixel_problem, png_bytes
from ..paths import get_path
from ..secrets import public_url
from ..validation import coerce
from ..vendor import Operation, Param, Status, Vendor
from ..wire import WireLayout, wire_layout
from . import messages, multipart
from .admin import Fault, FaultKind, admin
from .callbacks import CallbackDispatcher
from .downloads import (
    DEFAULT_DEADLINE,
    AllowedHosts,
    DownloadRefused,
    DownloadTooLarge,
    download,
    unlocked,
)
from .effects import EFFECTS
from .files import DEFAULT_MAX_BYTES, FileCache, Files
from .messages import Call, JournalEntry, MockError, MockRequest, MockResponse, read_json
from .roles import Roles
from .store import (
    DEFAULT_MAX_IMAGE_BYTES,
    DEFAULT_MAX_TASKS,
    Account,
    MemoryStore,
    MockTask,
    TaskStore,
)
from .templates import Context

log = logging.getLogger("generator.runtime.mock")
FILES_PREFIX = "/_mock/files/"
# Example input images the mock serves itself, so examples can pass images by URL.
EXAMPLE_IMAGES: dict[str, Callable[[], bytes]] = {
    "example.png": functools.cache(lambda: png_bytes(512, 384)),
    "small.png": functools.cache(lambda: png_bytes(64, 48)),
}
MOCK_BASE_URL = "http://mock.invalid"
# Request bodies up to this size are answered on the event loop; larger ones (images) and
# the work that makes or decodes images go to the mock's worker threads.
INLINE_BODY_BYTES = 16 * 1024
JOURNAL_TEXT_CHARS = 1024  # longer strings (base64 images) are shortened in the journal
T = TypeVar("T")
Later = Callable[[], MockResponse]  # the rest of a request's work, for a worker thread to run


# A task id's letters, one per random byte: ``_ID_LETTERS[byte]``. 256 is not a multiple of 52,
# so the first 48 letters come up five times in 256 and the last four four times; an id has only
# to be unused and look like the vendor's, and one translate is far cheaper than a choice a letter.
_ID_LETTERS = bytes(
    string.ascii_letters.encode()[byte % len(string.ascii_letters)] for byte in range(256)
)


class VendorMock:
    """A functional fake of one vendor.

    ``clock`` defaults to a :class:`VirtualClock` that tests advance; served mocks pass a
    system clock. ``credentials`` are the keys the mock accepts (LocalStack's ``test`` by
    default). ``allowed_hosts`` are hosts the mock may download input images from, besides
    itself. ``callback_transport`` lets tests receive callbacks in-process; ``callback_scale``
    shrinks the vendor's callback retry ladder (0.01: an hour's step takes 36 s).
    ``journal`` keeps the last ``journal_limit`` requests (None: all of them). ``max_pixels``
    bounds an input image's pixels (read from its header, before anything is decoded) where
    the vendor states no limit of its own. With ``admin_token``, ``/_mock/`` calls must carry
    it (``admin``).


    ``store`` keeps tasks, accounts and pending callbacks: a :class:`MemoryStore` bounded by
    ``max_tasks`` and ``max_image_bytes`` (its tasks' input images) by default, or a
    :class:`~generator.runtime.mock.sqlite.SqliteStore` that survives the process (a virtual
    clock's time is kept there too). Ids come from ``seed``: None (the default) gives ids
    unique across processes, a number the same ids every run. Result files are made on
    demand and kept in a cache of ``file_cache_bytes``.

    ``hold_answers`` False answers synchronous jobs and injected latency at once instead of
    holding them back on the clock (a served virtual clock moves only when advanced).
    ``signing_clock`` is the clock callers sign with, against which tokens and signatures are
    checked (the mock's own clock by default; callers of a served virtual clock sign in real
    time). ``workers`` threads answer the requests that carry or make images when the mock is
    served (0: every request on the event loop, in order, as in-process tests want it).
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
        callback_scale: float = 1.0,
        journal_limit: int | None = 10_000,
        seed: int | None = None,
        max_pixels: int | None = DEFAULT_MAX_PIXELS,
        download_seconds: float = DEFAULT_DEADLINE,
        admin_token: str | None = None,
        store: TaskStore | None = None,
        max_tasks: int | None = DEFAULT_MAX_TASKS,
        max_image_bytes: int | None = DEFAULT_MAX_IMAGE_BYTES,
        file_cache_bytes: int = DEFAULT_MAX_BYTES,
        hold_answers: bool = True,
        workers: int = 0,
        signing_clock: Clock | None = None,
    ) -> None:
        self.vendor = vendor
        self.admin_token = admin_token
        self.max_pixels = max_pixels
        self.clock: Clock = clock or VirtualClock()
        self.task_seconds = vendor.mock.task_seconds if task_seconds is None else task_seconds
        self.queue_seconds = vendor.mock.queue_seconds if queue_seconds is None else queue_seconds
        self.allowed_hosts = AllowedHosts(allowed_hosts)
        self.download_seconds = download_seconds
        self.callback_scale = callback_scale
        self.journal_limit = journal_limit
        self._default_credentials = tuple(
            credentials or [c.mock_default for c in vendor.auth.credentials[:1]] or ["test"]
        )
        self._auth = plugin_for(vendor.auth)
        self._routes = [_route_of(op) for op in vendor.operations]
        self._exact = _exact_routes(vendor)
        self._by_method = _routes_by_method(self._routes)
        self._secret_inputs = _secret_inputs(vendor, self._auth)
        self._prefix = urlsplit(vendor.base_url).path.rstrip("/")
        self._lock = threading.RLock()
        self._seed = seed
        self._app: Any = None
        self.roles = Roles(self)  # how each role of operation is served
        self._workers: ThreadPoolExecutor | None = None
        self.hold_answers = hold_answers
        self.workers = workers
        self.signing_clock = signing_clock or self.clock
        self.files = FileCache(file_cache_bytes)
        self.store: TaskStore = (
            store
            if store is not None
            else MemoryStore(max_tasks, clock=self.clock, max_image_bytes=max_image_bytes)
        )
        self._unique_inputs = sorted({n for op in vendor.operations for n in op.limits.unique})
        # Per operation, read out of the vendor model once (its attribute reads are slow):
        # (makes images, the inputs that may be URLs). Its params: ``wire_layout``.
        self._image_work = {
            op.name: (_makes_images(vendor, op), tuple(_image_inputs(op)))
            for op in vendor.operations
        }
        self._max_body_bytes = vendor.mock.max_body_bytes
        self.callbacks = CallbackDispatcher(self, transport=callback_transport)
        self._restore()
        if isinstance(self.clock, VirtualClock):
            self.clock.on_advance(self._advanced)

    def _context(self, now: float | None = None, **kwargs: Any) -> Context:
        """A template context on this mock's state (the roles' own; callbacks use it)."""
        return self.roles._context(now, **kwargs)

    # -- state -------------------------------------------------------------------------------
    def _restore(self) -> None:
        """Take up the store's state (empty for a new store): accounts, a virtual clock's time;
        the default credentials are added where missing."""
        self.accounts: dict[str, Account] = self.store.accounts()
        for key in self._default_credentials:
            if key not in self.accounts:
                self.add_credential(key)
        saved = self.store.meta("clock")
        if isinstance(self.clock, VirtualClock) and saved is not None:
            ahead = float(saved) - self.clock.time()
            if ahead > 0:
                self.clock.advance(ahead)
        self._fresh_session()

    def _fresh_session(self) -> None:
        """What no store keeps: the journal, forced outcomes, faults and the id source."""
        self.journal: deque[JournalEntry] = deque(maxlen=self.journal_limit)
        self._forced: list[tuple[Status, str]] = []
        self._faults: list[Fault] = []
        self._random = random.Random(self._seed)
        self.files.clear()

    def _advanced(self, now: float) -> None:
        """After a virtual clock moved: keep its time, then deliver the callbacks now due."""
        self.store.set_meta("clock", repr(now))
        self.callbacks.run_due()

    def reset(self) -> None:
        """Forget every task, account change, pending callback and journal entry."""
        with self._lock:
            self.store.clear()
            self.callbacks.clear()
            self.accounts = self.store.accounts()
            for key in self._default_credentials:
                self.add_credential(key)
            self._fresh_session()
            self._auth.reset()

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
        with self._lock:
            self.accounts[key] = account
            self.store.save_account(account)
        return account

    def set_quota(self, key: str, quota: int | None) -> None:
        with self._lock:
            account = self.accounts[key]
            account.quota = quota
            self.store.save_account(account)

    def force_outcome(self, status: Status, count: int = 1, error: str = "") -> None:
        """Make the next ``count`` submitted tasks end in ``status`` (failed or succeeded)."""
        with self._lock:
            self._forced.extend([(status, error or "the task failed (forced by the test)")] * count)

    def inject_fault(
        self,
        kind: FaultKind,
        count: int = 1,
        *,
        seconds: float = 0.0,
        status: int = 503,
        operation: str = "",
    ) -> None:
        """Make the next ``count`` requests (of ``operation``, or any) meet a fault: ``latency``
        (``seconds`` more on the clock), ``error`` (HTTP ``status``, nothing done), ``drop``
        (done, then the connection breaks) or ``rate_limit`` (the vendor's refusal)."""
        if operation and operation not in self.vendor.ops:
            raise ValueError(f"{self.vendor.package} has no operation {operation!r}")
        with self._lock:
            self._faults.append(Fault(kind, count, seconds, status, operation))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    @property
    def faults(self) -> list[Fault]:
        """The faults in force, in the order they apply."""
        return list(self._faults)

    @property
    def forced_outcomes(self) -> list[tuple[Status, str]]:
        """How the next submitted tasks will end (``force_outcome``), and with what error."""
        return list(self._forced)

    def _take_fault(self, operation: str) -> Fault | None:
        if not self._faults:
            return None
        with self._lock:
            fault = next((f for f in self._faults if f.applies_to(operation)), None)
            if fault is not None:
                fault.count -= 1
                if fault.count <= 0:
                    self._faults.remove(fault)
        return fault

    def advance(self, seconds: float) -> None:
        """Move a virtual clock forward; tasks progress and due callbacks are sent."""
        if not isinstance(self.clock, VirtualClock):
            raise TypeError("only a virtual clock can be advanced")
        self.clock.advance(seconds)

    # -- wiring ------------------------------------------------------------------------------
    @property
    def app(self) -> Any:
        """The ASGI app (built once); callbacks run on advance, not in the background."""
        if self._app is None:
            from .asgi import create_app

            self._app = create_app(self)
        return self._app

    def transport(self) -> httpx.MockTransport:
        """An httpx transport straight into this mock, for sync and async clients alike."""
        from .transport import mock_transport

        return mock_transport(self)

    def async_transport(self, *, asgi: bool = True) -> httpx.AsyncBaseTransport:
        """An async transport: through the ASGI app (``httpx.ASGITransport``) or direct."""
        from .transport import MockASGITransport

        return MockASGITransport(app=self.app) if asgi else self.transport()

    def client(self, client_cls: type[T], **options: Any) -> T:
        """A ``client_cls`` wired to this mock: its credentials, its transport and its clock,
        so ``wait()`` moves a virtual clock instead of sleeping."""
        from ..client import AsyncClient

        credentials = {c.name: c.mock_default for c in self.vendor.auth.credentials if c.required}
        credentials[self.vendor.auth.credentials[0].name] = self._default_credentials[0]
        if any(options.get(m.credentials[0].name) for m in self.vendor.auth.alternatives):
            del credentials[self.vendor.auth.credentials[0].name]  # the caller chose another way
        credentials.update({k: options.pop(k) for k in list(credentials) if k in options})
        options.setdefault("base_url", self.vendor.base_url or MOCK_BASE_URL)
        options.setdefault("clock", self.clock)
        if issubclass(client_cls, AsyncClient):
            options.setdefault("transport", self.async_transport())
        else:
            options.setdefault("transport", self.transport())
        return client_cls(**credentials, **options)

    def _new_id(self, length: int = 23) -> str:
        """A task id no stored task has (a seeded mock restarted on its state file would
        otherwise hand out its first ids again)."""
        with self._lock:
            while True:
                found = self._random.randbytes(length).translate(_ID_LETTERS).decode("ascii")
                if self.store.find(found) is None:
                    return found

    def close(self) -> None:
        """Stop the worker threads and close the store."""
        if self._workers is not None:
            self._workers.shutdown(wait=True)
            self._workers = None
        self.store.close()

    # -- the request path ------------------------------------------------------------------
    def handle(self, request: MockRequest) -> MockResponse:
        """Answer one request. Never raises. Safe to call from several threads: the mock's
        lock is held only while state changes, not while images are decoded or made."""
        return _settled(self._begin(request))

    async def ahandle(self, request: MockRequest) -> MockResponse:
        """:meth:`handle` for an event loop. The request is begun on the loop; when it comes
        to work that may take a while (a large body, an image to download or make), the rest
        goes to one of the mock's worker threads, so one caller's image work never holds up
        the others. Most requests, submits with a small inline image included, never leave
        the loop: handing a request to a thread and back costs more than answering it."""
        answer = self._begin(request)
        if isinstance(answer, MockResponse):
            return answer
        if self.workers <= 0:
            return answer()
        if self._workers is None:
            self._workers = ThreadPoolExecutor(self.workers, thread_name_prefix="mock-worker")
        return await asyncio.get_running_loop().run_in_executor(self._workers, answer)

    def _begin(self, request: MockRequest) -> MockResponse | Later:
        """:meth:`handle`'s work up to where work that may take a while begins: the answer, or
        the rest of the work as a function, for whoever called to run wherever it likes (on a
        worker thread: ``ahandle``). No generator: this is every request's path, and most
        answers are ready before any such work."""
        if len(request.body) > INLINE_BODY_BYTES:  # decoding and checking it is a worker's job
            return lambda: _settled(self._respond(request))
        return self._respond(request)

    def _respond(self, request: MockRequest) -> MockResponse | Later:
        if request.path.startswith("/_mock/"):  # at the root only: not the vendor's paths
            if request.path.startswith(("/_mock/files/", "/_mock/examples/", "/_mock/advance")):
                return functools.partial(admin, self, request, request.path)  # images, tasks
            return admin(self, request, request.path)
        request_id = f"{self._random.getrandbits(96):024x}"
        entry = JournalEntry(self.clock.time(), request.method, request.path)
        try:
            answer = self._answer(request, request_id, entry)
        except Exception as exc:
            answer = self._failed(exc, request, request_id)
        if isinstance(answer, MockResponse):
            return self._recorded(entry, answer)
        return functools.partial(self._answer_later, answer, request, request_id, entry)

    def _answer_later(
        self, rest: Later, request: MockRequest, request_id: str, entry: JournalEntry
    ) -> MockResponse:
        """The rest of an answer ``_respond`` left for later, recorded as it records one."""
        try:
            answer = rest()
        except Exception as exc:
            answer = self._failed(exc, request, request_id)
        return self._recorded(entry, answer)

    def _failed(self, exc: Exception, request: MockRequest, request_id: str) -> MockResponse:
        """The answer to a request whose handling raised ``exc`` (called where it was caught):
        a refusal's own, and for a bug in the mock the vendor's system error, logged."""
        if isinstance(exc, MockError):
            return self._error(exc.kind, exc.detail, request_id)
        log.exception("mock %s failed on %s %s", self.vendor.package, request.method, request.path)
        return self._error("server_error", "internal error", request_id)

    def _recorded(self, entry: JournalEntry, response: MockResponse) -> MockResponse:
        """``response``, once the journal holds it as ``entry``'s answer."""
        entry.status, entry.answer = response.status, response.body
        entry.media_type, entry.headers = response.media_type, response.headers
        self.journal.append(entry)
        return response

    def _answer(
        self, request: MockRequest, request_id: str, entry: JournalEntry
    ) -> MockResponse | Later:
        """Route, fault, parse, authenticate and validate; then serve, now or (for a slow call,
        see ``_slow``) later. Failures raise MockError."""
        op = self._route(request)
        entry.operation = name = op.name
        fault = self._take_fault(name) if self._faults else None
        if fault is not None and fault.kind in ("error", "rate_limit"):
            return self._faulty(fault, request_id)
        try:
            unreadable = self._read_body(op, request) if request.body else None
            account = self._authenticate(request)  # credentials first, as gateways check them
            if unreadable is not None:
                raise MockError(*unreadable)
            layout = wire_layout(op)
            values = self._inputs(layout, request)
            entry.params = self._masked(op, values)
            call, handler = self._dispatch(op, values, account, request)
        except MockError as exc:
            return _faulted(self._error(exc.kind, exc.detail, request_id, op), fault)
        if self._slow(call):  # served, the rest is a worker thread's
            return functools.partial(self._served, call, handler, request_id, fault)
        return self._served(call, handler, request_id, fault)

    def _served(
        self,
        call: Call,
        handler: Callable[[Call], Any],
        request_id: str,
        fault: Fault | None,
    ) -> MockResponse:
        """The answer of ``handler`` to a checked call, or its refusal in the operation's
        shape; a latency or drop fault applied after the work is done."""
        try:
            payload = handler(call)
            if isinstance(payload, ResultBytes):  # the result itself as the body
                response = MockResponse(call.status, payload.data, payload.media_type)
            else:
                body = render_success(self.vendor, payload, request_id)
                response = self._json(call.status, body)
            response.delay = call.delay
        except MockError as exc:
            response = self._error(exc.kind, exc.detail, request_id, call.op)
        return _faulted(response, fault)

    def _route(self, request: MockRequest) -> Operation:
        """The operation a request is for: by path and method, then by the constant headers
        the spec fixes (Tencent's ``X-TC-Action`` and ``X-TC-Version``, all on ``POST /``). A
        request whose constant differs is refused as that parameter's ``refusal`` says."""
        allowed: list[str] = []
        refusals: list[MockError] = []
        path = self._route_path(request)
        exact, constants = self._exact.get((request.method, path), (None, False))
        if exact is not None and (not constants or _constant_mismatch(exact, request) is None):
            return exact  # the common case: a path without parameters, no constant to check
        if exact is None:  # a path with parameters: this method's routes, in the same order
            for prefix, pattern, op, constants in self._by_method.get(request.method, ()):
                match = pattern.fullmatch(path) if path.startswith(prefix) else None
                if match is not None:
                    if constants:
                        break  # checked below, where a refusal is answered
                    request.path_params = match.groupdict()
                    return op
        for pattern, method, op, constants in self._routes:
            match = pattern.fullmatch(path)
            if match and request.method == method:
                refusal = _constant_mismatch(op, request) if constants else None
                if refusal is None:
                    request.path_params = match.groupdict()
                    return op
                refusals.append(refusal)
            elif match:
                allowed.append(method)
        if refusals:  # raised anew: the one listed here would hold this frame in a cycle
            raise MockError(refusals[0].kind, refusals[0].detail)
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

    def _read_body(self, op: Operation, request: MockRequest) -> tuple[str, str] | None:
        """Parse the body; a body that cannot be read is returned as the error (kind, detail)
        to answer once the credentials have been checked (a key in a form field needs the body
        read first). Not the exception itself: a caller holding it would be in its traceback's
        frames, a cycle that only the garbage collector frees."""
        try:
            self._parse_body(op, request)
        except MockError as exc:
            if exc.kind == "payload_too_large":
                raise
            return exc.kind, exc.detail
        return None

    def _parse_body(self, op: Operation, request: MockRequest) -> None:
        limit = self._max_body_bytes
        if len(request.body) > limit:
            raise MockError("payload_too_large", f"body over {limit} bytes")
        if not request.body:
            return
        content_type = request.headers.get("content-type", "")
        try:
            if content_type.startswith("application/x-www-form-urlencoded"):
                request.form = messages.parse_form(request.body.decode("utf-8"))
            elif content_type.startswith("multipart/form-data"):
                request.form, request.files = multipart.parse(request.body, content_type)
            elif "json" in content_type or op.body == "json":
                request.json = read_json(request.body)
        except UnicodeDecodeError as exc:
            raise MockError(
                "invalid_request", f"the body is not UTF-8 (byte {exc.start})"
            ) from None
        except ValueError as exc:
            raise MockError("invalid_request", f"the body could not be read: {exc}") from None
        if op.body in ("form", "multipart") and not content_type.startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            raise MockError(
                "invalid_request", f"expected a form body, got {content_type or 'none'}"
            )

    def _authenticate(self, request: MockRequest) -> Account:
        try:
            return self._auth.authenticate(request, self.accounts, self.signing_clock.time())
        except AuthRefused as exc:
            raise MockError(exc.kind, exc.detail) from None

    def _inputs(self, layout: WireLayout, request: MockRequest) -> dict[str, Any]:
        """The request's inputs by wire name, those it gives only: query, path, header and
        form text typed as the param's schema says, files and JSON fields as they are."""
        values: dict[str, Any] = {}
        for wire, location, _safe, param in layout.placements:
            if location == "form":
                raw = request.form.get(wire)
            elif location == "query":
                raw = request.query.get(wire)
            elif location == "path":
                raw = request.path_params.get(wire) if request.path_params else None
            elif location == "header":
                raw = request.headers.get(wire.lower())
            else:
                found = (
                    request.files.get(wire)
                    if location == "file"
                    else _json_field(request.json, layout.spellings[wire])
                )
                if found is not None:
                    values[wire] = found
                continue
            if raw is not None:
                values[wire] = coerce(param, raw) if wire in layout.typed else raw
        if (
            layout.body == "json"
            and request.json is not None
            and not isinstance(request.json, dict)
        ):
            raise MockError("invalid_request", "the JSON body must be an object")
        return values

    def _masked(self, op: Operation, values: dict[str, Any]) -> dict[str, Any]:
        """What the journal keeps of a request's inputs: no file bytes, no credentials (see
        ``_secret_inputs``), and long strings (base64 images) shortened, so a full journal
        stays small."""
        secret = self._secret_inputs[op.name]
        return {
            k: (
                "****"
                if k in secret
                else v  # a short text, most inputs: kept as it is, without a call
                if type(v) is str and len(v) <= JOURNAL_TEXT_CHARS
                else _journal_value(v)
            )
            for k, v in values.items()
            if v is not None
        }

    def _dispatch(
        self, op: Operation, values: dict[str, Any], account: Account, request: MockRequest
    ) -> tuple[Call, Callable[[Call], Any]]:
        """The checked call and the role's handler that answers it (its payload; the call
        then holds how long the vendor would take and the HTTP status of the success)."""
        checked = wire_layout(op).check(values)
        if checked.problems:
            kind = checked.problems[0][0]
            raise MockError(kind, "; ".join(m for k, m in checked.problems if k == kind))
        for name, data in checked.images.items():
            self.refuse_huge(name, data)
        handler = self.roles.handler(op.role)
        if handler is None:
            raise MockError("unknown_operation", f"{op.name} is not served by this mock")
        return Call(op, checked.values, checked.images, account, request), handler

    def _slow(self, call: Call) -> bool:
        """Whether serving ``call`` may take a while: it makes images (a synchronous job, an
        answer with a preview, base64 or a result file as its body) or downloads one (an image
        input given as a URL)."""
        makes_images, image_inputs = self._image_work[call.op.name]
        if makes_images:
            return True
        for name in image_inputs:
            if name not in call.images:
                value = get_path(call.values, name)
                if isinstance(value, str) and value != "":
                    return True
        return False

    def refuse_huge(self, name: str, data: bytes) -> None:
        """Refuse an input image over the mock's pixel limit, as the vendor refuses one too
        large in pixels (read from the header: nothing has been decoded yet)."""
        problem = pixel_problem(data, self.max_pixels)
        if problem:
            raise MockError("image_resolution", f"{name}: {problem}")

    def fetch(self, url: str, request: MockRequest, limit: int | None = None) -> bytes:
        """Bytes at ``url``: the mock's own files, or an allowed host (by host and port; see
        ``downloads``); nothing else is fetched. A download runs with the mock's lock released,
        so a slow upstream holds up only the request that named it."""
        base = urlsplit(request.base_url)
        parts = urlsplit(url)
        own = (parts.scheme, parts.netloc) == (base.scheme, base.netloc)
        path = parts.path.removeprefix(base.path.rstrip("/"))  # a public URL's own path
        if own and path.startswith(("/_mock/files/", "/_mock/examples/")):
            found = self._served_file(path)
            if found is None:
                raise MockError("download_failed", public_url(url))
            return found[0]
        if not self.allowed_hosts.allows(url):
            raise MockError(
                "download_failed",
                f"{public_url(url)} (the mock downloads only from itself and allowed hosts)",
            )
        try:
            with unlocked(self._lock):
                return download(
                    url,
                    limit=limit or self.vendor.mock.max_body_bytes,
                    deadline=self.download_seconds,
                )
        except DownloadRefused as exc:
            kind = "payload_too_large" if isinstance(exc, DownloadTooLarge) else "download_failed"
            raise MockError(kind, str(exc)) from None

    def file_urls(self, task: MockTask) -> dict[str, str]:
        """URLs of a finished task's result files, by file name without extension (the files
        themselves are made when first downloaded)."""
        effect = EFFECTS.get(task.effect)
        names = effect.names(task) if effect is not None else []
        return {
            name.rsplit(".", 1)[0]: f"{task.base_url}{FILES_PREFIX}{task.id}/{name}"
            for name in names
        }

    def _task_files(self, task: MockTask) -> Files:
        """A task's result files: made from its input when first needed, then cached."""
        effect = EFFECTS.get(task.effect)
        if effect is None:
            return {}
        return self.files.get(task.id, lambda: effect.make(task))

    def _file(self, ref: str) -> tuple[bytes, str] | None:
        """A result file, while its task has succeeded and its URL has not expired."""
        task_id, _, name = ref.partition("/")
        task = self.store.find(task_id)
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

    # -- answers -----------------------------------------------------------------------------
    def _json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> MockResponse:
        data = messages.encode_json(body)
        return MockResponse(status, data, "application/json", headers or {})

    def _faulty(self, fault: Fault, request_id: str) -> MockResponse:
        """The answer of an injected error or rate-limit fault (nothing is done)."""
        if fault.kind == "rate_limit":
            return self._error("rate_limited", "injected by the test", request_id)
        response = self._error("server_error", "injected by the test", request_id)
        response.status = fault.status
        return response

    def _error(
        self, kind: str, detail: str, request_id: str, op: Operation | None = None
    ) -> MockResponse:
        schema = op.response_schema if op is not None else None
        status, headers, body = render_error(self.vendor, kind, detail, request_id, schema)
        if body is None:  # a gateway's refusal: the reason is in the headers only
            return MockResponse(status, b"", "text/plain", headers)
        return self._json(status, body, headers)


def _settled(answer: MockResponse | Later) -> MockResponse:
    """``answer``, or what the rest of the work left for later gives, run here."""
    return answer if isinstance(answer, MockResponse) else answer()


def _faulted(response: MockResponse, fault: Fault | None) -> MockResponse:
    """``response`` with an injected latency or drop fault (those happen after the work)."""
    if fault is not None:
        response.delay += fault.seconds if fault.kind == "latency" else 0.0
        response.dropped = fault.kind == "drop"
    return response


def _image_inputs(op: Operation) -> list[str]:
    """The inputs of ``op`` that may name an image for the mock to download."""
    slots = [name for slot in op.limits.slots.values() for name in slot.inputs]
    return list(dict.fromkeys([*op.mock.image, *slots]))


def _makes_images(vendor: Vendor, op: Operation) -> bool:
    """Whether serving ``op`` makes images: a synchronous job, an answer that may carry image
    bytes, a result file as the answer's body."""
    return op.role == "action" or _answers_images(vendor, op) or bool(op.mock.body_file)


def _answers_images(vendor: Vendor, op: Operation) -> bool:
    """Whether ``op``'s answer can carry image bytes the mock makes (a preview, base64)."""
    templates = json.dumps(op.mock.response if op.mock else None)
    spec = vendor.task_spec(op)
    if "$view" in templates and spec is not None:
        templates += json.dumps(spec.view)
    return "$task.preview" in templates or "$task.base64" in templates


def _journal_value(value: Any) -> Any:
    """``value`` as the journal keeps it: bytes and long strings replaced by their size."""
    if isinstance(value, bytes):
        return "<bytes>"
    if isinstance(value, str) and len(value) > JOURNAL_TEXT_CHARS:
        return f"<{len(value)} characters>"
    if isinstance(value, dict):
        return {k: _journal_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_journal_value(v) for v in value]
    return value


def _json_field(body: Any, spellings: tuple[str, ...]) -> Any:
    """A JSON body's field by its wire name or one of the other ``spellings`` the vendor
    takes, the wire name first."""
    if not isinstance(body, dict):
        return None
    for name in spellings:
        if name in body:
            return body[name]
    return None


def _secret_inputs(vendor: Vendor, auth: AuthPlugin) -> dict[str, frozenset[str]]:
    """Per operation, the inputs the journal masks: the credential params, and every header
    or field the auth plug-in names (worked out once, not per request)."""
    named = {n.lower() for n in auth.secret_headers()} | {auth.field.lower()}
    return {
        op.name: frozenset(
            p.wire for p in op.params if p.source == "credential" or p.wire.lower() in named
        )
        for op in vendor.operations
    }


def _exact_routes(vendor: Vendor) -> dict[tuple[str, str], tuple[Operation, bool]]:
    """(method, path) -> (operation, whether it has routing constants to check), for paths
    without parameters that one operation owns."""
    found: dict[tuple[str, str], list[Operation]] = {}
    for op in vendor.operations:
        if "{" not in op.path:
            found.setdefault((op.method, op.path), []).append(op)
    return {
        key: (ops[0], any(_routes_by(p) for p in ops[0].params))
        for key, ops in found.items()
        if len(ops) == 1
    }


# A route: its path's regex (its groups named as the path parameters), its method, the
# operation, and whether it has routing constants to check.
Route = tuple[re.Pattern[str], str, Operation, bool]


def _route_of(op: Operation) -> Route:
    """``op``'s route, worked out once (every request with a path parameter goes through
    them)."""
    return _path_pattern(op), op.method, op, any(_routes_by(p) for p in op.params)


# A route as its method's list keeps it: the literal start of its path (tested before the
# regex), the regex, the operation, whether it has routing constants to check.
MethodRoute = tuple[str, re.Pattern[str], Operation, bool]


def _routes_by_method(routes: list[Route]) -> dict[str, list[MethodRoute]]:
    """Each method's routes, in the order of ``routes``: the first match among them is the
    one the full scan of ``_route`` finds (when it has no routing constant to check)."""
    found: dict[str, list[MethodRoute]] = {}
    for pattern, method, op, constants in routes:
        prefix = op.path.split("{", 1)[0]
        found.setdefault(method, []).append((prefix, pattern, op, constants))
    return found


def _routes_by(param: Param) -> bool:
    """Whether ``param`` is a constant header that picks its operation (Tencent's action)."""
    return param.source == "constant" and param.routes and param.location == "header"


def _constant_mismatch(op: Operation, request: MockRequest) -> MockError | None:
    """The refusal for the first routing constant header of ``op`` the request gets wrong."""
    for param in op.params:
        if _routes_by(param):
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
