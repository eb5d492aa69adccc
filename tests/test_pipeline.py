"""The whole pipeline: determinism, `make check`, naming, and a runtime free of generator deps."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import pipeline
from generator.naming import pascal, snake

ROOT = pipeline.ROOT


def test_same_spec_gives_byte_identical_files() -> None:
    first, _ = pipeline.build()
    second, _ = pipeline.build()
    assert first == second


def test_committed_generated_folder_matches_specs() -> None:
    files, _ = pipeline.build()
    assert pipeline.stale(files) == []


def test_check_names_each_stale_file_when_the_spec_changes(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(ROOT / "specs", specs)
    spec = specs / "showapi" / "openapi.json"
    doc = json.loads(spec.read_text())
    doc["paths"]["/3259-2"]["post"]["parameters"][0]["description"] = "the task to look up"
    spec.write_text(json.dumps(doc, ensure_ascii=False, indent=2))
    done = subprocess.run(
        [sys.executable, "-m", "generator", "check", "--specs", str(specs)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "stale: generated/showapi/client.py" in done.stderr
    assert "stale: generated/showapi/vendor.json" in done.stderr


def test_generate_writes_and_removes_files(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    files, _ = pipeline.build()
    (out / "showapi").mkdir(parents=True)
    (out / "showapi" / "leftover.py").write_text("x = 1\n")
    changed = pipeline.write(files, out)
    assert "showapi/leftover.py" in changed
    assert pipeline.stale(files, out) == []
    assert pipeline.write(files, out) == []


@pytest.mark.parametrize(
    ("wire", "python"),
    [
        ("pageSize", "page_size"),
        ("taskOrder", "task_order"),
        ("orgin_img_base64", "orgin_img_base64"),
        ("X-Request-req-accessKeyId", "x_request_req_access_key_id"),
        ("class", "class_"),
        ("3259_1_POST", "3259_1_post_"),
    ],
)
def test_snake_names(wire: str, python: str) -> None:
    assert snake(wire) == python


def test_pascal_names() -> None:
    assert pascal("submit_repaint") == "SubmitRepaint"
    assert pascal("getTask") == "GetTask"


def test_python_names_are_nicer_but_wire_names_stay_the_vendors() -> None:
    from generated.showapi import VENDOR

    assert [op.name for op in VENDOR.operations] == ["submit_repaint", "get_task", "list_tasks"]
    submit = VENDOR.ops["submit_repaint"]
    assert {p.wire: p.py for p in submit.params}["orgin_img_base64"] == "image_base64"
    client_source = (ROOT / "generated/showapi/client.py").read_text()
    assert '"orgin_img_base64": image_base64' in client_source
    assert '"pageSize": page_size' in client_source


def test_generated_code_is_ruff_clean() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "generated"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout


BLOCKER = """
import importlib.abc, sys
BLOCKED = {"jinja2", "datamodel_code_generator", "openapi_pydantic", "yaml", "jsonpath_ng", "ruff"}
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is a generator dependency")
sys.meta_path.insert(0, Block())
from generated.showapi import ShowapiClient
from generated.showapi.mock import create_mock
from generator.runtime.images import png_base64
mock = create_mock()
with mock.client(ShowapiClient) as client:
    task = client.submit_repaint(prompt="a red door", image_base64=png_base64())
    print(client.wait(task.task_order).status)
"""


def test_generated_client_imports_without_generator_dependencies() -> None:
    done = subprocess.run([sys.executable, "-c", BLOCKER], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "succeeded"
