"""What reaches a recorded cassette, by value (``testing.cassette_filters`` and the scrubbers
behind it): credentials are filtered out of headers, query and form bodies (urlencoded or
multipart, however the boundary is written), everything else stays as sent; answers are
stored decoded with secrets masked in their headers. Also when a contract records instead of
replaying, and how a replay builds its client.

vcrpy's own before-record pipeline is built from the options, as a recording uses it.
Vendors come from ``specs/``; a form-key vendor, a query-key vendor and so on are found by
their auth kind.
"""

from __future__ import annotations

import gzip
from typing import Any

import httpx
import pytest
import vcr
from vcr.request import Request as VcrRequest

from generator.runtime.auth import plugin_for
from generator.runtime.secrets import Secret
from generator.runtime.testing import (
    RECORD_ENV,
    Contract,
    cassette_filters,
    scrub_body,
    scrub_response_headers,
)
from generator.runtime.vendor import Vendor

from .vendors import all_vendors, contract_for

VENDORS_FOUND = all_vendors()
IDS = [v.package for v in VENDORS_FOUND]
SECRET_VALUE = "s3cr3t-value-4711"


def recorded(vendor: Vendor, request: VcrRequest) -> VcrRequest:
    """``request`` as a cassette of ``vendor`` would keep it."""
    before = vcr.VCR(**cassette_filters(vendor))._build_before_record_request({})
    kept: VcrRequest = before(request)
    return kept


def form_vendor() -> Vendor:
    found = next((v for v in VENDORS_FOUND if v.auth.kind == "form"), None)
    if found is None:
        pytest.skip("no spec in specs/ sends its key in the form body")
    return found


# -- headers and query ---------------------------------------------------------------------------
@pytest.mark.parametrize("vendor", VENDORS_FOUND, ids=IDS)
def test_an_authorization_header_never_reaches_a_cassette(vendor: Vendor) -> None:
    request = VcrRequest(
        "GET",
        "https://api.example.test/v1/things",
        None,
        {"Authorization": f"Bearer {SECRET_VALUE}", "X-Trace": "trace-1"},
    )
    kept = recorded(vendor, request)
    assert "authorization" not in {k.lower() for k in kept.headers}
    assert kept.headers["X-Trace"] == "trace-1"


@pytest.mark.parametrize("vendor", VENDORS_FOUND, ids=IDS)
def test_credential_header_params_go_and_other_header_params_stay(vendor: Vendor) -> None:
    """Header params given by the caller's credentials are dropped, the auth plug-in's own
    signing headers too; every other header param is kept."""
    params = [p for op in vendor.operations for p in op.params if p.location == "header"]
    secret = {p.wire for p in params if p.source == "credential"}
    plain = {p.wire for p in params if p.source != "credential"} - secret
    headers = {wire: "value-1234" for wire in secret | plain}
    kept = recorded(vendor, VcrRequest("GET", "https://api.example.test/", None, headers))
    kept_names = {k.lower() for k in kept.headers}
    assert kept_names.isdisjoint(w.lower() for w in secret)
    signing = {h.lower() for h in ["authorization", *plugin_for(vendor.auth).secret_headers()]}
    assert kept_names == {w.lower() for w in plain} - signing


@pytest.mark.parametrize("vendor", VENDORS_FOUND, ids=IDS)
def test_only_a_query_key_vendor_drops_a_query_parameter(vendor: Vendor) -> None:
    field = vendor.auth.field or "key"
    uri = f"https://api.example.test/v1/things?{field}={SECRET_VALUE}&page=2"
    kept = recorded(vendor, VcrRequest("GET", uri, None, {}))
    if vendor.auth.kind == "query":
        assert kept.query == [("page", "2")]
    else:
        assert sorted(kept.query) == sorted([(field, SECRET_VALUE), ("page", "2")])


@pytest.mark.parametrize("vendor", VENDORS_FOUND, ids=IDS)
def test_a_json_body_is_recorded_as_sent(vendor: Vendor) -> None:
    body = b'{"prompt": "a cat", "n": 2}'
    request = VcrRequest(
        "POST", "https://api.example.test/v1/edit", body, {"Content-Type": "application/json"}
    )
    assert recorded(vendor, request).body == body


# -- answers -------------------------------------------------------------------------------------
@pytest.mark.parametrize("vendor", VENDORS_FOUND, ids=IDS)
def test_a_compressed_answer_is_recorded_decoded(vendor: Vendor) -> None:
    before = vcr.VCR(**cassette_filters(vendor))._build_before_record_response({})
    response = {
        "status": {"code": 200, "message": "OK"},
        "headers": {"Content-Encoding": ["gzip"], "Content-Type": ["application/json"]},
        "body": {"string": gzip.compress(b'{"id": "task-1"}')},
    }
    assert before(response)["body"]["string"] == b'{"id": "task-1"}'


def test_secrets_in_answer_headers_are_masked_and_other_values_kept() -> None:
    Secret(SECRET_VALUE)  # a credential some client was made with
    response: dict[str, Any] = {
        "headers": {
            "X-Ca-Error-Message": [f"Invalid Signature, key {SECRET_VALUE}#", "plain"],
            "X-Count": [5],
            "X-Echo": f"sent {SECRET_VALUE}",
        }
    }
    assert scrub_response_headers(response)["headers"] == {
        "X-Ca-Error-Message": ["Invalid Signature, key ****#", "plain"],
        "X-Count": [5],
        "X-Echo": "sent ****",
    }


# -- form bodies of a form-key vendor ------------------------------------------------------------
URLENCODED = "application/x-www-form-urlencoded"


