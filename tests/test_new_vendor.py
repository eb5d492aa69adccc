"""A new vendor is a spec and nothing else: ``python -m generator new NAME`` writes a skeleton
that, in a copy of this project, generates ruff-clean code and passes every generic test (the
generated contract tests, the served mock, Schemathesis, the docstrings) with no other edit."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import pipeline
from generator.errors import SpecError
from generator.skeleton import new_vendor

ROOT = pipeline.ROOT
COPIED = ("generator", "templates", "specs", "generated", "tests", "pyproject.toml")
GENERIC_SUITES = (
    "tests/test_served_mock.py",
    "tests/test_schemathesis.py",
    "tests/test_generated_docs.py",
)
NAME = "acme_images"
PYTEST = ("-m", "pytest", "-q", "-o", "addopts=", "-p", "no:cacheprovider", "-p", "no:randomly")


def project_copy(tmp_path: Path) -> Path:
    """This project's sources, specs, generated code and tests, copied under ``tmp_path``."""
    root = tmp_path / "project"
    ignore = shutil.ignore_patterns("__pycache__", ".pytest_cache")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=ignore)
        else:
            root.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, root / name)
    return root


def run(root: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=root, capture_output=True, text=True, timeout=timeout
    )


def test_a_vendor_from_the_skeleton_passes_every_generic_test(tmp_path: Path) -> None:
    root = project_copy(tmp_path)
    made = run(root, "-m", "generator", "new", NAME)
    assert made.returncode == 0 and f"specs/{NAME}/openapi.yaml" in made.stdout, made.stderr
    generated = run(root, "-m", "generator", "generate")
    assert generated.returncode == 0, generated.stderr
    assert f"{NAME}: new vendor, 2 operation(s)" in generated.stdout
    assert run(root, "-m", "generator", "check").returncode == 0
    ruff = run(root, "-m", "ruff", "check", f"generated/{NAME}")
    assert ruff.returncode == 0, ruff.stdout
    contract = run(root, *PYTEST, f"generated/{NAME}/tests")
    assert contract.returncode == 0, contract.stdout[-3000:]
    assert passed(contract.stdout) >= 8 and "skipped" not in contract.stdout, contract.stdout
    generic = run(root, *PYTEST, "-k", NAME, *GENERIC_SUITES)
    assert generic.returncode == 0, generic.stdout[-3000:]
    assert passed(generic.stdout) >= len(GENERIC_SUITES), generic.stdout[-500:]
    assert "skipped" not in generic.stdout


def passed(summary: str) -> int:
    """The number of tests pytest's summary line says passed."""
    return int(summary.split(" passed")[0].split()[-1]) if " passed" in summary else 0


def test_new_refuses_a_bad_name_and_an_existing_vendor(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="lower-case identifier"):
        new_vendor("Acme-Images", tmp_path)
    new_vendor(NAME, tmp_path)
    with pytest.raises(SpecError, match="already exists"):
        new_vendor(NAME, tmp_path)


def test_make_new_passes_the_name() -> None:
    dry = subprocess.run(
        ["make", "-n", "new", f"NAME={NAME}"], cwd=ROOT, capture_output=True, text=True
    )
    assert f'-m generator new "{NAME}"' in dry.stdout
