"""What some work leaves behind in reference cycles, the objects only the garbage collector
frees (the served mocks freeze what outlives a collection: see ``mock.collector``)."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable


def cycles_left(work: Callable[[], object]) -> tuple[int, str]:
    """Run ``work`` with the collector off, then collect: how many objects ``work`` left in
    reference cycles, and a line naming their kinds (for an assertion's message)."""
    gc.collect()
    was_on = gc.isenabled()
    gc.disable()
    try:
        work()
        gc.set_debug(gc.DEBUG_SAVEALL)  # what the collector finds is kept, to be named
        found = gc.collect()
    finally:
        gc.set_debug(0)
        kinds = Counter(type(obj).__name__ for obj in gc.garbage)
        gc.garbage.clear()
        if was_on:
            gc.enable()
    return found, f"{found} objects in cycles: {kinds.most_common(8)}"
