"""What the benchmarks share: results, and timing that puts both sides of a ratio side by side."""

from __future__ import annotations

import contextlib
import gc
import os
import resource
import statistics
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent  # the repository


@dataclass
class Result:
    """One number of the table. ``ok`` is None when the row has no target (context only)."""

    bench: str
    name: str
    value: float | None
    unit: str
    target: str = ""
    ok: bool | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    # The spread of ``value`` when it is the median of several rounds: the lowest and highest
    # round, and how many rounds there were (0: a single figure, or context).
    low: float | None = None
    high: float | None = None
    rounds: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def measured(
    bench: str,
    name: str,
    samples: list[float],
    unit: str,
    *,
    target: str = "",
    meets: Callable[[float], bool] | None = None,
    note: str = "",
    digits: int = 3,
    extra: dict[str, Any] | None = None,
) -> Result:
    """A row whose value is the median of ``samples`` (one per round), with the lowest and
    highest round beside it; ``meets`` judges the median against the target."""
    mid = statistics.median(samples)
    return Result(
        bench,
        name,
        round(mid, digits),
        unit,
        target,
        None if meets is None else bool(meets(mid)),
        note,
        {"samples": samples, **(extra or {})},
        round(min(samples), digits),
        round(max(samples), digits),
        len(samples),
    )


@dataclass(frozen=True)
class Options:
    """What ``make bench`` passes every benchmark's ``run``: ``quick`` for a smoke run
    (fewer, shorter rounds; not for reporting), ``rounds`` (at least 5 otherwise) and
    ``seconds`` per load run for the benchmarks that load a server."""

    quick: bool = False
    rounds: int = 5
    seconds: float = 4.0


# The in-process benchmarks time the CPU time of their own thread, not the wall clock: on a
# shared machine the wall clock also counts the time other processes hold the core, which is
# most of the noise. The work measured is single-threaded and never sleeps (the mock's clock is
# virtual), so on a quiet machine both agree.
clock = time.thread_time


def per_call(fn: Callable[[], object], calls: int) -> float:
    """CPU seconds per call of ``fn`` over ``calls`` calls, after a collection so that no
    earlier garbage is collected on this round's time."""
    gc.collect()
    start = clock()
    for _ in range(calls):
        fn()
    return (clock() - start) / calls


def interleaved(
    fns: Mapping[str, Callable[[], object]], *, rounds: int, calls: int, warmup: int = 50
) -> dict[str, list[float]]:
    """Seconds per call of each of ``fns``, one sample per round, in alternating order (ABC,
    CBA, ABC, ...) so that drift of the machine hits every side alike."""
    names = list(fns)
    for name in names:
        for _ in range(warmup):
            fns[name]()
    samples: dict[str, list[float]] = {name: [] for name in names}
    for i in range(rounds):
        for name in names if i % 2 == 0 else reversed(names):
            samples[name].append(per_call(fns[name], calls))
    return samples


def median(values: list[float]) -> float:
    return statistics.median(values)


def ratios(a: list[float], b: list[float]) -> list[float]:
    """Per-round ratios a/b of samples taken side by side."""
    return [x / y for x, y in zip(a, b, strict=True)]


def paired_ratio(a: list[float], b: list[float]) -> float:
    """Median of the per-round ratios a/b: each ratio compares samples taken next to each
    other, which is steadier than a ratio of two medians when the machine drifts."""
    return statistics.median(x / y for x, y in zip(a, b, strict=True))


def spread(values: list[float]) -> float:
    """(max - min) / median of the samples: how noisy a measurement was."""
    mid = statistics.median(values)
    return (max(values) - min(values)) / mid if mid else 0.0


def machine_busy_seconds() -> float:
    """CPU seconds all cores of the machine have spent busy since boot (/proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def signing_with_test_secret() -> Iterator[None]:
    """Kling JWTs signed with the mocks' test credential, without PyJWT's
    ``InsecureKeyLengthWarning`` (and only that warning). The secret is the vendor's mock
    default, "test": a test credential, not a real key, so PyJWT's advice of 32 bytes for an
    HS256 key does not apply. A longer secret is not an option: the serve command gives every
    key it accepts that default secret (``--credential`` adds access keys, not secrets)."""
    from jwt.warnings import InsecureKeyLengthWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureKeyLengthWarning)
        yield


def own_cpu_seconds() -> float:
    """CPU seconds of this process and the children it has waited for."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
