"""The base of every generated model: a pydantic model that remembers its answer's request id."""

from __future__ import annotations

from pydantic import BaseModel, PrivateAttr


class VendorModel(BaseModel):
    """A generated request, answer or callback model.

    ``_request_id`` is the vendor's id of the request that returned this answer (from the
    envelope where the vendor puts one there, else from its response headers), as
    openai-python names it; quote it to the vendor's support. It is empty on models you build.
    """

    _request_id: str = PrivateAttr(default="")
