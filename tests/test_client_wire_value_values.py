"""How a client turns a file input into what goes on the wire, by value: given as a path, an
open file or bytes it becomes its bytes, and an absent one stays absent; every file input of
every operation, from the specs. A credential given as a ``Secret`` is kept as that secret,
not wrapped again. Written against the mutants ``make mutants`` showed surviving in
``to_wire_value`` and ``BaseClient._resolve_credentials``."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from generator.runtime.client import to_wire_value
from generator.runtime.secrets import Secret
from tests.hostile import client_class, credentials
from tests.vendors import all_vendors

FILES = [
    (v, op, p.wire) for v in all_vendors() for op in v.operations for p in op.params
    if p.location == "file"
]  # fmt: skip
DATA = b"\x89PNG\r\n\x1a\n-the-image"


@pytest.mark.parametrize(
    ("vendor", "op", "wire"), FILES, ids=[f"{v.package}-{o.name}" for v, o, _ in FILES]
)
def test_a_file_input_goes_on_the_wire_as_its_bytes(
    vendor: Any, op: Any, wire: str, tmp_path: Path
) -> None:
    (tmp_path / "in.png").write_bytes(DATA)

    given = [tmp_path / "in.png", str(tmp_path / "in.png"), io.BytesIO(DATA), bytearray(DATA)]

    assert [to_wire_value(op, wire, value) for value in given] == [DATA] * 4
    assert to_wire_value(op, wire, None) is None


def test_a_credential_given_as_a_secret_is_kept_as_that_secret() -> None:
    vendor = all_vendors()[0]
    given = {name: Secret(value) for name, value in credentials(vendor.package).items()}
    base_url = vendor.base_url or "http://mock.invalid"

    with client_class(vendor.package)(**given, base_url=base_url) as client:
        kept = {name: client._credentials[name].get() for name in given}

    assert kept == credentials(vendor.package)
