"""In-process round trip: ``mock.client(ShowapiClient).get_task`` (client -> mock -> client).

Target: under 300 us median. Measured side by side with two references in the same rounds, so
the table also shows numbers that machine drift does not move: raw httpx on a fixed-answer
MockTransport (the floor of any httpx call) and ``mock.handle`` alone (the mock's half).
"""

from __future__ import annotations

import httpx

from generated.showapi import ShowapiClient
from generated.showapi.mock import create_mock
from generator.runtime.images import png_base64
from generator.runtime.mock import MockRequest, MockResponse

from .client_overhead import ANSWER, HEADERS
from .common import Result, interleaved, median, paired_ratio

TARGET_US = 300.0
# What httpx sends with a body-less POST, as the mock's transport hands it to the core.
WIRE_HEADERS = [
    ("host", "route.showapi.com"),
    ("accept", "*/*"),
    ("accept-encoding", "gzip, deflate"),
    ("connection", "keep-alive"),
    ("user-agent", f"python-httpx/{httpx.__version__}"),
    ("content-length", "0"),
]


def run(*, quick: bool = False) -> list[Result]:
    mock = create_mock()
    client = mock.client(ShowapiClient)
    done = client.submit_repaint(prompt="p", image_base64=png_base64()).task_order
    assert done is not None
    mock.advance(10)  # the default task takes 3 s of the virtual clock
    waiting_mock = create_mock()
    waiting_client = waiting_mock.client(ShowapiClient)
    waiting = waiting_client.submit_repaint(prompt="p", image_base64=png_base64()).task_order
    assert waiting is not None
    url = f"{waiting_mock.vendor.base_url}/3259-2?appKey=test&task_id={waiting}"

    raw = httpx.Client(
        transport=httpx.MockTransport(
            lambda _r: httpx.Response(200, content=ANSWER, headers=HEADERS)
        ),
        base_url="https://route.showapi.com",
    )

    def handle_only() -> MockResponse:
        return waiting_mock.handle(MockRequest.build("POST", url, WIRE_HEADERS, b""))

    assert waiting_client.get_task(task_id=waiting).status == "wait"
    assert client.get_task(task_id=done).status == "done"
    assert handle_only().status == 200
    fns = {
        "round_trip": lambda: waiting_client.get_task(task_id=waiting),
        "round_trip_done": lambda: client.get_task(task_id=done),
        "handle": handle_only,
        "raw": lambda: raw.post("/3259-2", params={"appKey": "k", "task_id": "t1"}).json(),
    }
    rounds, calls = (11, 100) if quick else (31, 150)
    s = interleaved(fns, rounds=rounds, calls=calls)
    trip = median(s["round_trip"]) * 1e6
    note = f"{rounds} interleaved rounds x {calls} calls, CPU time; task still running ('wait')"
    results = [
        Result(
            "round_trip",
            "in-process round trip get_task (median)",
            round(trip, 1),
            "us",
            f"< {TARGET_US:.0f} us",
            trip < TARGET_US,
            note,
            {"samples_us": [x * 1e6 for x in s["round_trip"]]},
        ),
        Result(
            "round_trip",
            "  same, task finished ('done', result URLs rendered)",
            round(median(s["round_trip_done"]) * 1e6, 1),
            "us",
        ),
        Result(
            "round_trip",
            "  of which mock.handle alone (MockRequest -> MockResponse)",
            round(median(s["handle"]) * 1e6, 1),
            "us",
            note=f"{paired_ratio(s['handle'], s['round_trip']) * 100:.0f}% of the round trip",
        ),
        Result(
            "round_trip",
            "  reference: raw httpx call on a fixed-answer MockTransport",
            round(median(s["raw"]) * 1e6, 1),
            "us",
        ),
        Result(
            "round_trip",
            "  round trip / raw httpx call (drift-free form of the target)",
            round(paired_ratio(s["round_trip"], s["raw"]), 2),
            "x",
            note=f"the 300 us target is {TARGET_US / (median(s['raw']) * 1e6):.2f}x raw "
            "httpx on this machine today",
        ),
    ]
    client.close()
    waiting_client.close()
    raw.close()
    return results
