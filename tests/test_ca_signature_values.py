"""The Alibaba Cloud gateway app signature (``auth.CaSignature``), by value, on requests the
other tests do not send: a form body and a bare GET signed by the client and verified by the
mock's check; requests signed by hand the ways the gateway also accepts (HmacSHA1, no method
header, no list of signed headers); and each refusal's kind and reason, with the timestamp
and nonce windows at their exact edges.

The plug-in comes from the spec that uses it (found in ``specs/`` by its ``ca_signature``
kind); requests travel as httpx builds them and the mock reads them
(``MockRequest.build``, the form parsed as the mock parses it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
import pytest

from generator.runtime.accounts import Account
from generator.runtime.auth import (
    AuthRefused,
    CaSignature,
    ca_signature,
    ca_string_to_sign,
    content_md5,
    plugin_for,
)
from generator.runtime.client import Outgoing
from generator.runtime.mock.messages import MockRequest, parse_form
from generator.runtime.vendor import Auth

from .vendors import auth_of_kind

KEY, SECRET = "app-key-1234", "app-secret-5678"
ACCOUNTS: Mapping[str, Account] = {KEY: Account(KEY, SECRET)}
NOW = 1_700_000_000.0
FORM_TYPE = "application/x-www-form-urlencoded; charset=utf-8"


def ca_spec() -> Auth:
    return auth_of_kind("ca_signature")


@pytest.fixture
def plugin() -> CaSignature:
    made = plugin_for(ca_spec())
    assert isinstance(made, CaSignature)
    return made


def received(out: Outgoing) -> MockRequest:
    """``out`` as httpx sends it and the mock reads it."""
    sent = httpx.Request(
        out.method,
        "https://gateway.example.test" + out.prefix + out.path,
        params=httpx.QueryParams(tuple(out.query)) if out.query else None,
        headers=out.headers,
        data=out.form or None,
        content=out.content,
    )
    request = MockRequest.build(sent.method, str(sent.url), sent.headers.multi_items(), sent.read())
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        request.form = parse_form(request.body.decode())
    return request


def signed(
    plugin: CaSignature, out: Outgoing, *, at: float = NOW, nonce: str = "n-1"
) -> MockRequest:
    plugin.sign(out, KEY, SECRET, int(at * 1000), nonce)
    return received(out)


def refusal(plugin: CaSignature, request: MockRequest, now: float = NOW) -> tuple[str, str]:
    with pytest.raises(AuthRefused) as caught:
        plugin.authenticate(request, ACCOUNTS, now)
    return caught.value.kind, caught.value.detail


# -- signed by the client, checked by the mock ---------------------------------------------------
def test_a_form_body_is_declared_signed_with_the_query_and_passes(plugin: CaSignature) -> None:
    """Form fields and query parameters (a blank one too) are signed on both sides."""
    out = Outgoing("POST", "/v1/edit", prefix="/Serv", query=[("q", "1"), ("flag", "")])
    out.form = {"prompt": "a cat", "steps": 20}
    request = signed(plugin, out)
    sent = httpx.Headers(out.headers)  # header names are case-insensitive
    assert sent["content-type"] == FORM_TYPE
    assert "content-md5" not in sent
    assert plugin.authenticate(request, ACCOUNTS, NOW) is ACCOUNTS[KEY]


def test_a_get_without_a_body_has_no_body_headers_and_passes(plugin: CaSignature) -> None:
    out = Outgoing("GET", "/v1/tasks/7", query=[("detail", "full")])
    request = signed(plugin, out)
    sent = httpx.Headers(out.headers)
    assert "content-type" not in sent and "content-md5" not in sent
    assert "content-type" not in request.headers
    assert plugin.authenticate(request, ACCOUNTS, NOW) is ACCOUNTS[KEY]


def test_a_json_body_carries_its_digest_and_passes(plugin: CaSignature) -> None:
    out = Outgoing("POST", "/v1/edit", content=b'{"prompt": "a cat"}')
    out.headers["Content-Type"] = "application/json"
    request = signed(plugin, out)
    assert httpx.Headers(out.headers)["content-md5"] == content_md5(b'{"prompt": "a cat"}')
    assert plugin.authenticate(request, ACCOUNTS, NOW) is ACCOUNTS[KEY]


def test_a_signed_header_the_request_lacks_is_signed_empty() -> None:
    text = ca_string_to_sign("get", {"x-ca-key": "k"}, ("x-ca-key", "x-ca-stage"), "/p", [])
    assert text == "GET\n\n\n\n\nx-ca-key:k\nx-ca-stage:\n/p"


# -- signed by hand, the other ways the gateway accepts ---------------------------------------
def by_hand(
    headers: dict[str, str], *, method: str = "HmacSHA256", sign: bool = True
) -> MockRequest:
    """A GET of ``/v1/tasks`` with ``headers``, signed with ``method`` over the headers its
    ``X-Ca-Signature-Headers`` lists (none when it has none)."""
    names = tuple(n for n in headers.get("X-Ca-Signature-Headers", "").split(",") if n)
    if sign:
        to_sign = ca_string_to_sign("GET", headers, names, "/v1/tasks", [])
        headers = {**headers, "X-Ca-Signature": ca_signature(SECRET, to_sign, method)}
    return received(Outgoing("GET", "/v1/tasks", headers=headers))


BASE_HEADERS = {"X-Ca-Key": KEY, "X-Ca-Timestamp": str(int(NOW * 1000)), "X-Ca-Nonce": "n-2"}


def test_a_request_signed_with_hmac_sha1_passes(plugin: CaSignature) -> None:
    headers = {**BASE_HEADERS, "X-Ca-Signature-Method": "HmacSHA1"}
    headers["X-Ca-Signature-Headers"] = "x-ca-key,x-ca-nonce,x-ca-signature-method"
    assert plugin.authenticate(by_hand(headers, method="HmacSHA1"), ACCOUNTS, NOW).key == KEY


def test_without_a_method_header_hmac_sha256_is_meant(plugin: CaSignature) -> None:
    headers = {**BASE_HEADERS, "X-Ca-Signature-Headers": "x-ca-key,x-ca-timestamp"}
    assert plugin.authenticate(by_hand(headers), ACCOUNTS, NOW).key == KEY


def test_without_a_list_of_signed_headers_none_is_signed(plugin: CaSignature) -> None:
    assert plugin.authenticate(by_hand(dict(BASE_HEADERS)), ACCOUNTS, NOW).key == KEY


def test_a_request_without_a_signature_is_refused_with_the_string_to_sign(
    plugin: CaSignature,
) -> None:
    request = by_hand(dict(BASE_HEADERS), sign=False)
    assert refusal(plugin, request) == ("signature_invalid", "GET#####/v1/tasks")


# -- each refusal, its kind and its reason -------------------------------------------------------
def test_an_unknown_or_missing_app_key_is_refused(plugin: CaSignature) -> None:
    out = Outgoing("GET", "/v1/tasks")
    plugin.sign(out, "nobody", SECRET, int(NOW * 1000), "n-3")
    assert refusal(plugin, received(out)) == ("app_key_invalid", "no such app key")
    without_key = {k: v for k, v in BASE_HEADERS.items() if k != "X-Ca-Key"}
    assert refusal(plugin, by_hand(without_key)) == ("app_key_invalid", "no such app key")


def test_a_body_that_does_not_match_its_digest_is_refused(plugin: CaSignature) -> None:
    out = Outgoing("POST", "/v1/edit", content=b'{"prompt": "a cat"}')
    out.headers["Content-Type"] = "application/json"
    plugin.sign(out, KEY, SECRET, int(NOW * 1000), "n-4")
    out.content = b'{"prompt": "a dog"}'
    assert refusal(plugin, received(out)) == (
        "digest_invalid",
        "Content-MD5 does not match the body",
    )


def test_a_timestamp_that_is_not_a_number_is_refused(plugin: CaSignature) -> None:
    request = by_hand({**BASE_HEADERS, "X-Ca-Timestamp": "17000000000ab"})
    assert refusal(plugin, request) == ("timestamp_invalid", "Invalid Timestamp")


def test_a_timestamp_exactly_at_the_allowed_skew_passes(plugin: CaSignature) -> None:
    skew = ca_spec().max_skew_seconds
    edge = signed(plugin, Outgoing("GET", "/v1/tasks"), at=NOW - skew, nonce="edge")
    assert plugin.authenticate(edge, ACCOUNTS, NOW).key == KEY
    late = signed(plugin, Outgoing("GET", "/v1/tasks"), at=NOW - skew - 0.001, nonce="late")
    assert refusal(plugin, late) == ("timestamp_invalid", "Timestamp Expired")


def test_a_nonce_is_remembered_for_the_whole_window(plugin: CaSignature) -> None:
    """A nonce used ``max_skew_seconds`` ago is still used; a moment later it is free again."""
    window = ca_spec().max_skew_seconds

    def at(now: float) -> Any:
        request = signed(plugin, Outgoing("GET", "/v1/tasks"), at=now, nonce="once")
        return plugin.authenticate(request, ACCOUNTS, now)

    assert at(NOW).key == KEY
    again = signed(plugin, Outgoing("GET", "/v1/tasks"), at=NOW + window, nonce="once")
    assert refusal(plugin, again, NOW + window) == ("nonce_used", "once")
    assert at(NOW + window + 0.001).key == KEY
