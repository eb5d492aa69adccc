"""Reading a multipart/form-data body (RFC 7578) into text fields and file parts.

Read here rather than by the standard library's ``email`` parser: that one compiles a regular
expression for every boundary it meets (a new one per request, so always), and made a
multipart submit cost several times any other. This reads what clients send: parts between
``--boundary`` lines ending in CRLF, each with its headers, a ``Content-Disposition`` naming
the field (``name``, or ``name*`` in RFC 2231's form) and, for a file, a ``filename``.
"""

from __future__ import annotations

import base64
import binascii
import quopri
import re
from typing import Any
from urllib.parse import unquote

# One parameter of a header (``; name="value"`` or ``; name=value``).
_PARAM = re.compile(r';\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')
_ESCAPED = re.compile(r"\\(.)")  # a quoted-pair inside a quoted string


def parse(body: bytes, content_type: str) -> tuple[dict[str, Any], dict[str, bytes]]:
    """(fields, files) of a multipart body; a part with a filename is a file. A body that is
    not one (no boundary, no part, a part never closed) raises ``ValueError``."""
    boundary = _params(content_type).get("boundary")
    if not boundary:
        raise ValueError("multipart body without a boundary")
    delimiter = b"--" + boundary.encode("latin-1")  # a header's text is Latin-1 (ASGI's too)
    fields: dict[str, Any] = {}
    files: dict[str, bytes] = {}
    for head, data in _parts(body, delimiter):
        headers = _headers(head)
        disposition = _params(headers.get("content-disposition", ""))
        name = disposition.get("name")
        if not name:
            continue
        part_type = headers.get("content-type", "")
        if part_type.lower().startswith("multipart/"):
            data = b""  # parts of its own (a deprecated way to send files): no bytes itself
        data = _decoded(data, headers.get("content-transfer-encoding", ""))
        if "filename" in disposition:
            files[name] = data
        else:
            fields[name] = _text(data, _params(part_type).get("charset"))
    return fields, files


def _parts(body: bytes, delimiter: bytes) -> list[tuple[bytes, bytes]]:
    """Each part's (headers, content), the preamble before the first delimiter and the
    epilogue after the last left out."""
    start = 0 if body.startswith(delimiter) else body.find(b"\r\n" + delimiter)
    if start < 0:
        raise ValueError("not a multipart body")
    pos = body.index(delimiter, start) + len(delimiter)
    parts = []
    while not body.startswith(b"--", pos):  # the close delimiter ends the body
        line_end = body.find(b"\r\n", pos)
        if line_end < 0:
            raise ValueError("a multipart body ends without its close delimiter")
        if body[pos:line_end].strip(b" \t"):  # transport padding is all it may have
            raise ValueError("a multipart delimiter line has more after it")
        end = body.find(b"\r\n" + delimiter, line_end)
        if end < 0:
            raise ValueError("a multipart part is never closed")
        part = body[line_end + 2 : end]
        head, blank, content = part.partition(b"\r\n\r\n")
        if not blank:  # no header at all: the part starts with the blank line
            if not part.startswith(b"\r\n"):
                raise ValueError("a multipart part's headers never end")
            head, content = b"", part[2:]
        parts.append((head, content))
        pos = end + 2 + len(delimiter)
    return parts


def _headers(head: bytes) -> dict[str, str]:
    """A part's headers by lower-case name (the last of a repeated one); a line without a
    colon is left out."""
    found: dict[str, str] = {}
    for line in head.decode("utf-8", "replace").split("\r\n"):
        name, colon, value = line.partition(":")
        if colon:
            found[name.strip().lower()] = value.strip()
    return found


def _params(header: str) -> dict[str, str]:
    """A header's parameters by lower-case name, quotes and escapes taken off. ``name*``
    (RFC 2231: ``charset'language'percent-encoded``) is decoded, and stands for ``name``."""
    plain: dict[str, str] = {}
    extended: dict[str, str] = {}
    for key, raw in _PARAM.findall(header):
        value = raw.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = _ESCAPED.sub(r"\1", value[1:-1])
        if key.endswith("*"):
            extended[key[:-1].lower()] = _extended(value)
        else:
            plain[key.lower()] = value
    return plain | extended


def _extended(value: str) -> str:
    charset, _, rest = value.partition("'")
    _language, _, encoded = rest.partition("'")
    try:
        return unquote(encoded, encoding=charset or "utf-8", errors="replace")
    except LookupError:
        raise ValueError(f"a multipart part names an unknown charset {charset!r}") from None


def _decoded(data: bytes, encoding: str) -> bytes:
    """A part's content without its transfer encoding (base64, quoted-printable: RFC 7578
    deprecates them, but old clients send them)."""
    kind = encoding.lower()
    if kind == "base64":
        try:
            return base64.b64decode(data)
        except binascii.Error:
            raise ValueError("a multipart part is not valid base64") from None
    if kind == "quoted-printable":
        return quopri.decodestring(data)
    return data


def _text(data: bytes, charset: str | None) -> str:
    """A text field's value, in its part's charset (UTF-8 when it names none)."""
    try:
        return data.decode(charset or "utf-8")
    except LookupError:
        raise ValueError(f"a multipart part names an unknown charset {charset!r}") from None
