"""The mock as an ASGI app: for uvicorn, and for ``httpx.ASGITransport`` in-process.

A plain ASGI callable rather than a Starlette router: every path goes to the mock's core, so
routing is the core's, and the request is built straight from the ASGI scope. It reads the
body in chunks and refuses one over the vendor's limit as soon as it passes it, and one that
stops arriving for ``read_timeout`` seconds (a declared length never sent, say).

Served, a request that may download a URL, decode or make images is answered on one of the
mock's worker threads (``VendorMock.ahandle`` chooses), so that a slow upstream or a big image
holds up no other caller; the rest, most polls, are answered on the event loop.

The mock's own URLs (result files, example images) are built from ``public_url`` when given,
else from the address the server listens on: never from the request's ``Host`` header, which
the caller chooses.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from .messages import MockRequest, MockResponse

if TYPE_CHECKING:
    from .core import VendorMock

CALLBACK_TICK = 0.1
DEFAULT_READ_TIMEOUT = 5.0
SERVER_URLS_KEPT = 8
Scope = dict[str, Any]


class _TooLarge(Exception):
    pass


class _Stalled(Exception):
    pass


class ConnectionDropped(Exception):
    """Raised by the app, after starting an answer, to break the connection (an injected
    ``drop`` fault): uvicorn then closes it, and ``MockASGITransport`` raises httpx's error."""


class _Body:
    """The rest of a request body that did not come in one message: the chunk already
    received, then the others as the ASGI server hands them over; a wait of more than
    ``timeout`` seconds for the next part raises ``_Stalled``."""

    def __init__(
        self, headers: dict[str, str], first: bytes, receive: Any, timeout: float | None
    ) -> None:
        self.headers = headers
        self._first = first
        self._receive = receive
        self.timeout = timeout

    async def stream(self) -> Any:
        yield self._first
        while True:
            message = await _next_message(self._receive, self.timeout)
            yield message.get("body", b"")
            if not message.get("more_body", False):
                return


async def _next_message(receive: Any, timeout: float | None) -> dict[str, Any]:
    """The next part of the body; ``_Stalled`` when none comes within ``timeout`` seconds or
    the caller went away.

    Most bodies are already in when the app is called, and ``receive()`` returns at its first
    step: that step is taken here, and only a message that has to be waited for is waited for
    under a timeout (setting one up costs more than the rest of reading the body)."""
    waiting = receive()
    message: dict[str, Any]
    try:
        if not inspect.iscoroutine(waiting):  # any other awaitable: no first step to take
            async with asyncio.timeout(timeout):
                message = await waiting
        else:
            try:
                first = waiting.send(None)
            except StopIteration as done:
                message = done.value
            else:
                async with asyncio.timeout(timeout):
                    message = await _Resumed(waiting, first)
    except TimeoutError:
        raise _Stalled from None
    if message["type"] == "http.disconnect":
        raise _Stalled
    return message


class _Resumed:
    """Awaiting the rest of ``coro``, whose first step (which yielded ``first``) was taken
    already: what the event loop sends or throws in goes on to ``coro``, as if it had been
    awaited from the start."""

    def __init__(self, coro: Any, first: Any) -> None:
        self._coro = coro
        self._first = first

    def __await__(self) -> Generator[Any, Any, Any]:
        coro, yielded = self._coro, self._first
        while True:
            try:
                sent = yield yielded
            except GeneratorExit:
                coro.close()
                raise
            except BaseException as exc:  # a cancellation (the timeout's, say) goes on in
                step, arg = coro.throw, exc
            else:
                step, arg = coro.send, sent
            try:
                yielded = step(arg)
            except StopIteration as done:
                return done.value


async def _whole_body(
    headers: dict[str, str],
    receive: Any,
    limit: int,
    timeout: float | None = None,
    http1: bool = False,
) -> bytes:
    """The body; most arrive in one message, read here without a stream (``_read_body``
    takes over for a body in several). A request that declares no body has none to wait for,
    and none is read: a length of 0, or in HTTP/1 (``http1``) neither a length nor chunks."""
    if _no_body(headers, http1):
        return b""
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    message = await _next_message(receive, timeout)
    body: bytes = message.get("body", b"")
    if message.get("more_body", False):
        return await _read_body(_Body(headers, body, receive, timeout), limit)
    if len(body) > limit:
        raise _TooLarge
    return body


def _no_body(headers: dict[str, str], http1: bool) -> bool:
    """Whether a request declares no body: a length of 0, or in HTTP/1 (``http1``) neither a
    length nor chunks."""
    declared = headers.get("content-length", "")
    return declared == "0" or (http1 and not declared and "transfer-encoding" not in headers)


