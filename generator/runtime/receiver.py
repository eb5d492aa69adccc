"""One receiver for every vendor's task callbacks.

Point a submit's callback URL at ``<receiver>/<vendor>`` (or ``<receiver>/<vendor>/<submit
operation>`` for a vendor with several task families, such as Zhiqite's tools). The receiver
answers each vendor what it expects (Zhiqite wants ``{"code": "200"}``, or it retries), turns
the payload into the same :class:`~generator.runtime.tasks.TaskOutcome` a ``wait()`` returns,
and hands it to ``on_outcome``. A payload that is not one of the vendor's callbacks (its
schema, a task id, a status the vendor uses) is refused with 400 and the reason::

    receiver = CallbackReceiver([kling.VENDOR, zhiqite.VENDOR], on_outcome=print)
    uvicorn.run(receiver.app, port=9000)      # or: with LiveServer(receiver.app) as live: ...

In-process, ``receiver.transport()`` is an httpx transport into it (a mock's
``callback_transport``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .callback_payloads import read_callback
from .errors import CallbackError
from .mock.messages import MockError, read_json
from .tasks import TaskOutcome
from .vendor import Vendor

OutcomeHandler = Callable[[str, TaskOutcome], None]


@dataclass(frozen=True)
class Received:
    """One accepted callback: the vendor's package name and what it reported."""

    vendor: str
    outcome: TaskOutcome


class CallbackReceiver:
    """Receives callbacks of ``vendors``; ``received`` lists every one it accepted."""

    def __init__(self, vendors: Iterable[Vendor], on_outcome: OutcomeHandler | None = None):
        self.vendors = {v.package: v for v in vendors}
        self.on_outcome = on_outcome
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._app: Starlette | None = None

    def handle(self, path: str, body: bytes) -> tuple[int, dict[str, Any]]:
        """(HTTP status, JSON answer) for a callback POSTed to ``path``."""
        parts = [p for p in path.split("/") if p]
        vendor = self.vendors.get(parts[0]) if parts else None
        if vendor is None or len(parts) > 2:
            return 404, {"error": f"no vendor at {path!r} (known: {', '.join(self.vendors)})"}
        operation = parts[1] if len(parts) == 2 else None
        try:
            outcome = self._outcome(vendor, operation, read_json(body))
        except CallbackError as exc:
            return 400, {"error": str(exc)}
        except MockError as exc:
            return 400, {"error": f"not a {vendor.package} callback: {exc.detail}"}
        with self._lock:
            self.received.append(Received(vendor.package, outcome))
        if self.on_outcome is not None:
            self.on_outcome(vendor.package, outcome)
        reply = vendor.callback.reply if vendor.callback else None
        return 200, dict(reply) if reply else {}

    def _outcome(self, vendor: Vendor, operation: str | None, payload: Any) -> TaskOutcome:
        return read_callback(vendor, payload, operation)

    # -- wiring ------------------------------------------------------------------------------
    @property
    def app(self) -> Starlette:
        """The receiver as an ASGI app: ``POST /<vendor>[/<operation>]``."""
        if self._app is None:

            async def endpoint(request: Request) -> Response:
                status, answer = self.handle(request.url.path, await request.body())
                return Response(json.dumps(answer), status, media_type="application/json")

            self._app = Starlette(routes=[Route("/{path:path}", endpoint, methods=["POST"])])
        return self._app

    def transport(self) -> httpx.MockTransport:
        """An httpx transport into the receiver, in-process."""

        def handle(request: httpx.Request) -> httpx.Response:
            status, answer = self.handle(request.url.path, request.read())
            return httpx.Response(status, json=answer)

        return httpx.MockTransport(handle)
