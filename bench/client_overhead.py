"""Client overhead: ``ShowapiClient.get_task`` against raw httpx doing the same work.

Like for like: the raw side builds the same request (method, URL and query, the same
User-Agent and Accept-Encoding headers, the same timeout), sends it with ``httpx.Client.send``
through the same ``httpx.MockTransport`` answering the same bytes, parses the JSON and
validates the payload into the same pydantic model. The difference is what the generated
client adds: input checks, auth, the envelope, the request id. Target: at most 1.10x.

Also the import cost: importing one vendor's client, as a ratio to ``import httpx, pydantic``
in the same run (fresh interpreters, interleaved). Target: at most 1.5x.
"""

from __future__ import annotations

import compileall
import statistics
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import httpx

from generated.showapi import ShowapiClient, models
from generator.runtime.client import user_agent

from .common import ROOT, Result, interleaved, median, paired_ratio, spread

TARGET = 1.10
ANSWER = (
    b'{"showapi_res_code":0,"showapi_res_error":"","showapi_res_id":"r","showapi_fee_num":1,'
    b'"showapi_res_body":{"ret_code":0,"taskOrder":"t1","status":"done","result":"","ct":""}}'
)
HEADERS = {"content-type": "application/json"}


def make_calls() -> tuple[Callable[[], Any], Callable[[], Any], Callable[[], None]]:
    """The two calls compared (ours, raw) and what closes their clients."""
    transport = httpx.MockTransport(
        lambda _request: httpx.Response(200, content=ANSWER, headers=HEADERS)
    )
    raw = httpx.Client(transport=transport, base_url="https://route.showapi.com")
    client = ShowapiClient("k", transport=transport)

    headers = {"User-Agent": user_agent(), "Accept-Encoding": "gzip"}
    timeout = httpx.Timeout(30.0).as_dict()

    def raw_call() -> models.GetTaskResult:
        request = httpx.Request(
            "POST",
            "https://route.showapi.com/3259-2",
            params={"task_id": "t1", "appKey": "k"},
            headers=headers,
            extensions={"timeout": timeout},
        )
        body = raw.send(request).json()
        return models.GetTaskResult.model_validate(body["showapi_res_body"])

    def ours_call() -> models.GetTaskResult:
        return client.get_task(task_id="t1")

    def close() -> None:
        client.close()
        raw.close()

    return ours_call, raw_call, close


def run(*, quick: bool = False) -> list[Result]:
    ours_call, raw_call, close = make_calls()
    assert ours_call().status == "done" and raw_call().status == "done"
    rounds, calls = (11, 100) if quick else (41, 150)
    samples = interleaved({"client": ours_call, "raw": raw_call}, rounds=rounds, calls=calls)
    ours, theirs = median(samples["client"]), median(samples["raw"])
    ratio = paired_ratio(samples["client"], samples["raw"])
    close()
    return [
        Result(
            "client_overhead",
            "client get_task / raw httpx send + same pydantic parse (like for like)",
            round(ratio, 3),
            "x",
            f"<= {TARGET:.2f}x",
            ratio <= TARGET,
            f"client {ours * 1e6:.0f} us vs raw {theirs * 1e6:.0f} us per call; "
            f"{rounds} interleaved rounds x {calls} calls, CPU time, median of per-round ratios",
            {
                "client_us": ours * 1e6,
                "raw_us": theirs * 1e6,
                "added_us": (ours - theirs) * 1e6,
                "ratio_of_minimums": min(samples["client"]) / min(samples["raw"]),
                "client_spread": spread(samples["client"]),
                "raw_spread": spread(samples["raw"]),
                "rounds": rounds,
                "calls": calls,
            },
        ),
        import_ratio(rounds=5 if quick else 9),
    ]


IMPORT_TARGET = 1.5
TIMED_IMPORT = "import time; t = time.perf_counter(); import {}; {}; print(time.perf_counter() - t)"


def _import_seconds(modules: str, then: str = "None") -> float:
    done = subprocess.run(
        [sys.executable, "-c", TIMED_IMPORT.format(modules, then)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout)


def import_ratio(rounds: int) -> Result:
    """One client's import time over ``import httpx, pydantic``: fresh interpreters, the two
    imports alternating, the median of the per-round ratios. The project's modules are compiled
    first, as installing the wheel compiles them. The client leaves its pydantic models to first
    use, so the detail also gives the import plus loading the vendor model (what making the
    first client adds, beside httpx's own connection pool)."""
    compileall.compile_dir(ROOT / "generator", quiet=1)
    compileall.compile_dir(ROOT / "generated", quiet=1)
    ratios, ours, theirs, loaded = [], [], [], []
    for _ in range(rounds):
        base = _import_seconds("httpx, pydantic")
        client = _import_seconds("generated.showapi")
        ratios.append(client / base)
        ours.append(client)
        theirs.append(base)
        loaded.append(_import_seconds("generated.showapi", then="generated.showapi.VENDOR"))
    ratio = statistics.median(ratios)
    return Result(
        "client_import",
        "import generated.showapi / import httpx, pydantic (fresh interpreters)",
        round(ratio, 3),
        "x",
        f"<= {IMPORT_TARGET:.2f}x",
        ratio <= IMPORT_TARGET,
        f"client {statistics.median(ours) * 1e3:.0f} ms vs "
        f"{statistics.median(theirs) * 1e3:.0f} ms; median of {rounds} alternating rounds; "
        f"with the vendor model loaded {statistics.median(loaded) * 1e3:.0f} ms",
        {
            "client_ms": statistics.median(ours) * 1e3,
            "base_ms": statistics.median(theirs) * 1e3,
            "with_vendor_ms": statistics.median(loaded) * 1e3,
            "ratios": ratios,
            "rounds": rounds,
        },
    )
