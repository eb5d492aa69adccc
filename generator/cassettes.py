"""Seed cassettes: vcrpy recordings built from the spec's documented examples.

Until someone records the real vendor (``SDK_RECORD=1``), each operation's cassette holds the
request our client makes for the operation's example and the vendor's documented answer.
Seeded files carry a marker line; a recorded cassette has none and is never overwritten.
"""

from __future__ import annotations

import json
import warnings
from http import HTTPStatus
from pathlib import Path
from typing import Any

import httpx
import jwt
import yaml

from .runtime.client import SyncClient
from .runtime.mock.core import MOCK_BASE_URL
from .runtime.testing import CASSETTES, example_values, scrub_body
from .runtime.vendor import Operation, Vendor

MARKER = (
    "# Seeded by `make generate` from the spec's examples; record real ones with SDK_RECORD=1.\n"
)


def build(vendor: Vendor, root: Path = CASSETTES) -> dict[Path, bytes]:
    """Seed cassettes for every operation with an example answer, by absolute path under
    ``root`` (``tests/cassettes``)."""
    out: dict[Path, bytes] = {}
    # Seeds are signed with the mock's default credentials ("test"), which PyJWT finds short.
    warnings.filterwarnings("ignore", category=jwt.InsecureKeyLengthWarning)
    for op in vendor.operations:
        if op.response_example is not None:  # an empty example: no input is required
            text = MARKER + yaml.dump(
                _cassette(vendor, op),
                Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
                sort_keys=True,
                allow_unicode=True,
            )
            out[root / vendor.package / f"{op.name}.yaml"] = text.encode()
    return out


def writable(path: Path) -> bool:
    """True for a missing cassette or a seeded one; a recorded cassette is left alone."""
    return not path.is_file() or path.read_text(errors="replace").startswith(MARKER)


def _cassette(vendor: Vendor, op: Operation) -> dict[str, Any]:
    captured: list[httpx.Request] = []
    answer = json.dumps(op.response_example, ensure_ascii=False)

    def respond(request: httpx.Request) -> httpx.Response:
        captured.append(request)
        return httpx.Response(
            op.response_status,
            headers={"content-type": "application/json"},
            content=answer.encode(),
        )

    client_cls = type("SeedClient", (SyncClient,), {"vendor": vendor})
    credentials = {c.name: c.mock_default for c in vendor.auth.credentials}
    with client_cls(
        credentials,
        base_url=vendor.base_url or "http://vendor.invalid",
        transport=httpx.MockTransport(respond),
    ) as client:
        client._send(op, example_values(op, vendor.base_url or MOCK_BASE_URL))
    request = captured[0]
    url = _without_credentials(vendor, request.url)
    content_type, content = _fixed_boundary(
        request.headers.get("content-type", ""), request.content
    )
    return {
        "version": 1,
        "interactions": [
            {
                "request": {
                    "method": request.method,
                    "uri": str(url),
                    "body": _text_if_possible(scrub_body(vendor, content_type, content)),
                    "headers": {"Content-Type": [content_type]},
                },
                "response": {
                    "status": {
                        "code": op.response_status,
                        "message": HTTPStatus(op.response_status).phrase,
                    },
                    "headers": {"Content-Type": ["application/json"]},
                    "body": {"string": answer},
                },
            }
        ],
    }


def _without_credentials(vendor: Vendor, url: httpx.URL) -> httpx.URL:
    if vendor.auth.kind != "query":
        return url
    params = [(k, v) for k, v in url.params.multi_items() if k != vendor.auth.field]
    return url.copy_with(params=params or None)


def _fixed_boundary(content_type: str, body: bytes) -> tuple[str, bytes]:
    """httpx picks a random multipart boundary; a seed needs the same bytes on every run."""
    boundary = content_type.partition("boundary=")[2].strip('"')
    if not boundary:
        return content_type, body
    fixed = "seeded-cassette-boundary"
    return content_type.replace(boundary, fixed), body.replace(boundary.encode(), fixed.encode())


def _text_if_possible(body: bytes) -> str | bytes:
    """Text bodies stay readable in the cassette; binary ones (file uploads) stay bytes."""
    try:
        return body.decode()
    except UnicodeDecodeError:
        return body
