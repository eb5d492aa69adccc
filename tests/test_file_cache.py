"""``mock.files.FileCache``: result files made once and served from memory, least recently
used out first, never more than ``max_bytes`` held (a set larger than that is not kept)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from generator.runtime.mock.files import FileCache, Files


class Maker:
    """Makes ``size`` bytes under each key, counting how often each key was made."""

    def __init__(self) -> None:
        self.made: Counter[str] = Counter()

    def __call__(self, key: str, size: int) -> Callable[[], Files]:
        def make() -> Files:
            self.made[key] += 1
            return {f"{key}.png": (key.encode()[:1] * size, "image/png")}

        return make


def test_files_are_made_once_and_then_served_as_made() -> None:
    cache, make = FileCache(max_bytes=100), Maker()
    first = cache.get("a", make("a", 10))
    again = cache.get("a", make("a", 10))
    assert again is first and again == {"a.png": (b"a" * 10, "image/png")}
    assert make.made == {"a": 1} and cache.size == 10


def test_a_set_of_exactly_the_limit_is_kept_and_a_larger_one_is_not() -> None:
    cache, make = FileCache(max_bytes=100), Maker()
    cache.get("fits", make("fits", 100))
    cache.get("fits", make("fits", 100))
    assert make.made["fits"] == 1 and cache.size == 100
    big = cache.get("big", make("big", 101))
    assert big == {"big.png": (b"b" * 101, "image/png")}  # served all the same
    cache.get("big", make("big", 101))
    assert make.made["big"] == 2 and cache.size == 100
    cache.get("fits", make("fits", 100))
    assert make.made["fits"] == 1  # the larger set pushed nothing out


def test_the_least_recently_used_set_goes_first() -> None:
    cache, make = FileCache(max_bytes=30), Maker()
    for key in ("a", "b", "c"):
        cache.get(key, make(key, 10))
    cache.get("a", make("a", 10))  # "a" is now the most recently used
    cache.get("d", make("d", 10))  # one must go: "b"
    assert cache.size == 30
    for key in ("a", "c", "d"):
        cache.get(key, make(key, 10))
    assert make.made == {"a": 1, "b": 1, "c": 1, "d": 1}
    cache.get("b", make("b", 10))
    assert make.made["b"] == 2 and cache.size == 30


def test_clear_forgets_every_file() -> None:
    cache, make = FileCache(max_bytes=30), Maker()
    cache.get("a", make("a", 10))
    cache.clear()
    assert cache.size == 0
    cache.get("a", make("a", 10))
    assert make.made["a"] == 2 and cache.size == 10
