"""Every failure a vendor's spec describes, as the mock would answer it, read back by the client
as the right exception with the vendor's code, message, request id, status and body. Vendors
and their errors come from ``specs/``. Written against the mutants ``make mutants`` showed
surviving in ``generator/runtime/envelope.py``."""

from __future__ import annotations

import importlib
import json
from typing import Any

import httpx
import pytest

from generator.runtime import errors
from generator.runtime.client import SyncClient
from generator.runtime.clock import VirtualClock
from generator.runtime.envelope import (
    api_error,
    bodiless_error,
    error_spec,
    is_success,
    kinds_of,
    layer_message,
    layer_readers,
    refusal_kind,
    render_error,
    render_success,
    unwrap,
)
from generator.runtime.mock.core import MOCK_BASE_URL
from generator.runtime.mock.serve import vendor_packages
from generator.runtime.secrets import Secret
from generator.runtime.testing import example_values
from generator.runtime.vendor import Operation, Vendor

DETAIL = "detail-x"
REQUEST_ID = "req-9"


def vendor_of(name: str) -> Vendor:
    return importlib.import_module(f"generated.{name}").VENDOR


def client_for(name: str, answer: httpx.Response) -> SyncClient:
    module = importlib.import_module(f"generated.{name}")
    vendor = module.VENDOR
    credentials = {c.name: "k" for c in vendor.auth.credentials if c.required}
    return getattr(module, f"{vendor.class_prefix}Client")(
        **credentials,
        transport=httpx.MockTransport(lambda _request: answer),
        clock=VirtualClock(),
        base_url=vendor.base_url or MOCK_BASE_URL,
        max_retries=0,
    )


def not_a_get(vendor: Vendor) -> Operation:
    return next(op for op in vendor.operations if op.role in ("submit", "action"))


ERRORS = [
    pytest.param(name, kind, id=f"{name}-{kind}")
    for name in vendor_packages()
    for kind in vendor_of(name).errors
]


@pytest.mark.parametrize(("name", "kind"), ERRORS)
def test_each_documented_failure_raises_its_exception_with_the_vendors_facts(
    name: str, kind: str
) -> None:
    vendor = vendor_of(name)
    spec = vendor.errors[kind]
    op = not_a_get(vendor)
    status, headers, body = render_error(vendor, kind, DETAIL, REQUEST_ID, op.response_schema)
    message = spec.message.replace("{detail}", DETAIL)
    answer = httpx.Response(status, headers=headers, json=body) if body is not None else None
    if answer is None:
        answer = httpx.Response(status, headers=headers, text="")
    with client_for(name, answer) as client, pytest.raises(errors.APIError) as caught:
        client._send(op, example_values(op))
    raised = caught.value
    expected = errors.BY_KIND[kind]
    if kind == "not_found":  # a not-found that shares its code is told apart on gets only
        assert isinstance(raised, expected | errors.InvalidRequestError | errors.ServerError)
    else:
        assert type(raised) is expected
    assert (raised.vendor, raised.status_code) == (name, status)
    assert raised.vendor_message == message
    if body is None:  # a gateway's refusal: the reason is in its header, the body is empty
        assert headers[vendor.envelope.error_header] == message and raised.body == ""
        # its code, where the gateway gives one, in the header the vendor names for it
        code_header = vendor.envelope.error_code_header
        assert raised.code == (headers.get(code_header) if code_header else None)
    else:
        assert raised.body == body and str(raised.code) == str(spec.code)
        has_id = any(layer.request_id for layer in vendor.envelope.layers[: spec.layer + 1])
        assert raised.request_id == (REQUEST_ID if has_id else "")