async def _read_body(request: Any, limit: int) -> bytes:
    """The body, refused as soon as it passes ``limit`` instead of after reading it whole."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


class MockApp:
    """The ASGI app of a mock. ``background`` runs callback delivery on the real clock
    (served mocks); in-process, callbacks go out as a virtual clock is advanced. Which requests
    are answered on a worker thread is the mock's choice (``VendorMock.ahandle``).
    """

    def __init__(
        self,
        mock: VendorMock,
        *,
        background: bool = False,
        read_timeout: float | None = DEFAULT_READ_TIMEOUT,
        public_url: str = "",
    ) -> None:
        self.mock = mock
        self.background = background
        self.limit = mock.vendor.mock.max_body_bytes
        self.read_timeout = read_timeout
        self.public_url = public_url.rstrip("/")
        self._server_urls: dict[tuple[Any, Any], str] = {}

    # Not mutated: uvicorn calls an app with no arguments to tell a factory from an app, and
    # mutmut's wrapper of a mutated method takes any arguments (it would pass for a factory).
    async def __call__(
        self, scope: Scope, receive: Any, send: Any
    ) -> None:  # pragma: no mutate block
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":  # no vendor speaks it: refuse the handshake
            await receive()
            await send({"type": "websocket.close", "code": 1003})

    async def _http(self, scope: Scope, receive: Any, send: Any) -> None:
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            http1 = scope.get("http_version", "1.1") in ("1.0", "1.1")
            data = (
                b""  # as _whole_body finds, without a coroutine: most queries have no body
                if _no_body(headers, http1)
                else await _whole_body(headers, receive, self.limit, self.read_timeout, http1)
            )
        except _TooLarge:
            answer = self.mock._error("payload_too_large", f"body over {self.limit} bytes", "")
        except _Stalled:
            reason = f"the body stopped arriving (nothing for {self.read_timeout:g} s)"
            answer = self.mock._error("invalid_request", reason, "")
            answer.headers["connection"] = "close"
        else:
            answer = await self.mock.ahandle(self._request(scope, headers, data))
        if answer.delay and self.mock.hold_answers:
            await self.mock.clock.asleep(answer.delay)
        await _send(answer, send)

    def _request(self, scope: Scope, headers: dict[str, str], body: bytes) -> MockRequest:
        return MockRequest.parts(
            method=scope["method"],
            path=scope["path"],
            base_url=self.public_url or self._server_url(scope),
            query_string=scope.get("query_string", b"").decode("latin-1"),
            headers=headers,
            body=body,
        )

    def _server_url(self, scope: Scope) -> str:
        """``_server_url`` of the scope's server, worked out once per address. A server
        listens on one or two; in-process, the address is the one the client was pointed at,
        so only a few are kept."""
        server = scope.get("server")
        key = (scope.get("scheme", "http"), tuple(server) if server else None)
        found = self._server_urls.get(key)
        if found is None:
            if len(self._server_urls) >= SERVER_URLS_KEPT:
                self._server_urls.clear()
            found = self._server_urls[key] = _server_url(scope)
        return found

    async def _lifespan(self, receive: Any, send: Any) -> None:
        task: asyncio.Task[None] | None = None
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if self.background:
                    task = asyncio.create_task(_deliver_forever(self.mock))
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
                await send({"type": "lifespan.shutdown.complete"})
                return


def _server_url(scope: Scope) -> str:
    """The address the server listens on, as a URL (the scheme's default port left out)."""
    scheme = scope.get("scheme", "http")
    host, port = scope.get("server") or ("localhost", None)
    host = f"[{host}]" if ":" in str(host) else host
    if port is None or (scheme, port) in (("http", 80), ("https", 443)):
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


async def _send(answer: MockResponse, send: Any) -> None:
    if answer.dropped:
        start = [(b"content-type", b"application/json"), (b"content-length", b"64")]
        await send({"type": "http.response.start", "status": 200, "headers": start})
        raise ConnectionDropped("the mock dropped this connection (an injected fault)")
    headers = [
        (b"content-type", answer.media_type.encode()),
        (b"content-length", b"%d" % len(answer.body)),
    ]
    if answer.headers:  # most answers have none of their own
        headers += [(k.lower().encode(), v.encode()) for k, v in answer.headers.items()]
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body})


def create_app(mock: VendorMock, *, background: bool = False, **options: Any) -> MockApp:
    """An ASGI app serving ``mock`` (see :class:`MockApp`; ``options``: ``read_timeout``,
    ``public_url``, ``threaded``)."""
    return MockApp(mock, background=background, **options)


async def _deliver_forever(mock: VendorMock) -> None:
    while True:
        await mock.callbacks.arun_due()
        await asyncio.sleep(CALLBACK_TICK)
