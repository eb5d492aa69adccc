"""Spectral's ``oas`` ruleset (a linter we did not write) finds no error in any spec, and does
find one that OpenAPI 3.0 tools would silently ignore. Spectral comes from npm, installed on
first use into .tools/node/; without npm these tests are skipped."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from generator import spectral
from generator.pipeline import vendor_dirs

pytestmark = pytest.mark.skipif(
    shutil.which("npm") is None or shutil.which("node") is None,
    reason="Spectral runs from npm, and node / npm are not installed on this machine",
)


@pytest.fixture(scope="module")
def installed() -> str:
    try:
        return spectral.executable()
    except spectral.Unavailable as exc:  # npm is there but the registry is not
        pytest.skip(f"Spectral could not be installed: {exc}")


def test_every_spec_has_no_spectral_error(installed: str) -> None:
    folders = vendor_dirs()
    assert folders
    findings = spectral.lint_vendors(folders)
    assert [str(f) for f in findings] == []


def test_an_extension_beside_a_ref_is_reported(installed: str, tmp_path: Path) -> None:
    spec = next(p for p in vendor_dirs() if (p / "openapi.yaml").is_file()) / "openapi.yaml"
    document = yaml.safe_load(spec.read_text())
    first = next(iter(document["components"]["schemas"]))
    document["components"]["schemas"]["Broken"] = {
        "type": "object",
        "properties": {"inner": {"$ref": f"#/components/schemas/{first}", "x-note": 1}},
    }
    copy = tmp_path / "openapi.yaml"
    copy.write_text(yaml.safe_dump(document, allow_unicode=True))
    findings = spectral.lint_files({copy: "copy"})
    assert [(f.code, f.path) for f in findings] == [
        ("no-$ref-siblings", "components/schemas/Broken/properties/inner/x-note")
    ]
