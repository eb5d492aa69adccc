"""``GET /_mock/``: a page for the people debugging against a mock, and the paged JSON it reads.

The page (``page/index.html``, one static file with its CSS and script inline, nothing from
outside the mock) shows the vendor and clock, tasks, the request journal, callbacks, faults and
accounts, and drives the mock through the same admin API the tests use. It reads only pages of
data, never a whole store, so it stays quick with 10,000 tasks and a full journal::

    GET /_mock/                                    the page
    GET /_mock/state                               vendor, clock, counts, faults, accounts
    GET /_mock/tasks?offset=0&limit=50[&status=running][&q=id]   tasks, newest first
    GET /_mock/tasks/<id>                          one task, with the vendor's own view of it
    GET /_mock/thumbs/<task>/<input|slot name|result file>       a small copy of an image
    GET /_mock/journal/page?offset=0&limit=50[&operation=op][&failures=1]   newest first
    GET /_mock/callbacks?offset=0&limit=50         deliveries, each attempt and the next retry
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict
from importlib import resources
from itertools import islice
from typing import TYPE_CHECKING, Any

from PIL import Image

from ..clock import VirtualClock
from ..envelope import is_success, layer_message, layer_readers, render_success
from ..images import ImageProblem, open_image, to_png
from ..paths import get_path
from .effects import EFFECTS
from .messages import JournalEntry, MockRequest, MockResponse
from .store import MockTask
from .templates import render

if TYPE_CHECKING:
    from .core import VendorMock

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
THUMB_SIDE = 160
SHORT_TEXT = 160  # longer strings (base64 images, say) are cut in the page's data
SHORT_LIST = 8
MAX_DEPTH = 6
MAX_ACCOUNTS = 50  # the state's accounts; a mock rarely has more than a few


class PageError(ValueError):
    """A bad request for the page's data (the admin API answers HTTP 400 with the reason)."""


# The page itself holds no data: a browser opens it without the admin token, and its script
# then sends the token with every call (an admin-token check must let these two through).
PAGE_PATHS = ("/_mock/", "/_mock/index.html")


def route(mock: VendorMock, request: MockRequest, path: str) -> MockResponse | None:
    """The answer to a page request, or None when ``path`` is not one of the page's."""
    if request.method != "GET":
        return None
    if path in PAGE_PATHS:
        return MockResponse(200, _html(), "text/html; charset=utf-8", _no_store())
    if path.startswith("/_mock/thumbs/"):
        return thumbnail(mock, path.removeprefix("/_mock/thumbs/"))
    if path.startswith("/_mock/tasks/"):
        return mock._json(200, task_detail(mock, path.removeprefix("/_mock/tasks/")), _no_store())
    reader = _READERS.get(path)
    return None if reader is None else mock._json(200, reader(mock, request.query), _no_store())


def _no_store() -> dict[str, str]:
    return {"cache-control": "no-store"}


def _tasks(mock: VendorMock, query: dict[str, str]) -> dict[str, Any]:
    return tasks(mock, *_paging(query), query.get("status", ""), query.get("q", ""))


def _journal(mock: VendorMock, query: dict[str, str]) -> dict[str, Any]:
    failures = query.get("failures", "") in ("1", "true", "yes")
    return journal(mock, *_paging(query), query.get("operation", ""), failures)


@functools.cache
def _html() -> bytes:
    return resources.files(__package__).joinpath("page/index.html").read_bytes()


def _paging(query: dict[str, str]) -> tuple[int, int]:
    try:
        offset = int(query.get("offset") or 0)
        limit = int(query.get("limit") or DEFAULT_LIMIT)
    except ValueError:
        raise PageError("offset and limit must be whole numbers") from None
    if offset < 0 or not 1 <= limit <= MAX_LIMIT:
        raise PageError(f"offset must be 0 or more and limit 1 to {MAX_LIMIT}")
    return offset, limit


