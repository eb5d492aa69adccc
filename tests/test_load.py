"""The load stage: parse errors, OpenAPI validation and the overlay, each located precisely."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator.errors import SpecError
from generator.load import load
from generator.pipeline import SPECS

VENDOR_FILE = (
    Path(__file__).resolve().parents[1].parent
    / "shared/vendor-docs/showapi-3259-repaint.openapi.json"
)


@pytest.fixture
def spec_dir(tmp_path: Path) -> Path:
    target = tmp_path / "showapi"
    shutil.copytree(SPECS / "showapi", target)
    return target


def edit_spec(spec_dir: Path, change) -> None:
    path = spec_dir / "openapi.json"
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2))


def test_shipped_spec_is_the_vendors_file_byte_for_byte() -> None:
    if not VENDOR_FILE.is_file():
        pytest.skip("../shared/vendor-docs is not beside this checkout")
    assert (SPECS / "showapi" / "openapi.json").read_bytes() == VENDOR_FILE.read_bytes()


def test_overlay_adds_our_extensions_without_touching_the_file(spec_dir: Path) -> None:
    before = (spec_dir / "openapi.json").read_bytes()
    loaded = load(spec_dir)
    assert loaded.document["x-sdk"]["package"] == "showapi"
    op = loaded.document["paths"]["/3259-1"]["post"]
    assert op["x-sdk-operation"]["name"] == "submit_repaint"
    props = op["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"][
        "properties"
    ]
    assert props["orgin_img_base64"]["x-py-name"] == "image_base64"
    assert (spec_dir / "openapi.json").read_bytes() == before


def test_invalid_json_names_file_and_line(spec_dir: Path) -> None:
    (spec_dir / "openapi.json").write_text('{\n  "openapi": "3.0.3",\n  "info": {,\n}')
    with pytest.raises(SpecError) as caught:
        load(spec_dir)
    assert caught.value.file.endswith("openapi.json")
    assert "line 3" in caught.value.reason


def test_missing_responses_points_at_the_operation(spec_dir: Path) -> None:
    edit_spec(spec_dir, lambda d: d["paths"]["/3259-2"]["post"].pop("responses"))
    with pytest.raises(SpecError) as caught:
        load(spec_dir)
    assert caught.value.pointer == "/paths/~13259-2/post/responses"
    assert "required" in caught.value.reason


def test_wrong_type_points_at_the_field(spec_dir: Path) -> None:
    edit_spec(
        spec_dir, lambda d: d["paths"]["/3259-2"]["post"]["parameters"][0].update(required="maybe")
    )
    with pytest.raises(SpecError) as caught:
        load(spec_dir)
    assert caught.value.pointer == "/paths/~13259-2/post/parameters/0/required"


def test_not_openapi_three(spec_dir: Path) -> None:
    edit_spec(spec_dir, lambda d: d.update(openapi="2.0"))
    with pytest.raises(SpecError) as caught:
        load(spec_dir)
    assert caught.value.pointer == "/openapi"


def test_overlay_target_that_no_longer_matches_is_named(spec_dir: Path) -> None:
    def rename(doc):
        doc["paths"]["/3259-9"] = doc["paths"].pop("/3259-2")

    edit_spec(spec_dir, rename)
    with pytest.raises(SpecError) as caught:
        load(spec_dir)
    assert caught.value.file.endswith("overlay.yaml")
    assert caught.value.pointer.startswith("/actions/")
    assert "$.paths['/3259-2'].post" in caught.value.reason
    assert "matches nothing" in caught.value.reason


def test_bad_extension_is_reported_with_its_pointer(spec_dir: Path) -> None:
    from generator.ir import build
    from generator.models import name_schemas

    overlay = spec_dir / "overlay.yaml"
    overlay.write_text(overlay.read_text().replace("poll_interval: 3", "poll_interval: soon"))
    loaded = load(spec_dir)
    with pytest.raises(SpecError) as caught:
        build(loaded, name_schemas(loaded.document))
    assert caught.value.pointer == "/x-sdk/task/poll_interval"


def test_cli_reports_a_bad_spec_without_a_traceback(spec_dir: Path, capsys) -> None:
    from generator.cli import main

    edit_spec(spec_dir, lambda d: d["paths"]["/3259-2"]["post"].pop("responses"))
    code = main(
        ["generate", "--specs", str(spec_dir.parent), "--out", str(spec_dir.parent / "out")]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "openapi.json#/paths/~13259-2/post/responses" in err
    assert "Traceback" not in err


def test_an_unknown_schema_field_is_refused_with_its_pointer(spec_dir: Path) -> None:
    def misspell(doc: dict) -> None:
        schema = doc["paths"]["/3259-2"]["post"]["parameters"][0]["schema"]
        schema["descripton"] = "a typo"

    edit_spec(spec_dir, misspell)
    with pytest.raises(SpecError) as caught:
        load(spec_dir)
    assert caught.value.pointer == "/paths/~13259-2/post/parameters/0/schema/descripton"
    assert "unknown field 'descripton'" in caught.value.reason


def test_x_extensions_are_allowed_anywhere(spec_dir: Path) -> None:
    edit_spec(spec_dir, lambda doc: doc["paths"]["/3259-2"]["post"].update({"x-note": 1}))
    assert load(spec_dir).document["paths"]["/3259-2"]["post"]["x-note"] == 1


def test_every_spec_we_ship_loads() -> None:
    for folder in sorted(p for p in SPECS.iterdir() if p.is_dir()):
        assert load(folder).document["x-sdk"]["package"]
