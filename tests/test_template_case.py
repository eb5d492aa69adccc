"""``$case`` in a mock's response templates renders the branch the chosen value names.

A vendor that answers with a URL or with the image inline, as the request asks, writes its
answer as ``{"$case": "$request.<input>", "<value>": ..., "$default": ...}``; the mock must
render the branch named by the request's value, the ``$default`` one for any other value (or
none), and never take the special keys themselves for branches.
"""

from __future__ import annotations

from typing import Any

import pytest

from generator.runtime.mock.templates import Context, render

ANSWER = {
    "Result": {
        "$case": "$request.ReturnAs",
        "url": "$request.link",
        "2": {"inline": "$request.data"},
        "$default": "$request.data",
    }
}


def context(request: dict[str, Any]) -> Context:
    return Context(
        now=0.0,
        task_spec=None,
        file_urls=lambda _task: {},
        file_bytes=lambda _task: {},
        request={"link": "https://files.example/r.png", "data": "aGVsbG8=", **request},
    )


def test_the_named_branch_is_rendered() -> None:
    assert render(ANSWER, context({"ReturnAs": "url"})) == {"Result": "https://files.example/r.png"}


def test_a_number_chooses_the_branch_spelled_as_that_number() -> None:
    assert render(ANSWER, context({"ReturnAs": 2})) == {"Result": {"inline": "aGVsbG8="}}


@pytest.mark.parametrize(
    "request_value",
    [{"ReturnAs": "base64"}, {}, {"ReturnAs": "$case"}, {"ReturnAs": "$default"}],
    ids=["other-value", "no-value", "special-key-case", "special-key-default"],
)
def test_any_other_value_renders_the_default(request_value: dict[str, Any]) -> None:
    """A value without a branch, no value at all, or one spelled like a special key."""
    assert render(ANSWER, context(request_value)) == {"Result": "aGVsbG8="}


def test_without_a_default_an_unnamed_value_leaves_the_field_out() -> None:
    template = {"Result": {"$case": "$request.ReturnAs", "url": "$request.link"}, "Id": 7}
    assert render(template, context({"ReturnAs": "base64"})) == {"Id": 7}
    assert render(template, context({"ReturnAs": "url"})) == {
        "Result": "https://files.example/r.png",
        "Id": 7,
    }