# -- state ------------------------------------------------------------------------------------
def state(mock: VendorMock) -> dict[str, Any]:
    """Everything small: vendor, clock, counts, the faults and outcomes in force, accounts."""
    vendor, now = mock.vendor, mock.clock.time()
    counts: dict[str, int] = {}
    for task in mock.store.tasks.values():
        status = task.status(now)
        counts[status] = counts.get(status, 0) + 1
    return {
        "vendor": {"package": vendor.package, "title": vendor.title, "base_url": vendor.base_url},
        "clock": {"now": now, "virtual": isinstance(mock.clock, VirtualClock)},
        "operations": [{"name": op.name, "role": op.role} for op in vendor.operations],
        "counts": {"tasks": len(mock.store.tasks), "journal": len(mock.journal), **counts},
        "journal_limit": mock.journal_limit,
        "faults": [asdict(fault) for fault in mock.faults],
        "outcomes": [{"status": s, "error": e} for s, e in mock.forced_outcomes],
        "accounts": [
            {
                "key": mask(a.key),
                "quota": a.quota,
                "used": a.used,
                "remaining": a.remaining,
                "money": a.money,
            }
            for a in islice(mock.accounts.values(), MAX_ACCOUNTS)
        ],
        "accounts_total": len(mock.accounts),
        "callbacks": {
            "sent": len(mock.callbacks.attempts),
            "pending": len(mock.callbacks.pending),
            "declared": vendor.callback is not None,
        },
    }


def mask(key: str) -> str:
    """A credential as the page shows it: enough to tell two apart, never the value."""
    return key[:2] + "****" if len(key) > 4 else key[:1] + "****"


# -- tasks ------------------------------------------------------------------------------------
def tasks(mock: VendorMock, offset: int, limit: int, status: str, q: str) -> dict[str, Any]:
    """One page of tasks, newest first (the store keeps them in the order they came)."""
    now = mock.clock.time()
    stored = mock.store.tasks  # a dict in memory; a SQLite store reads its rows in order
    newest: Iterable[MockTask] = (
        reversed(stored.values()) if isinstance(stored, dict) else reversed(list(stored.values()))
    )
    if status:
        newest = (t for t in newest if t.status(now) == status)
    if q:
        newest = (t for t in newest if q in t.id or q in t.external_id)
    if status or q:
        matching = list(newest)
        total, page = len(matching), matching[offset : offset + limit]
    else:
        total, page = len(mock.store.tasks), list(islice(newest, offset, offset + limit))
    return {
        "now": now,
        "total": total,
        "offset": offset,
        "limit": limit,
        "items": [task_row(mock, t, now) for t in page],
    }


def task_row(mock: VendorMock, task: MockTask, now: float) -> dict[str, Any]:
    status = task.status(now)
    return {
        "id": task.id,
        "external_id": task.external_id,
        "operation": task.operation,
        "account": mask(task.account),
        "status": status,
        "progress": task.progress(now),
        "created_at": task.created_at,
        "started_at": task.created_at + task.queue_seconds,
        "finishes_at": task.finishes_at,
        "error": task.error if status == "failed" else "",
        "callback_url": task.callback_url,
        "inputs": _input_names(task),
        "results": _result_names(task) if status == "succeeded" else [],
    }


def _input_names(task: MockTask) -> list[str]:
    return (["input"] if task.image is not None else []) + [
        name for name in task.slots if task.slots[name] is not task.image
    ]


def _result_names(task: MockTask) -> list[str]:
    effect = EFFECTS.get(task.effect)
    return effect.names(task) if effect is not None else []


def task_detail(mock: VendorMock, task_id: str) -> dict[str, Any]:
    """One task: its row, the caller's inputs (shortened) and what the vendor's own get
    operation would answer about it now (the raw vendor view)."""
    task = mock.store.tasks.get(task_id)
    if task is None:
        raise PageError(f"no task {task_id!r}")
    now = mock.clock.time()
    return {
        **task_row(mock, task, now),
        "request": shorten(mock._masked(mock.vendor.ops[task.operation], task.inputs)),
        "view": shorten(vendor_view(mock, task)),
        "view_operation": task.poll_op or task.operation,
    }


