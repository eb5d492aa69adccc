"""What every vendor gets, checked for each vendor found in specs/: the pytest plugin's
fixtures, used by name from a project outside this repository, and the mock's command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.discover import vendor_packages


def test_the_plugin_gives_every_vendor_its_fixtures_in_another_project(tmp_path: Path) -> None:
    tests = [
        f"def test_{package}({package}_mock, {package}_client, {package}_server):\n"
        f"    assert {package}_mock.vendor.package == {package!r}\n"
        f"    assert type({package}_client).__name__ == "
        f"{package}_mock.vendor.class_prefix + 'Client'\n"
        f"    assert {package}_server.url.startswith('http://127.0.0.1:')\n"
        for package in vendor_packages()
    ]
    (tmp_path / "test_theirs.py").write_text("\n\n".join(tests))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(tests)} passed" in done.stdout


@pytest.mark.parametrize("package", vendor_packages())
def test_every_vendor_s_mock_has_a_command_line(package: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", f"generated.{package}.mock", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and "--port" in done.stdout, done.stderr
