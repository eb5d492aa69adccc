"""A served mock's memory through 100,000 submitted tasks.

The Kling mock (an image vendor: each task keeps its input image) is served by the documented
command in its own process, on the real clock with its default store (in memory, bounded) and
``--task-seconds 0`` so that tasks finish as they come. The async client submits 100,000 tasks
with a 400 x 400 PNG each, 16 at a time; every 100 submits it looks up a task submitted 1,000
earlier and downloads its result images when it has succeeded, so result files are made too
(on demand, into the mock's small cache). The figure is the server process's peak resident
memory (VmHWM) over the whole run. Target: under 150 MB.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from generator.runtime.client import AsyncClient
from generator.runtime.live import ServedProcess
from generator.runtime.tasks import submitted_task_id

from .common import Result, signing_with_test_secret
from .state_growth import client_class, credentials, first_submit, request_values, vendor_of

VENDOR = "kling"
TASKS = 100_000
AT_ONCE = 16
TARGET_MB = 150.0


def memory_mb(pid: int) -> tuple[float, float]:
    """(resident, peak resident) MB of process ``pid``."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0]) / 1024
    return found["VmRSS"], found["VmHWM"]


async def submit_many(served: ServedProcess, count: int) -> dict[str, float]:
    url = served.urls[VENDOR]
    vendor = vendor_of(VENDOR)
    op = first_submit(vendor)
    # a vendor's constructor takes its own credentials (keywords), not the base's
    cls: Callable[..., AsyncClient] = client_class(VENDOR, AsyncClient)
    ids: list[str] = []
    downloads = 0
    start_rss = memory_mb(served.pid)[0]
    async with cls(**credentials(vendor), base_url=url, timeout=60.0) as client:

        async def one() -> None:
            values = request_values(op, url)
            payload = await client._send(op, values)
            ids.append(submitted_task_id(vendor, op, payload, values))

        started = time.perf_counter()
        for block in range(0, count, AT_ONCE):
            await asyncio.gather(*(one() for _ in range(min(AT_ONCE, count - block))))
            if len(ids) > 1000 and block % 100 < AT_ONCE:
                outcome = await client.get_outcome(ids[-1000], operation=op.name)
                for image in outcome.images if outcome.status == "succeeded" else ():
                    downloads += (await client._http.get(image)).status_code == 200
        seconds = time.perf_counter() - started
    rss, peak = memory_mb(served.pid)
    return {
        "start_mb": start_rss,
        "end_mb": rss,
        "peak_mb": peak,
        "seconds": seconds,
        "downloads": downloads,
    }


def run(*, quick: bool = False) -> list[Result]:
    count = 10_000 if quick else TASKS
    # the client signs its JWTs with the mock's test secret (signing_with_test_secret)
    with ServedProcess([VENDOR], "--task-seconds", "0") as served, signing_with_test_secret():
        found = asyncio.run(submit_many(served, count))
    return [
        Result(
            "mock_memory",
            f"served {VENDOR} mock, peak RSS through {count:,} submits with images",
            round(found["peak_mb"], 1),
            "MB",
            f"< {TARGET_MB:g} MB",
            found["peak_mb"] < TARGET_MB,
            f"{found['start_mb']:.0f} MB at start, {found['end_mb']:.0f} MB at the end;"
            f" {count / found['seconds']:.0f} submits/s; {found['downloads']:.0f} results"
            " downloaded",
            found,
        )
    ]
