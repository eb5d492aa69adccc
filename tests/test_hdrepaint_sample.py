"""The HD repaint vendor's own sample client, run unchanged against our served mock.

The sample is read from ../shared/vendor-docs at test time (the project does not copy vendor
code). Only BASE_URL and USER_KEY change, as the vendor tells its users to change them; the
sample's four flows (repaint, vector, face, seamless) each poll until ``Completed``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from generated.hdrepaint.mock import create_mock
from generator.runtime.clock import SystemClock
from generator.runtime.images import png_bytes

from .conftest import ServedMock

DOC = Path(__file__).resolve().parents[2] / "shared" / "vendor-docs" / "hdrepaint-api.txt"
FLOWS = (
    "test_submit_task",
    "test_submit_vector_task",
    "test_submit_face_enhance_task",
    "test_submit_seamless_task",
)


def sample_program(text: str, base_url: str) -> str:
    """The document's code, in document order: each code run starts at an ``import`` or
    ``def``/``BASE_URL`` line and ends after the call of ``test_check_task_status`` in its
    ``if __name__`` block."""
    lines = text.splitlines()
    code, inside = [], False
    for line in lines:
        if not inside and re.match(r"(import |def test_)", line):
            inside = True
        if inside:
            code.append(line)
            if re.match(r"\s+test_check_task_status\(task_id\)\s*$", line):
                inside = False
    program = "\n".join(code)
    program = re.sub(r'^BASE_URL = ".*?"', f'BASE_URL = "{base_url}"', program, count=1, flags=re.M)
    return re.sub(r'^USER_KEY = ".*?"', 'USER_KEY = "test"', program, count=1, flags=re.M)


@pytest.mark.skipif(not DOC.is_file(), reason="../shared/vendor-docs is not beside this checkout")
def test_vendor_sample_code_runs_every_flow_to_completed(tmp_path: Path) -> None:
    program = sample_program(DOC.read_text(encoding="utf-8"), "http://placeholder")
    for flow in FLOWS:
        assert f"def {flow}(" in program and f"{flow}()" in program, flow
    inputs = tmp_path / "input"
    inputs.mkdir()
    for name in ("test3.png", "logo.png", "face.png"):
        (inputs / name).write_bytes(png_bytes(96, 72))
    from PIL import Image

    Image.open(inputs / "test3.png").convert("RGB").save(inputs / "seamless.jpeg", format="JPEG")
    with ServedMock(create_mock(clock=SystemClock(), task_seconds=1.5)) as served:
        script = tmp_path / "sample.py"
        script.write_text(
            sample_program(DOC.read_text(encoding="utf-8"), served.url), encoding="utf-8"
        )
        done = subprocess.run(
            [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=120
        )
    out = done.stdout
    assert done.returncode == 0, done.stderr
    assert out.count("任务状态: Completed") == 4, out
    assert out.count("提交任务成功") == 4
    assert "矢量图链接" in out  # the vector flow reports its SVG
    assert "Failed" not in out and "-1" not in out.split("任务状态")[0]
