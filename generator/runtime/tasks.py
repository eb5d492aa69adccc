"""One task lifecycle for every vendor: the outcome type, reading it, and polling for it."""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import unquote, urlsplit

from .answers import ResultBytes
from .paths import get_all, get_first, get_path

if TYPE_CHECKING:
    from .vendor import Operation, Status, TaskFields, TaskSpec, Vendor

ProgressCallback = Callable[["TaskOutcome"], None]
SAFE_NAME = re.compile(r"[\w.-]{1,120}")
SAFE_ID = re.compile(r"[^\w.-]")


@dataclass(frozen=True)
class TaskOutcome:
    """Where a task stands, in the same terms for every vendor.

    ``status`` is one of queued / running / succeeded / failed; ``vendor_status`` is the word
    the vendor used; ``progress`` runs from 0 to 1 where the vendor reports it, and ``preview``
    is its intermediate image (base64) where it sends one; ``error`` is the vendor's reason
    for a failure; ``raw`` is the vendor's own task object, nothing dropped.
    """

    task_id: str
    status: Status
    vendor_status: str
    images: tuple[str, ...] = ()
    progress: float | None = None
    preview: str = field(default="", repr=False)
    error: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def done(self) -> bool:
        return self.status in ("succeeded", "failed")


def read_outcome(
    spec: TaskSpec, payload: Any, task_id: str = "", fields: TaskFields | None = None
) -> TaskOutcome:
    """The outcome described by a vendor's task object (a query answer or a callback), or by
    an answer that is the result image itself (``ResultBytes``)."""
    if isinstance(payload, ResultBytes):
        return bytes_outcome(spec, payload, task_id)
    if not isinstance(payload, dict):
        payload = {}
    fields = fields or spec.fields
    wire, status = _status(spec, payload, fields)
    wire_text = "" if wire is None else str(wire)
    images = tuple(
        str(url)
        for path in fields.images
        for url in get_all(payload, path)
        if url not in (None, "")
    ) + tuple(
        as_data_url(str(text))
        for path in fields.images_base64
        for text in get_all(payload, path)
        if text not in (None, "")
    )
    error = get_path(payload, fields.error) if fields.error and status == "failed" else None
    return TaskOutcome(
        task_id=str(get_path(payload, fields.id) or task_id),
        status=status,
        vendor_status=wire_text,
        images=images,
        progress=_fraction(get_path(payload, fields.progress) if fields.progress else None),
        preview=str(get_path(payload, fields.preview) or "") if fields.preview else "",
        error=str(error or ""),
        raw=payload,
    )


def _status(spec: TaskSpec, payload: dict[str, Any], fields: TaskFields) -> tuple[Any, Status]:
    """The vendor's status (its word, or the HTTP status of a family that reads the status
    from it: ``http_statuses``) and what it means."""
    code = getattr(payload, "status_code", None)
    if spec.http_statuses and code in spec.http_statuses:
        return code, spec.http_statuses[code]
    wire = get_first(payload, fields.status) if fields.status else None
    text = "" if wire is None else str(wire)
    return wire, spec.statuses.get(text) or _loose_status(spec, text)


def bytes_outcome(spec: TaskSpec, answer: ResultBytes, task_id: str) -> TaskOutcome:
    """The outcome of a get that answered the result image itself: succeeded (or what its
    HTTP status says), the image kept as a ``data:`` URL so that it is saved like the rest."""
    import base64

    status = spec.http_statuses.get(answer.status_code, "succeeded")
    data_url = f"data:{answer.media_type};base64,{base64.b64encode(answer.data).decode()}"
    return TaskOutcome(
        task_id=task_id,
        status=status,
        vendor_status=str(answer.status_code),
        images=(data_url,),
        raw={"media_type": answer.media_type, "bytes": len(answer.data)},
    )


def as_data_url(text: str) -> str:
    """A result given inline as base64 (or already a ``data:`` URL) as a ``data:`` URL, its
    media type sniffed from the first bytes, so that it is kept and saved like a URL."""
    if text.startswith("data:"):
        return text
    kinds = {"iVBOR": "image/png", "/9j/": "image/jpeg", "R0lG": "image/gif", "UklG": "image/webp"}
    kind = next((k for prefix, k in kinds.items() if text.startswith(prefix)), "image/png")
    return f"data:{kind};base64,{text}"


