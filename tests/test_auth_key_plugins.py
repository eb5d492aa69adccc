"""The key plug-ins (a key in the query, the form or a header after a prefix) and the choice
among a vendor's ways in, value by value: what a client adds, what a mock reads back as the
key presented (nothing for an empty value or a wrong prefix), the refusal's kind and detail
("missing" vs "unknown"), the secret headers named, and which way in ``choose_mode`` picks.
Plug-ins are built from ``Auth`` values here, each kind once, as any spec would give them.
Written for ``generator/runtime/auth.py``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from generator.runtime.accounts import Account
from generator.runtime.auth import (
    AuthRefused,
    FormKey,
    HeaderKey,
    QueryKey,
    choose_mode,
    plugin_for,
)
from generator.runtime.secrets import Secret
from generator.runtime.vendor import Auth, Credential

KEY = Credential(name="app_key", env="X_APP_KEY")
CODE = Credential(name="app_code", env="X_APP_CODE")
SECRET = Credential(name="app_secret", env="X_APP_SECRET")


@dataclass
class Out:
    method: str = "POST"
    path: str = "/v1/edit"
    host: str = "api.example"
    prefix: str = ""
    query: list[tuple[str, str]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    form: dict[str, Any] = field(default_factory=dict)
    content: bytes | None = None


@dataclass
class In:
    method: str = "POST"
    path: str = "/v1/edit"
    query_string: str = ""
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    form: dict[str, Any] = field(default_factory=dict)
    body: bytes = b""


ACCOUNTS = {"k-123": Account("k-123")}


def test_a_query_key_is_appended_and_read_back() -> None:
    plugin = plugin_for(Auth(kind="query", field="appKey", credentials=(KEY,)))
    assert isinstance(plugin, QueryKey)
    out = Out(query=[("a", "1")])
    plugin.apply(out, {"app_key": Secret("k-123")}, 0.0)
    assert out.query == [("a", "1"), ("appKey", "k-123")]
    assert plugin.authenticate(In(query={"appKey": "k-123"}), ACCOUNTS, 0.0).key == "k-123"
    assert plugin.presented(In(query={"appKey": ""})) is None
    assert plugin.secret_headers() == []


def test_a_form_key_is_set_and_only_a_non_empty_string_counts() -> None:
    plugin = plugin_for(Auth(kind="form", field="user_key", credentials=(KEY,)))
    assert isinstance(plugin, FormKey)
    out = Out(form={"prompt": "p"})
    plugin.apply(out, {"app_key": Secret("k-123")}, 0.0)
    assert out.form == {"prompt": "p", "user_key": "k-123"}
    assert plugin.presented(In(form={"user_key": "k-123"})) == "k-123"
    for value in ("", None, 123, ["k-123"]):
        assert plugin.presented(In(form={"user_key": value})) is None


def test_a_header_key_carries_its_prefix_and_is_read_without_it() -> None:
    spec = Auth(kind="header", field="Authorization", prefix="APPCODE ", credentials=(CODE,))
    plugin = plugin_for(spec)
    assert isinstance(plugin, HeaderKey)
    out = Out()
    plugin.apply(out, {"app_code": Secret("k-123")}, 0.0)
    assert out.headers == {"Authorization": "APPCODE k-123"}
    assert plugin.presented(In(headers={"authorization": "APPCODE k-123"})) == "k-123"
    assert plugin.presented(In(headers={"authorization": "Bearer k-123"})) is None
    assert plugin.presented(In(headers={"authorization": "APPCODE "})) is None
    assert plugin.presented(In(headers={})) is None
    assert plugin.secret_headers() == ["authorization"]


@pytest.mark.parametrize(
    ("request_in", "detail"),
    [(In(), "missing"), (In(query={"appKey": "other"}), "unknown")],
)
def test_a_refusal_says_whether_the_key_was_missing_or_unknown(request_in, detail) -> None:
    plugin = plugin_for(Auth(kind="query", field="appKey", credentials=(KEY,)))
    with pytest.raises(AuthRefused) as raised:
        plugin.authenticate(request_in, ACCOUNTS, 0.0)
    assert (raised.value.kind, raised.value.detail) == ("authentication", detail)
    assert str(raised.value) == f"authentication: {detail}"


def test_an_unknown_kind_says_it_has_no_plug_in() -> None:
    spec = Auth.model_construct(kind="carrier_pigeon", credentials=(KEY,), alternatives=())
    with pytest.raises(NotImplementedError, match="auth kind 'carrier_pigeon' has no plug-in yet"):
        plugin_for(spec)


TWO_WAYS = Auth(
    kind="header",
    field="Authorization",
    prefix="APPCODE ",
    credentials=(CODE,),
    alternatives=(Auth(kind="ca_signature", credentials=(KEY, SECRET), max_skew_seconds=900),),
)


def test_alternatives_name_every_ways_secret_headers_once_sorted() -> None:
    three_ways = Auth(
        kind="ca_signature",
        credentials=(KEY, SECRET),
        alternatives=(
            Auth(kind="header", field="Authorization", prefix="APPCODE ", credentials=(CODE,)),
            Auth(kind="bearer_jwt", credentials=(KEY, SECRET)),
        ),
    )
    plugin = plugin_for(three_ways)
    assert plugin.secret_headers() == ["authorization", "x-ca-key", "x-ca-signature"]


def test_alternatives_try_the_way_a_request_claims_else_the_first() -> None:
    plugin = plugin_for(TWO_WAYS)
    accounts = {"k-123": Account("k-123")}
    by_code = In(headers={"authorization": "APPCODE k-123"})
    assert plugin.authenticate(by_code, accounts, 0.0).key == "k-123"
    with pytest.raises(AuthRefused) as raised:  # claims the signature: its own refusal
        plugin.authenticate(In(headers={"x-ca-key": "nobody"}), accounts, 0.0)
    assert raised.value.kind == "app_key_invalid"
    with pytest.raises(AuthRefused) as raised:
        plugin.authenticate(In(), accounts, 0.0)
    assert (raised.value.kind, raised.value.detail) == ("authentication", "missing")


@pytest.mark.parametrize(
    ("given", "env", "chosen"),
    [
        ({"app_code": "c"}, {}, "header"),
        ({"app_key": "k", "app_secret": "s"}, {}, "ca_signature"),
        ({"app_key": "k"}, {"X_APP_SECRET": "s"}, "ca_signature"),
        ({"app_key": "k", "app_secret": "s"}, {"X_APP_CODE": "c"}, "ca_signature"),
        ({}, {"X_APP_KEY": "k", "X_APP_SECRET": "s"}, "ca_signature"),
        ({}, {"X_APP_CODE": "c", "X_APP_KEY": "k", "X_APP_SECRET": "s"}, "header"),
        ({"app_key": "k"}, {}, "header"),  # incomplete: the primary way names what is missing
        ({}, {}, "header"),
    ],
)
def test_choose_mode_prefers_a_complete_way_whose_own_key_was_given(given, env, chosen):
    assert choose_mode(TWO_WAYS, given, env).kind == chosen
