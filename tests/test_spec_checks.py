"""A mistake in a spec's extensions stops generation with the file, the JSON pointer and, for a
misspelled key, the closest known one; examples are checked at generation; the watcher prints
a failure in one line and keeps watching; the extensions' JSON Schema is current and the specs
point at it. The sample spec is the skeleton of ``python -m generator new``."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from generator import pipeline
from generator.discover import vendor_folders
from generator.errors import SpecError
from generator.extschema import SCHEMA_NAME, schema_bytes
from generator.skeleton import SKELETON, new_vendor
from generator.watch import watch

YAML_FOLDERS = [v.folder for v in vendor_folders() if (v.folder / "openapi.yaml").is_file()]
SAMPLE = "sample_vendor"


def edited(tmp_path: Path, change: Callable[[dict[str, Any]], Any]) -> Path:
    """The skeleton spec, written under ``tmp_path`` and changed by ``change``."""
    spec = new_vendor(SAMPLE, tmp_path / "specs")
    folder = spec.parent
    doc = yaml.safe_load(spec.read_text())
    change(doc)
    spec.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    return folder


def first_op(doc: dict[str, Any], role: str | None = None) -> dict[str, Any]:
    for item in doc["paths"].values():
        for op in item.values():
            ext = op.get("x-sdk-operation") if isinstance(op, dict) else None
            if ext is not None and role in (None, ext["role"]):
                return op
    raise AssertionError(f"no operation of role {role}")


def build_error(tmp_path: Path, change: Callable[[dict[str, Any]], Any]) -> SpecError:
    folder = edited(tmp_path, change)
    with pytest.raises(SpecError) as caught:
        pipeline.build_vendor(folder, cassettes_dir=tmp_path / "cassettes")
    assert caught.value.file.endswith("openapi.yaml")
    return caught.value


def rename(mapping: dict[str, Any], old: str, new: str) -> None:
    mapping[new] = mapping.pop(old)


def test_a_misspelled_vendor_key_names_the_closest_one(tmp_path: Path) -> None:
    error = build_error(tmp_path, lambda d: d["x-sdk"].__setitem__("envelop", {}))
    assert error.pointer == "/x-sdk/envelop"
    assert "did you mean 'envelope'" in error.reason


def test_a_misspelled_key_deep_in_the_vendor_extension_is_found(tmp_path: Path) -> None:
    error = build_error(tmp_path, lambda d: d["x-sdk"]["mock"].__setitem__("task_second", 1))
    assert error.pointer == "/x-sdk/mock/task_second"
    assert "did you mean 'task_seconds'" in error.reason


def test_a_misspelled_operation_key_names_the_closest_one(tmp_path: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        first_op(doc, "get")["x-sdk-operation"]["taskid"] = "x"

    error = build_error(tmp_path, change)
    assert error.pointer.endswith("/x-sdk-operation/taskid")
    assert "did you mean 'task_id'" in error.reason


def test_an_unknown_extension_anywhere_is_an_error(tmp_path: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        first_op(doc)["x-sdk-limit"] = {}

    error = build_error(tmp_path, change)
    assert error.pointer.endswith("/x-sdk-limit") and "did you mean 'x-sdk-limits'" in error.reason


def test_a_missing_role_is_an_error(tmp_path: Path) -> None:
    error = build_error(tmp_path, lambda d: first_op(d)["x-sdk-operation"].pop("role"))
    assert error.pointer.endswith("/x-sdk-operation/role") and "required" in error.reason.lower()


def test_a_wrong_template_value_is_found_at_generation(tmp_path: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["x-sdk"]["task"]["view"]["__probe"] = "$task.idd"

    error = build_error(tmp_path, change)
    assert error.pointer == "/x-sdk/task/view/__probe"
    assert "did you mean $task.id" in error.reason


def test_an_input_path_that_names_no_input_is_found(tmp_path: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        first_op(doc, "get")["x-sdk-operation"]["task_id"] = "tsk_id"

    error = build_error(tmp_path, change)
    assert error.pointer.endswith("/x-sdk-operation/task_id") and "no input" in error.reason


def test_an_example_that_lacks_a_newly_required_input_is_one_line(tmp_path: Path) -> None:
    """The spec now requires a field the operation's example does not give: the command fails
    with one line naming file and pointer, and no traceback."""

    def change(doc: dict[str, Any]) -> None:
        op = first_op(doc, "get")
        op["x-sdk-operation"]["example"] = {}

    folder = edited(tmp_path, change)
    done = subprocess.run(
        [sys.executable, "-m", "generator", "check", "--specs", str(folder.parent), "--out", "-"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    line = done.stderr.strip()
    assert "\n" not in line and "/x-sdk-operation/example:" in line
    assert line.startswith(f"error: {folder / 'openapi.yaml'}#/paths/") and "is required" in line


def test_a_documented_answer_that_breaks_its_schema_is_found(tmp_path: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        for response in first_op(doc, "get")["responses"].values():
            for media in response.get("content", {}).values():
                if "example" in media:
                    media["example"] = []

    error = build_error(tmp_path, change)
    assert "/responses/" in error.pointer and error.pointer.endswith("/example")
    assert "does not validate" in error.reason


def test_the_watcher_prints_a_broken_spec_in_one_line_and_keeps_watching(tmp_path: Path) -> None:
    folder = edited(tmp_path, lambda d: None)
    specs, out = folder.parent, tmp_path / "generated"
    pipeline.generate(specs, out, cassettes_dir=tmp_path / "cassettes")
    spec = folder / "openapi.yaml"
    good = spec.read_text()
    doc = yaml.safe_load(good)
    first_op(doc, "get")["x-sdk-operation"]["example"] = {}
    broken = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    saves = iter([broken, None, good + "\n", None])
    printed: list[str] = []
    done: list[pipeline.Generated] = []

    def save(_seconds: float) -> None:  # the watcher's sleep: the editor saves between looks
        text = next(saves)
        if text is not None:
            spec.write_text(text)

    original = pipeline.generate
    pipeline.generate = lambda s, o: original(s, o, cassettes_dir=tmp_path / "cassettes")
    try:
        watch(
            specs,
            out,
            on_done=done.append,
            on_error=lambda e: printed.append(str(e)),
            sleep=save,
            rounds=4,
        )
    finally:
        pipeline.generate = original
    assert len(printed) == 1 and "/x-sdk-operation/example" in printed[0]
    assert len(done) == 1  # the fixed spec was regenerated after the error


def test_the_extension_schema_is_current_and_every_yaml_spec_points_at_it() -> None:
    schema_file = pipeline.SPECS / SCHEMA_NAME
    assert schema_file.read_bytes() == schema_bytes(), "run make generate"
    validator = jsonschema.Draft202012Validator(json.loads(schema_bytes()))
    for folder in YAML_FOLDERS:
        text = (folder / "openapi.yaml").read_text()
        assert text.startswith(f"# yaml-language-server: $schema=../{SCHEMA_NAME}\n"), folder
        errors = [e.message for e in validator.iter_errors(yaml.safe_load(text))]
        assert not errors, f"{folder.name}: {errors[:3]}"
    skeleton = SKELETON.read_text()
    assert skeleton.startswith(f"# yaml-language-server: $schema=../{SCHEMA_NAME}\n")
    assert not list(validator.iter_errors(yaml.safe_load(skeleton)))


def test_the_extension_schema_refuses_a_misspelled_key() -> None:
    validator = jsonschema.Draft202012Validator(json.loads(schema_bytes()))
    doc = yaml.safe_load(SKELETON.read_text())
    first_op(doc)["x-sdk-operation"]["taskid"] = "x"
    assert any("taskid" in e.message for e in validator.iter_errors(doc))


def test_a_task_field_the_answer_does_not_declare_is_found(tmp_path: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["x-sdk"]["task"]["fields"]["status"] = "state"

    error = build_error(tmp_path, change)
    assert error.pointer == "/x-sdk/task/fields/status" and "'state'" in error.reason
