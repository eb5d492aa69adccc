"""`make bench`: client overhead against raw httpx, and an in-process round trip through a mock.

Both sides of each ratio run interleaved in the same process, so machine drift hits them alike.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import httpx

from generated.showapi import ShowapiClient
from generated.showapi.mock import create_mock
from generator.runtime.images import png_base64

ROUNDS, CALLS = 7, 300
ANSWER = (
    b'{"showapi_res_code":0,"showapi_res_error":"","showapi_res_id":"r","showapi_fee_num":1,'
    b'"showapi_res_body":{"ret_code":0,"taskOrder":"t1","status":"done","result":"","ct":""}}'
)


def per_call(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    for _ in range(CALLS):
        fn()
    return (time.perf_counter() - start) / CALLS


def interleaved(a: Callable[[], object], b: Callable[[], object]) -> tuple[float, float]:
    """Median seconds per call of ``a`` and ``b``, measured in alternating rounds."""
    a_times, b_times = [], []
    for _ in range(ROUNDS):
        a_times.append(per_call(a))
        b_times.append(per_call(b))
    return statistics.median(a_times), statistics.median(b_times)


def client_overhead() -> None:
    transport = httpx.MockTransport(
        lambda r: httpx.Response(200, content=ANSWER, headers={"content-type": "application/json"})
    )
    raw = httpx.Client(transport=transport, base_url="https://route.showapi.com")
    client = ShowapiClient("k", transport=transport)

    def raw_call() -> object:
        return raw.post("/3259-2", params={"appKey": "k", "task_id": "t1"}).json()

    ours, theirs = interleaved(lambda: client.get_task(task_id="t1"), raw_call)
    print(
        f"client get_task vs raw httpx, same transport and JSON: "
        f"{ours * 1e6:.0f} us vs {theirs * 1e6:.0f} us, ratio {ours / theirs:.2f}x"
    )


def round_trip() -> None:
    mock = create_mock()
    client = mock.client(ShowapiClient)
    task = client.submit_repaint(prompt="p", image_base64=png_base64())
    samples = []
    for _ in range(ROUNDS):
        samples.append(per_call(lambda: client.get_task(task_id=task.task_order)))
    print(
        f"in-process round trip (client -> mock -> client), get_task: "
        f"median {statistics.median(samples) * 1e6:.0f} us"
    )


if __name__ == "__main__":
    client_overhead()
    round_trip()
