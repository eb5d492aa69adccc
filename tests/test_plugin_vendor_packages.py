"""The pytest plug-in finds the generated packages that ship a mock from the files on disk:
only a folder with both its ``vendor.json`` and its ``mock.py`` is one, and without a
``generated`` package there are none. Written against the mutants ``make mutants`` showed
surviving in ``pytest_plugin.vendor_packages``."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest

from generator.runtime import pytest_plugin


def test_only_folders_with_both_a_vendor_model_and_a_mock_are_vendors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, files in {"both": ("vendor.json", "mock.py"), "model_only": ("vendor.json",),
                        "mock_only": ("mock.py",), "neither": ()}.items():  # fmt: skip
        (tmp_path / name).mkdir()
        for file in files:
            (tmp_path / name / file).write_text("")
    found = SimpleNamespace(submodule_search_locations=[str(tmp_path)])
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: found)

    assert pytest_plugin.vendor_packages() == ["both"]


@pytest.mark.parametrize("spec", [None, SimpleNamespace(submodule_search_locations=[])],
                         ids=["no-package", "no-folder"])  # fmt: skip
def test_without_a_generated_package_there_are_no_vendors(
    spec: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: spec)

    assert pytest_plugin.vendor_packages() == []
