"""Python names from vendor names: ``pageSize`` -> ``page_size``, ``get_task`` -> ``GetTask``."""

from __future__ import annotations

import keyword
import re

_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+|\d+")


def words(name: str) -> list[str]:
    return _WORDS.findall(name.replace("-", " ").replace(".", " "))


def snake(name: str) -> str:
    result = "_".join(w.lower() for w in words(name))
    if not result or result[0].isdigit() or keyword.iskeyword(result):
        result = f"{result}_"
    return result


def pascal(name: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in words(name))


def is_identifier(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name)
