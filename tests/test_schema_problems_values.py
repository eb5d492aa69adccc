"""``validation.schema_problems`` value by value: which checker a schema goes to (the direct one
for a plain scalar schema, even one using every plain key; jsonschema for anything nested) and
the exact words of each problem, a bad URL in the project's words and every other format error
in jsonschema's."""

from __future__ import annotations

import pytest

from generator.runtime.validation import SIMPLE_KEYS, has_jsonschema, schema_problems

pytestmark = pytest.mark.skipif(
    not has_jsonschema(),
    reason="needs the mock extra's schema validator (openapi-schema-validator)",
)

# A plain string schema using every key the direct checker knows, and nothing else.
EVERY_PLAIN_KEY = {
    "type": "string",
    "format": "uri",
    "enum": ["http://a.example/x"],
    "minimum": 0,
    "maximum": 1,
    "exclusiveMinimum": False,
    "exclusiveMaximum": False,
    "minLength": 1,
    "maxLength": 40,
    "multipleOf": 1,
    "nullable": False,
    "default": "http://a.example/x",
    "description": "a link",
    "title": "Link",
    "example": "http://a.example/x",
    "x-py-name": "link",
    "x-sdk-aliases": [],
}

NESTED = {
    "type": "object",
    "properties": {
        "link": {"type": "string", "format": "uri"},
        "day": {"type": "string", "format": "date"},
        "size": {"type": "integer", "format": "int32"},
    },
}


def test_the_example_schema_uses_exactly_the_plain_keys() -> None:
    assert EVERY_PLAIN_KEY.keys() == SIMPLE_KEYS


@pytest.mark.parametrize(
    ("value", "problems"),
    [
        (None, ["None for not nullable"]),
        (5, ["5 is not of type 'string'"]),
        ("http://a.example/x", []),
    ],
    ids=["none", "wrong-type", "good"],
)
def test_a_schema_of_only_plain_keys_is_checked_directly(value: object, problems: list) -> None:
    # jsonschema would also list the enum and the maximum for these: the direct check stops
    # at the first thing that makes the rest meaningless.
    assert schema_problems(EVERY_PLAIN_KEY, value) == problems


def test_a_nested_bad_url_is_named_so_and_other_formats_in_jsonschemas_words() -> None:
    value = {"link": "ftp://files.example/a.png", "day": "someday", "size": 2**40}
    assert schema_problems(NESTED, value) == [
        "not an http(s) URL",
        "'someday' is not a 'date'",
        "1099511627776 is not a 'int32'",
    ]


def test_a_nested_pattern_naming_uri_is_not_a_url_problem() -> None:
    schema = {"type": "object", "properties": {"kind": {"type": "string", "pattern": "uri"}}}
    assert schema_problems(schema, {"kind": "url"}) == ["'url' does not match 'uri'"]


def test_a_nested_good_value_has_no_problem() -> None:
    value = {"link": "https://files.example/a.png", "day": "2024-02-29", "size": 7}
    assert schema_problems(NESTED, value) == []
