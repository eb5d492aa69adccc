"""Auth plug-ins: how a client signs a request, and how a mock checks it.

One class per way vendors authenticate, picked by ``x-sdk.auth.kind``. A client calls
``apply``; a mock calls ``presented`` to read what the request carries.
"""

from __future__ import annotations

from typing import Any, Protocol

from .secrets import Secret
from .vendor import Auth


class Outgoing(Protocol):
    """What a plug-in may change on a request being built (see ``client.Outgoing``)."""

    query: list[tuple[str, str]]
    headers: dict[str, str]
    form: dict[str, Any]


class Incoming(Protocol):
    """What a plug-in may read from a request a mock received (see ``mock.core.MockRequest``)."""

    query: dict[str, str]
    headers: dict[str, str]
    form: dict[str, Any]


class AuthPlugin:
    def __init__(self, spec: Auth) -> None:
        self.spec = spec
        self.field = spec.field

    def apply(self, request: Outgoing, credentials: dict[str, Secret]) -> None:
        raise NotImplementedError

    def presented(self, request: Incoming) -> str | None:
        """The credential the request carries, or None when it carries none."""
        raise NotImplementedError

    def _first(self, credentials: dict[str, Secret]) -> str:
        return credentials[self.spec.credentials[0].name].get()


class QueryKey(AuthPlugin):
    """A key in the query string (ShowAPI ``appKey``)."""

    def apply(self, request: Outgoing, credentials: dict[str, Secret]) -> None:
        request.query.append((self.field, self._first(credentials)))

    def presented(self, request: Incoming) -> str | None:
        return request.query.get(self.field) or None


class FormKey(AuthPlugin):
    """A key as a field of the form body (HD repaint ``user_key``)."""

    def apply(self, request: Outgoing, credentials: dict[str, Secret]) -> None:
        request.form[self.field] = self._first(credentials)

    def presented(self, request: Incoming) -> str | None:
        value = request.form.get(self.field)
        return value if isinstance(value, str) and value else None


class HeaderKey(AuthPlugin):
    """A key in a header, after a fixed prefix (Alibaba market ``APPCODE <AppCode>``)."""

    def apply(self, request: Outgoing, credentials: dict[str, Secret]) -> None:
        request.headers[self.field] = self.spec.prefix + self._first(credentials)

    def presented(self, request: Incoming) -> str | None:
        value = request.headers.get(self.field.lower())
        if value is None or not value.startswith(self.spec.prefix):
            return None
        return value[len(self.spec.prefix) :] or None


PLUGINS: dict[str, type[AuthPlugin]] = {"query": QueryKey, "form": FormKey, "header": HeaderKey}


def plugin_for(spec: Auth) -> AuthPlugin:
    try:
        return PLUGINS[spec.kind](spec)
    except KeyError:
        raise NotImplementedError(f"auth kind {spec.kind!r} has no plug-in yet") from None
