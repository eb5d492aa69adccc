"""The mocks' JWT check (Kling's ``Authorization: Bearer``): the signature verified once per
token, never weaker for it, and no warning about the mock's own short secrets."""

from __future__ import annotations

import warnings

import httpx
import jwt
import pytest

from generated.kling.mock import create_mock
from generator.runtime import auth
from generator.runtime.mock import VendorMock

BASE = "https://api-singapore.klingai.com"
PATH = "/v1/general/ai-multi-shot"


def token(mock: VendorMock, secret: str = "test", exp: float = 1800) -> str:
    now = mock.clock.time()
    claims = {"iss": "test", "exp": int(now + exp), "nbf": int(now - 5)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the test's own short secret
        return jwt.encode(claims, secret, algorithm="HS256")


def get(mock: VendorMock, bearer: str) -> httpx.Response:
    with httpx.Client(transport=mock.transport(), base_url=BASE) as http:
        return http.get(PATH, headers={"Authorization": f"Bearer {bearer}"})


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every signature-checking ``jwt.decode`` the auth plug-in makes, by token."""
    seen: list[str] = []
    real = jwt.decode

    def counting(token: str, *args: object, **kwargs: object) -> object:
        seen.append(token)
        return real(token, *args, **kwargs)

    monkeypatch.setattr(auth.jwt, "decode", counting)
    return seen


def test_the_same_token_is_verified_once_for_many_requests(decodes: list[str]) -> None:
    mock = create_mock()
    bearer = token(mock)
    statuses = [get(mock, bearer).status_code for _ in range(5)]
    assert statuses == [200] * 5
    assert decodes == [bearer]


def test_a_remembered_token_is_verified_again_once_the_secret_changes(
    decodes: list[str],
) -> None:
    mock = create_mock()
    bearer = token(mock)
    assert get(mock, bearer).status_code == 200
    mock.accounts["test"].secret = "rotated"
    refused = get(mock, bearer)
    assert refused.status_code == 401
    assert decodes == [bearer, bearer]


def test_a_token_signed_with_another_secret_is_refused_after_a_good_one() -> None:
    mock = create_mock()
    assert get(mock, token(mock)).status_code == 200
    forged = token(mock, secret="not-the-secret", exp=1700)
    assert get(mock, forged).status_code == 401


def test_a_remembered_token_is_refused_once_it_expires() -> None:
    mock = create_mock()
    bearer = token(mock, exp=60)
    assert get(mock, bearer).status_code == 200
    mock.advance(61)
    assert get(mock, bearer).status_code == 401


def test_verifying_the_mocks_short_secret_warns_nothing() -> None:
    mock = create_mock()
    bearer = token(mock)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning fails the request, and so the test
        assert get(mock, bearer).status_code == 200