@pytest.mark.parametrize("name", vendor_packages())
def test_a_failure_without_a_message_says_request_failed(name: str) -> None:
    vendor = vendor_of(name)
    kind = next((k for k, s in vendor.errors.items() if s.body), None)
    if kind is None or not vendor.envelope.layers:
        pytest.skip(f"{name} reports no failure in a body")
    op = not_a_get(vendor)
    status, headers, body = render_error(vendor, kind, DETAIL, REQUEST_ID)
    message = vendor.errors[kind].message.replace("{detail}", DETAIL)
    silent = json.loads(json.dumps(body).replace(json.dumps(message), '""'))
    answer = httpx.Response(status, headers=headers, json=silent)
    with client_for(name, answer) as client, pytest.raises(errors.APIError) as caught:
        client._send(op, example_values(op))
    assert caught.value.vendor_message == "request failed"


def test_a_layers_message_is_its_first_field_that_says_something() -> None:
    layers = [layer for n in vendor_packages() for layer in vendor_of(n).envelope.layers]
    layer = next((la for la in layers if len(la.message) > 1), None)
    if layer is None:
        pytest.skip("no vendor has a layer with two message fields")
    first, second = layer.message[:2]
    assert layer_message(layer, {first: "", second: "the reason"}) == "the reason"
    assert layer_message(layer, {first: None, second: "the reason"}) == "the reason"
    assert layer_message(layer, {first: "first", second: "second"}) == "first"
    assert layer_message(layer, {}) == ""


# -- the kind a refusal names, for retry decisions -------------------------------------------------
@pytest.mark.parametrize("name", vendor_packages())
def test_a_refusal_without_a_known_code_names_no_kind(name: str) -> None:
    vendor = vendor_of(name)
    assert refusal_kind(vendor, httpx.Response(503, text="<html>busy</html>")) == ""
    assert refusal_kind(vendor, httpx.Response(429, json=["not", "an", "object"])) == ""
    assert refusal_kind(vendor, httpx.Response(429, json={"no": "code"})) == ""


@pytest.mark.parametrize(("name", "kind"), ERRORS)
def test_a_refusal_names_the_kind_its_code_belongs_to_alone(name: str, kind: str) -> None:
    vendor = vendor_of(name)
    spec = vendor.errors[kind]
    status, headers, body = render_error(vendor, kind, DETAIL, REQUEST_ID)
    if body is None or spec.layer != 0:
        pytest.skip("read from the first layer's code only")
    shared = len(kinds_of(vendor, 0, spec.code)) > 1
    named = refusal_kind(vendor, httpx.Response(status, headers=headers, json=body))
    assert named == ("" if shared else kind)


# -- codes of a family (``Prefix.*``) -------------------------------------------------------------
FAMILIES = [
    pytest.param(name, kind, other, id=f"{name}-{other}")
    for name in vendor_packages()
    for kind, spec in vendor_of(name).errors.items()
    for other in spec.also
    if other.endswith(".*")
]


@pytest.mark.parametrize(("name", "kind", "family"), FAMILIES)
def test_a_code_family_takes_its_members_and_nothing_else(
    name: str, kind: str, family: str
) -> None:
    vendor = vendor_of(name)
    layer = vendor.errors[kind].layer
    prefix = family[:-2]
    assert kind in kinds_of(vendor, layer, f"{prefix}.SomethingNew")
    assert kind not in kinds_of(vendor, layer, f"{prefix}SomethingNew")  # no dot: not a member
    assert kind not in kinds_of(vendor, layer, f"{prefix[:1]}.SomethingNew")


# -- what a mock answers for a kind its vendor never documented ---------------------------------
def with_errors(vendor: Vendor, *kinds: str) -> Vendor:
    """``vendor`` with only the errors of ``kinds`` documented."""
    data: dict[str, Any] = vendor.model_dump(by_alias=True)
    data["errors"] = {k: v for k, v in data["errors"].items() if k in kinds}
    return Vendor.model_validate(data)


def test_an_undocumented_kind_falls_back_to_a_documented_relative() -> None:
    name = next(n for n in vendor_packages() if "invalid_request" in vendor_of(n).errors)
    vendor = with_errors(vendor_of(name), "invalid_request")
    documented = vendor.errors["invalid_request"]
    assert error_spec(vendor, "not_found") == documented  # not_found -> invalid_request
    assert error_spec(vendor, "unsupported_version") == documented  # by three steps


