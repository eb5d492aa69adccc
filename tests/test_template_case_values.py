"""``$case`` in a mock's response templates, each test on a template of its own.

The mock compiles a template once and keeps the compiled form (``compile_template`` caches it
by the template object), so a test rendering a shared template never compiles it again: only
a fresh template runs the compiling of its ``$case``, ``$default`` and branches. Each test
here builds its own, and checks the branch rendered for one kind of request value.
"""

from __future__ import annotations

from typing import Any

import pytest

from generator.runtime.mock.templates import render
from tests.test_template_case import context


def answer() -> dict[str, Any]:
    """A new answer template: ``Result`` is the link for "url", the data otherwise."""
    return {
        "Result": {
            "$case": "$request.ReturnAs",
            "url": "$request.link",
            "$default": {"inline": "$request.data"},
        },
        "Id": 7,
    }


def test_the_named_branch_is_rendered() -> None:
    assert render(answer(), context({"ReturnAs": "url"})) == {
        "Result": "https://files.example/r.png",
        "Id": 7,
    }


@pytest.mark.parametrize(
    "request_value",
    [{"ReturnAs": "base64"}, {}, {"ReturnAs": "$case"}, {"ReturnAs": "$default"}],
    ids=["other-value", "no-value", "special-key-case", "special-key-default"],
)
def test_any_other_value_renders_the_default_branch(request_value: dict[str, Any]) -> None:
    assert render(answer(), context(request_value)) == {
        "Result": {"inline": "aGVsbG8="},
        "Id": 7,
    }
