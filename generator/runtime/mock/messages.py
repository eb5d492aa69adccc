"""The mock's messages: a request as received, an answer, a journal entry, a validated call."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus, urlsplit

import orjson

from ..vendor import Operation
from .store import Account

_STDLIB_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


SMALL_ANSWER = 4096  # bytes


def encode_json(body: Any) -> bytes:
    """An answer's JSON as UTF-8 bytes, compact: orjson's, several times quicker than the
    standard library's on the small objects vendors answer; what orjson refuses (a key that is
    no string, an integer over 64 bits) goes through the standard library, so every answer is
    written. Numbers read back the same either way; orjson writes ``1e16`` where the standard
    library writes ``1e+16``, and null for a non-finite float (which is no JSON number)."""
    try:
        out = orjson.dumps(body)
    except TypeError:
        return _STDLIB_ENCODE(body).encode()
    # orjson's bytes sit in a buffer of at least 4 KiB whatever their length, and the journal
    # keeps every answer: a short one is copied into bytes of its own size (10,000 journal
    # entries held 40 MB otherwise). ``b"%s" %`` makes that copy: bytes(memoryview(...))
    # does the same at three times the cost.
    return b"%s" % out if len(out) < SMALL_ANSWER else out


@dataclass(slots=True)
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
    # The path's parameters by wire name, once the request is routed to an operation that
    # has them (None until then, and for a path without them).
    path_params: dict[str, str] | None = None

    @classmethod
    def build(
        cls, method: str, url: str, headers: Iterable[tuple[str, str]], body: bytes
    ) -> MockRequest:
        """A request from its URL (httpx transports)."""
        parts = urlsplit(url)
        return cls.parts(
            method=method,
            path=parts.path or "/",
            base_url=f"{parts.scheme}://{parts.netloc}",
            query_string=parts.query,
            headers={k.lower(): v for k, v in headers},
            body=body,
        )

    @classmethod
    def parts(
        cls,
        *,
        method: str,
        path: str,
        base_url: str,
        query_string: str,
        headers: dict[str, str],
        body: bytes,
    ) -> MockRequest:
        """A request from its parts, headers already lower-cased (the ASGI app)."""
        query = parse_query(query_string) if query_string else {}
        return cls(method.upper(), path, base_url, query_string, query, headers, body)


@dataclass(slots=True)
class MockResponse:
    """An answer. ``delay`` is how long the vendor would take to give it (a synchronous job, or
    injected latency): the transports hold it back that long on the mock's clock. A ``dropped``
    answer never reaches the caller: the connection breaks after the request was handled."""

    status: int
    body: bytes
    media_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    dropped: bool = False

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(slots=True)
class JournalEntry:
    """One request the mock received (credentials masked) and what it answered. The answer
    is kept as sent and read as JSON only when asked for (``response``)."""

    time: float
    method: str
    path: str
    operation: str = ""
    status: int = 0
    params: dict[str, Any] = field(default_factory=dict)
    answer: bytes = field(default=b"", repr=False)
    media_type: str = field(default="", repr=False)
    headers: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def response(self) -> Any:
        """The answer's JSON, or None when it had none."""
        if self.media_type != "application/json" or not self.answer:
            return None
        try:
            return json.loads(self.answer)
        except ValueError:
            return None

    def as_json(self) -> dict[str, Any]:
        return {
            "time": self.time,
            "method": self.method,
            "path": self.path,
            "operation": self.operation,
            "status": self.status,
            "params": self.params,
            "response": self.response,
        }


@dataclass(slots=True)
class Call:
    """One validated call of an operation, as the role handlers see it."""

    op: Operation
    values: dict[str, Any]
    images: dict[str, bytes]
    account: Account
    request: MockRequest
    delay: float = 0.0
    status: int = 200  # the HTTP status of a success (x-sdk-operation.mock.http_status)


class MockError(Exception):
    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


MAX_JSON_DEPTH = 64  # deeper than any vendor's body; deeper ones are refused, not recursed into


def read_json(body: bytes) -> Any:
    """A request body's JSON; one that cannot be read raises the vendor's invalid-request
    error with a plain reason (never Python's own words about recursion or digit limits).

    orjson reads it first, several times quicker on the large bodies images make. What orjson
    refuses, and a number it may have read as a float where the body wrote an integer (it
    reads one past 64 bits so), are read again by the standard library's parser, whose reading
    and refusals are the mock's: every body reads to the same value either way. A string
    holding half a surrogate pair, which only the standard library reads, is refused: the
    mock could not write it back in an answer (a task stored and charged, then a 500)."""
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError:
        return _read_json_exactly(body)
    depth, large = _shape(value)
    if large:
        return _read_json_exactly(body)
    if depth > MAX_JSON_DEPTH:
        raise MockError("invalid_request", _too_deep())
    return value


