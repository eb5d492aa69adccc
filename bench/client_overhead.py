"""Client overhead: ``ShowapiClient.get_task`` against raw httpx on the same transport and JSON.

Both go through one ``httpx.MockTransport`` answering the same bytes, so the difference is what
the generated client adds: input checks, building the request, auth, unwrapping the envelope
and the pydantic model. Target: at most 1.10x raw httpx.
"""

from __future__ import annotations

import httpx

from generated.showapi import ShowapiClient

from .common import Result, interleaved, median, paired_ratio, spread

TARGET = 1.10
ANSWER = (
    b'{"showapi_res_code":0,"showapi_res_error":"","showapi_res_id":"r","showapi_fee_num":1,'
    b'"showapi_res_body":{"ret_code":0,"taskOrder":"t1","status":"done","result":"","ct":""}}'
)
HEADERS = {"content-type": "application/json"}


def run(*, quick: bool = False) -> list[Result]:
    transport = httpx.MockTransport(
        lambda _request: httpx.Response(200, content=ANSWER, headers=HEADERS)
    )
    raw = httpx.Client(transport=transport, base_url="https://route.showapi.com")
    client = ShowapiClient("k", transport=transport)

    def raw_call() -> object:
        return raw.post("/3259-2", params={"appKey": "k", "task_id": "t1"}).json()

    def ours_call() -> object:
        return client.get_task(task_id="t1")

    assert ours_call().status == "done" and raw_call()["showapi_res_code"] == 0
    rounds, calls = (11, 100) if quick else (41, 150)
    samples = interleaved({"client": ours_call, "raw": raw_call}, rounds=rounds, calls=calls)
    ours, theirs = median(samples["client"]), median(samples["raw"])
    ratio = paired_ratio(samples["client"], samples["raw"])
    client.close()
    raw.close()
    return [
        Result(
            "client_overhead",
            "client get_task / raw httpx (same MockTransport, same JSON)",
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
        )
    ]
