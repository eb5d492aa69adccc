"""The in-process transports into a mock (``mock.transport``): a ``drop`` fault is httpx's own
``RemoteProtocolError`` for the request sent, with the mock's reason, through the direct
transport and the ASGI one alike; and a multipart body the mock cannot read names why."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from generator.runtime.mock.core import VendorMock
from generator.runtime.mock.multipart import parse
from generator.runtime.mock.serve import build_mock, vendor_packages
from generator.runtime.mock.transport import DROPPED
from generator.runtime.testing import example_values

from .hostile import client_class, signed_request, vendor

PACKAGE = vendor_packages()[0]  # the transports are the same for every vendor


def dropped_request() -> tuple[VendorMock, httpx.Request]:
    """A mock whose next request is dropped, and the request (its first operation's example)."""
    mock = build_mock(PACKAGE)
    op = vendor(PACKAGE).operations[0]
    mock.inject_fault("drop")
    with mock.client(client_class(PACKAGE), max_retries=0) as client:
        request = signed_request(client, op, example_values(op, str(client.base_url)))
    return mock, request


def test_a_dropped_answer_is_a_protocol_error_through_the_direct_transport() -> None:
    mock, request = dropped_request()
    with (
        httpx.Client(transport=mock.transport()) as http,
        pytest.raises(httpx.RemoteProtocolError) as dropped,
    ):
        http.send(request)
    assert str(dropped.value) == DROPPED and dropped.value.request is request


def test_a_dropped_answer_is_a_protocol_error_through_the_asgi_transport() -> None:
    mock, request = dropped_request()

    async def send() -> None:
        transport = mock.async_transport(asgi=True)
        async with httpx.AsyncClient(transport=transport) as http:
            await http.send(request)

    with pytest.raises(httpx.RemoteProtocolError) as dropped:
        asyncio.run(send())
    assert str(dropped.value) == DROPPED and dropped.value.request is request
    assert dropped.value.__cause__ is None and dropped.value.__suppress_context__


def test_a_multipart_body_is_read_into_fields_and_files() -> None:
    """A part without a name is skipped (the parts after it still read); a nested multipart
    part has no bytes of its own: an empty field."""
    body = (
        b'--zz\r\nContent-Disposition: form-data; name="prompt"\r\n\r\na cat\r\n'
        b"--zz\r\nContent-Disposition: form-data\r\n\r\nnameless\r\n"
        b'--zz\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\n'
        b"Content-Type: image/png\r\n\r\n\x89PNG\r\n"
        b'--zz\r\nContent-Disposition: form-data; name="nested"\r\n'
        b"Content-Type: multipart/mixed; boundary=yy\r\n\r\n"
        b"--yy\r\nContent-Type: text/plain\r\n\r\ninner\r\n--yy--\r\n--zz--\r\n"
    )
    fields, files = parse(body, "multipart/form-data; boundary=zz")
    assert (fields, files) == ({"prompt": "a cat", "nested": ""}, {"image": b"\x89PNG"})


def test_a_body_that_is_not_multipart_is_refused_saying_so() -> None:
    with pytest.raises(ValueError) as refused:
        parse(b"plain", "text/plain; boundary=zz")
    assert str(refused.value) == "not a multipart body"


def test_a_multipart_body_without_a_boundary_is_refused_saying_so() -> None:
    with pytest.raises(ValueError) as refused:
        parse(b"--zz\r\n", "multipart/form-data")
    assert str(refused.value) == "multipart body without a boundary"
