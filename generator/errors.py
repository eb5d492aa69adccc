"""The one error the generator raises for a bad spec: where it is, and what is wrong."""

from __future__ import annotations

from collections.abc import Iterable


def json_pointer(parts: Iterable[object]) -> str:
    """RFC 6901 pointer for a path of keys and indexes."""
    escaped = (str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    return "".join("/" + p for p in escaped) or "/"


class SpecError(Exception):
    """A spec or overlay that cannot be compiled, located by file and JSON pointer."""

    def __init__(self, file: str, pointer: str, reason: str) -> None:
        super().__init__(f"{file}#{pointer}: {reason}")
        self.file = file
        self.pointer = pointer
        self.reason = reason
