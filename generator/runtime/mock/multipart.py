"""Reading a multipart/form-data body into text fields and file parts (standard library only)."""

from __future__ import annotations

from email import policy
from email.message import Message
from email.parser import BytesParser
from typing import Any, cast


def parse(body: bytes, content_type: str) -> tuple[dict[str, Any], dict[str, bytes]]:
    """(fields, files) of a multipart body; a part with a filename is a file."""
    if "boundary=" not in content_type:
        raise ValueError("multipart body without a boundary")
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    # The legacy policy: the modern ones make a class for every header they read, several
    # times slower, and each leaves a reference cycle behind for the garbage collector.
    message = BytesParser(policy=policy.compat32).parsebytes(head + body)
    if not message.is_multipart():
        raise ValueError("not a multipart body")
    fields: dict[str, Any] = {}
    files: dict[str, bytes] = {}
    for part in cast(list[Message], message.get_payload()):  # a multipart body's parts
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        if part.get_filename() is not None:
            files[str(name)] = data
        else:
            fields[str(name)] = data.decode(part.get_content_charset() or "utf-8")
    return fields, files
