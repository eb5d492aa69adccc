"""The one error the generator raises for a bad spec: where it is, and what is wrong."""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where used: a run with nothing to rebuild never loads pydantic
    from pydantic import BaseModel


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

    def __reduce__(self) -> tuple[type[SpecError], tuple[str, str, str]]:
        # Rebuilt from its three parts: an error raised in a worker process (the cold
        # regeneration's model makers) reaches the command whole, not as a pickling failure.
        return (type(self), (self.file, self.pointer, self.reason))


def describe(model: type[BaseModel], error: Any) -> str:
    """A pydantic error about a spec's extension in words; an unknown key names the closest
    key the model knows at that place."""
    if error.get("type") != "extra_forbidden":
        return str(error["msg"])
    loc = tuple(error["loc"])
    known = known_keys(model, loc[:-1])
    key = str(loc[-1])
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.5)
    hint = f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(known)})"
    return f"unknown key {key!r}{hint}"


def known_keys(model: type[BaseModel], loc: Sequence[Any]) -> list[str]:
    """The keys the model accepts at ``loc`` (field names and aliases, through nested models,
    lists and dicts of models)."""
    from pydantic import BaseModel

    current: Any = model
    for part in loc:
        current = _model_in(current, part)
        if current is None:
            return []
    if not (isinstance(current, type) and issubclass(current, BaseModel)):
        return []
    return sorted(f.alias or name for name, f in current.model_fields.items())


def _model_in(current: Any, part: Any) -> Any:
    """The model one step down ``part`` from ``current`` (a model or a container type)."""
    from pydantic import BaseModel

    if isinstance(current, type) and issubclass(current, BaseModel):
        fields = {f.alias or n: f for n, f in current.model_fields.items()}
        field = fields.get(str(part))
        return _unwrap(field.annotation) if field is not None else None
    origin = typing.get_origin(current)
    args = [a for a in typing.get_args(current) if a is not Ellipsis]
    if origin in (tuple, list, dict) and args:
        return _unwrap(args[-1])
    return None


def _unwrap(annotation: Any) -> Any:
    """``X | None`` -> ``X``."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation
