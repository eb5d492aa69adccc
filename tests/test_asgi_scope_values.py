"""A request from a minimal ASGI scope: a server that leaves out the optional ``query_string``
and ``server`` keys gets an empty query and ``http://localhost`` as the mock's own address,
while a scope that has them is read as it says. Written against the mutants ``make mutants``
showed surviving in ``_request`` and ``_server_url``."""

from __future__ import annotations

from generator.runtime.mock.asgi import _request


def test_a_scope_without_a_query_or_a_server_reads_as_an_empty_query_on_localhost() -> None:
    scope = {"type": "http", "method": "GET", "path": "/tasks"}

    request = _request(scope, {}, b"", "")

    assert (request.query_string, request.base_url) == ("", "http://localhost")


def test_a_scope_with_a_query_and_a_server_is_read_as_it_says() -> None:
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/tasks",
        "query_string": "a=%C3%A9&b=\xe9".encode("latin-1"),
        "server": ("127.0.0.1", 8080),
    }

    request = _request(scope, {}, b"", "")

    assert (request.query_string, request.base_url) == ("a=%C3%A9&b=\xe9", "http://127.0.0.1:8080")
