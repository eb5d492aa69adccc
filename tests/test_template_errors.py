"""The mistakes a spec's response template can hold are each found, where they are, with the
reason a spec author reads (``mock.templates.template_errors`` / ``expression_error``, behind
the generator's spec check): unknown values and keys at any depth of lists and objects, an
input the operation does not have (with the near name it may have meant), ``$each`` without
``$item``; and every value the template language offers passes."""

from __future__ import annotations

import pytest

from generator.runtime.mock.templates import SPECIAL_KEYS, expression_error, template_errors

INPUTS = frozenset({"prompt", "image"})
KNOWN_KEYS = "$case, $default, $each, $item, $merge, $when"


def test_the_special_keys_are_those_the_message_lists() -> None:
    assert ", ".join(sorted(SPECIAL_KEYS)) == KNOWN_KEYS


def test_every_mistake_is_found_at_its_place_in_order() -> None:
    template = {
        "a": ["$task.id", {"b": "$request.promt"}, "$bogus.x"],
        "$weird": 1,
        "c": {"$each": "$task.outputs"},
        "d": {"$each": "$task.outputs", "$item": {"u": "$item.url", "i": "$index"}},
        "e": [{"f": "$page.nmber"}],
    }
    assert template_errors(template, INPUTS) == [
        (
            ("a", 1, "b"),
            "'$request.promt': the operation has no input 'promt'; did you mean $request.prompt?",
        ),
        (("a", 2), "unknown template value '$bogus.x'"),
        (("$weird",), f"unknown template key '$weird' (known: {KNOWN_KEYS})"),
        (("c",), "$each needs $item, the template of one element"),
        (("e", 0, "f"), "unknown template value '$page.nmber'; did you mean $page.number?"),
    ]


def test_a_template_that_is_one_value_is_checked_against_the_inputs() -> None:
    assert template_errors("$request.size", INPUTS) == [
        ((), "'$request.size': the operation has no input 'size'")
    ]
    assert template_errors("$request.size") == []
    assert template_errors(["$request.size"], INPUTS) == [
        ((0,), "'$request.size': the operation has no input 'size'")
    ]


def test_a_sound_template_has_no_mistake() -> None:
    template = {
        "$merge": "$view",
        "n": "$account.remaining",
        "p": "$page.total",
        "items": {"$each": "$page.items", "$item": {"id": "$item.id", "at": "$index"}},
        "r": {"$case": "$request.prompt", "x": "$task.files.result", "$default": "$task.image"},
        "w": {"$when": "$task.error", "why": "$task.error"},
    }
    assert template_errors(template, INPUTS) == []


@pytest.mark.parametrize(
    "expr",
    [
        "$account.remaining",
        "$account.money",
        "$page.number",
        "$page.items",
        "$index",
        "$item",
        "$item.url",
        "$item.a.b",
        "$view",
        "$task.id",
        "$task.files.result",
        "$task.images",
        "$task.images.0",
    ],
    ids=lambda e: e.strip("$").replace(".", "-"),
)
def test_each_value_the_language_offers_passes(expr: str) -> None:
    assert expression_error(expr) == ""


@pytest.mark.parametrize(
    ("expr", "reason"),
    [
        ("$task", "unknown template value '$task'"),
        ("$view.id", "unknown template value '$view.id'; did you mean $view?"),
        ("$index.x", "unknown template value '$index.x'"),
        (
            "$account.remains",
            "unknown template value '$account.remains'; did you mean $account.remaining?",
        ),
        ("$task.files", "'$task.files' needs the name of a result file after files."),
        ("$request", "'$request' names no input"),
    ],
    ids=[
        "task-alone",
        "view-field",
        "index-field",
        "account-typo",
        "files-unnamed",
        "request-alone",
    ],
)
def test_each_misnamed_value_says_why(expr: str, reason: str) -> None:
    assert expression_error(expr) == reason


def test_an_input_is_checked_only_against_the_operations_inputs() -> None:
    assert expression_error("$request.prompt", INPUTS) == ""
    assert expression_error("$request.anything") == ""  # no inputs given: any name
    assert expression_error("$request.anything", INPUTS) == (
        "'$request.anything': the operation has no input 'anything'"
    )


@pytest.mark.parametrize(
    ("expr", "meant"),
    [
        ("$tsk.id", "$task"),
        ("$reqest.prompt", "$request"),
        ("$acount.money", "$account"),
        ("$pge.number", "$page"),
        ("$veiw", "$view"),
    ],
    ids=["task", "request", "account", "page", "view"],
)
def test_a_misspelt_source_is_named_with_the_one_meant(expr: str, meant: str) -> None:
    assert expression_error(expr) == f"unknown template value {expr!r}; did you mean {meant}?"
