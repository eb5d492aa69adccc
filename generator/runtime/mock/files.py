"""A small cache of result files: tasks keep their inputs, not their results.

A task's result files are made from its input when first needed (a download, a base64 answer,
a preview) and kept here, least recently used first out, up to ``max_bytes`` in all; a file
evicted is made again, identically, the next time it is asked for. So a mock's memory grows
with the tasks it holds (their inputs), never with the results it has served.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

Files = dict[str, tuple[bytes, str]]
DEFAULT_MAX_BYTES = 8 * 1024 * 1024


class FileCache:
    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._files: OrderedDict[str, tuple[Files, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str, make: Callable[[], Files]) -> Files:
        """The files under ``key``, made by ``make()`` (outside the cache's lock) if absent."""
        with self._lock:
            found = self._files.get(key)
            if found is not None:
                self._files.move_to_end(key)
                return found[0]
        files = make()
        size = sum(len(data) for data, _kind in files.values())
        with self._lock:
            if key not in self._files and size <= self.max_bytes:
                self._files[key] = (files, size)
                self._size += size
                while self._size > self.max_bytes:
                    _key, (_files, dropped) = self._files.popitem(last=False)
                    self._size -= dropped
        return files

    def clear(self) -> None:
        with self._lock:
            self._files.clear()
            self._size = 0

    @property
    def size(self) -> int:
        """Bytes held now."""
        return self._size
