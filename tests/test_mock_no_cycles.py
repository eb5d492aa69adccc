"""A mock's answers leave no reference cycles behind: whatever a request was (an operation's
example, wrong credentials, a body that cannot be read, a routing header that names another
action, a path no operation has), what it made is freed as soon as it is answered, without the
garbage collector. The served mocks count on it: they keep what survives a young collection
out of later ones (``serve.tune_gc``), which would keep a cycle for good."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import httpx
import pytest

from generator.runtime.envelope import unwrap
from generator.runtime.mock import VendorMock
from generator.runtime.mock.core import _routes_by
from generator.runtime.mock.messages import MockRequest, MockResponse
from generator.runtime.mock.serve import vendor_packages
from generator.runtime.testing import example_values

from .cycles import cycles_left
from .hostile import client_class, credentials, signed_raw, signed_request, vendor

FORM = "application/x-www-form-urlencoded"
NOT_UTF8 = b'{"a": "\xff'  # byte 7 is no UTF-8


def _mock(package: str) -> VendorMock:
    mock: VendorMock = importlib.import_module(f"generated.{package}.mock").create_mock()
    return mock


def _as_mock_request(request: httpx.Request) -> MockRequest:
    return MockRequest.build(
        request.method, str(request.url), request.headers.items(), request.read()
    )


def _examples(mock: VendorMock, package: str) -> Iterator[httpx.Request]:
    """Each operation's example, signed by the vendor's client with the mock's credentials."""
    with mock.client(client_class(package)) as client:
        for op in vendor(package).operations:
            yield signed_request(client, op, example_values(op, str(client._http.base_url)))


def _refusals(mock: VendorMock, package: str) -> Iterator[tuple[str, httpx.Request]]:
    """Requests every mock must refuse, each named by what is wrong with it."""
    wrong = {name: f"wrong-{value}" for name, value in credentials(package).items()}
    with mock.client(client_class(package), **wrong) as client:
        for op in vendor(package).operations:
            base = str(client._http.base_url)
            yield (
                f"{op.name}: wrong credentials",
                signed_request(client, op, example_values(op, base)),
            )
    with mock.client(client_class(package)) as client:
        base = str(client._http.base_url)
        for op in vendor(package).operations:
            if op.body in ("json", "form", "multipart"):
                kind = "application/json" if op.body == "json" else FORM
                yield f"{op.name}: a body that is not UTF-8", signed_raw(client, op, NOT_UTF8, kind)
            routing = [p for p in op.params if _routes_by(p)]
            if routing:
                request = signed_request(client, op, example_values(op, base))
                request.headers[routing[0].wire] = "NoSuchAction"
                yield f"{op.name}: {routing[0].wire} of no operation", request
        yield "an unknown path", httpx.Request("GET", f"{base.rstrip('/')}/no/such/path")


def _refused(package: str, answer: MockResponse) -> bool:
    """Whether ``answer`` is an error, as the vendor's client would read it."""
    if answer.status >= 400:
        return True
    try:
        unwrap(vendor(package), answer.json(), answer.status)
    except Exception:
        return True
    return False


def _answered(mock: VendorMock, requests: list[MockRequest]) -> tuple[int, str, list[MockResponse]]:
    """The answers to ``requests``, and what answering them left in reference cycles."""
    answers = [mock.handle(requests[0])]  # the first answer fills the mock's caches
    found, kinds = cycles_left(lambda: answers.extend(mock.handle(r) for r in requests))
    return found, kinds, answers


@pytest.mark.parametrize("package", vendor_packages())
def test_every_operations_example_leaves_no_cycle(package: str) -> None:
    mock = _mock(package)
    requests = [_as_mock_request(request) for request in _examples(mock, package)]
    found, kinds, answers = _answered(mock, requests)
    assert found == 0, kinds
    assert len(answers) == len(requests) + 1


@pytest.mark.parametrize("package", vendor_packages())
def test_every_refusal_leaves_no_cycle(package: str) -> None:
    mock = _mock(package)
    named = list(_refusals(mock, package))
    found, kinds, answers = _answered(mock, [_as_mock_request(r) for _name, r in named])
    assert found == 0, kinds
    accepted = [
        name for (name, _r), a in zip(named, answers[1:], strict=True) if not _refused(package, a)
    ]
    assert not accepted, f"answered as a success: {accepted}"


def test_a_body_that_cannot_be_read_is_refused_with_its_reason() -> None:
    """The error raised anew (``_answer``) keeps the reason the body's reading gave."""
    package = next(
        p
        for p in vendor_packages()
        if vendor(p).auth.kind != "form" and any(o.body == "json" for o in vendor(p).operations)
    )
    op = next(o for o in vendor(package).operations if o.body == "json")
    mock = _mock(package)
    with mock.client(client_class(package)) as client:
        request = signed_raw(client, op, NOT_UTF8, "application/json")
    answer = mock.handle(_as_mock_request(request))
    assert _refused(package, answer)
    assert "the body is not UTF-8 (byte 7)" in answer.body.decode()
