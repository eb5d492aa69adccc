"""The base of every generated model: a pydantic model that remembers its answer's request id."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, PrivateAttr


class VendorModel(BaseModel):
    """A generated request, answer or callback model.

    ``_request_id`` is the vendor's id of the request that returned this answer (from the
    envelope where the vendor puts one there, else from its response headers), as
    openai-python names it; quote it to the vendor's support. It is empty on models you build.
    """

    # Validators are built when a model is first used, not when its module is imported: an
    # import of a client stays cheap, whatever the number of models a vendor has.
    model_config = ConfigDict(defer_build=True)

    _request_id: str = PrivateAttr(default="")


def request_id_of(answer: VendorModel | Any) -> str:
    """The request id an answer came with: a model's ``_request_id`` or a page's
    ``request_id`` (for strict type checkers, which flag reading an underscored attribute)."""
    found = getattr(answer, "_request_id", None) or getattr(answer, "request_id", "")
    return str(found or "")
