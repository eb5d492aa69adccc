"""Reading an answer into its payload: the one place a client turns an HTTP response into
what an operation returns, for answers that are not plain JSON successes too.

Two shapes of vendor answers need more than the envelope: a get that answers the result
image itself once its task is done (``binary_media``: the payload is a :class:`ResultBytes`),
and a task family whose status is the answer's HTTP status (``task.http_statuses``: the
payload is a :class:`TaskAnswer`, which keeps that status for ``read_outcome``; an answer in
the error range the family names, a failed task's, is the task rather than an error).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import httpx

from . import errors
from .envelope import LayerReader, bodiless_error, json_of, layer_readers, unwrap_layers
from .secrets import redact

if TYPE_CHECKING:
    from .vendor import Operation, Vendor


@dataclass(frozen=True)
class ResultBytes:
    """An answer whose body is the result itself (an image), as the vendor sent it: its bytes,
    media type (``image/png``) and HTTP status."""

    data: bytes = field(repr=False)
    media_type: str
    status_code: int = 200

    def save(self, path: str | Path) -> Path:
        """Write the bytes to ``path``; returns it."""
        target = Path(path)
        target.write_bytes(self.data)
        return target


class TaskAnswer(dict[str, Any]):
    """A get's JSON payload that keeps the HTTP status it came with (the task's status, for a
    family with ``http_statuses``)."""

    def __init__(self, payload: dict[str, Any], status_code: int) -> None:
        super().__init__(payload)
        self.status_code = status_code


@dataclass(frozen=True, slots=True)
class AnswerFacts:
    """What reading ``op``'s answers asks of the vendor model, read out of it once (every
    answer a client reads asks, and a pydantic model's attribute reads are slow)."""

    vendor: Vendor
    op: Operation
    role: str
    binary_media: tuple[str, ...]
    statuses: Mapping[int, Any]  # the HTTP statuses that say the task's status (see below)
    layers: tuple[LayerReader, ...]  # the vendor's envelope


def answer_facts(vendor: Vendor, op: Operation) -> AnswerFacts:
    """``op``'s :class:`AnswerFacts`, worked out on first use."""
    known = _facts.get(id(op))
    if known is not None and known.op is op and known.vendor is vendor:
        return known
    spec = vendor.task_spec(op) if op.role == "get" else None
    facts = AnswerFacts(
        vendor=vendor,
        op=op,  # holding the operation keeps its id unique
        role=op.role,
        binary_media=tuple(op.binary_media),
        statuses=MappingProxyType(dict(spec.http_statuses) if spec is not None else {}),
        layers=layer_readers(vendor.envelope),
    )
    _facts[id(op)] = facts
    return facts


_facts: dict[int, AnswerFacts] = {}


def http_statuses(vendor: Vendor, op: Operation) -> Mapping[int, Any]:
    """The HTTP statuses that say the task's status in ``op``'s answers (a get's family's)."""
    return answer_facts(vendor, op).statuses


def declared_binary(op: Operation, media_type: str) -> bool:
    """True when ``op`` declares a 2xx answer of ``media_type`` as bytes (``image/*`` covering
    every image type)."""
    family = media_type.split("/")[0] + "/*"
    return media_type in op.binary_media or family in op.binary_media


def read_answer(vendor: Vendor, op: Operation, response: httpx.Response) -> tuple[Any, str]:
    """The payload of ``op``'s answer and the request id its envelope gives ("" where none);
    a failure raises its typed error."""
    facts = answer_facts(vendor, op)
    status = response.status_code
    if status < 400 and facts.binary_media:  # the header is read only where it can matter
        media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type and declared_binary(op, media_type):
            return ResultBytes(response.content, media_type, status), ""
    try:
        body = json_of(response)
    except ValueError:
        snippet = redact(response.text[:200])
        if status >= 400:
            raise bodiless_error(vendor, status, snippet, response.headers) from None
        raise errors.ResponseFormatError(
            f"[{vendor.package}] {op.name}: answer is not JSON: {snippet!r}"
        ) from None
    by_http = facts.statuses
    payload, request_id = unwrap_layers(facts.layers, vendor, body, status, facts.role, by_http)
    if by_http and isinstance(payload, dict):
        return TaskAnswer(payload, status), request_id
    return payload, request_id
