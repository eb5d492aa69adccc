"""Which requests try the AppKey signature's way in: one carrying either of its headers, the
key or the signature, so a request with a signature but no key is refused by this scheme, not
taken for an AppCode request. Written against the mutants ``make mutants`` showed surviving in
``CaSignature.claims``."""

from __future__ import annotations

import pytest

from generator.runtime.auth import CaSignature
from generator.runtime.mock.messages import MockRequest
from tests.test_ca_signature_values import plugin

__all__ = ["plugin"]  # the fixture, shared with the signature tests


@pytest.mark.parametrize(
    ("headers", "claimed"),
    [({"x-ca-key": "k"}, True), ({"x-ca-signature": "s"}, True), ({"authorization": "a"}, False)],
    ids=["key", "signature", "neither"],
)
def test_a_request_with_either_header_of_the_signature_is_claimed(
    headers: dict[str, str], claimed: bool, plugin: CaSignature
) -> None:
    request = MockRequest("POST", "/", "http://gateway.test", headers=headers)

    assert plugin.claims(request) is claimed
