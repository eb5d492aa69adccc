"""Why a mock refuses a bearer JWT, word for word: each refusal's kind and detail from the
plug-in, and the message a mock's caller reads where the vendor's error text carries the
detail. Written against the mutants ``make mutants`` showed surviving in
``BearerJWT.authenticate`` and ``BearerJWT._verified``."""

from __future__ import annotations

import warnings
from typing import Any

import httpx
import jwt
import pytest

from generator.runtime.accounts import Account
from generator.runtime.auth import AuthRefused, BearerJWT
from generator.runtime.clock import VirtualClock
from generator.runtime.envelope import error_spec
from generator.runtime.mock.messages import MockRequest
from tests.vendors import all_vendors, auth_of_kind, contract_for

NOW = 1_767_225_600.0
KEY, SECRET = "access-key", "secret-key-for-the-test"


def signed(secret: str = SECRET, algorithm: str = "HS256", **claims: Any) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a short secret or an unusual algorithm, on purpose
        body = {"iss": KEY, "exp": int(NOW + 1800), "nbf": int(NOW - 5), **claims}
        return jwt.encode(body, secret, algorithm=algorithm)


CASES = [
    ("absent", None, "token_missing", "Authorization is empty"),
    ("blank", "   ", "token_missing", "Authorization is empty"),
    ("basic", "Basic abc", "token_invalid", "Authorization is not a Bearer token"),
    ("no-token", "Bearer ", "token_invalid", "Authorization is not a Bearer token"),
    ("not-a-jwt", "Bearer not-a-jwt", "token_invalid", "the token is not a JWT"),
    (
        "unknown-issuer",
        "Bearer " + signed(iss="somebody-else"),
        "token_invalid",
        "unknown access key or algorithm",
    ),
    (
        "other-algorithm",
        "Bearer " + signed(algorithm="HS384"),
        "token_invalid",
        "unknown access key or algorithm",
    ),
    (
        "forged",
        "Bearer " + signed(secret="not-the-secret"),
        "token_invalid",
        "InvalidSignatureError",
    ),
    (
        "not-yet-valid",
        "Bearer " + signed(nbf=int(NOW + 60)),
        "token_not_yet_valid",
        f"valid from {int(NOW + 60)}, 60 s after now",
    ),
    (
        "expired",
        "Bearer " + signed(exp=int(NOW)),
        "token_expired",
        f"expired at {int(NOW)}, 0 s ago",
    ),
    (
        "expired-long-ago",
        "Bearer " + signed(exp=int(NOW - 3600)),
        "token_expired",
        f"expired at {int(NOW - 3600)}, 3600 s ago",
    ),
    (
        "exp-as-text",
        "Bearer " + signed(exp=str(int(NOW + 1800))),
        "token_invalid",
        "the exp claim is not a time in seconds",
    ),
    (
        "exp-as-true",
        "Bearer " + signed(exp=True),
        "token_invalid",
        "the exp claim is not a time in seconds",
    ),
    (
        "exp-infinite",
        "Bearer " + signed(exp=float("inf")),
        "token_invalid",
        "the exp claim is not a time in seconds",
    ),
    (
        "exp-beyond-any-time",
        "Bearer " + signed(exp=-(10**400)),
        "token_invalid",
        "the exp claim is not a time in seconds",
    ),
    (
        "nbf-beyond-any-time",
        "Bearer " + signed(nbf=10**400),
        "token_invalid",
        "the nbf claim is not a time in seconds",
    ),
    (
        "nbf-not-a-number",
        "Bearer " + signed(nbf=float("nan")),
        "token_invalid",
        "the nbf claim is not a time in seconds",
    ),
    (
        "nbf-as-text",
        "Bearer " + signed(nbf="soon"),
        "token_invalid",
        "the nbf claim is not a time in seconds",
    ),
]


def request(authorization: str | None) -> MockRequest:
    headers = {} if authorization is None else {"authorization": authorization}
    return MockRequest("GET", "/", "http://vendor.test", headers=headers)


@pytest.mark.parametrize(
    ("authorization", "kind", "detail"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_refusal_of_a_bearer_jwt_has_its_kind_and_detail(
    authorization: str | None, kind: str, detail: str
) -> None:
    plugin = BearerJWT(auth_of_kind("bearer_jwt"))
    accounts = {KEY: Account(KEY, SECRET)}
    with pytest.raises(AuthRefused) as caught:
        plugin.authenticate(request(authorization), accounts, NOW)

    assert (caught.value.kind, caught.value.detail) == (kind, detail)
    assert str(caught.value) == f"{kind}: {detail}"


def test_a_good_token_is_let_in_as_its_account() -> None:
    plugin = BearerJWT(auth_of_kind("bearer_jwt"))
    account = Account(KEY, SECRET)
    found = plugin.authenticate(request("Bearer " + signed()), {KEY: account}, NOW)
    assert found is account


JWT_VENDORS = [v for v in all_vendors() if v.auth.kind == "bearer_jwt"]


@pytest.mark.parametrize("vendor", JWT_VENDORS, ids=[v.package for v in JWT_VENDORS])
@pytest.mark.parametrize(
    ("authorization", "kind", "detail"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_a_mock_tells_its_caller_the_reason_where_the_vendor_s_text_has_room(
    vendor: Any, authorization: str | None, kind: str, detail: str
) -> None:
    mock = contract_for(vendor).create_mock(clock=VirtualClock(NOW))
    mock.accounts[KEY] = Account(KEY, SECRET)
    op = next(o for o in vendor.operations if o.role == "get")
    headers = {} if authorization is None else {"Authorization": authorization}
    with httpx.Client(transport=mock.transport(), base_url=vendor.base_url) as http:
        answer = http.request(op.method, op.path.replace("{", "").replace("}", ""), headers=headers)

    spec = error_spec(vendor, kind)
    assert answer.status_code == spec.http_status
    assert spec.message.replace("{detail}", detail) in answer.text