def test_an_urlencoded_body_loses_only_the_key_blank_fields_kept() -> None:
    vendor = form_vendor()
    field = vendor.auth.field
    body = f"{field}={SECRET_VALUE}&prompt=&n=2".encode()
    assert scrub_body(vendor, URLENCODED, body) == b"prompt=&n=2"
    assert scrub_body(vendor, URLENCODED, body.decode()) == b"prompt=&n=2"


def test_no_body_stays_no_body() -> None:
    vendor = form_vendor()
    assert scrub_body(vendor, URLENCODED, None) is None
    assert scrub_body(vendor, URLENCODED, b"") == b""


@pytest.mark.parametrize("vendor", VENDORS_FOUND, ids=IDS)
def test_a_vendor_without_a_form_key_keeps_its_form_bodies(vendor: Vendor) -> None:
    if vendor.auth.kind == "form":
        pytest.skip("this vendor's key is in the form")
    body = f"{vendor.auth.field or 'key'}=value-1&n=2".encode()
    assert scrub_body(vendor, URLENCODED, body) == body


def multipart(boundary: str, parts: list[tuple[str, bytes]]) -> bytes:
    chunks = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        + value
        + b"\r\n"
        for name, value in parts
    ]
    return b"".join(chunks) + f"--{boundary}--\r\n".encode()


@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data; boundary=Xb0undary42X",
        'multipart/form-data; boundary="Xb0undary42X"',
    ],
    ids=["plain-boundary", "quoted-boundary"],
)
def test_a_multipart_body_loses_only_the_keys_part(content_type: str) -> None:
    """A part whose content merely mentions the key's name (after a blank line) stays."""
    vendor = form_vendor()
    field = vendor.auth.field
    mention = f'name="{field}" is where the key goes\r\n\r\nthe end'.encode()
    body = multipart(
        "Xb0undary42X",
        [("prompt", b"a cat"), (field, SECRET_VALUE.encode()), ("notes", mention)],
    )
    assert scrub_body(vendor, content_type, body) == multipart(
        "Xb0undary42X", [("prompt", b"a cat"), ("notes", mention)]
    )


# -- recording or replaying ----------------------------------------------------------------------
def set_credentials(monkeypatch: pytest.MonkeyPatch, vendor: Vendor, given: bool) -> None:
    for credential in vendor.auth.credentials:
        if given:
            monkeypatch.setenv(credential.env, "value-from-env")
        else:
            monkeypatch.delenv(credential.env, raising=False)


@pytest.mark.parametrize(
    ("flag", "credentials", "records"),
    [("1", True, True), ("1", False, False), ("0", True, False), (None, True, False)],
    ids=["flag-and-keys", "flag-no-keys", "flag-off", "no-flag"],
)
@pytest.mark.parametrize("vendor", VENDORS_FOUND, ids=IDS)
def test_a_contract_records_only_when_asked_and_given_every_credential(
    vendor: Vendor,
    flag: str | None,
    credentials: bool,
    records: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if flag is None:
        monkeypatch.delenv(RECORD_ENV, raising=False)
    else:
        monkeypatch.setenv(RECORD_ENV, flag)
    set_credentials(monkeypatch, vendor, credentials)
    contract = contract_for(vendor)
    assert contract.recording() is records
    assert contract.vcr().record_mode == ("all" if records else "none")


class Built(Exception):
    """Raised by a stand-in client once it has been made: what a replay made it with."""

    def __init__(self, options: dict[str, Any]) -> None:
        super().__init__("client made")
        self.options = options


def replay_client_options(vendor: Vendor) -> dict[str, Any]:
    """The options a replay of the vendor's first cassette makes its client with."""
    sound = contract_for(vendor)

    def stand_in(**options: Any) -> Any:
        raise Built(options)

    spy = Contract(sound.vendor, stand_in, sound.async_client_cls, sound.create_mock, sound.models)  # type: ignore[arg-type]
    name = next(op.name for op in vendor.operations if sound.cassette(op.name).is_file())
    with pytest.raises(Built) as made:
        spy.replay(name)
    return made.value.options


@pytest.mark.parametrize("vendor", VENDORS_FOUND, ids=IDS)
def test_a_replay_makes_one_request_without_retrying(
    vendor: Vendor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(RECORD_ENV, raising=False)
    assert replay_client_options(vendor)["max_retries"] == 0


HOSTLESS = [v for v in VENDORS_FOUND if not v.base_url]


@pytest.mark.parametrize("vendor", HOSTLESS, ids=[v.package for v in HOSTLESS])
def test_a_vendor_without_a_base_url_replays_against_its_env_url_or_none(
    vendor: Vendor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(RECORD_ENV, raising=False)
    variable = f"{vendor.package.upper()}_BASE_URL"
    monkeypatch.delenv(variable, raising=False)
    default = httpx.URL(replay_client_options(vendor)["base_url"])
    assert default == httpx.URL("http://vendor.invalid")
    monkeypatch.setenv(variable, "https://staging.example.test/api")
    assert replay_client_options(vendor)["base_url"] == "https://staging.example.test/api"


@pytest.mark.parametrize("vendor", VENDORS_FOUND, ids=IDS)
def test_each_replay_gives_back_the_operations_model(
    vendor: Vendor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(RECORD_ENV, raising=False)
    contract = contract_for(vendor)
    replayed = 0
    for op in vendor.operations:
        if not contract.cassette(op.name).is_file() or op.pagination is not None:
            continue
        result = contract.replay(op.name)
        assert type(result) is getattr(contract.models, op.payload_model), op.name
        replayed += 1
    if not replayed:
        pytest.skip("no cassette of a one-model answer")