def inline_result(url: str) -> tuple[bytes, str] | None:
    """The bytes and media type of a ``data:`` URL (an inline result), or None for a URL to
    download; undecodable base64 raises ``ValueError`` naming the problem."""
    if not url.startswith("data:"):
        return None
    import base64
    import binascii

    head, _, data = url[5:].partition(",")
    kind = head.split(";")[0] or "application/octet-stream"
    try:
        return base64.b64decode(data, validate=True), kind
    except (binascii.Error, ValueError):
        raise ValueError("the inline result is not valid base64") from None


def _fraction(value: Any) -> float | None:
    """Progress as a number from 0 to 1, whether the vendor sends it as a number or as text."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _loose_status(spec: TaskSpec, wire: str) -> Status:
    """Vendors spell statuses inconsistently (``Completed`` / ``COMPLETED``): match ignoring case;
    a word the spec does not know is taken as still running, never as success."""
    for known, status in spec.statuses.items():
        if known.lower() == wire.lower():
            return status
    return "running"


@dataclass
class PollSchedule:
    """Poll intervals: start at the vendor's advice, grow by ``factor`` up to ``max_interval``."""

    interval: float
    factor: float = 1.5
    max_interval: float = 30.0

    def __iter__(self) -> Iterator[float]:
        interval = self.interval
        while True:
            yield interval
            interval = min(interval * self.factor, max(self.max_interval, self.interval))


def submitted_task_id(vendor: Vendor, submit: Operation, payload: Any, sent: dict[str, Any]) -> str:
    """The id to follow a just-submitted task by: where the submit's ``task_id`` says (a path
    in the answer, or ``$request.<input>`` for an id the caller gave and the answer does not
    repeat), else where the task family keeps its id."""
    where = submit.task_id
    if where.startswith("$request."):
        return str(get_path(sent, where.removeprefix("$request.")) or "")
    spec = vendor.task_spec(vendor.poll_for(submit.name)[0])
    path = where or (spec.fields.id if spec is not None else "")
    return str(get_path(payload, path) or "")


class TerminalProgress:
    """A progress bar for long waits on a terminal, ``task abc: running [####----] 42% (12 s)``,
    redrawn in place and ended with a newline when the task is done. Nothing shows before
    ``quiet_seconds`` have passed, so short waits stay silent."""

    BAR_WIDTH = 20

    def __init__(self, stream: TextIO, clock: Any, quiet_seconds: float = 3.0) -> None:
        self.stream = stream
        self.clock = clock
        self.quiet_seconds = quiet_seconds
        self.started = clock.time()
        self.shown = False
        self.drawn = 0

    def __call__(self, outcome: TaskOutcome) -> None:
        elapsed = self.clock.time() - self.started
        if elapsed < self.quiet_seconds and not (self.shown and outcome.done):
            return
        percent = f" {outcome.progress * 100:.0f}%" if outcome.progress is not None else ""
        bar = self.bar(outcome)
        line = f"task {outcome.task_id}: {outcome.status} {bar}{percent} ({elapsed:.0f} s)"
        self.stream.write("\r" + line.ljust(72) + ("\n" if outcome.done else ""))
        self.stream.flush()
        self.shown = True
        self.drawn += 1

    def bar(self, outcome: TaskOutcome) -> str:
        """``[#####---------------]``: filled to the progress the vendor reports; where it
        reports none, a block that moves while the task runs, full once it succeeds."""
        width = self.BAR_WIDTH
        if outcome.status == "succeeded":
            return "[" + "#" * width + "]"
        if outcome.progress is not None:
            filled = round(min(max(outcome.progress, 0.0), 1.0) * width)
            return "[" + "#" * filled + "-" * (width - filled) + "]"
        start = (self.drawn * 3) % width
        cells = ["#" if (i - start) % width < 4 else "-" for i in range(width)]
        return "[" + "".join(cells) + "]"


def result_file_name(outcome: TaskOutcome, index: int, url: str, headers: Mapping[str, str]) -> str:
    """The file name a downloaded result is saved under: its URL's last segment when that
    looks like a file name, else ``<task>-<n>`` with the extension its content type gives;
    prefixed by its position when the outcome has several results."""
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    if not SAFE_NAME.fullmatch(name) or "." not in name:
        kind = headers.get("content-type", "").split(";")[0].strip()
        extension = mimetypes.guess_extension(kind) or ".bin"
        name = f"{SAFE_ID.sub('_', outcome.task_id) or 'result'}{extension}"
    return f"{index + 1:02d}-{name}" if len(outcome.images) > 1 else name
