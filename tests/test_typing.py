"""Typed for the teams that call the clients: the wheel ships ``py.typed``; ``mypy --strict``
and pyright (strict) pass on generated/ and on a user's script checked against the wheel
installed in a fresh environment (not the source tree); a base install has no mock
dependencies. Pyright comes from npm, installed here on first use."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from generator.layout import ROOT
from tests.vendors import all_vendors

SCRIPT = ROOT / "tests" / "typing" / "user_script.py"
PYRIGHT_VERSION = "1.1.414"
BIN = Path(sys.executable).parent
MOCK_ONLY = ("PIL", "jsonschema", "starlette", "uvicorn", "rich", "jinja2")
BAD_SCRIPT = """
from generated.zhiqite import ZhiqiteClient, models

with ZhiqiteClient() as client:
    scripts = models.Text2ImageScripts(sd_model_checkpoint="m", output_image_format="gif")
    client.text_to_image(prompt="p", batch_size=1, always_on_scripts=scripts)
    client.submit_repaint(prompt="p")
"""


def run(*command: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=600
    )


LEFT_OUT = (".*", "build", "*.egg-info", "__pycache__", "bench", "tests")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a clean copy of the checkout (a stale build/ folder would leak
    old files into it)."""
    source = tmp_path_factory.mktemp("checkout") / "src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*LEFT_OUT))
    out = tmp_path_factory.mktemp("dist")
    built = run(BIN / "uv", "build", "--quiet", "--wheel", "--out-dir", out, source)
    assert built.returncode == 0, built.stderr
    return next(out.glob("*.whl"))


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The python of a fresh environment with the wheel (no extras) and mypy: outside the
    source tree, so nothing resolves to a checkout."""
    home = tmp_path_factory.mktemp("user")
    venv = home / "venv"
    made = run(BIN / "uv", "venv", "--quiet", "--python", sys.executable, venv)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    lock = ROOT / "requirements.lock"
    done = run(
        BIN / "uv", "pip", "install", "--quiet", "--python", python, "-c", lock, wheel, "mypy"
    )
    assert done.returncode == 0, done.stderr
    return python


@pytest.fixture(scope="module")
def pyright() -> Path:
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("pyright comes from npm, and npm is not installed")
    home = ROOT / ".venv" / "pyright"
    binary = home / "node_modules" / ".bin" / "pyright"
    if not binary.exists():
        done = run(npm, "install", "--silent", "--prefix", home, f"pyright@{PYRIGHT_VERSION}")
        if done.returncode != 0:
            pytest.skip(f"npm could not install pyright: {done.stderr.strip()[:200]}")
    return binary


def user_folder(installed: Path, text: str) -> Path:
    """A folder outside the checkout holding ``text`` as ``script.py`` and a strict pyright
    configuration that points at the fresh environment."""
    folder = installed.parents[2] / f"project-{abs(hash(text))}"
    folder.mkdir(exist_ok=True)
    (folder / "script.py").write_text(text)
    config = {"typeCheckingMode": "strict", "pythonVersion": "3.11"}
    (folder / "pyrightconfig.json").write_text(json.dumps(config))
    return folder


def test_the_wheel_ships_py_typed_and_no_half_shipped_tests(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert {"generator/py.typed", "generated/py.typed"} <= set(names)
    assert not [n for n in names if "/tests/" in n or n.startswith("tests/")]
    for vendor in all_vendors():
        assert f"generated/{vendor.package}/vendor.json" in names


def test_a_base_install_has_no_mock_dependencies_and_imports_none(installed: Path) -> None:
    imports = "; ".join(f"import generated.{v.package}" for v in all_vendors())
    code = (
        f"import importlib.util, json, sys; {imports}; "
        f"print(json.dumps([[m, m in sys.modules, importlib.util.find_spec(m) is not None] "
        f"for m in {MOCK_ONLY!r}]))"
    )
    done = run(installed, "-c", code, cwd=installed.parents[2])
    assert done.returncode == 0, done.stderr
    assert [m for m, loaded, present in json.loads(done.stdout) if loaded or present] == []


def test_mypy_strict_passes_the_users_script_against_the_wheel(installed: Path) -> None:
    folder = user_folder(installed, SCRIPT.read_text())
    done = run(installed, "-m", "mypy", "--strict", "script.py", cwd=folder)
    assert done.returncode == 0, done.stdout
    assert "Success: no issues found" in done.stdout


def test_mypy_catches_a_wrong_literal_and_a_missing_operation(installed: Path) -> None:
    folder = user_folder(installed, BAD_SCRIPT)
    done = run(installed, "-m", "mypy", "--strict", "script.py", cwd=folder)
    assert done.returncode == 1
    assert "Literal['gif']" in done.stdout and "submit_repaint" in done.stdout
    assert "Found 2 errors" in done.stdout


def test_pyright_strict_passes_the_users_script_against_the_wheel(
    installed: Path, pyright: Path
) -> None:
    folder = user_folder(installed, SCRIPT.read_text())
    done = run(pyright, "--pythonpath", installed, "script.py", cwd=folder)
    assert done.returncode == 0, done.stdout
    assert "0 errors" in done.stdout


def test_pyright_catches_a_wrong_literal_and_a_missing_operation(
    installed: Path, pyright: Path
) -> None:
    folder = user_folder(installed, BAD_SCRIPT)
    done = run(pyright, "--pythonpath", installed, "script.py", cwd=folder)
    assert done.returncode == 1
    assert "Literal['gif']\" cannot be assigned" in done.stdout
    assert 'Cannot access attribute "submit_repaint"' in done.stdout


def test_mypy_strict_and_pyright_strict_pass_on_generated(pyright: Path) -> None:
    checked = run(BIN / "mypy", "generated", cwd=ROOT)  # strict, from pyproject.toml
    assert checked.returncode == 0, checked.stdout
    strict = run(pyright, "--pythonpath", sys.executable, cwd=ROOT)  # generated/, strict
    assert strict.returncode == 0, strict.stdout
    assert "0 errors" in strict.stdout


def test_the_users_script_calls_every_vendors_client() -> None:
    text = SCRIPT.read_text()
    for vendor in all_vendors():
        assert f"{vendor.class_prefix}Client(" in text, vendor.package


@pytest.mark.parametrize("command", ["check", "generate", "watch"])
def test_generator_commands_from_an_install_say_in_one_line_they_need_a_checkout(
    installed: Path, command: str
) -> None:
    done = run(installed, "-m", "generator", command, cwd=installed.parents[2])
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and "checkout" in done.stderr


def test_the_command_line_runs_from_a_base_install(installed: Path) -> None:
    from generator.runtime.live import free_port

    for vendor in all_vendors():
        shown = run(installed, "-m", f"generated.{vendor.package}", "--help", cwd=installed.parent)
        assert shown.returncode == 0 and all(op.name in shown.stdout for op in vendor.operations)
    vendor = next(v for v in all_vendors() if any(o.role == "get" for o in v.operations))
    get = next(o for o in vendor.operations if o.role == "get")
    env = {
        "PATH": os.environ.get("PATH", ""),
        f"{vendor.package.upper()}_BASE_URL": f"http://127.0.0.1:{free_port()}",
        **{c.env: "credential-value" for c in vendor.auth.credentials},
    }
    args = [f"--{get.params_by_wire[get.task_id].py}", "t"]
    args += [f"--{get.params_by_wire[k].py}={v}" for k, v in vendor.poll_for(get.name)[1].items()]
    done = subprocess.run(
        [str(installed), "-m", f"generated.{vendor.package}", get.name, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 7, done.stderr  # no answer: one line, no traceback
    assert "Traceback" not in done.stderr
