"""What the client sends besides the spec's inputs, and one thing it reads, by value: the
caller's ``extra_body`` joins a multipart body as form fields, as it joins a urlencoded one; a
JSON body whose operation names no media type is sent as ``application/json``; an answer's
request id is the body's, else a header's, else empty; a base URL loses its trailing slashes
and nothing else, in the URL and in the path a signature covers. Written against the mutants
``make mutants`` showed surviving in ``BaseClient._outgoing``, ``BaseClient._request_id``,
``BaseClient.__init__`` and ``BaseClient._resolve_base_url``."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from generator.runtime.client import Outgoing
from generator.runtime.mock.core import MOCK_BASE_URL
from generator.runtime.responses import NO_OPTIONS
from generator.runtime.testing import example_values
from generator.runtime.vendor import Param
from generator.runtime.wire import wire_layout
from tests.hostile import offline_client
from tests.vendors import all_vendors

BODIES = {
    kind: [(v, op) for v in all_vendors() for op in v.operations if op.body == kind]
    for kind in ("form", "multipart", "json")
}


def _ids(pairs: list[tuple[Any, Any]]) -> list[str]:
    return [f"{v.package}-{op.name}" for v, op in pairs]


@pytest.mark.parametrize(
    ("vendor", "op"),
    BODIES["form"] + BODIES["multipart"],
    ids=_ids(BODIES["form"] + BODIES["multipart"]),
)
def test_extra_body_joins_a_form_or_multipart_body_as_text_fields(vendor: Any, op: Any) -> None:
    base_url = vendor.base_url or MOCK_BASE_URL
    with offline_client(vendor.package, base_url) as client:
        out = client._outgoing(wire_layout(op), example_values(op, base_url), {"future_field": 7})

    assert out.form["future_field"] == "7"


@pytest.mark.parametrize(("vendor", "op"), BODIES["json"][:1], ids=_ids(BODIES["json"][:1]))
def test_a_json_body_without_a_media_type_of_its_own_is_sent_as_application_json(
    vendor: Any, op: Any
) -> None:
    base_url = vendor.base_url or MOCK_BASE_URL
    bare = op.model_copy(update={"media_type": ""})
    with offline_client(vendor.package, base_url) as client:
        out = client._outgoing(wire_layout(bare), example_values(op, base_url), {})

    assert out.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("from_body", "headers", "expected"),
    [
        ("", {}, ""),
        ("", {"x-tc-requestid": "r-9"}, "r-9"),
        ("r-1", {"x-request-id": "r-9"}, "r-1"),
    ],
    ids=["named-nowhere", "header", "body-first"],
)
def test_an_answer_s_request_id_comes_from_its_body_else_a_header_else_is_empty(
    from_body: str, headers: dict[str, str], expected: str
) -> None:
    vendor = all_vendors()[0]
    with offline_client(vendor.package, vendor.base_url or MOCK_BASE_URL) as client:
        found = client._request_id(from_body, httpx.Response(200, headers=headers))

    assert found == expected


def test_a_base_url_loses_its_trailing_slashes_and_nothing_else() -> None:
    vendor = all_vendors()[0]
    op = vendor.operations[0]
    with offline_client(vendor.package, "http://mock.example/gatewayX//") as client:
        values = example_values(op, MOCK_BASE_URL)
        request = client._prepare(op, values, NO_OPTIONS).request
        # what a signature covers
        signed_path_prefix = client._outgoing(wire_layout(op), values, {}).prefix

    assert client.base_url == "http://mock.example/gatewayX"
    assert request.url.path.startswith("/gatewayX/")
    assert signed_path_prefix == "/gatewayX"


AWKWARD = ["a b", "a+b", "a&b=c", "100%", "x/y?z#w", "中文", "~-._!*'()", "", "line\u2028sep"]


@pytest.mark.parametrize("value", AWKWARD)
def test_a_query_is_encoded_exactly_as_httpx_encodes_params(value: str) -> None:
    """The client encodes the query itself, so httpx parses the URL once: the URL it sends is
    the one httpx builds from ``params=``, byte for byte, whatever the values hold."""
    pairs = [("k", value), ("k", "second"), (value or "e", "v")]
    with offline_client(all_vendors()[0].package, MOCK_BASE_URL) as client:
        sent = client._request(Outgoing("GET", "/path", query=list(pairs)), 5.0)
        expected = httpx.Request("GET", client.base_url + "/path", params=pairs)
    assert sent.url.raw_path == expected.url.raw_path
    assert sent.url.params.multi_items() == pairs


def _fresh(op: Any, **update: Any) -> Any:
    """A copy of ``op`` (``update`` applied): the client works its layout out anew for it."""
    return op.model_copy(update=update)


def test_a_path_value_keeps_its_slashes_only_where_the_spec_allows_them() -> None:
    vendor = all_vendors()[0]
    params = (
        Param(wire="key", py="key", location="path", required=True),
        Param(wire="rest", py="rest", location="path", required=True, allow_slash=True),
    )
    op = _fresh(vendor.operations[0], path="/a/{key}/{rest}", params=params, body="none")
    with offline_client(vendor.package, MOCK_BASE_URL) as client:
        out = client._outgoing(wire_layout(op), {"key": "x/y z", "rest": "p/q r"}, {})
    assert out.path == "/a/x%2Fy%20z/p/q%20r"


@pytest.mark.parametrize(("vendor", "op"), BODIES["json"][:1], ids=_ids(BODIES["json"][:1]))
def test_a_json_body_is_sent_with_the_operation_s_own_media_type(vendor: Any, op: Any) -> None:
    base_url = vendor.base_url or MOCK_BASE_URL
    own = _fresh(op, media_type="application/vnd.example+json")
    with offline_client(vendor.package, base_url) as client:
        out = client._outgoing(wire_layout(own), example_values(op, base_url), {})
    assert out.headers["Content-Type"] == "application/vnd.example+json"
