"""The mock's admin API, over HTTP under ``/_mock/`` so tests in any language can drive it,
and the faults it can inject.

::

    GET  /_mock/files/<task>/<name>   a result file        GET  /_mock/journal     requests seen
    GET  /_mock/examples/<name>       an example image     POST /_mock/reset       forget all
    POST /_mock/advance?seconds=5     move a virtual clock  GET  /_mock/health      ready?
    POST /_mock/outcome?status=failed&count=1              the next tasks' outcome
    POST /_mock/faults?kind=error&count=2[&status=503][&seconds=1][&operation=get_task]
    DELETE /_mock/faults                                   no more faults
    POST /_mock/credentials?key=k[&secret=s][&quota=3][&money=10]
    POST /_mock/quota?key=k&quota=0                        (``quota=`` empty: unlimited)

Every admin answer is JSON; a bad admin request gets HTTP 400 with ``{"error": ...}``.

A mock given an admin token (``--admin-token``) answers these only to a request with the header
``X-Mock-Admin-Token: <token>``, and 401 otherwise. Result files and example images need none:
they stand for the vendor's own file URLs, which callers download as they are given (a result
file's URL holds its task's random id).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

from ..clock import VirtualClock
from .messages import MockRequest, MockResponse
from .page import PAGE_PATHS
from .page import route as page_route

if TYPE_CHECKING:
    from .core import VendorMock

FaultKind = Literal["latency", "error", "drop", "rate_limit"]
TOKEN_HEADER = "X-Mock-Admin-Token"
# Open without the admin token: result files and example images (they stand for the vendor's
# own file URLs), the page itself (it holds no data and asks for the token), and the health
# check (vendor, clock and store kind, for readiness probes that send no headers).
OPEN_PATHS = ("/_mock/files/", "/_mock/examples/")
OPEN_EXACT = frozenset({*PAGE_PATHS, "/_mock/health"})
FAULT_KINDS = ("latency", "error", "drop", "rate_limit")


@dataclass
class Fault:
    """A fault for the next ``count`` requests (of ``operation``, or of any operation).

    ``latency`` holds the answer back ``seconds`` on the mock's clock; ``error`` answers HTTP
    ``status`` (5xx) in the vendor's system-error shape, without doing the work; ``drop``
    does the work and then breaks the connection, so the caller never learns the outcome;
    ``rate_limit`` refuses as the vendor refuses too many requests.
    """

    kind: FaultKind
    count: int = 1
    seconds: float = 0.0
    status: int = 503
    operation: str = ""

    def applies_to(self, operation: str) -> bool:
        return self.count > 0 and self.operation in ("", operation)


class AdminError(ValueError):
    """A bad admin request (HTTP 400)."""


def admin(mock: VendorMock, request: MockRequest, path: str) -> MockResponse:
    """Answer an admin request for ``path``."""
    if not (path.startswith(OPEN_PATHS) or path in OPEN_EXACT) and not authorized(mock, request):
        return mock._json(401, {"error": f"this mock's admin API needs the {TOKEN_HEADER} header"})
    try:
        return _route(mock, request, path)
    except (AdminError, ValueError, KeyError) as exc:
        reason = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        return mock._json(400, {"error": str(reason)})


def authorized(mock: VendorMock, request: MockRequest) -> bool:
    """Whether the request may use the admin API: always, for a mock without a token."""
    token = getattr(mock, "admin_token", None)
    if not token:
        return True
    given = request.headers.get(TOKEN_HEADER.lower(), "")
    return hmac.compare_digest(given.encode(), token.encode())


def _route(mock: VendorMock, request: MockRequest, path: str) -> MockResponse:
    method, query = request.method, request.query
    if path.startswith(("/_mock/files/", "/_mock/examples/")) and method == "GET":
        found = mock._served_file(path)
        if found is None:
            return mock._json(404, {"error": "no such file"})
        return MockResponse(200, found[0], found[1])
    page = page_route(mock, request, path)  # the page for people and its data (page.py)
    if page is not None:
        return page
    handlers: dict[tuple[str, str], Callable[[], Any]] = {
        ("GET", "/_mock/journal"): lambda: [entry.as_json() for entry in mock.journal],
        ("GET", "/_mock/health"): lambda: _health(mock),
        ("POST", "/_mock/reset"): lambda: _done(mock.reset),
        ("POST", "/_mock/advance"): lambda: _advance(mock, query),
        ("POST", "/_mock/outcome"): lambda: _outcome(mock, query),
        ("POST", "/_mock/faults"): lambda: _fault(mock, query),
        ("DELETE", "/_mock/faults"): lambda: _done(mock.clear_faults),
        ("POST", "/_mock/credentials"): lambda: _credential(mock, query),
        ("POST", "/_mock/quota"): lambda: _quota(mock, query),
    }
    handler = handlers.get((method, path))
    if handler is None:
        return mock._json(404, {"error": f"no admin route {method} {path}"})
    return mock._json(200, handler())


def _done(action: Callable[[], None] | None = None) -> dict[str, Any]:
    """Run ``action`` (when given) and answer that it was done."""
    if action is not None:
        action()
    return {"ok": True}


def _health(mock: VendorMock) -> dict[str, Any]:
    """For readiness probes: which vendor, which clock and its time, where the state is."""
    return {
        "ok": True,
        "vendor": mock.vendor.package,
        "clock": "virtual" if isinstance(mock.clock, VirtualClock) else "real",
        "time": mock.clock.time(),
        "store": mock.store.kind,
    }


def _advance(mock: VendorMock, query: dict[str, str]) -> dict[str, Any]:
    if not isinstance(mock.clock, VirtualClock):
        raise AdminError("this mock runs on the real clock")
    mock.advance(_number(query, "seconds", 0.0))
    return {"now": mock.clock.time()}


def _outcome(mock: VendorMock, query: dict[str, str]) -> dict[str, Any]:
    status = query.get("status", "failed")
    if status not in ("succeeded", "failed"):
        raise AdminError("status must be succeeded or failed")
    mock.force_outcome(status, int(_number(query, "count", 1)), query.get("error", ""))  # type: ignore[arg-type]
    return _done()


def _fault(mock: VendorMock, query: dict[str, str]) -> dict[str, Any]:
    fault = Fault(
        kind=_kind(query.get("kind", "")),
        count=int(_number(query, "count", 1)),
        seconds=_number(query, "seconds", 0.0),
        status=int(_number(query, "status", 503)),
        operation=query.get("operation", ""),
    )
    mock.inject_fault(**asdict(fault))
    return _done()


def _credential(mock: VendorMock, query: dict[str, str]) -> dict[str, Any]:
    key = query.get("key", "")
    if not key:
        raise AdminError("key is required")
    quota = query.get("quota")
    money = query.get("money")
    mock.add_credential(
        key,
        int(quota) if quota else None,
        secret=query.get("secret"),
        money=float(money) if money else None,
    )
    return _done()


def _quota(mock: VendorMock, query: dict[str, str]) -> dict[str, Any]:
    key = query.get("key", "")
    if key not in mock.accounts:
        raise AdminError(f"no credential {key!r}")
    quota = query.get("quota", "")
    mock.set_quota(key, int(quota) if quota else None)
    return _done()


def _kind(value: str) -> FaultKind:
    if value not in FAULT_KINDS:
        raise AdminError(f"kind must be one of {', '.join(FAULT_KINDS)}")
    return value  # type: ignore[return-value]


def _number(query: dict[str, str], name: str, default: float) -> float:
    raw = query.get(name, "")
    if raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise AdminError(f"{name} must be a number, not {raw!r}") from None
