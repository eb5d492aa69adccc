"""Auth plug-ins: how a client signs a request, and how a mock checks it.

One class per way vendors authenticate, picked by ``x-sdk.auth.kind``. A client calls
``apply`` on every request it builds; a mock calls ``authenticate``, which returns the account
or raises :class:`AuthRefused` with the error kind the vendor would answer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import uuid
import warnings
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol
from urllib.parse import parse_qsl, urlencode

import jwt
from jwt.warnings import InsecureKeyLengthWarning

from .accounts import Account
from .secrets import Secret

if TYPE_CHECKING:
    from .vendor import Auth

_NUMBER = (int, float)  # a JWT's time claims (``int | float`` would be built on every check)
MAX_TIME = 2**53  # seconds either side of 1970 a time claim may name: a float holds each exactly


def _is_time(value: Any) -> bool:
    """Whether a JWT time claim is a number of seconds within ``MAX_TIME`` of 1970. JSON's
    ``true`` is not one; nor are ``NaN`` and ``Infinity``, which Python's JSON reader lets
    through and no comparison refuses, nor an integer too large to write as a time."""
    return isinstance(value, _NUMBER) and type(value) is not bool and -MAX_TIME <= value <= MAX_TIME


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
        # the credential a one-key plug-in sends, read here: the model's reads are slow
        self._key_name = spec.credentials[0].name if spec.credentials else ""

    def secret_headers(self) -> list[str]:
        return [*self.SECRET_HEADERS]

    def claims(self, request: Incoming) -> bool:
        """Whether ``request`` tries this way in (see :class:`Alternatives`)."""
        return True

    def reset(self) -> None:
        """Forget what a mock remembered of earlier requests (used nonces)."""

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
        return credentials[self._key_name].get()


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
    CHECKED_LIMIT = 4096  # verified tokens remembered (a mock sees few at a time)

    def __init__(self, spec: Auth) -> None:
        super().__init__(spec)
        self._token: Secret | None = None
        self._expires = 0.0
        self._checked: dict[str, tuple[Account, str, Any]] = {}  # see _verified

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
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise AuthRefused("token_invalid", "Authorization is not a Bearer token")
        account, claims = self._verified(token, accounts)
        nbf, exp = claims.get("nbf"), claims["exp"]  # exp is required by ``_verified``
        if not _is_time(exp) or (nbf is not None and not _is_time(nbf)):
            name = "exp" if not _is_time(exp) else "nbf"
            raise AuthRefused("token_invalid", f"the {name} claim is not a time in seconds")
        if nbf is not None and now < nbf:
            raise AuthRefused(
                "token_not_yet_valid", f"valid from {nbf:.0f}, {nbf - now:.0f} s after now"
            )
        if now >= exp:
            raise AuthRefused("token_expired", f"expired at {exp:.0f}, {now - exp:.0f} s ago")
        return account

    def _verified(self, token: str, accounts: Mapping[str, Account]) -> tuple[Account, Any]:
        """The account that signed ``token`` and its claims, the signature checked.

        A client sends one token for many requests (until it nears expiry), so a token whose
        signature has been checked is remembered by its exact string, with the account and the
        secret that verified it: the next request with it costs a lookup, and a changed secret
        or a removed account makes it be checked again. The time claims (``nbf``, ``exp``) are
        checked on every request by the caller. At most ``CHECKED_LIMIT`` tokens are kept.
        """
        known = self._checked.get(token)
        if known is not None:
            account, secret, claims = known
            if accounts.get(account.key) is account and account.secret == secret:
                return account, claims
        try:
            # One parse of the unverified token, for the issuer whose secret verifies it.
            unverified = jwt.api_jwt.decode_complete(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise AuthRefused("token_invalid", "the token is not a JWT") from None
        claims = unverified["payload"]
        issuer = accounts.get(str(claims.get("iss", "")))
        if issuer is None or unverified["header"].get("alg") != "HS256":
            raise AuthRefused("token_invalid", "unknown access key or algorithm")
        account = issuer
        try:
            with warnings.catch_warnings():
                # The mocks' secrets are short on purpose (the default one is "test"); PyJWT's
                # advice on HS256 key length is about real deployments, not a mock's check.
                warnings.simplefilter("ignore", InsecureKeyLengthWarning)
                jwt.decode(
                    token,
                    account.secret,
                    algorithms=["HS256"],
                    options={"verify_exp": False, "verify_nbf": False, "require": ["iss", "exp"]},
                )
        except jwt.PyJWTError as exc:
            raise AuthRefused("token_invalid", type(exc).__name__) from None
        self._remember(token, account, claims)
        return account, claims

    def _remember(self, token: str, account: Account, claims: Any) -> None:
        if len(self._checked) >= self.CHECKED_LIMIT:
            self._checked.clear()  # rare: that many live tokens at once
        self._checked[token] = (account, account.secret, claims)


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


class CaSignature(AuthPlugin):
    """Alibaba Cloud API gateway app signature (the API market's "APPKey" way in).

    Every request carries ``X-Ca-Key`` (the app key), ``X-Ca-Timestamp`` (Unix milliseconds),
    ``X-Ca-Nonce`` (new for each request), ``X-Ca-Signature-Method`` (HmacSHA256),
    ``X-Ca-Signature-Headers`` (the names of the headers signed) and ``X-Ca-Signature``: the
    base64 HMAC of :func:`ca_string_to_sign` under the app secret. A non-form body also gets
    its ``Content-MD5``. Credentials: the app key, then the app secret (which is never sent).

    As a mock it checks what the gateway checks, each failure its own kind: the app key
    (``app_key_invalid``), the timestamp against ``max_skew_seconds`` (``timestamp_invalid``),
    the body against ``Content-MD5`` (``digest_invalid``), the signature (``signature_invalid``,
    whose detail is the string to sign with its line breaks written ``#``, as the gateway
    echoes it) and a nonce seen within the same window (``nonce_used``).
    """

    SECRET_HEADERS = ("x-ca-key", "x-ca-signature")
    SIGNED = ("x-ca-key", "x-ca-nonce", "x-ca-signature-method", "x-ca-timestamp")
    METHODS: ClassVar[dict[str, Any]] = {"HmacSHA256": hashlib.sha256, "HmacSHA1": hashlib.sha1}
    new_nonce: Callable[[], str] = staticmethod(lambda: str(uuid.uuid4()))

    def __init__(self, spec: Auth) -> None:
        super().__init__(spec)
        self._nonces: dict[str, float] = {}

    def reset(self) -> None:
        self._nonces.clear()

    def claims(self, request: Incoming) -> bool:
        return any(h in request.headers for h in ("x-ca-key", "x-ca-signature"))

    def apply(self, request: Outgoing, credentials: Mapping[str, Secret], now: float) -> None:
        key, secret = (credentials[c.name].get() for c in self.spec.credentials[:2])
        self.sign(request, key, secret, int(now * 1000), self.new_nonce())

    def sign(self, request: Outgoing, key: str, secret: str, millis: int, nonce: str) -> None:
        """Add the signature headers for ``key`` at ``millis`` with ``nonce``."""
        headers = request.headers
        headers.setdefault("Accept", "application/json")
        if request.form and request.content is None:
            headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
        elif request.content:
            headers["Content-MD5"] = content_md5(request.content)
        headers.update(
            {
                "X-Ca-Key": key,
                "X-Ca-Timestamp": str(millis),
                "X-Ca-Nonce": nonce,
                "X-Ca-Signature-Method": "HmacSHA256",
                "X-Ca-Signature-Headers": ",".join(self.SIGNED),
            }
        )
        params = [*request.query, *((k, str(v)) for k, v in request.form.items())]
        to_sign = ca_string_to_sign(
            request.method, headers, self.SIGNED, request.prefix + request.path, params
        )
        headers["X-Ca-Signature"] = ca_signature(secret, to_sign)

    def authenticate(
        self, request: Incoming, accounts: Mapping[str, Account], now: float
    ) -> Account:
        headers = request.headers
        account = accounts.get(headers.get("x-ca-key", "")) if headers.get("x-ca-key") else None
        if account is None:
            raise AuthRefused("app_key_invalid", "no such app key")
        self._check_timestamp(headers.get("x-ca-timestamp"), now)
        digest = headers.get("content-md5")
        if digest is not None and digest != content_md5(request.body):
            raise AuthRefused("digest_invalid", "Content-MD5 does not match the body")
        method = headers.get("x-ca-signature-method", "HmacSHA256")
        signed = [n.strip() for n in headers.get("x-ca-signature-headers", "").split(",")]
        to_sign = ca_string_to_sign(
            request.method,
            headers,
            tuple(n for n in signed if n),
            request.path,
            _signed_params(request),
        )
        given = headers.get("x-ca-signature", "")
        if method not in self.METHODS or not hmac.compare_digest(
            ca_signature(account.secret, to_sign, method), given
        ):
            raise AuthRefused("signature_invalid", to_sign.replace("\n", "#"))
        self._use_nonce(headers.get("x-ca-nonce"), now)
        return account

    def _check_timestamp(self, stamp: str | None, now: float) -> None:
        if stamp is None:
            return
        if not stamp.isdigit():
            raise AuthRefused("timestamp_invalid", "Invalid Timestamp")
        if abs(now - int(stamp) / 1000) > self.spec.max_skew_seconds:
            raise AuthRefused("timestamp_invalid", "Timestamp Expired")

    def _use_nonce(self, nonce: str | None, now: float) -> None:
        if not nonce:
            return
        window = self.spec.max_skew_seconds
        self._nonces = {n: t for n, t in self._nonces.items() if now - t <= window}
        if nonce in self._nonces:
            raise AuthRefused("nonce_used", nonce)
        self._nonces[nonce] = now


def ca_string_to_sign(
    method: str,
    headers: Mapping[str, str],
    signed: tuple[str, ...],
    path: str,
    params: list[tuple[str, str]],
) -> str:
    """The Alibaba gateway's string to sign: the method, ``Accept``, ``Content-MD5``,
    ``Content-Type`` and ``Date`` (empty when absent), one ``Name:value`` line per signed
    header (sorted by name, as the request spells it), then the path with the query and form
    parameters sorted by name (the first value of a repeated one; ``name`` alone when empty).
    ``headers`` is looked up case-insensitively."""
    lower = {k.lower(): v for k, v in headers.items()}
    lines = [method.upper()] + [
        lower.get(h, "") for h in ("accept", "content-md5", "content-type", "date")
    ]
    names = "".join(f"{n}:{lower.get(n.lower(), '')}\n" for n in sorted(signed))
    first: dict[str, str] = {}
    for name, value in params:
        first.setdefault(name, value)
    query = "&".join(f"{k}={v}" if v else k for k, v in sorted(first.items()))
    return "\n".join(lines) + "\n" + names + path + (f"?{query}" if query else "")


def ca_signature(secret: str, to_sign: str, method: str = "HmacSHA256") -> str:
    """The base64 HMAC of ``to_sign`` under ``secret`` (see :class:`CaSignature`)."""
    digest = hmac.new(secret.encode(), to_sign.encode(), CaSignature.METHODS[method]).digest()
    return base64.b64encode(digest).decode()


def content_md5(body: bytes) -> str:
    """The base64 MD5 of a body, as ``Content-MD5`` carries it."""
    return base64.b64encode(hashlib.md5(body).digest()).decode()


def _signed_params(request: Incoming) -> list[tuple[str, str]]:
    """The query parameters, and the form ones of a urlencoded body, as received."""
    params = parse_qsl(request.query_string, keep_blank_values=True)
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        params += [(k, v) for k, v in request.form.items() if isinstance(v, str)]
    return params


class Alternatives(AuthPlugin):
    """A vendor that lets callers in more than one way (``Auth.alternatives``). A mock tries
    the first way the request claims (the primary one when it claims none); a client is
    given the one way it uses by :func:`choose_mode`, so it never calls this one's ``apply``."""

    def __init__(self, spec: Auth) -> None:
        super().__init__(spec)
        self.plugins = [_single(mode) for mode in spec.modes]

    def secret_headers(self) -> list[str]:
        return sorted({h for plugin in self.plugins for h in plugin.secret_headers()})

    def reset(self) -> None:
        for plugin in self.plugins:
            plugin.reset()

    def apply(self, request: Outgoing, credentials: Mapping[str, Secret], now: float) -> None:
        self.plugins[0].apply(request, credentials, now)

    def authenticate(
        self, request: Incoming, accounts: Mapping[str, Account], now: float
    ) -> Account:
        chosen = next((p for p in self.plugins[1:] if p.claims(request)), self.plugins[0])
        return chosen.authenticate(request, accounts, now)


def choose_mode(spec: Auth, given: Mapping[str, Any], env: Mapping[str, str]) -> Auth:
    """The way in a client uses, among those whose required credentials are all given or in
    the environment: the first whose own key (its first credential) was given, else the first;
    the primary one when none is complete (the client then names what is missing)."""

    def has(cred: Any) -> bool:
        return bool(given.get(cred.name) or env.get(cred.env))

    usable = [m for m in spec.modes if all(has(c) for c in m.credentials if c.required)]
    named = [m for m in usable if given.get(m.credentials[0].name)]
    return (named or usable or [spec])[0]


PLUGINS: dict[str, type[AuthPlugin]] = {
    "query": QueryKey,
    "form": FormKey,
    "header": HeaderKey,
    "bearer_jwt": BearerJWT,
    "tc3": TC3Signature,
    "ca_signature": CaSignature,
}


def plugin_for(spec: Auth) -> AuthPlugin:
    """The plug-in of ``spec``; of all its ways in when it has alternatives."""
    return Alternatives(spec) if spec.alternatives else _single(spec)


def _single(spec: Auth) -> AuthPlugin:
    try:
        return PLUGINS[spec.kind](spec)
    except KeyError:
        raise NotImplementedError(f"auth kind {spec.kind!r} has no plug-in yet") from None
