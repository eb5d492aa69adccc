"""Tencent's TC3-HMAC-SHA256 check in the mock (``auth.TC3Signature.authenticate``), refusal by
refusal: each one's kind (which picks the vendor's error code) and reason, the clock window at
its exact edge, and a scope wrong in its date alone or its service alone. Requests are signed
by the client's own ``apply`` and read as the mock reads them. The plug-in comes from the spec
that uses it, found in ``specs/`` by its ``tc3`` kind."""

from __future__ import annotations

from collections.abc import Mapping

import httpx
import pytest

from generator.runtime.accounts import Account
from generator.runtime.auth import AuthRefused, TC3Signature, plugin_for
from generator.runtime.client import Outgoing
from generator.runtime.mock.messages import MockRequest
from generator.runtime.secrets import Secret
from generator.runtime.vendor import Auth

from .vendors import auth_of_kind

SECRET_ID, SECRET_KEY = "AKID-test-1234", "secret-key-5678"
ACCOUNTS: Mapping[str, Account] = {SECRET_ID: Account(SECRET_ID, SECRET_KEY)}
NOW = 1_773_100_000.0


def tc3_spec() -> Auth:
    return auth_of_kind("tc3")


@pytest.fixture
def plugin() -> TC3Signature:
    made = plugin_for(tc3_spec())
    assert isinstance(made, TC3Signature)
    return made


def signed(
    plugin: TC3Signature, at: float = NOW, secret_id: str = SECRET_ID, path: str = "/"
) -> MockRequest:
    """A JSON POST to ``path`` signed by the client at ``at``, as the mock receives it."""
    names = [c.name for c in plugin.spec.credentials]
    out = Outgoing("POST", path, host="aiart.example.test", prefix="")
    out.content = b'{"Prompt":"snow"}'
    credentials = {names[0]: Secret(secret_id), names[1]: Secret(SECRET_KEY)}
    plugin.apply(out, credentials, at)
    sent = httpx.Request(
        out.method, f"https://{out.host}{out.path}", headers=out.headers, content=out.content
    )
    return MockRequest.build(sent.method, str(sent.url), sent.headers.multi_items(), sent.read())


def refusal(plugin: TC3Signature, request: MockRequest, now: float = NOW) -> tuple[str, str]:
    with pytest.raises(AuthRefused) as caught:
        plugin.authenticate(request, ACCOUNTS, now)
    return caught.value.kind, caught.value.detail


@pytest.mark.parametrize("path", ["/", "/v3/images"], ids=["root", "deeper"])
def test_a_request_the_client_signed_passes(plugin: TC3Signature, path: str) -> None:
    """Tencent's endpoint is "/", but the signature covers whatever path was sent."""
    assert plugin.authenticate(signed(plugin, path=path), ACCOUNTS, NOW) is ACCOUNTS[SECRET_ID]


def test_a_missing_authorization_is_token_missing(plugin: TC3Signature) -> None:
    request = signed(plugin)
    del request.headers["authorization"]

    assert refusal(plugin, request) == (
        "token_missing",
        "expected TC3-HMAC-SHA256 Credential=...",
    )


@pytest.mark.parametrize("stamp", [None, "", "12ab"], ids=["missing", "empty", "not-a-number"])
def test_a_timestamp_missing_or_not_a_number_is_token_missing(
    plugin: TC3Signature, stamp: str | None
) -> None:
    request = signed(plugin)
    if stamp is None:
        del request.headers["x-tc-timestamp"]
    else:
        request.headers["x-tc-timestamp"] = stamp

    assert refusal(plugin, request) == (
        "token_missing",
        "X-TC-Timestamp is missing or not a number",
    )


def test_the_clock_window_holds_at_its_edge_and_not_one_second_past(plugin: TC3Signature) -> None:
    skew = plugin.spec.max_skew_seconds
    request = signed(plugin, at=NOW)

    assert plugin.authenticate(request, ACCOUNTS, NOW + skew) is ACCOUNTS[SECRET_ID]
    assert refusal(plugin, request, NOW + skew + 1) == (
        "token_expired",
        f"X-TC-Timestamp {int(NOW)} is too far from now",
    )


def test_an_unknown_secret_id_is_an_authentication_refusal(plugin: TC3Signature) -> None:
    request = signed(plugin, secret_id="AKID-nobody")

    assert refusal(plugin, request) == ("authentication", "no such SecretId")


@pytest.mark.parametrize("part", ["date", "service"])
def test_a_scope_wrong_in_one_part_alone_is_refused(plugin: TC3Signature, part: str) -> None:
    request = signed(plugin)
    header = request.headers["authorization"]
    scope = header.split("Credential=")[1].split(",")[0]
    secret_id, date, service, end = scope.split("/")
    wrong = (
        f"{secret_id}/2001-01-01/{service}/{end}"
        if part == "date"
        else f"{secret_id}/{date}/other/{end}"
    )
    request.headers["authorization"] = header.replace(scope, wrong)

    assert refusal(plugin, request) == ("token_invalid", "the credential scope does not match")


def test_a_body_changed_after_signing_is_refused(plugin: TC3Signature) -> None:
    request = signed(plugin)
    request.body = b'{"Prompt":"rain"}'

    assert refusal(plugin, request) == ("token_invalid", "the signature does not match the request")