def vendor_view(mock: VendorMock, task: MockTask) -> Any:
    """The answer, envelope and all, that the operation following ``task`` gives about it."""
    op = mock.vendor.ops[task.poll_op or task.operation]
    args = {op.task_id: task.id} if op.task_id else {}
    ctx = mock._context(task=task, request=args, account=mock.accounts.get(task.account))
    return render_success(mock.vendor, render(op.mock.response, ctx), "page-view")


def thumbnail(mock: VendorMock, ref: str) -> MockResponse:
    """A copy of a task's image at most ``THUMB_SIDE`` pixels a side: ``input``, an image
    slot's name, or a result file's name (while the task has succeeded)."""
    task_id, _, name = ref.partition("/")
    task = mock.store.tasks.get(task_id)
    data: bytes | None = None
    if task is not None:
        data = _image_of(mock, task, name)
    if data is None:
        return mock._json(404, {"error": f"no image {ref!r}"})
    if data.lstrip().startswith(b"<svg"):
        return MockResponse(200, data, "image/svg+xml", _no_store())
    try:
        img = open_image(data)
    except ImageProblem:
        return mock._json(404, {"error": f"{ref!r} is not a readable image"})
    img.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    return MockResponse(200, to_png(img), "image/png", _no_store())


def _image_of(mock: VendorMock, task: MockTask, name: str) -> bytes | None:
    if name == "input":
        return task.image
    if name in task.slots:
        return task.slots[name]
    found = mock._file(f"{task.id}/{name}")
    return found[0] if found is not None else None


# -- journal ----------------------------------------------------------------------------------
def journal(
    mock: VendorMock, offset: int, limit: int, operation: str, failures: bool
) -> dict[str, Any]:
    """One page of the journal, newest first, of one operation and/or failures only."""
    newest: Iterator[JournalEntry] = reversed(mock.journal)
    if operation:
        newest = (e for e in newest if e.operation == operation)
    if failures:
        newest = (e for e in newest if _refusal(mock, e) is not None)
    if operation or failures:
        matching = list(newest)
        total, page = len(matching), matching[offset : offset + limit]
    else:
        total, page = len(mock.journal), list(islice(newest, offset, offset + limit))
    return {
        "total": total,
        "offset": offset,
        "limit": limit,
        "items": [journal_row(mock, e) for e in page],
    }


def journal_row(mock: VendorMock, entry: JournalEntry) -> dict[str, Any]:
    refusal = _refusal(mock, entry)
    code, reason = refusal if refusal is not None else (None, "")
    return {
        "time": entry.time,
        "method": entry.method,
        "path": entry.path,
        "operation": entry.operation,
        "status": entry.status,
        "failed": refusal is not None,
        "code": code,
        "reason": reason,
        "params": shorten(entry.params),
        "response": shorten(entry.response),
    }


def _refusal(mock: VendorMock, entry: JournalEntry) -> tuple[Any, str] | None:
    """(vendor code, reason) of a refused request; None for one that succeeded. Worked out
    once per entry: the failures filter reads every entry of the journal on every poll."""
    cached = _refusals.get(id(entry))
    if cached is not None and cached[0] is entry:
        return cached[1]
    found = refusal_of(mock, entry)
    if len(_refusals) > 4 * max(len(mock.journal), 1_000):
        _refusals.clear()
    _refusals[id(entry)] = (entry, found)
    return found


_refusals: dict[int, tuple[JournalEntry, tuple[Any, str] | None]] = {}


def refusal_of(mock: VendorMock, entry: JournalEntry) -> tuple[Any, str] | None:
    """The vendor's code and message when ``entry`` was refused: the first envelope layer
    whose code is not a success, else an HTTP failure with the vendor's error header."""
    node = entry.response
    for layer in layer_readers(mock.vendor.envelope):
        if not isinstance(node, dict):
            break
        code = get_path(node, layer.code) if layer.code else None
        if not is_success(layer, code):
            return code, layer_message(layer.layer, node)
        node = get_path(node, layer.payload, {}) if layer.payload else node
    if entry.status < 400:
        return None
    return _header_refusal(mock, entry)


