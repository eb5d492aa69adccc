"""An operation's request as it travels, worked out once per operation.

The vendor model is pydantic, whose attribute reads cost several times a plain object's. A
client builds a request on every call and a mock reads one, so what they read there (which
params the spec, the settings and the credentials fill in, where each param travels, the
compiled input check) is read out of the model once into plain tuples and kept here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .validation import Checked, checker

if TYPE_CHECKING:
    from .vendor import Operation, Param


@dataclass(frozen=True, slots=True)
class WireLayout:
    """``op``'s request, read out of the vendor model.

    ``placements`` lists every param as (wire name, location, characters a path value keeps
    unquoted, the param itself), in the spec's order; ``files`` names the params whose values
    are files; ``constants``, ``settings`` and ``credentials`` are the params the caller does
    not give, as (wire name, constant value or setting or credential name). ``typed`` names
    the params whose text (in a query, path, header or form) is read as the number or boolean
    their schema declares; ``spellings`` gives each JSON field's wire name and the other names
    the vendor takes for it, the wire name first.
    """

    op: Operation
    method: str
    path: str
    body: str
    media_type: str
    caller_id: str
    idempotent: bool
    placements: tuple[tuple[str, str, str, Param], ...]
    files: frozenset[str]
    constants: tuple[tuple[str, Any], ...]
    settings: tuple[tuple[str, str], ...]
    credentials: tuple[tuple[str, str], ...]
    check: Callable[[dict[str, Any]], Checked]
    typed: frozenset[str]
    spellings: dict[str, tuple[str, ...]] = field(compare=False)


_layouts: dict[int, WireLayout] = {}
# The schema types whose text is converted (``validation.coerce``); other text stays as it is.
TYPED = frozenset({"integer", "number", "boolean"})


def wire_layout(op: Operation) -> WireLayout:
    """``op``'s :class:`WireLayout`, worked out on first use."""
    known = _layouts.get(id(op))
    if known is not None and known.op is op:
        return known
    params = op.params
    layout = WireLayout(
        op=op,  # holding the operation keeps its id unique
        method=op.method,
        path=op.path,
        body=op.body,
        media_type=op.media_type,
        caller_id=op.caller_id,
        idempotent=op.idempotent,
        placements=tuple((p.wire, p.location, "/" if p.allow_slash else "", p) for p in params),
        files=frozenset(p.wire for p in params if p.location == "file"),
        constants=tuple((p.wire, p.value) for p in params if p.source == "constant"),
        settings=tuple((p.wire, p.value) for p in params if p.source == "setting"),
        credentials=tuple((p.wire, p.value) for p in params if p.source == "credential"),
        check=checker(op),
        typed=frozenset(p.wire for p in params if p.schema_.get("type") in TYPED),
        spellings={p.wire: (p.wire, *p.aliases) for p in params if p.location == "json"},
    )
    _layouts[id(op)] = layout
    return layout
