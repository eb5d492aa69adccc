"""1,000 submit-and-wait cycles against the in-process mock, on its virtual clock.

Each cycle is ``client.submit_repaint`` then ``client.wait(task_order)``: the default task
takes 3 s of virtual time, and ``wait()`` advances the clock instead of sleeping. Target: the
1,000 cycles in under 2 s. The time of each block of 100 cycles is kept too: a cost that grows
with the number of tasks and journal entries the mock holds shows as later blocks getting slower.
"""

from __future__ import annotations

import gc
import time

from generated.showapi import ShowapiClient
from generated.showapi.mock import create_mock
from generator.runtime.images import png_base64

from .common import Options, Result, clock, measured

TARGET_S = 2.0
CYCLES = 1000
BLOCK = 100


def cycles(count: int) -> tuple[float, float, list[float], int]:
    """(CPU seconds, wall seconds, CPU seconds per block of 100, requests the mock received)
    of ``count`` cycles on a fresh mock (CPU time: see ``common.clock``)."""
    mock = create_mock()
    image = png_base64()
    blocks: list[float] = []
    with mock.client(ShowapiClient) as client:
        gc.collect()
        wall = time.perf_counter()
        start = block_start = clock()
        for i in range(1, count + 1):
            task = client.submit_repaint(prompt="make it winter", image_base64=image)
            if task.task_order is None:
                raise AssertionError(f"cycle {i}: no task order in {task}")
            outcome = client.wait(task.task_order)
            if outcome.status != "succeeded":
                raise AssertionError(f"cycle {i}: {outcome}")
            if i % BLOCK == 0:
                now = clock()
                blocks.append(now - block_start)
                block_start = now
        total = clock() - start
        wall = time.perf_counter() - wall
    return total, wall, blocks, len(mock.journal)


def run(opts: Options) -> list[Result]:
    count = 200 if opts.quick else CYCLES
    cycles(20)  # warm-up: imports, first-call caches
    runs = [cycles(count) for _ in range(opts.rounds)]
    projected = [total * CYCLES / count for total, _wall, _blocks, _requests in runs]
    growth = [blocks[-1] / blocks[0] for _total, _wall, blocks, _requests in runs]
    requests = runs[0][3]
    return [
        measured(
            "submit_wait",
            f"{CYCLES} submit + wait cycles, virtual clock (total)",
            projected,
            "s",
            target=f"< {TARGET_S:.0f} s",
            meets=lambda v: v < TARGET_S,
            note=("projected from " if count != CYCLES else "")
            + f"{count} cycles a round, a fresh mock each; {requests / count:.1f} requests per "
            "cycle; CPU time",
            extra={"cycles": count, "blocks_s": [r[2] for r in runs]},
        ),
        measured(
            "submit_wait",
            "  last 100 cycles / first 100 (growth with the mock's state)",
            growth,
            "x",
            digits=2,
        ),
    ]
