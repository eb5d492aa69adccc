"""1,000 concurrent submits with images from the async client to a served Zhiqite mock.

The mock is served by the documented command (``python -m generator.runtime.mock.serve
zhiqite``, as ``make mock`` runs it) in its own process; the async client fires every submit
at once (``asyncio.gather``; httpx's pool keeps up to 100 connections open) with the example
request of Zhiqite's first submit that takes images (its image URLs point at the mock's own
example image, so the mock fetches and checks an image for each), each with its own caller id.
The figure is the wall time from the first request to the last answer. Then, untimed, every
returned id is looked up: none may be missing, and all must differ. Target: under 10 s.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from pathlib import Path

from generator.runtime.client import AsyncClient
from generator.runtime.live import ServedProcess
from generator.runtime.tasks import submitted_task_id
from generator.runtime.vendor import Operation, Vendor

from .common import Result
from .state_growth import client_class, credentials, request_values, vendor_of

VENDOR = "zhiqite"
SUBMITS = 1000
TARGET_S = 10.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds process ``pid`` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def image_submit(vendor: Vendor) -> Operation:
    """The vendor's first submit whose example carries an image."""
    return next(
        op
        for op in vendor.operations
        if op.role == "submit" and op.limits.images and "$example_png" in str(op.example)
    )


async def concurrent_submits(
    package: str, url: str, count: int, pid: int | None = None
) -> tuple[dict[str, float], list[str], int]:
    """(wall seconds for ``count`` concurrent submits, with the CPU seconds the server
    (process ``pid``) and this client spent on them; the ids returned; how many are found)."""
    # a vendor's constructor takes its own credentials (keywords), not the base's
    cls: Callable[..., AsyncClient] = client_class(package, AsyncClient)
    vendor = vendor_of(package)
    async with cls(**credentials(vendor), base_url=url, max_retries=0, timeout=600.0) as client:
        op = image_submit(vendor)
        sent = [request_values(op, url) for _ in range(count)]
        server, own, start = (
            cpu_seconds(pid) if pid else 0.0,
            time.process_time(),
            time.perf_counter(),
        )
        payloads = await asyncio.gather(*(client._send(op, values) for values in sent))
        timing = {
            "wall": time.perf_counter() - start,
            "server_cpu": cpu_seconds(pid) - server if pid else 0.0,
            "client_cpu": time.process_time() - own,
        }
        ids = [
            submitted_task_id(vendor, op, payload, values)
            for payload, values in zip(payloads, sent, strict=True)
        ]
        gate = asyncio.Semaphore(50)

        async def found(task_id: str) -> bool:
            async with gate:
                outcome = await client.get_outcome(task_id, operation=op.name)
                return outcome.task_id == task_id

        checked = await asyncio.gather(*(found(task_id) for task_id in ids))
    return timing, ids, sum(checked)


def run(*, quick: bool = False) -> list[Result]:
    count = 200 if quick else SUBMITS
    with ServedProcess([VENDOR]) as served:
        asyncio.run(concurrent_submits(VENDOR, served.urls[VENDOR], 20))  # warm-up
        timing, ids, found = asyncio.run(
            concurrent_submits(VENDOR, served.urls[VENDOR], count, served.pid)
        )
    seconds = timing["wall"]
    distinct = len(set(ids))
    ok = seconds < TARGET_S * count / SUBMITS and distinct == found == count
    return [
        Result(
            "mock_concurrency",
            f"{count:,} concurrent {VENDOR} submits with images, served mock (wall)",
            round(seconds, 2),
            "s",
            f"< {TARGET_S * count / SUBMITS:g} s, none lost",
            ok,
            f"{distinct:,} distinct ids, {found:,} found again; {count / seconds:.0f} submits/s;"
            f" CPU for the submits: server {timing['server_cpu']:.1f} s,"
            f" client {timing['client_cpu']:.1f} s (wall time is theirs on an idle machine)",
            timing,
        )
    ]
