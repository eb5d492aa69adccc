"""What the client's TC3-HMAC-SHA256 signing (``auth.TC3Signature.apply``) puts on a request,
value by value: the exact header names it sets (they go on the wire as written), a signature
recomputed here step by step from Tencent's published recipe (an empty body hashes as no bytes),
and a spec that names only SecretId and SecretKey (no session token credential at all). The
plug-in comes from the spec that uses it, found in ``specs/`` by its ``tc3`` kind."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from generator.runtime.auth import TC3Signature, plugin_for
from generator.runtime.client import Outgoing
from generator.runtime.secrets import Secret

from .vendors import auth_of_kind

SECRET_ID, SECRET_KEY = "AKID-apply-0001", "key-apply-0002"
NOW = 1_773_100_000  # 2026-03-09 in UTC
HOST = "aiart.example.test"


def plugin(credential_count: int | None = None) -> TC3Signature:
    spec = auth_of_kind("tc3")
    if credential_count is not None:
        spec = spec.model_copy(update={"credentials": spec.credentials[:credential_count]})
    made = plugin_for(spec)
    assert isinstance(made, TC3Signature)
    return made


def expected_signature(service: str, method: str, path: str, body: bytes) -> str:
    """Tencent's steps, written out: canonical request, string to sign, derived key."""
    canonical = "\n".join(
        [
            method,
            path,
            "",
            f"content-type:application/json\nhost:{HOST}\n",
            "content-type;host",
            hashlib.sha256(body).hexdigest(),
        ]
    )
    date = "2026-03-09"
    to_sign = "\n".join(
        [
            "TC3-HMAC-SHA256",
            str(NOW),
            f"{date}/{service}/tc3_request",
            hashlib.sha256(canonical.encode()).hexdigest(),
        ]
    )
    key = f"TC3{SECRET_KEY}".encode()
    for part in (date, service, "tc3_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def sign(made: TC3Signature, content: bytes | None) -> Outgoing:
    names = [c.name for c in made.spec.credentials]
    out = Outgoing("POST", "/", host=HOST, prefix="")
    out.content = content
    made.apply(out, {names[0]: Secret(SECRET_ID), names[1]: Secret(SECRET_KEY)}, float(NOW))
    return out


@pytest.mark.parametrize(
    "content", [b'{"Prompt":"snow"}', None, b""], ids=["json", "none", "empty"]
)
def test_apply_sets_exactly_these_headers_with_the_recomputed_signature(
    content: bytes | None,
) -> None:
    made = plugin()
    out = sign(made, content)
    service = made.spec.service
    signature = expected_signature(service, "POST", "/", content or b"")
    assert out.headers == {
        "Content-Type": "application/json",
        "Host": HOST,
        "X-TC-Timestamp": str(NOW),
        "Authorization": (
            f"TC3-HMAC-SHA256 Credential={SECRET_ID}/2026-03-09/{service}/tc3_request, "
            f"SignedHeaders=content-type;host, Signature={signature}"
        ),
    }


def test_a_spec_with_only_id_and_key_signs_without_a_token() -> None:
    made = plugin(credential_count=2)
    assert len(made.spec.credentials) == 2
    out = sign(made, b"{}")
    assert "X-TC-Token" not in out.headers
    assert out.headers["Authorization"].endswith(
        "Signature=" + expected_signature(made.spec.service, "POST", "/", b"{}")
    )