@pytest.mark.parametrize(("kind", "status"), [("server_error", 500), ("authentication", 400)])
def test_with_nothing_documented_a_failure_is_a_plain_500_or_400(kind: str, status: int) -> None:
    vendor = with_errors(vendor_of(vendor_packages()[0]))
    assert error_spec(vendor, kind).http_status == status


# -- two kinds sharing one code, and refusals without the vendor's JSON --------------------------
def shared_pairs() -> list[Any]:
    """(vendor, kind a, kind b) for every two kinds that share a code, in a body or as a
    gateway's bodiless refusal with one HTTP status, and whose messages tell them apart."""
    pairs = []
    for name in vendor_packages():
        vendor = vendor_of(name)
        items = list(vendor.errors.items())
        for i, (a, sa) in enumerate(items):
            for b, sb in items[i + 1 :]:
                same = (
                    (sa.layer, str(sa.code), sa.body) == (sb.layer, str(sb.code), sb.body)
                    if sa.body
                    else not sb.body and sa.http_status == sb.http_status
                )
                fixed_a, fixed_b = (s.message.split("{detail}")[0] for s in (sa, sb))
                distinct = fixed_a and fixed_b and not fixed_a.startswith(fixed_b)
                if same and distinct and not fixed_b.startswith(fixed_a):
                    pairs.append(pytest.param(name, a, b, id=f"{name}-{a}-{b}"))
    return pairs


@pytest.mark.parametrize(("name", "first", "second"), shared_pairs())
def test_of_two_kinds_sharing_a_code_the_message_picks_the_one(
    name: str, first: str, second: str
) -> None:
    vendor = with_errors(vendor_of(name), first, second)  # only these two share the code
    for kind in (first, second):
        spec = vendor.errors[kind]
        message = spec.message.replace("{detail}", DETAIL)
        if spec.body:
            raised = api_error(vendor, spec.layer, spec.code, message, 200, "", {}, "submit")
        else:
            headers = httpx.Headers({vendor.envelope.error_header: message})
            raised = bodiless_error(vendor, spec.http_status, "", headers)
        assert type(raised) is errors.BY_KIND[kind], kind
    if "not_found" in (first, second):  # an unknown message on a get still means not found
        spec = vendor.errors["not_found"]
        raised = api_error(vendor, spec.layer, spec.code, "unforeseen", 200, "", {}, "get")
        assert type(raised) is errors.NotFoundError


@pytest.mark.parametrize("name", vendor_packages())
def test_a_refusal_without_the_vendors_json_keeps_its_text_or_says_its_status(name: str) -> None:
    vendor = vendor_of(name)
    Secret("a-registered-app-key")  # messages are redacted against every known secret
    for text, expected in (("upstream broke", "upstream broke"), ("", "HTTP 502")):
        raised = bodiless_error(vendor, 502, text, httpx.Headers({}))
        assert (type(raised), raised.vendor_message) == (errors.ServerError, expected)


def test_a_vendor_without_an_envelope_names_no_refusal_kind() -> None:
    data: dict[str, Any] = vendor_of(vendor_packages()[0]).model_dump(by_alias=True)
    data["envelope"] = {"layers": [], "error_header": ""}
    vendor = Vendor.model_validate(data)
    assert refusal_kind(vendor, httpx.Response(429, json={"code": 1})) == ""


# -- an answer whose envelope says success but whose HTTP status does not -------------------------
@pytest.mark.parametrize("name", vendor_packages())
@pytest.mark.parametrize(
    ("status", "expected"),
    [(400, errors.InvalidRequestError), (404, errors.NotFoundError), (500, errors.ServerError)],
)
def test_a_successful_envelope_under_an_http_failure_is_still_a_failure(
    name: str, status: int, expected: type
) -> None:
    vendor = vendor_of(name)
    if not vendor.envelope.layers:
        pytest.skip(f"{name} has no envelope")
    body = render_success(vendor, {}, REQUEST_ID)
    with pytest.raises(errors.APIError) as caught:
        unwrap(vendor, body, status, "submit")
    raised = caught.value
    assert type(raised) is expected
    assert (raised.vendor_message, raised.status_code, raised.body) == (
        f"HTTP {status}",
        status,
        body,
    )
    has_id = any(layer.request_id for layer in vendor.envelope.layers)
    assert raised.request_id == (REQUEST_ID if has_id else "")
    assert raised.code is None and raised.vendor == name
    assert unwrap(vendor, body, 200)[1] == (REQUEST_ID if has_id else "")


