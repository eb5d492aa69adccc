"""A mock reads a bearer JWT's time claims on its own clock, never the wall clock, and refuses
a token without the claims the vendor requires; a token is valid from the very second of its
``nbf``; the plug-in's memory of verified tokens stays within its limit. Written against the
mutants ``make mutants`` showed surviving in ``BearerJWT``."""

from __future__ import annotations

import time
import warnings

import jwt
import pytest

from generator.runtime.accounts import Account
from generator.runtime.auth import AuthRefused, BearerJWT
from generator.runtime.secrets import Secret
from tests.test_jwt_auth_values import KEY, NOW, SECRET, request, signed
from tests.vendors import auth_of_kind

# Far past today's wall clock: a check against the wall clock would call it "not yet valid".
LATER = int(time.time()) + 10 * 365 * 86_400


def accounts() -> dict[str, Account]:
    return {KEY: Account(KEY, SECRET)}


def test_a_token_valid_on_the_mock_clock_is_let_in_whatever_the_wall_clock_says() -> None:
    token = signed(nbf=LATER, exp=LATER + 1800)
    found = BearerJWT(auth_of_kind("bearer_jwt")).authenticate(
        request("Bearer " + token), accounts(), float(LATER + 10)
    )
    assert found.key == KEY


def test_a_token_is_valid_from_the_second_its_nbf_names() -> None:
    plugin = BearerJWT(auth_of_kind("bearer_jwt"))
    token = "Bearer " + signed(nbf=int(NOW))
    assert plugin.authenticate(request(token), accounts(), NOW).key == KEY
    with pytest.raises(AuthRefused) as caught:
        plugin.authenticate(request(token), accounts(), NOW - 1)
    assert caught.value.kind == "token_not_yet_valid"


def test_a_signed_token_without_an_expiry_is_invalid_not_expired() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the test's short secret
        token = jwt.encode({"iss": KEY, "nbf": int(NOW - 5)}, SECRET, algorithm="HS256")
    with pytest.raises(AuthRefused) as caught:
        BearerJWT(auth_of_kind("bearer_jwt")).authenticate(
            request("Bearer " + token), accounts(), NOW
        )
    assert (caught.value.kind, caught.value.detail) == (
        "token_invalid",
        "MissingRequiredClaimError",
    )


def test_the_memory_of_verified_tokens_never_holds_more_than_its_limit() -> None:
    plugin = BearerJWT(auth_of_kind("bearer_jwt"))
    plugin.CHECKED_LIMIT = 3  # type: ignore[misc]
    sizes = []
    for second in range(5):
        plugin.authenticate(request("Bearer " + signed(nbf=int(NOW) - second)), accounts(), NOW)
        sizes.append(len(plugin._checked))
    assert sizes == [1, 2, 3, 1, 2]


def test_a_token_after_more_than_one_space_is_still_read_as_bearer() -> None:
    found = BearerJWT(auth_of_kind("bearer_jwt")).authenticate(
        request("Bearer   " + signed()), accounts(), NOW
    )
    assert found.key == KEY


def test_a_new_token_is_made_from_the_second_the_refresh_margin_begins() -> None:
    spec = auth_of_kind("bearer_jwt")
    plugin = BearerJWT(spec)
    credentials = {c.name: Secret(v) for c, v in zip(spec.credentials, (KEY, SECRET), strict=False)}
    first = plugin.token(credentials, NOW)
    margin_starts = NOW + spec.token_ttl_seconds - plugin.REFRESH_MARGIN

    assert plugin.token(credentials, margin_starts - 1) == first
    assert plugin.token(credentials, margin_starts) != first


def test_a_token_is_signed_with_the_first_two_credentials_of_a_longer_list() -> None:
    spec = auth_of_kind("bearer_jwt")
    extra = spec.credentials[0].model_copy(update={"name": "region"})
    longer = spec.model_copy(update={"credentials": (*spec.credentials[:2], extra)})
    given = dict(zip([c.name for c in longer.credentials], (KEY, SECRET, "cn"), strict=True))
    credentials = {name: Secret(value) for name, value in given.items()}

    token = BearerJWT(longer).token(credentials, NOW)

    claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_exp": False})
    assert claims["iss"] == KEY
