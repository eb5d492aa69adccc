"""The pytest plug-in's set-up, by value: it adds exactly one warning filter, for PyJWT's
short-key warning (the mocks' default Kling secret is short). Called directly: ``make mutants``
runs its workers with the plug-in already configured, so a mutant of this hook shows only here."""

from __future__ import annotations

from types import SimpleNamespace

from generator.runtime import pytest_plugin


def test_the_plugin_ignores_pyjwts_short_key_warning_and_nothing_else() -> None:
    added: list[tuple[str, str]] = []
    config = SimpleNamespace(addinivalue_line=lambda name, line: added.append((name, line)))

    pytest_plugin.pytest_configure(config)  # type: ignore[arg-type]

    assert added == [("filterwarnings", "ignore::jwt.warnings.InsecureKeyLengthWarning")]
