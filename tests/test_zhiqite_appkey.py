"""Zhiqite's other way in: the Alibaba Cloud API gateway app signature ("APPKey").

The client signs every request as the gateway specifies; the mock verifies as the gateway
does and refuses in its own shape (HTTP 400, X-Ca-Error-Code / X-Ca-Error-Message, no body).
Alibaba Cloud's own signer from PyPI (alibabacloud-apigateway-util) gets the same signature
for the same request and its requests pass the served mock.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from alibabacloud_apigateway_util.client import Client as AlibabaSigner

from generated.zhiqite import AsyncZhiqiteClient, ZhiqiteClient
from generated.zhiqite.mock import create_mock
from generator.runtime import errors
from generator.runtime.auth import CaSignature, ca_signature, ca_string_to_sign, plugin_for
from generator.runtime.client import Outgoing
from generator.runtime.clock import SystemClock, VirtualClock
from generator.runtime.mock import VendorMock
from generator.runtime.testing import cassette_filters

from .conftest import ServedMock

BASE = "https://zhiqite.market.alicloudapi.com/AIGCImgOpenServ"
PREFIX = "/AIGCImgOpenServ"
SIGNED_BY_KEY = dict(app_key="test", app_secret="test")


@pytest.fixture
def zq() -> VendorMock:
    return create_mock()


def signer() -> CaSignature:
    plugin = plugin_for(ZhiqiteClient.vendor.auth.alternatives[0])
    assert isinstance(plugin, CaSignature)
    return plugin


def outgoing(body: dict[str, Any], path: str = "/saas/sd/v2/queryTaskInfo") -> Outgoing:
    out = Outgoing("POST", path, host="zhiqite.market.alicloudapi.com", prefix=PREFIX)
    out.content = json.dumps(body).encode()
    out.headers["Content-Type"] = "application/json;charset=UTF-8"
    out.headers["X-Request-req-accessKeyId"] = "test"
    return out


def alibaba_request(headers: dict[str, str], path: str) -> SimpleNamespace:
    """A request as Alibaba's signer takes it: lower-case header names, query, path."""
    return SimpleNamespace(
        method="POST", headers={k.lower(): v for k, v in headers.items()}, query={}, pathname=path
    )


# -- the same signature as Alibaba Cloud's signer ----------------------------------------
def test_signature_equals_alibabas_signer_for_a_fixed_timestamp_and_nonce() -> None:
    out = outgoing({"businessTaskId": "order-7"})
    signer().sign(out, "app-key-1234", "app-secret-5678", 1764201600000, "nonce-0001")
    ours = out.headers.pop("X-Ca-Signature")
    # Alibaba's signer signs every header it is given except the standard ones: give it the
    # standard ones and the X-Ca-* headers our client signs, as our client sent them.
    theirs_headers = {
        k: v
        for k, v in out.headers.items()
        if k.lower().startswith("x-ca-") or k in ("Accept", "Content-Type", "Content-MD5")
    }
    theirs_headers["date"] = ""
    request = alibaba_request(theirs_headers, PREFIX + out.path)
    theirs = AlibabaSigner.get_signature(request, "app-secret-5678")
    assert ours == theirs
    assert out.headers["Content-MD5"] == AlibabaSigner.get_content_md5(out.content.decode())
    assert request.headers["x-ca-signature-headers"] == out.headers["X-Ca-Signature-Headers"]
    assert out.headers["X-Ca-Timestamp"] == "1764201600000"


def test_string_to_sign_sorts_headers_and_parameters_and_keeps_empty_lines() -> None:
    text = ca_string_to_sign(
        "post",
        {"x-ca-nonce": "n", "X-Ca-Key": "k", "content-type": "text/plain"},
        ("x-ca-nonce", "X-Ca-Key"),
        "/p",
        [("b", "2"), ("a", ""), ("b", "3"), ("c", "1")],
    )
    assert text == "POST\n\n\ntext/plain\n\nX-Ca-Key:k\nx-ca-nonce:n\n/p?a&b=2&c=1"
    assert ca_signature("s", "x") != ca_signature("s", "x", "HmacSHA1")


# -- the client signs, the mock verifies --------------------------------------------------
def test_client_given_an_app_key_signs_instead_of_sending_the_appcode(zq: VendorMock) -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return zq.transport().handle_request(request)

    transport = httpx.MockTransport(answer)
    with zq.client(ZhiqiteClient, transport=transport, **SIGNED_BY_KEY) as client:
        page = client.list_embeddings(page_num=1, page_size=10)
    sent = seen[-1].headers
    assert zq.journal[-1].status == 200 and page.total >= 1
    assert "authorization" not in sent and sent["x-ca-key"] == "test"
    assert (
        sent["x-ca-signature-headers"] == "x-ca-key,x-ca-nonce,x-ca-signature-method,x-ca-timestamp"
    )
    assert sent["x-request-req-accesskeyid"] == "test"


def test_async_client_signs_too(zq: VendorMock) -> None:
    import asyncio

    async def run() -> int:
        async with zq.client(AsyncZhiqiteClient, **SIGNED_BY_KEY) as client:
            return (await client.list_embeddings(page_num=1, page_size=10)).total

    assert asyncio.run(run()) >= 1
    assert zq.journal[-1].status == 200


