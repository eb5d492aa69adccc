"""Bodies a mock cannot read get the vendor's invalid-request error with a plain reason, and no
traceback in the log: JSON nested 100,000 deep, a 5,000-digit integer, bytes that are not UTF-8,
a truncated body, half a surrogate pair; one that stops arriving is dropped after the read
timeout."""

from __future__ import annotations

import logging
import socket
import time

import pytest

from generator.runtime import errors

from .hostile import (
    body_operations,
    client_class,
    expected_error,
    free_ports,
    served,
    signed_raw,
    vendor,
)

JSON_PROBES = {
    "nested 100,000 deep": (b"[" * 100_000 + b"]" * 100_000, "nested deeper"),
    "a 5,000-digit integer": (b'{"n": ' + b"9" * 5000 + b"}", "too many digits"),
    "bad UTF-8": (b'{"prompt": "\xff\xfe"}', "not UTF-8"),
    "truncated": (b'{"prompt": "a', "not JSON"),
    "NaN": (b'{"n": NaN}', "NaN"),
    # once read, then a 500 when the answer echoed it (a task already stored and charged)
    "half a surrogate pair": (b'{"prompt": "a\\ud800"}', "holds \\ud800, half a surrogate pair"),
}
FORM_PROBES = {"bad UTF-8": (b"prompt=%FF\xff\xfe", "not UTF-8")}
_PART = b"--zz\r\ncontent-disposition: form-data; name=prompt\r\n"
MULTIPART_PROBES = {
    "bad UTF-8": (_PART + b"\r\n\xff\xfe\r\n--zz--\r\n", "not UTF-8"),
    # once a server error: the codec look-up's LookupError is no ValueError
    "an unknown charset": (
        _PART + b"content-type: text/plain; charset=no-such\r\n\r\nx\r\n--zz--\r\n",
        "unknown charset 'no-such'",
    ),
}
CONTENT_TYPES = {
    "json": "application/json",
    "form": "application/x-www-form-urlencoded",
    "multipart": "multipart/form-data; boundary=zz",
}


def _probes(op_body: str) -> dict[str, tuple[bytes, str]]:
    return {"json": JSON_PROBES, "multipart": MULTIPART_PROBES}.get(op_body, FORM_PROBES)


CASES = [
    (package, name, probe)
    for package, name in body_operations()
    for probe in _probes(vendor(package).ops[name].body)
]


def _probe(package: str, name: str, probe: str) -> tuple[bytes, str]:
    return _probes(vendor(package).ops[name].body)[probe]


@pytest.mark.parametrize(("package", "name", "probe"), CASES)
def test_an_unreadable_body_gets_the_vendors_invalid_request_error(
    package: str, name: str, probe: str, caplog: pytest.LogCaptureFixture
) -> None:
    import importlib

    mock = importlib.import_module(f"generated.{package}.mock").create_mock()
    op = vendor(package).ops[name]
    content, reason = _probe(package, name, probe)
    caplog.set_level(logging.DEBUG)
    with mock.client(client_class(package), max_retries=0) as client:
        answer = client._http.send(signed_raw(client, op, content, CONTENT_TYPES[op.body]))
        with pytest.raises(errors.APIError) as raised:
            client._read(op, answer)
    kinds = ["invalid_request"]
    if vendor(package).auth.kind == "form":  # the key travels in the body it cannot read
        kinds.append("authentication")
    expected = [expected_error(package, kind) for kind in kinds]
    assert (answer.status_code, raised.value.code) in [(e.http_status, e.code) for e in expected]
    assert answer.status_code < 500 and not isinstance(raised.value, errors.ServerError)
    if vendor(package).auth.kind != "form":
        assert reason in raised.value.vendor_message
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    assert "retry" not in answer.text.lower()


def test_a_body_that_stops_arriving_is_dropped_after_the_read_timeout() -> None:
    """Every vendor served at once with ``--read-timeout 1``: requests that declare more body
    than they send get the vendor's invalid-request answer and a closed connection, soon."""
    count = len({package for package, _ in body_operations()})
    port = free_ports(count + 1)
    with served("--port", str(port), "--read-timeout", "1") as mocks:
        stalled = []
        for package, url in mocks.urls.items():
            host, port_text = url.rsplit("/", 1)[-1].split(":")
            for _ in range(20):
                sock = socket.create_connection((host, int(port_text)), timeout=10)
                sock.sendall(
                    b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    b'Content-Length: 1000\r\n\r\n{"short": '
                )
                stalled.append((package, sock))
        started = time.monotonic()
        for package, sock in stalled:
            answer = _read_all(sock)
            head, _, body = answer.partition(b"\r\n\r\n")
            expected = expected_error(package, "invalid_request")
            assert head.split()[1] == str(expected.http_status).encode(), (package, head)
            assert b"stopped arriving" in body or b"stopped arriving" in head, (package, answer)
        elapsed = time.monotonic() - started
        mocks.process.terminate()
        _, stderr = mocks.process.communicate(timeout=30)
    assert elapsed < 10, f"the stalled requests took {elapsed:.1f} s to be dropped"
    assert "Traceback" not in stderr


def _read_all(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (it must close it)."""
    chunks = []
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            sock.close()
            return b"".join(chunks)
        chunks.append(chunk)


def test_a_content_length_shorter_than_the_body_gets_a_4xx_not_a_traceback() -> None:
    """Each vendor's body operation, signed for the whole body but declaring three bytes less,
    sent at once: the server reads the declared bytes as the request and the leftover as the
    next one, which is no request; it answers 400 and closes, with no traceback. (The declared
    part alone, a truncated body, gets the vendor's invalid-request error: tested above.)"""
    from .hostile import client_class, credentials, signed_raw

    operations = body_operations()
    port = free_ports(len({p for p, _ in operations}) + 1)
    with served("--port", str(port)) as mocks:
        for package, name in operations:
            op = vendor(package).ops[name]
            url = mocks.urls[package]
            content = b'{"prompt": "a", "n": 1}' if op.body == "json" else b"prompt=a&n=1"
            with client_class(package)(**credentials(package), base_url=url) as client:
                request = signed_raw(client, op, content, CONTENT_TYPES[op.body])
            head = f"{request.method} {request.url.raw_path.decode()} HTTP/1.1\r\n"
            for key, value in request.headers.items():
                if key.lower() != "content-length":
                    head += f"{key}: {value}\r\n"
            head += f"Content-Length: {len(content) - 3}\r\n\r\n"
            host, port_text = url.rsplit("/", 1)[-1].split(":")
            with socket.create_connection((host, int(port_text)), timeout=10) as sock:
                sock.sendall(head.encode() + content)
                answer = _read_all(sock)
            status = int(answer.split()[1])
            assert 400 <= status < 500 and b"retry" not in answer.lower(), (package, answer)
        mocks.process.terminate()
        _, stderr = mocks.process.communicate(timeout=30)
    assert "Traceback" not in stderr
