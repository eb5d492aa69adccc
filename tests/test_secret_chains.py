"""No secret in a mock's journal nor anywhere in a client exception's chain: every exception
reached through ``__cause__`` / ``__context__``, its arguments, and the httpx requests and
responses attached to them, for every vendor, for connection failures, timeouts, HTTP errors
and the vendor's own errors."""

from __future__ import annotations

import importlib
import json
import socket
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from generator.runtime import errors
from generator.runtime.live import free_port
from generator.runtime.mock.serve import vendor_packages
from generator.runtime.testing import as_kwargs, example_values

from .hostile import client_class, vendor

PACKAGES = vendor_packages()


def secrets_of(package: str) -> dict[str, str]:
    """A long, unique value for every credential the vendor's client takes."""
    return {c.name: f"{c.name}-{uuid.uuid4().hex}" for c in vendor(package).auth.credentials}


def _mock(package: str, secrets: dict[str, str], **options: Any):
    mock = importlib.import_module(f"generated.{package}.mock").create_mock(**options)
    creds = vendor(package).auth.credentials
    mock.add_credential(
        secrets[creds[0].name], secret=secrets[creds[1].name] if len(creds) > 1 else None
    )
    return mock


def _submit(package: str) -> tuple[str, dict[str, Any]]:
    op = next(op for op in vendor(package).operations if op.role in ("submit", "action"))
    return op.name, as_kwargs(
        op, example_values(op, vendor(package).base_url or "http://mock.invalid")
    )


def _leaks(error: BaseException, secrets: dict[str, str]) -> list[str]:
    """Where, in ``error``'s whole chain, a secret value (or the JWT made from one) shows."""
    found = []
    for where, text in _texts(error):
        for name, value in secrets.items():
            if value in text:
                found.append(f"{name} in {where}")
        if "eyJ" in text:  # a JWT: the bearer token signed with the secret key
            found.append(f"a JWT in {where}")
    return found


def _texts(error: BaseException) -> Iterator[tuple[str, str]]:
    seen: set[int] = set()
    stack: list[tuple[str, Any]] = [("error", error)]
    while stack:
        where, node = stack.pop()
        if id(node) in seen or node is None:
            continue
        seen.add(id(node))
        if isinstance(node, BaseException):
            yield where, f"{node!r} {node}"
            stack += [
                (f"{where}.__cause__", node.__cause__),
                (f"{where}.__context__", node.__context__),
            ]
            stack += [(f"{where}.{k}", v) for k, v in vars(node).items()]
            stack += [(f"{where}.args", a) for a in node.args]
        elif isinstance(node, httpx.Request):
            yield where, f"{node.url} {list(node.headers.multi_items())}"
            yield where, _body(node)
        elif isinstance(node, httpx.Response):
            yield where, f"{list(node.headers.multi_items())} {_body(node)}"
            stack.append((f"{where}.request", node._request))
        elif isinstance(node, dict | list | tuple):
            yield where, json.dumps(node, default=repr)
        else:
            yield where, repr(node)


def _body(message: httpx.Request | httpx.Response) -> str:
    try:
        return message.content.decode("latin-1")
    except (httpx.RequestNotRead, httpx.ResponseNotRead):
        return ""


def _call(package: str, secrets: dict[str, str], mock: Any = None, **options: Any) -> BaseException:
    """The error a submit raises, from a client with ``secrets`` (wired to ``mock`` if given)."""
    name, kwargs = _submit(package)
    if mock is not None:
        client = mock.client(client_class(package), **secrets, max_retries=0)
    else:
        client = client_class(package)(**secrets, max_retries=0, **options)
    with client, pytest.raises(errors.SDKError) as raised:
        getattr(client, name)(**kwargs)
    return raised.value


@pytest.mark.parametrize("package", PACKAGES)
def test_a_connection_failure_carries_no_secret(package: str) -> None:
    secrets = secrets_of(package)
    error = _call(package, secrets, base_url=f"http://127.0.0.1:{free_port()}")
    assert isinstance(error, errors.APIConnectionError) and error.__cause__ is not None
    assert _leaks(error, secrets) == []


@pytest.mark.parametrize("package", PACKAGES)
def test_a_timeout_carries_no_secret(package: str) -> None:
    secrets = secrets_of(package)
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts, never answers
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        error = _call(package, secrets, base_url=url, timeout=0.3)
    assert isinstance(error, errors.APITimeoutError)
    assert _leaks(error, secrets) == []


@pytest.mark.parametrize("package", PACKAGES)
def test_an_http_error_carries_no_secret(package: str) -> None:
    secrets = secrets_of(package)
    mock = _mock(package, secrets)
    mock.inject_fault("error", status=503)
    error = _call(package, secrets, mock)
    assert isinstance(error, errors.ServerError)
    assert _leaks(error, secrets) == []


@pytest.mark.parametrize("package", PACKAGES)
@pytest.mark.parametrize("failure", ["quota", "unknown key"])
def test_a_vendor_error_carries_no_secret(package: str, failure: str) -> None:
    secrets = secrets_of(package)
    mock = _mock(package, secrets)
    first = vendor(package).auth.credentials[0].name
    if failure == "quota":
        mock.set_quota(secrets[first], 0)
        expected: type[errors.APIError] = errors.QuotaExceededError
    else:
        del mock.accounts[secrets[first]]
        expected = errors.AuthenticationError
    error = _call(package, secrets, mock)
    assert isinstance(error, expected), repr(error)
    assert _leaks(error, secrets) == []


@pytest.mark.parametrize("package", PACKAGES)
def test_the_journal_masks_every_secret_the_auth_plug_in_names(package: str) -> None:
    secrets = secrets_of(package)
    mock = _mock(package, secrets)
    name, kwargs = _submit(package)
    with mock.client(client_class(package), **secrets, max_retries=0) as client:
        getattr(client, name)(**kwargs)
    journal = json.dumps([entry.as_json() for entry in mock.journal])
    assert mock.journal and mock.journal[-1].status < 400, journal
    leaks = [k for k, v in secrets.items() if v in journal]
    assert leaks == [] and "eyJ" not in journal, leaks
