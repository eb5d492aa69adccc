"""Auth plug-ins: how a client signs a request, and how a mock checks it.

One class per way vendors authenticate, picked by ``x-sdk.auth.kind``. A client calls
``apply`` on every request it builds; a mock calls ``authenticate``, which returns the account
or raises :class:`AuthRefused` with the error kind the vendor would answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import jwt

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


class Account(Protocol):
    key: str
    secret: str


class AuthRefused(Exception):
    """A mock refuses the request's credentials; ``kind`` names the vendor's error."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


class AuthPlugin:
    def __init__(self, spec: Auth) -> None:
        self.spec = spec
        self.field = spec.field

    def apply(self, request: Outgoing, credentials: Mapping[str, Secret], now: float) -> None:
        raise NotImplementedError

    def presented(self, request: Incoming) -> str | None:
        """The key the request carries, or None when it carries none."""
        raise NotImplementedError

    def authenticate(
        self, request: Incoming, accounts: Mapping[str, Account], now: float
    ) -> Account:
        key = self.presented(request)
        account = accounts.get(key or "")
        if account is None:
            raise AuthRefused("authentication", "missing" if key is None else "unknown")
        return account

    def _first(self, credentials: Mapping[str, Secret]) -> str:
        return credentials[self.spec.credentials[0].name].get()


class QueryKey(AuthPlugin):
    """A key in the query string (ShowAPI ``appKey``)."""

    def apply(self, request: Outgoing, credentials: Mapping[str, Secret], now: float) -> None:
        request.query.append((self.field, self._first(credentials)))

    def presented(self, request: Incoming) -> str | None:
        return request.query.get(self.field) or None


class FormKey(AuthPlugin):
    """A key as a field of the form body (HD repaint ``user_key``)."""

    def apply(self, request: Outgoing, credentials: Mapping[str, Secret], now: float) -> None:
        request.form[self.field] = self._first(credentials)

    def presented(self, request: Incoming) -> str | None:
        value = request.form.get(self.field)
        return value if isinstance(value, str) and value else None


class HeaderKey(AuthPlugin):
    """A key in a header, after a fixed prefix (Alibaba market ``APPCODE <AppCode>``)."""

    def apply(self, request: Outgoing, credentials: Mapping[str, Secret], now: float) -> None:
        request.headers[self.field] = self.spec.prefix + self._first(credentials)

    def presented(self, request: Incoming) -> str | None:
        value = request.headers.get(self.field.lower())
        if value is None or not value.startswith(self.spec.prefix):
            return None
        return value[len(self.spec.prefix) :] or None


class BearerJWT(AuthPlugin):
    """``Authorization: Bearer <JWT>``, HS256-signed with the secret key, ``iss`` the access key
    (Kling). The client makes a new token a minute before the old one expires."""

    REFRESH_MARGIN = 60.0

    def __init__(self, spec: Auth) -> None:
        super().__init__(spec)
        self._token: Secret | None = None
        self._expires = 0.0

    def token(self, credentials: Mapping[str, Secret], now: float) -> str:
        if self._token is None or now >= self._expires - self.REFRESH_MARGIN:
            access, secret = (credentials[c.name].get() for c in self.spec.credentials[:2])
            issued = int(now)
            claims = {
                "iss": access,
                "exp": issued + self.spec.token_ttl_seconds,
                "nbf": issued - self.spec.token_not_before_seconds,
            }
            self._token = Secret(
                jwt.encode(claims, secret, algorithm="HS256", headers={"typ": "JWT"})
            )
            self._expires = claims["exp"]
        return self._token.get()

    def apply(self, request: Outgoing, credentials: Mapping[str, Secret], now: float) -> None:
        request.headers["Authorization"] = f"Bearer {self.token(credentials, now)}"

    def authenticate(
        self, request: Incoming, accounts: Mapping[str, Account], now: float
    ) -> Account:
        header = request.headers.get("authorization", "").strip()
        if not header:
            raise AuthRefused("token_missing", "Authorization is empty")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthRefused("token_invalid", "Authorization is not a Bearer token")
        try:
            claims = jwt.decode(token.strip(), options={"verify_signature": False})
            algorithm = jwt.get_unverified_header(token.strip()).get("alg")
        except jwt.PyJWTError:
            raise AuthRefused("token_invalid", "the token is not a JWT") from None
        account = accounts.get(str(claims.get("iss", "")))
        if account is None or algorithm != "HS256":
            raise AuthRefused("token_invalid", "unknown access key or algorithm")
        try:
            jwt.decode(
                token.strip(),
                account.secret,
                algorithms=["HS256"],
                options={"verify_exp": False, "verify_nbf": False, "require": ["iss", "exp"]},
            )
        except jwt.PyJWTError as exc:
            raise AuthRefused("token_invalid", type(exc).__name__) from None
        nbf = claims.get("nbf")
        if isinstance(nbf, int | float) and now < nbf:
            raise AuthRefused("token_not_yet_valid", "the token is not valid yet")
        if not isinstance(claims.get("exp"), int | float) or now >= claims["exp"]:
            raise AuthRefused("token_expired", "the token has expired")
        return account


PLUGINS: dict[str, type[AuthPlugin]] = {
    "query": QueryKey,
    "form": FormKey,
    "header": HeaderKey,
    "bearer_jwt": BearerJWT,
}


def plugin_for(spec: Auth) -> AuthPlugin:
    try:
        return PLUGINS[spec.kind](spec)
    except KeyError:
        raise NotImplementedError(f"auth kind {spec.kind!r} has no plug-in yet") from None
