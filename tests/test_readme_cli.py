"""The README's command-line examples run as written, against a served mock."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from generator.layout import ROOT
from generator.runtime.clock import SystemClock
from generator.runtime.images import png_bytes
from generator.runtime.live import LiveServer
from generator.runtime.mock.asgi import create_app
from generator.runtime.mock.serve import build_mock
from generator.runtime.vendor import load_vendor

README = (ROOT / "README.md").read_text()


def commands() -> list[list[str]]:
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
    lines = [line.split("  #")[0].strip() for block in blocks for line in block.splitlines()]
    return [shlex.split(line) for line in lines if line.startswith("python -m generated.")]


def test_the_readme_command_lines_run_against_a_served_mock(tmp_path: Path) -> None:
    found = commands()
    assert len(found) >= 3
    for package in {c[2].removeprefix("generated.") for c in found}:
        vendor = load_vendor(ROOT / "generated" / package / "vendor.json")
        mock = build_mock(package, clock=SystemClock(), task_seconds=0.5, queue_seconds=0)
        (tmp_path / "face.png").write_bytes(png_bytes(400, 400))  # the README's image
        with LiveServer(create_app(mock, background=True)) as live:
            env = {**os.environ, f"{package.upper()}_BASE_URL": live.url}
            env.update({c.env: c.mock_default for c in vendor.auth.credentials})
            env[vendor.auth.credentials[0].env] = mock._default_credentials[0]
            for command in (c for c in found if c[2] == f"generated.{package}"):
                done = subprocess.run(
                    [sys.executable, *command[1:]],
                    cwd=tmp_path,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=120,
                )
                assert done.returncode == 0, (command, done.stderr)
                if "--help" not in command:
                    assert json.loads(done.stdout), command
    assert list((tmp_path / "results").iterdir())  # --out saved the images