def test_environment_app_key_is_used_when_no_appcode_is_given(
    zq: VendorMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("ZHIQITE_APP_CODE",):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("ZHIQITE_APP_KEY", "test")
    monkeypatch.setenv("ZHIQITE_APP_SECRET", "test")
    monkeypatch.setenv("ZHIQITE_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("ZHIQITE_ACCESS_KEY_SECRET", "test")
    with ZhiqiteClient(base_url=BASE, transport=zq.transport(), clock=zq.clock) as client:
        client.list_embeddings(page_num=1, page_size=10)
    assert zq.journal[-1].status == 200


def test_missing_credentials_name_both_ways_in(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("ZHIQITE_APP_CODE", "ZHIQITE_APP_KEY", "ZHIQITE_APP_SECRET"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(errors.ConfigurationError, match=r"app_code.*app_key"):
        ZhiqiteClient(access_key_id="a", access_key_secret="b")


# -- the gateway's refusals ---------------------------------------------------------------
def signed_post(
    mock: VendorMock,
    *,
    key: str = "test",
    secret: str = "test",
    millis: int | None = None,
    nonce: str | None = None,
    tamper: bool = False,
    digest: bool = True,
) -> httpx.Response:
    body = {"pageNum": 1, "pageSize": 10}
    out = outgoing(body, "/saas/sd/v2/queryEmbeddingList")
    out.headers["X-Request-req-accessKeySecret"] = "test"
    now = int(mock.clock.time() * 1000) if millis is None else millis
    signer().sign(out, key, secret, now, nonce or uuid.uuid4().hex)
    content = json.dumps({**body, "pageSize": 11}).encode() if tamper else out.content
    if tamper and digest:  # a body changed after signing, its digest recomputed to match
        from generator.runtime.auth import content_md5

        out.headers["Content-MD5"] = content_md5(content)
    with httpx.Client(transport=mock.transport()) as http:
        return http.post(BASE + out.path, content=content, headers=out.headers)


def refusal(response: httpx.Response) -> tuple[int, str, str, bytes]:
    return (
        response.status_code,
        response.headers.get("x-ca-error-code", ""),
        response.headers.get("x-ca-error-message", ""),
        response.content,
    )


def test_a_correctly_signed_request_passes(zq: VendorMock) -> None:
    response = signed_post(zq)
    assert response.status_code == 200 and response.json()["code"] == "200"


def test_unknown_app_key_is_refused(zq: VendorMock) -> None:
    assert refusal(signed_post(zq, key="nobody")) == (400, "A400IK", "Invalid AppKey", b"")


def test_wrong_secret_is_refused_with_the_gateways_string_to_sign(zq: VendorMock) -> None:
    status, code, message, body = refusal(signed_post(zq, secret="wrong", nonce="n-1"))
    assert (status, code, body) == (400, "I400SG", b"")
    assert message.startswith("Invalid Signature, Server StringToSign:`POST#application/json#")
    assert "#x-ca-nonce:n-1#" in message and message.endswith(
        "#/AIGCImgOpenServ/saas/sd/v2/queryEmbeddingList`"
    )


def test_a_body_changed_after_signing_is_refused(zq: VendorMock) -> None:
    status, code, message, _ = refusal(signed_post(zq, tamper=True))
    assert (status, code) == (400, "I400SG") and "Server StringToSign" in message


def test_a_body_that_does_not_match_its_digest_is_refused(zq: VendorMock) -> None:
    assert refusal(signed_post(zq, tamper=True, digest=False)) == (
        400,
        "I400I5",
        "Invalid Content-MD5",
        b"",
    )


def test_a_timestamp_more_than_15_minutes_off_is_refused(zq: VendorMock) -> None:
    now = int(zq.clock.time() * 1000)
    assert signed_post(zq, millis=now - 899_000).status_code == 200
    assert refusal(signed_post(zq, millis=now - 901_000)) == (
        400,
        "I400TS",
        "Timestamp Expired",
        b"",
    )
    assert refusal(signed_post(zq, millis=now + 901_000))[2] == "Timestamp Expired"


def test_a_nonce_is_accepted_once_within_the_window(zq: VendorMock) -> None:
    assert signed_post(zq, nonce="once").status_code == 200
    assert refusal(signed_post(zq, nonce="once")) == (400, "I400NC", "Nonce Used", b"")
    zq.advance(901)
    assert signed_post(zq, nonce="once").status_code == 200


def test_a_refused_signature_does_not_use_up_its_nonce(zq: VendorMock) -> None:
    assert signed_post(zq, secret="wrong", nonce="kept").status_code == 400
    assert signed_post(zq, nonce="kept").status_code == 200


@pytest.mark.parametrize(
    ("credentials", "error", "code"),
    [
        ({"app_key": "nobody", "app_secret": "test"}, errors.AuthenticationError, "A400IK"),
        ({"app_key": "test", "app_secret": "wrong-secret"}, errors.AuthenticationError, "I400SG"),
    ],
)
def test_client_turns_each_refusal_into_a_typed_error(
    zq: VendorMock, credentials: dict[str, str], error: type[Exception], code: str
) -> None:
    with zq.client(ZhiqiteClient, **credentials) as client, pytest.raises(error) as caught:
        client.list_embeddings(page_num=1, page_size=10)
    assert caught.value.code == code and caught.value.status_code == 400
    assert "wrong-secret" not in repr(caught.value) and "wrong-secret" not in str(caught.value)


def test_client_turns_a_stale_timestamp_and_a_reused_nonce_into_typed_errors(
    zq: VendorMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = zq.client(ZhiqiteClient, **SIGNED_BY_KEY)
    monkeypatch.setattr(CaSignature, "new_nonce", staticmethod(lambda: "same-nonce"))
    with client:
        client.list_embeddings(page_num=1, page_size=10)
        with pytest.raises(errors.AuthenticationError) as reused:
            client.list_embeddings(page_num=1, page_size=10)
    late = zq.client(ZhiqiteClient, clock=VirtualClock(zq.clock.time() - 3600), **SIGNED_BY_KEY)
    monkeypatch.setattr(CaSignature, "new_nonce", staticmethod(lambda: uuid.uuid4().hex))
    with late, pytest.raises(errors.AuthenticationError) as stale:
        late.list_embeddings(page_num=1, page_size=10)
    assert (reused.value.code, reused.value.vendor_message) == ("I400NC", "Nonce Used")
    assert (stale.value.code, stale.value.vendor_message) == ("I400TS", "Timestamp Expired")


def test_secrets_stay_out_of_logs_reprs_and_the_journal(
    zq: VendorMock, caplog: pytest.LogCaptureFixture
) -> None:
    key, secret = "app-key-abcdef123", "app-secret-abcdef456"
    zq.add_credential(key, secret=secret)
    with (
        caplog.at_level(logging.DEBUG),
        zq.client(ZhiqiteClient, app_key=key, app_secret=secret) as client,
    ):
        client.list_embeddings(page_num=1, page_size=10)
        shown = repr(client) + repr(client._credentials)
    assert zq.journal[-1].status == 200
    everything = shown + caplog.text + repr(list(zq.journal))
    assert key not in everything and secret not in everything
    assert {"x-ca-key", "x-ca-signature"} <= set(
        plugin_for(ZhiqiteClient.vendor.auth).secret_headers()
    )


def test_a_refusal_recorded_in_a_cassette_keeps_the_app_key_out(zq: VendorMock) -> None:
    key = "app-key-recorded-789"
    zq.add_credential(key, secret="right-secret")
    with zq.client(ZhiqiteClient, app_key=key, app_secret="wrong-secret"):
        pass  # the client registers its credentials for masking
    refused = signed_post(zq, key=key, secret="wrong-secret")
    assert key in refused.headers["x-ca-error-message"]  # the gateway echoes what it got
    recorded = {"status": {"code": 400}, "headers": {k: [v] for k, v in refused.headers.items()}}
    filters = cassette_filters(ZhiqiteClient.vendor)
    kept = filters["before_record_response"](recorded)
    assert key not in repr(kept) and "Server StringToSign" in repr(kept)
    assert {"x-ca-key", "x-ca-signature"} <= set(filters["filter_headers"])


# -- Alibaba's signer against the served mock ---------------------------------------------
def test_alibabas_signer_passes_the_served_mock() -> None:
    mock = create_mock(clock=SystemClock(), task_seconds=0, queue_seconds=0)
    with ServedMock(mock) as served, httpx.Client(base_url=served.url) as http:
        for path, body in [
            ("/saas/sd/v2/queryEmbeddingList", {"pageNum": 1, "pageSize": 10}),
            ("/saas/sd/v2/queryTaskInfo", {"businessTaskId": "nobody-knows"}),
        ]:
            content = json.dumps(body)
            headers = {
                "accept": "application/json",
                "content-type": "application/json;charset=UTF-8",
                "content-md5": AlibabaSigner.get_content_md5(content),
                "date": time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime()),
                "x-ca-key": "test",
                "x-ca-timestamp": AlibabaSigner.get_time_stamp(),
                "x-ca-nonce": str(uuid.uuid4()),
                "x-ca-signature-method": "HmacSHA256",
                # Alibaba's signer signs these too: the gateway reads which from the request
                "x-request-req-accesskeyid": "test",
                "x-request-req-accesskeysecret": "test",
            }
            request = alibaba_request(headers, path)
            request.headers["x-ca-signature"] = AlibabaSigner.get_signature(request, "test")
            answer = http.post(path, content=content, headers=request.headers)
            assert answer.status_code == 200, answer.headers.get("x-ca-error-message")
            assert answer.json()["code"] == ("200" if "Embedding" in path else "400")
        request.headers["x-ca-signature"] = AlibabaSigner.get_signature(request, "not-test")
        refused = http.post(path, content=content, headers=request.headers)
    assert refused.status_code == 400 and refused.headers["x-ca-error-code"] == "I400SG"
