"""How a client turns a file input into what goes on the wire, by value: given as a path, an
open file or bytes it becomes its bytes, and an absent one stays absent; every file input of
every operation, from the specs. A credential given as a ``Secret`` is kept as that secret,
not wrapped again; a file given as a path is uploaded as its bytes; an image input that may
be base64 or a URL is a URL when it reads as one. Written against the mutants ``make mutants``
showed surviving in ``wire_values``, ``BaseClient._resolve_credentials``,
``BaseClient._prepare`` and ``_check_image``."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from generator.runtime.client import wire_values
from generator.runtime.images import png_base64, png_bytes
from generator.runtime.secrets import Secret
from generator.runtime.testing import example_values
from generator.runtime.validation import Checked, _check_image
from generator.runtime.wire import wire_layout
from tests.hostile import client_class, credentials, offline_client
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

    layout = wire_layout(op)
    assert [wire_values(layout, {wire: value})[wire] for value in given] == [DATA] * 4
    assert wire_values(layout, {wire: None})[wire] is None


def test_a_credential_given_as_a_secret_is_kept_as_that_secret() -> None:
    vendor = all_vendors()[0]
    given = {name: Secret(value) for name, value in credentials(vendor.package).items()}
    base_url = vendor.base_url or "http://mock.invalid"

    with client_class(vendor.package)(**given, base_url=base_url) as client:
        kept = {name: client._credentials[name].get() for name in given}

    assert kept == credentials(vendor.package)


@pytest.mark.parametrize(
    ("vendor", "op", "wire"), FILES, ids=[f"{v.package}-{o.name}" for v, o, _ in FILES]
)
def test_a_file_input_given_as_a_path_is_uploaded_as_its_bytes(
    vendor: Any, op: Any, wire: str, tmp_path: Path
) -> None:
    image = png_bytes(64, 48)
    (tmp_path / "in.png").write_bytes(image)
    base_url = vendor.base_url or "http://mock.invalid"
    values = {**example_values(op, base_url), wire: tmp_path / "in.png"}

    with offline_client(vendor.package, base_url) as client:
        prepared = client._prepare(op, values)

    assert image in prepared.request.read()


URL_OR_BASE64 = [
    (v, op, name)
    for v in all_vendors()
    for op in v.operations
    for name, limit in op.limits.images.items()
    if limit.source == "base64_or_url"
]


@pytest.mark.parametrize(
    ("vendor", "op", "name"),
    URL_OR_BASE64,
    ids=[f"{v.package}-{o.name}" for v, o, _ in URL_OR_BASE64],
)
def test_an_image_that_may_be_either_is_a_url_when_it_reads_as_one(
    vendor: Any, op: Any, name: str
) -> None:
    limit = op.limits.images[name]
    checked = [Checked(values={}) for _ in range(3)]

    _check_image(name, "https://images.example/a.png", limit, checked[0])
    _check_image(name, "http://images.example/a.png", limit, checked[1])
    _check_image(name, png_base64(400, 400), limit, checked[2])

    assert [c.problems for c in checked] == [[], [], []]
    assert list(checked[2].images) == [name]  # read as base64, and its bytes kept