def _header_refusal(mock: VendorMock, entry: JournalEntry) -> tuple[Any, str]:
    """A refusal without the vendor's JSON (a gateway's): its reason from the vendor's error
    header, its code from the other headers the vendor's bodiless errors set."""
    vendor = mock.vendor
    reason_header = vendor.envelope.error_header.lower()
    headers = {k.lower(): v for k, v in entry.headers.items()}
    named = {h.lower() for spec in vendor.errors.values() if not spec.body for h in spec.headers}
    code = next((headers[h] for h in sorted(named - {reason_header}) if h in headers), None)
    return code, headers.get(reason_header, "") or f"HTTP {entry.status}"


# -- callbacks --------------------------------------------------------------------------------
def callbacks(mock: VendorMock, offset: int, limit: int) -> dict[str, Any]:
    """Deliveries (one per task and status), newest first: each attempt with the receiver's
    answer, and when the next one is due while it is still being retried."""
    deliveries: dict[tuple[str, str], dict[str, Any]] = {}
    for attempt in mock.callbacks.attempts:
        row = deliveries.setdefault(
            (attempt.task_id, attempt.status),
            {"task_id": attempt.task_id, "status": attempt.status, "url": attempt.url},
        )
        row.setdefault("attempts", []).append(
            {
                "attempt": attempt.attempt + 1,
                "time": attempt.time,
                "accepted": attempt.accepted,
                "answer": attempt.answer,
            }
        )
        row["payload"] = attempt.payload
    for delivery in mock.callbacks.pending:
        row = deliveries.setdefault(
            (delivery.task_id, delivery.status),
            {"task_id": delivery.task_id, "status": delivery.status, "url": delivery.url},
        )
        row["next_at"] = delivery.due
        row.setdefault("payload", delivery.payload)
    retries = mock.vendor.callback.retry_seconds if mock.vendor.callback else ()
    rows = list(deliveries.values())[::-1]
    for row in rows:
        attempts = row.setdefault("attempts", [])
        row.setdefault("next_at", None)
        row["state"] = _delivery_state(attempts, row["next_at"], len(retries))
        row["payload"] = shorten(row.get("payload"))
    return {
        "now": mock.clock.time(),
        "total": len(rows),
        "offset": offset,
        "limit": limit,
        "items": rows[offset : offset + limit],
    }


def _delivery_state(attempts: list[dict[str, Any]], next_at: float | None, retries: int) -> str:
    if attempts and attempts[-1]["accepted"]:
        return "delivered"
    if next_at is not None:
        return "retrying" if attempts else "due"
    return "given up" if len(attempts) > retries else "pending"


# -- shortening -------------------------------------------------------------------------------
def shorten(value: Any, depth: int = 0) -> Any:
    """``value`` with long strings and lists cut, so that a page of rows stays small whatever
    the requests carried (base64 images, long lists)."""
    if isinstance(value, str):
        if len(value) <= SHORT_TEXT:
            return value
        return f"{value[:SHORT_TEXT]}… ({len(value)} characters)"
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if depth >= MAX_DEPTH and isinstance(value, dict | list):
        return f"… ({len(json.dumps(value, default=str))} characters)"
    if isinstance(value, dict):
        return {str(k): shorten(v, depth + 1) for k, v in islice(value.items(), 50)}
    if isinstance(value, list | tuple):
        kept = [shorten(v, depth + 1) for v in value[:SHORT_LIST]]
        if len(value) > SHORT_LIST:
            kept.append(f"… {len(value) - SHORT_LIST} more")
        return kept
    return value


_READERS: dict[str, Callable[[VendorMock, dict[str, str]], dict[str, Any]]] = {
    "/_mock/state": lambda mock, _query: state(mock),
    "/_mock/tasks": _tasks,
    "/_mock/journal/page": _journal,
    "/_mock/callbacks": lambda mock, query: callbacks(mock, *_paging(query)),
}
