"""A TC3-signed request's session token (``X-TC-Token``), value by value: sent once, as the
credential holds it, even when the call's extra headers name the same header, and signed so the
mock lets the request in. Written against the mutants ``make mutants`` showed surviving in
``TC3Signature.apply``."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from generator.runtime.responses import RequestOptions
from generator.runtime.testing import example_values
from tests.vendors import all_vendors, contract_for

# Vendors signing with TC3 whose third credential is the optional session token.
TC3 = [v for v in all_vendors() if v.auth.kind == "tc3" and len(v.auth.credentials) > 2]


@pytest.mark.parametrize("vendor", TC3, ids=[v.package for v in TC3])
@pytest.mark.parametrize("extra", [{}, {"X-TC-Token": "stale"}], ids=["plain", "extra-header"])
def test_the_session_token_is_sent_once_as_the_credential_holds_it(
    vendor: Any, extra: dict[str, str]
) -> None:
    token = vendor.auth.credentials[2].name
    contract = contract_for(vendor)
    mock = contract.create_mock()
    sent: list[httpx.Request] = []
    inner = mock.transport()

    def keep(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return inner.handle_request(request)

    op = vendor.operations[0]
    options = RequestOptions(None, extra, {}, {})
    with mock.client(
        contract.client_cls, transport=httpx.MockTransport(keep), **{token: "session-1"}
    ) as client:
        answer = client._exchange(op, example_values(op, client.base_url), options)

    assert sent[0].headers.get_list("x-tc-token") == ["session-1"]
    assert answer.response.status_code == 200
