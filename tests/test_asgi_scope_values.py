"""A request from a minimal ASGI scope: a server that leaves out the optional ``query_string``
and ``server`` keys gets an empty query and ``http://localhost`` as the mock's own address,
while a scope that has them is read as it says; and the address worked out for one server is
never handed to another. Written against the mutants ``make mutants`` showed surviving in
``_request`` and ``_server_url``."""

from __future__ import annotations

from typing import Any

from generator.runtime.mock import VendorMock
from generator.runtime.mock.asgi import SERVER_URLS_KEPT, MockApp
from tests.vendors import all_vendors

VENDOR = all_vendors()[0]


def app() -> MockApp:
    return MockApp(VendorMock(VENDOR))


def scope_of(**extra: Any) -> dict[str, Any]:
    return {"type": "http", "method": "GET", "path": "/tasks", **extra}


def test_a_scope_without_a_query_or_a_server_reads_as_an_empty_query_on_localhost() -> None:
    request = app()._request(scope_of(), {}, b"")

    assert (request.query_string, request.base_url) == ("", "http://localhost")


def test_a_scope_with_a_query_and_a_server_is_read_as_it_says() -> None:
    scope = scope_of(query_string="a=%C3%A9&b=\xe9".encode("latin-1"), server=("127.0.0.1", 8080))

    request = app()._request(scope, {}, b"")

    assert (request.query_string, request.base_url) == ("a=%C3%A9&b=\xe9", "http://127.0.0.1:8080")


def test_each_server_and_scheme_keeps_its_own_address_however_often_asked() -> None:
    served = app()
    scopes = [
        scope_of(server=("127.0.0.1", 8080)),
        scope_of(server=["127.0.0.1", 8081]),  # a server may give a list
        scope_of(scheme="https", server=("127.0.0.1", 8080)),
        scope_of(),
    ]
    expected = [
        "http://127.0.0.1:8080",
        "http://127.0.0.1:8081",
        "https://127.0.0.1:8080",
        "http://localhost",
    ]

    for _ in range(2):
        assert [served._request(s, {}, b"").base_url for s in scopes] == expected


def test_only_a_few_addresses_are_kept_and_a_forgotten_one_is_worked_out_again() -> None:
    served = app()
    for port in range(1, 3 * SERVER_URLS_KEPT):
        url = served._request(scope_of(server=("mock.test", port)), {}, b"").base_url
        assert url == f"http://mock.test:{port}"
        assert len(served._server_urls) <= SERVER_URLS_KEPT

    again = served._request(scope_of(server=("mock.test", 1)), {}, b"").base_url

    assert again == "http://mock.test:1"