def test_a_success_code_written_as_text_is_still_success() -> None:
    for name in vendor_packages():
        # a copy of the envelope: its readers are worked out here, not taken from a cache
        for layer in layer_readers(vendor_of(name).envelope.model_copy()):
            for code in layer.success:
                if code is not None:
                    assert is_success(layer, str(code)) and is_success(layer, code)
                    assert not is_success(layer, f"{code}1")


@pytest.mark.parametrize("name", vendor_packages())
def test_a_code_shared_with_not_found_is_not_found_only_for_a_get(name: str) -> None:
    """When a failure's code and message fit several kinds, a get's is "not found"."""
    vendor = vendor_of(name)
    found = vendor.errors.get("not_found")
    shared = found is not None and any(
        k != "not_found" and s.layer == found.layer and str(s.code) == str(found.code)
        for k, s in vendor.errors.items()
    )
    if not shared or not found.body:
        pytest.skip(f"{name}: no other kind shares not_found's code")
    _, _, body = render_error(vendor, "not_found", "t1", REQUEST_ID)
    assert body is not None
    blank = json.loads(
        json.dumps(body).replace(json.dumps(found.message.replace("{detail}", "t1")), '"?"')
    )
    with pytest.raises(errors.NotFoundError):
        unwrap(vendor, blank, 200, "get")
    with pytest.raises(errors.APIError) as caught:
        unwrap(vendor, blank, 200, "submit")
    assert not isinstance(caught.value, errors.NotFoundError)


@pytest.mark.parametrize("name", vendor_packages())
def test_an_envelope_that_is_not_an_object_is_a_format_error(name: str) -> None:
    vendor = vendor_of(name)
    if not vendor.envelope.layers:
        pytest.skip(f"{name} has no envelope")
    with pytest.raises(errors.ResponseFormatError) as caught:
        unwrap(vendor, ["not", "an", "object"], 200)
    assert str(caught.value) == f"[{name}] envelope layer 0 is list, not an object"


@pytest.mark.parametrize("name", vendor_packages())
def test_a_success_without_its_payload_object_gives_an_empty_payload(name: str) -> None:
    vendor = vendor_of(name)
    layers = vendor.envelope.layers
    if not layers or not layers[-1].payload or len(layers) > 1:
        pytest.skip(f"{name}: not one layer with a payload path")
    body = render_success(vendor, {"x": 1}, REQUEST_ID)
    del body[layers[-1].payload.split(".")[0]]
    first = layer_readers(vendor.envelope)[0]
    if not is_success(first, body.get(first.code.split(".")[0])):
        pytest.skip(f"{name}: its success code sits inside the payload object")
    assert unwrap(vendor, body, 200)[0] == {}


@pytest.mark.parametrize("kind", ["invalid_request", "invalid_image", "quota_exceeded", "conflict"])
def test_a_refusal_a_vendor_does_not_describe_is_never_a_5xx(kind: str) -> None:
    """A new vendor whose spec lists only its server error still answers bad input with a
    4xx: a 5xx would tell clients to retry what can only fail again."""
    from generator.runtime.envelope import error_spec

    vendor = next(  # one whose server error is a 5xx, so falling back to it would show
        v
        for v in map(vendor_of, vendor_packages())
        if "server_error" in v.errors and v.errors["server_error"].http_status >= 500
    )
    data = vendor.model_dump(mode="json", by_alias=True)
    data["errors"] = {"server_error": data["errors"]["server_error"]}
    bare = Vendor.model_validate(data)
    assert error_spec(bare, kind).http_status == 400
    assert error_spec(bare, "server_error") == vendor.errors["server_error"]
