"""Regeneration that tells people what changed: the API diff, incremental `make generate`,
`python -m generator diff` for CI, watch mode, and a vendor update played end to end."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import pipeline
from generator.diff import diff, is_breaking
from generator.discover import vendor_folders, vendor_packages
from generator.errors import SpecError
from generator.render import LINE_LENGTH, display_width
from generator.versions import api_of
from generator.watch import watch

ROOT = pipeline.ROOT
SHOWAPI = ROOT / "specs" / "showapi"


def showapi_copy(tmp_path: Path, change=None) -> Path:
    """A copy of the ShowAPI folder (the vendor's file + our overlay), its JSON edited."""
    folder = tmp_path / "specs" / "showapi"
    shutil.copytree(SHOWAPI, folder)
    if change is not None:
        spec = folder / "openapi.json"
        doc = json.loads(spec.read_text())
        change(doc)
        spec.write_text(json.dumps(doc, ensure_ascii=False, indent=2))
    return folder


def form_schema(doc: dict) -> dict:
    return doc["paths"]["/3259-1"]["post"]["requestBody"]["content"][
        "application/x-www-form-urlencoded"
    ]["schema"]


def add_style_field(doc: dict) -> None:
    form_schema(doc)["properties"]["style"] = {"type": "string", "description": "a style"}


def add_cancel_operation(doc: dict) -> None:
    doc["paths"]["/3259-4"] = {
        "post": {
            "operationId": "3259_4_POST",
            "summary": "cancel a task",
            "parameters": [
                {"name": "task_id", "in": "query", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {"200": {"description": "ok"}},
            # Generation refuses an operation without a role: whoever adds it says what it is.
            "x-sdk-operation": {"role": "action", "example": {"task_id": "t-1"}},
        }
    }


def submit_body(doc: dict) -> dict:
    schema = doc["paths"]["/3259-1"]["post"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]
    return schema["allOf"][1]["properties"]["showapi_res_body"]["properties"]


def changes(tmp_path: Path, change) -> list:
    return diff(api_of(str(SHOWAPI)), api_of(str(showapi_copy(tmp_path, change))))


# -- the diff -------------------------------------------------------------------------------------
def test_an_added_optional_field_and_operation_are_safe(tmp_path: Path) -> None:
    found = changes(tmp_path, lambda d: (add_style_field(d), add_cancel_operation(d)))
    kinds = {(c.operation, c.kind, c.breaking) for c in found}
    assert ("submit_repaint", "field_added", False) in kinds
    assert ("op_3259_4_post", "operation_added", False) in kinds
    assert not is_breaking(found)


def test_a_removed_answer_field_is_breaking(tmp_path: Path) -> None:
    found = changes(tmp_path, lambda d: submit_body(d).pop("taskOrder"))
    removed = [c for c in found if c.kind == "field_removed"]
    assert removed and removed[0].breaking and removed[0].place.endswith("taskOrder")


@pytest.mark.parametrize(
    ("change", "kind", "breaking"),
    [
        (lambda d: form_schema(d)["required"].append("callback_url"), "field_required", True),
        (
            lambda d: form_schema(d)["properties"]["prompt"].update(maxLength=10),
            "limit_tightened",
            True,
        ),
        (
            lambda d: form_schema(d)["properties"]["prompt"].update(type="integer"),
            "field_retyped",
            True,
        ),
    ],
)
def test_each_kind_of_change_is_named_and_judged(tmp_path: Path, change, kind, breaking) -> None:
    found = [c for c in changes(tmp_path, change) if c.kind == kind]
    assert found and found[0].breaking is breaking


def test_a_removed_operation_is_breaking(tmp_path: Path) -> None:
    found = diff(api_of(str(showapi_copy(tmp_path, add_cancel_operation))), api_of(str(SHOWAPI)))
    assert [(c.operation, c.kind, c.breaking) for c in found] == [
        ("op_3259_4_post", "operation_removed", True)
    ]


def test_enum_values_and_limits_in_both_directions() -> None:
    from generator.diff import _Collector, _schema_node

    out: list = []
    add = _Collector("v", out)
    _schema_node(
        add,
        "op",
        "size",
        {"type": "string", "enum": ["a", "b"]},
        {"type": "string", "enum": ["a", "c"]},
        output=False,
    )
    _schema_node(
        add,
        "op",
        "shown",
        {"type": "string", "enum": ["a"]},
        {"type": "string", "enum": ["a", "z"]},
        output=True,
    )
    _schema_node(
        add,
        "op",
        "n",
        {"type": "integer", "maximum": 8},
        {"type": "integer", "maximum": 16},
        output=False,
    )
    judged = {(c.place, c.kind, c.breaking) for c in out}
    assert judged == {
        ("size", "enum_removed", True),
        ("size", "enum_added", False),
        ("shown", "enum_added", True),
        ("n", "limit_loosened", False),
    }


# -- the diff command ----------------------------------------------------------------------------
def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_diff_command_gates_a_breaking_update_with_its_exit_code(tmp_path: Path) -> None:
    breaking = showapi_copy(tmp_path / "a", lambda d: submit_body(d).pop("taskOrder"))
    safe = showapi_copy(tmp_path / "b", add_style_field)
    bad = run_cli("diff", str(SHOWAPI), str(breaking))
    good = run_cli("diff", str(SHOWAPI), str(safe), "--json")
    assert bad.returncode == 1 and "BREAKING submit_repaint.answer" in bad.stdout
    assert good.returncode == 0
    answer = json.loads(good.stdout)
    assert answer["breaking"] is False and answer["changes"][0]["place"] == "style"


def test_diff_takes_a_vendor_file_with_an_overlay_and_a_git_revision(tmp_path: Path) -> None:
    changed = showapi_copy(tmp_path, add_style_field) / "openapi.json"
    done = run_cli(
        "diff",
        "HEAD:specs/showapi/openapi.json",
        str(changed),
        "--overlay",
        str(SHOWAPI / "overlay.yaml"),
    )
    assert done.returncode == 0, done.stderr
    assert "safe     submit_repaint.style: new optional input" in done.stdout


def test_diff_of_a_spec_that_does_not_load_says_why(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    done = run_cli("diff", str(SHOWAPI), str(broken))
    assert done.returncode == 2 and "invalid JSON at line 1" in done.stderr


# -- incremental generation --------------------------------------------------------------------
@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, Path, Path]:
    specs, out, cassettes = tmp_path / "specs", tmp_path / "generated", tmp_path / "cassettes"
    shutil.copytree(ROOT / "specs", specs)
    shutil.copytree(ROOT / "generated", out, ignore=shutil.ignore_patterns("__pycache__"))
    pipeline.generate(specs, out, cassettes_dir=cassettes)  # in step with this checkout's code
    return specs, out, cassettes


def test_generate_rebuilds_only_what_changed_and_reports_it(workspace) -> None:
    specs, out, cassettes = workspace
    nothing = pipeline.generate(specs, out, cassettes_dir=cassettes)
    assert nothing.changes == {} and sorted(nothing.skipped) == vendor_packages(specs)
    spec = specs / "showapi" / "openapi.json"
    doc = json.loads(spec.read_text())
    add_style_field(doc)
    spec.write_text(json.dumps(doc, ensure_ascii=False, indent=2))
    done = pipeline.generate(specs, out, cassettes_dir=cassettes)
    assert list(done.changes) == ["showapi"] and "showapi" not in done.skipped
    assert [c.place for c in done.changes["showapi"]] == ["style"]
    assert "style: str | None = None" in (out / "showapi" / "client.py").read_text()
    assert pipeline.stale(pipeline.build(specs)[0], out) == []


def test_a_run_with_nothing_to_rebuild_loads_no_heavy_library(workspace) -> None:
    """The no-change command (a fresh interpreter, as ``make generate`` runs it) imports none
    of the stages' libraries: pydantic alone was half of its time."""
    specs, out, cassettes = workspace
    code = (
        "import json, sys; from generator.cli import main; "
        f"main(['generate', '--specs', {str(specs)!r}, '--out', {str(out)!r}, "
        f"'--cassettes', {str(cassettes)!r}]); "
        "heavy = ('pydantic', 'jinja2', 'datamodel_code_generator', 'yaml', 'httpx'); "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("rebuilt: none; unchanged: "), done.stdout
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_a_vendor_whose_spec_is_gone_loses_its_package(workspace) -> None:
    specs, out, cassettes = workspace
    gone = vendor_folders(specs)[-1]
    shutil.rmtree(gone.folder)
    done = pipeline.generate(specs, out, cassettes_dir=cassettes)
    assert f"{gone.package}/" in done.written and not (out / gone.package).exists()
    assert gone.name not in json.loads((out / "fingerprints.json").read_text())


def test_watch_regenerates_a_vendor_when_its_spec_is_saved(workspace) -> None:
    specs, out, cassettes = workspace
    spec = specs / "showapi" / "openapi.json"
    reports: list[pipeline.Generated] = []
    looks = iter(range(10))

    def save_on_second_look(_seconds: float) -> None:  # the watcher's sleep, no wall clock
        if next(looks) == 1:
            doc = json.loads(spec.read_text())
            add_style_field(doc)
            spec.write_text(json.dumps(doc, ensure_ascii=False, indent=2))

    original = pipeline.generate

    def generate(specs_dir: Path, out_dir: Path) -> pipeline.Generated:
        return original(specs_dir, out_dir, cassettes_dir=cassettes)

    pipeline.generate = generate  # the watcher regenerates through the pipeline
    try:
        watch(specs, out, on_done=reports.append, sleep=save_on_second_look, rounds=4)
    finally:
        pipeline.generate = original
    assert len(reports) == 1 and list(reports[0].changes) == ["showapi"]


# -- a vendor update, end to end -----------------------------------------------------------------
def test_a_vendor_update_end_to_end(tmp_path: Path) -> None:
    """The ShowAPI vendor ships a release: a new optional field and a new operation appear in
    the regenerated client and mock; a removed answer field is reported as breaking and the
    regenerated contract tests catch the client code that followed tasks by it; our overlay
    still applies to the new file; and a target it no longer finds is named."""
    specs, out, cassettes = tmp_path / "specs", tmp_path / "generated", tmp_path / "cassettes"
    spec = showapi_copy(tmp_path) / "openapi.json"
    pipeline.generate(specs, out, cassettes_dir=cassettes)  # the release we had
    doc = json.loads(spec.read_text())
    add_style_field(doc)
    add_cancel_operation(doc)
    spec.write_text(json.dumps(doc, ensure_ascii=False, indent=2))
    done = pipeline.generate(specs, out, cassettes_dir=cassettes)  # the new release
    reported = {(c.operation, c.place, c.kind, c.breaking) for c in done.changes["showapi"]}
    assert reported == {
        ("submit_repaint", "style", "field_added", False),
        ("op_3259_4_post", "", "operation_added", False),
    }
    client = (out / "showapi" / "client.py").read_text()
    assert "style: str | None = None" in client and "def op_3259_4_post(" in client
    vendor = json.loads((out / "showapi" / "vendor.json").read_text())
    assert any(op["path"] == "/3259-4" for op in vendor["operations"])  # the mock routes it too

    # the next release drops taskOrder from the submit answer
    submit_body(doc).pop("taskOrder")
    spec.write_text(json.dumps(doc, ensure_ascii=False, indent=2))
    report = run_cli("diff", str(SHOWAPI), str(specs / "showapi"))
    assert report.returncode == 1 and "taskOrder: field removed" in report.stdout
    pipeline.generate(specs, out, cassettes_dir=cassettes)
    shutil.copy(ROOT / "generated" / "__init__.py", out / "__init__.py")
    tests = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-k",
            "task_fields",
            str(out / "showapi" / "tests"),
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert tests.returncode == 1, tests.stdout
    assert "submit_repaint: taskOrder" in tests.stdout

    # a release that renames /3259-3: our overlay's action on it no longer matches
    doc["paths"]["/3259-30"] = doc["paths"].pop("/3259-3")
    spec.write_text(json.dumps(doc, ensure_ascii=False, indent=2))
    with pytest.raises(SpecError) as caught:
        pipeline.generate(specs, out, cassettes_dir=cassettes)
    assert caught.value.file.endswith("overlay.yaml")
    assert (
        "$.paths['/3259-3'].post" in caught.value.reason
        and "matches nothing" in caught.value.reason
    )


# -- repairing generated files, new vendors, forcing ------------------------------------------
def test_a_hand_edited_or_deleted_generated_file_is_rebuilt(workspace) -> None:
    specs, out, cassettes = workspace
    edited, deleted = vendor_folders(specs)[0].package, vendor_folders(specs)[-1].package
    client = out / edited / "client.py"
    original = client.read_bytes()
    client.write_bytes(original + b"# a hand edit\n")
    (out / deleted / "vendor.py").unlink()
    done = pipeline.generate(specs, out, cassettes_dir=cassettes)
    assert {edited, deleted} <= set(done.changes) | set(done.new)
    assert client.read_bytes() == original and (out / deleted / "vendor.py").is_file()
    assert pipeline.stale(pipeline.build(specs)[0], out) == []
    again = pipeline.generate(specs, out, cassettes_dir=cassettes)
    assert again.changes == {} and again.new == {}


def test_a_new_vendor_is_reported_as_new_with_its_operations(workspace) -> None:
    specs, out, cassettes = workspace
    fresh = vendor_folders(specs)[0]
    shutil.rmtree(out / fresh.package)
    done = run_cli(
        "generate", "--specs", str(specs), "--out", str(out), "--cassettes", str(cassettes)
    )
    assert done.returncode == 0, done.stderr
    head = f"{fresh.package}: new vendor, "
    assert head in done.stdout and "no change to the API" not in done.stdout
    vendor = json.loads((out / fresh.package / "vendor.json").read_text())
    for op in vendor["operations"]:
        assert f"  + {op['name']} ({op['method']} {op['path']})" in done.stdout


def test_make_generate_force_rebuilds_everything() -> None:
    dry = subprocess.run(
        ["make", "-n", "generate", "FORCE=1"], cwd=ROOT, capture_output=True, text=True
    )
    plain = subprocess.run(["make", "-n", "generate"], cwd=ROOT, capture_output=True, text=True)
    assert "-m generator generate --force" in dry.stdout
    assert "--force" not in plain.stdout


def test_no_generated_file_carries_an_unused_noqa() -> None:
    for path in sorted(pipeline.GENERATED.rglob("*.py")):
        lines = path.read_text().splitlines()
        long_lines = any(display_width(line) > LINE_LENGTH for line in lines)
        assert ("# ruff: noqa: E501" in lines) == long_lines, path
