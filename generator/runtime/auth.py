"""Auth plug-ins: how a client signs a request, and how a mock checks it.

One class per way vendors authenticate, picked by ``x-sdk.auth.kind``. A client calls
``apply`` on every request it builds; a mock calls ``authenticate``, which returns the account
or raises :class:`AuthRefused` with the error kind the vendor would answer.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import urlencode

import jwt

from .accounts import Account
from .secrets import Secret
from .vendor import Auth


class Outgoing(Protocol):
    """What a plug-in may change on a request being built (see ``client.Outgoing``); the body
    is final (``content``) by the time a plug-in sees it, so it can be signed."""

    method: str
    path: str
    host: str
    prefix: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    form: dict[str, Any]
    content: bytes | None


class Incoming(Protocol):
    """What a plug-in may read from a request a mock received (see ``mock.core.MockRequest``)."""

    method: str
    path: str
    query_string: str
    query: dict[str, str]
    headers: dict[str, str]
    form: dict[str, Any]
    body: bytes


class AuthRefused(Exception):
    """A mock refuses the request's credentials; ``kind`` names the vendor's error."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


class AuthPlugin:
    # Request headers in which this plug-in sends a secret (kept out of cassettes).
    SECRET_HEADERS: tuple[str, ...] = ()

    def __init__(self, spec: Auth) -> None:
        self.spec = spec
        self.field = spec.field

    def secret_headers(self) -> list[str]:
        return [*self.SECRET_HEADERS]

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

    def secret_headers(self) -> list[str]:
        return [self.field.lower()]

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
    SECRET_HEADERS = ("authorization",)

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
            self._expires = float(issued + self.spec.token_ttl_seconds)
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


class TC3Signature(AuthPlugin):
    """Tencent Cloud API 3.0 request signing, TC3-HMAC-SHA256 (Tencent's "signature v3").

    The signature covers the method, path, query, the ``content-type`` and ``host`` headers and
    the SHA-256 of the body bytes as sent, under a key derived from ``"TC3" + SecretKey``, the
    UTC date, the service and ``tc3_request``. Credentials: SecretId, SecretKey, and an optional
    session token sent as ``X-TC-Token``.
    """

    ALGORITHM = "TC3-HMAC-SHA256"
    SIGNED = ("content-type", "host")
    SECRET_HEADERS = ("authorization", "x-tc-token")

    def apply(self, request: Outgoing, credentials: Mapping[str, Secret], now: float) -> None:
        names = [c.name for c in self.spec.credentials]
        secret_id, secret_key = (credentials[n].get() for n in names[:2])
        token = credentials.get(names[2]) if len(names) > 2 else None
        timestamp = int(now)
        request.headers["Content-Type"] = "application/json"
        request.headers["Host"] = request.host
        request.headers["X-TC-Timestamp"] = str(timestamp)
        if token:
            request.headers["X-TC-Token"] = token.get()
        headers = {k.lower(): v for k, v in request.headers.items()}
        query = urlencode(request.query)
        signature = tc3_signature(
            secret_key,
            self.spec.service,
            timestamp,
            canonical_request(
                request.method,
                request.prefix + request.path,
                query,
                headers,
                self.SIGNED,
                request.content or b"",
            ),
        )
        scope = f"{secret_id}/{utc_date(timestamp)}/{self.spec.service}/tc3_request"
        request.headers["Authorization"] = (
            f"{self.ALGORITHM} Credential={scope}, SignedHeaders={';'.join(self.SIGNED)}, "
            f"Signature={signature}"
        )

    def authenticate(
        self, request: Incoming, accounts: Mapping[str, Account], now: float
    ) -> Account:
        """Verify as Tencent does: the header's form, the clock (``max_skew_seconds``), the
        SecretId, then the signature over the body bytes exactly as received."""
        parsed = _parse_tc3(request.headers.get("authorization", ""))
        if parsed is None:
            raise AuthRefused("token_missing", "expected TC3-HMAC-SHA256 Credential=...")
        secret_id, date, service, signed, signature = parsed
        stamp = request.headers.get("x-tc-timestamp", "")
        if not stamp.isdigit():
            raise AuthRefused("token_missing", "X-TC-Timestamp is missing or not a number")
        timestamp = int(stamp)
        if abs(now - timestamp) > self.spec.max_skew_seconds:
            raise AuthRefused("token_expired", f"X-TC-Timestamp {timestamp} is too far from now")
        account = accounts.get(secret_id)
        if account is None:
            raise AuthRefused("authentication", "no such SecretId")
        if service != self.spec.service or date != utc_date(timestamp):
            raise AuthRefused("token_invalid", "the credential scope does not match")
        expected = tc3_signature(
            account.secret,
            service,
            timestamp,
            canonical_request(
                request.method,
                request.path,
                request.query_string,
                request.headers,
                tuple(signed),
                request.body,
            ),
        )
        if not hmac.compare_digest(expected, signature):
            raise AuthRefused("token_invalid", "the signature does not match the request")
        return account


def canonical_request(
    method: str,
    path: str,
    query: str,
    headers: Mapping[str, str],
    signed: tuple[str, ...],
    body: bytes,
) -> str:
    """Tencent's canonical request: header names and values lower-cased, in ``signed`` order."""
    lines = "".join(f"{name}:{headers.get(name, '').strip().lower()}\n" for name in signed)
    payload = hashlib.sha256(body).hexdigest()
    return "\n".join([method.upper(), path or "/", query, lines, ";".join(signed), payload])


def tc3_signature(secret_key: str, service: str, timestamp: int, canonical: str) -> str:
    """The hex signature of ``canonical`` (see :class:`TC3Signature`)."""
    date = utc_date(timestamp)
    scope = f"{date}/{service}/tc3_request"
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    to_sign = f"{TC3Signature.ALGORITHM}\n{timestamp}\n{scope}\n{digest}"
    key = ("TC3" + secret_key).encode()
    for part in (date, service, "tc3_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def utc_date(timestamp: int) -> str:
    """The UTC date of a Unix time, as TC3 credential scopes write it."""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")


_TC3_HEADER = re.compile(
    r"^TC3-HMAC-SHA256 Credential=([^/\s]+)/(\d{4}-\d{2}-\d{2})/([\w-]+)/tc3_request,\s*"
    r"SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$"
)


def _parse_tc3(header: str) -> tuple[str, str, str, list[str], str] | None:
    match = _TC3_HEADER.match(header.strip())
    if match is None:
        return None
    secret_id, date, service, signed, signature = match.groups()
    return secret_id, date, service, signed.split(";"), signature


PLUGINS: dict[str, type[AuthPlugin]] = {
    "query": QueryKey,
    "form": FormKey,
    "header": HeaderKey,
    "bearer_jwt": BearerJWT,
    "tc3": TC3Signature,
}


def plugin_for(spec: Auth) -> AuthPlugin:
    try:
        return PLUGINS[spec.kind](spec)
    except KeyError:
        raise NotImplementedError(f"auth kind {spec.kind!r} has no plug-in yet") from None