def _read_json_exactly(body: bytes) -> Any:
    """``read_json`` with the standard library's parser (its reasons for a refusal)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MockError("invalid_request", f"the body is not UTF-8 (byte {exc.start})") from None
    try:
        if text.startswith("\ufeff"):  # as json.loads refuses it
            raise json.JSONDecodeError("Unexpected UTF-8 BOM", text, 0)
        value = _DECODER.decode(text)
    except RecursionError:
        raise MockError("invalid_request", _too_deep()) from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise MockError("invalid_request", f"the body is not JSON ({exc.msg} at {where})") from None
    except ValueError as exc:  # a number too long to convert, or NaN / Infinity
        reason = f"the body is not JSON the vendor takes: {_why(exc)}"
        raise MockError("invalid_request", reason) from None
    if _shape(value)[0] > MAX_JSON_DEPTH:
        raise MockError("invalid_request", _too_deep())
    try:  # a lone surrogate (``"\\ud800"``) is no text: no answer, file or store could hold it
        _STDLIB_ENCODE(value).encode()
    except UnicodeEncodeError as exc:
        half = f"\\u{ord(exc.object[exc.start]):04x}"
        reason = (
            f"the body is not JSON the vendor takes: a string holds {half}, half a surrogate pair"
        )
        raise MockError("invalid_request", reason) from None
    return value


def _too_deep() -> str:
    return f"the body's JSON is nested deeper than {MAX_JSON_DEPTH} levels"


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text[:20]} is out of range for a number")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


# One decoder for every body (``json.loads`` with these hooks would build one per call); it
# keeps no state between documents, as ``json.loads``'s own shared decoder does not.
_DECODER = json.JSONDecoder(parse_constant=_no_constant, parse_float=_finite)


def _why(exc: ValueError) -> str:
    text = str(exc)
    if "digits" in text:
        return "a number has too many digits"
    return text


LARGE_FLOAT = 2.0**63  # from here on, a float may be an integer orjson could not keep exact
_NESTS = (dict, list)  # a tuple made once: ``dict | list`` builds a union on every test


def _shape(value: Any) -> tuple[int, bool]:
    """How deeply ``value`` nests lists and objects (counted past ``MAX_JSON_DEPTH`` no
    further), and whether it holds a float of at least ``LARGE_FLOAT`` either way. Walked a
    level at a time, without recursion."""
    depth, large = 0, False
    level = [value] if isinstance(value, _NESTS) else []
    while level and depth <= MAX_JSON_DEPTH:
        depth += 1
        below = []
        for node in level:
            for child in node.values() if isinstance(node, dict) else node:
                if isinstance(child, _NESTS):
                    below.append(child)
                elif type(child) is float and not -LARGE_FLOAT < child < LARGE_FLOAT:
                    large = True
        level = below
    return depth, large or (type(value) is float and not -LARGE_FLOAT < value < LARGE_FLOAT)


def parse_query(query: str) -> dict[str, str]:
    """A query string or form body as a dict: what ``dict(parse_qsl(query,
    keep_blank_values=True))`` gives (the last value of a repeated name wins), without its cost
    for the plain names and values most requests have, nor for long base64 values."""
    found: dict[str, str] = {}
    for pair in query.split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        if "%" in pair or "+" in pair:
            name, value = unquote_form(name), unquote_form(value)
        found[name] = value
    return found


parse_form = parse_query

# The escapes base64 and URLs are full of: replaced outright, and the rest (if any) left to
# ``unquote_plus``. Each stands for one ASCII byte, so its text is the same either way.
# First base64's (as ``urlencode`` writes them), then a URL's, then the same in lower case.
_BASE64_ESCAPES = (("%2B", "+"), ("%2F", "/"), ("%3D", "="))
_OTHER_ESCAPES: tuple[tuple[str, str], ...] = (("%3A", ":"), ("%20", " "))
_OTHER_ESCAPES += tuple((k.lower(), v) for k, v in _BASE64_ESCAPES + _OTHER_ESCAPES)


def unquote_form(text: str) -> str:
    """``unquote_plus(text)``, quicker for a long value whose escapes are all common ones:
    each ``%`` starts an escape of three characters (a ``%`` and two hex digits) that
    ``unquote_plus`` decodes the same, so when replacing the common ones leaves no ``%``
    behind, nothing else was escaped."""
    plain = text.replace("+", " ")
    if "%" not in plain:
        return plain
    for escape, char in _BASE64_ESCAPES:
        plain = plain.replace(escape, char)
    if "%" not in plain:
        return plain
    for escape, char in _OTHER_ESCAPES:
        plain = plain.replace(escape, char)
    return unquote_plus(text) if "%" in plain else plain
