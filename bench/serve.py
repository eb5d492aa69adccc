"""Servers of the loopback benchmark, one per process.

    python -m bench.serve mock showapi --port P          # the real serve command, nothing else
    python -m bench.serve starlette --port P --answers answers.json
    python -m bench.serve handmade --port P                 # bench.handmade's ShowAPI server

``mock VENDOR`` is ``python -m generator.runtime.mock.serve VENDOR --port P --task-seconds
3600``, run through the command's own ``main`` (its uvicorn settings and its ``gc`` tuning).
``starlette`` is the reference: a bare Starlette app that reads each request's body and answers
fixed JSON, on routes and with the very bytes the mock answered (``--answers``: a JSON list of
``{"method", "path", "body"}``, ``path`` in Starlette's ``{param}`` form), served through the
same ``serve.run`` as the mocks (same uvicorn configuration, same ``gc`` tuning).

``starlette --paced`` also spends a set amount of CPU on each request (``PUT /_pace?us=N``):
the loopback benchmark sets it to what the mock spent beyond bare Starlette in the same round,
to show the server stack's own latency at the mock's cost per request.

``--profile FILE`` runs the server under cProfile and writes the stats when it stops (SIGINT,
which uvicorn turns into a clean shutdown).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import math
import time
from pathlib import Path
from typing import Any

import uvicorn

from generator.runtime.mock import serve
from generator.runtime.mock.exposure import bind

from .handmade import STATES

MAX_PACE_US = 1_000_000.0  # a second of CPU a request: far past any mock's cost


def starlette_app(answers: list[dict[str, str]], paced: bool = False) -> Any:
    """The reference app. ``paced``: it also spends a set number of microseconds of CPU on
    each request (``PUT /_pace?us=N`` sets it, 0 at first), so that the server stack's latency
    can be seen at the mock's own cost per request, with nothing else of the mock's."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    pace = {"us": 0.0}

    def endpoint(body: bytes) -> Any:
        async def answer(request: Request) -> Response:
            await request.body()
            if pace["us"]:
                spin(pace["us"])
            return Response(body, media_type="application/json")

        return answer

    async def set_pace(request: Request) -> Response:
        text = request.query_params.get("us", "0")
        try:
            us = float(text)
        except ValueError:
            us = math.nan
        if not 0.0 <= us <= MAX_PACE_US:  # nan fails too; inf would spin for ever
            return Response(f"us must be 0-{MAX_PACE_US:g}, not {text!r}", status_code=400)
        pace["us"] = us
        return Response(b"", status_code=204)

    routes = [
        Route(a["path"], endpoint(a["body"].encode()), methods=[a["method"]]) for a in answers
    ]
    if paced:
        routes.append(Route("/_pace", set_pace, methods=["PUT"]))
    return Starlette(routes=routes)


def spin(microseconds: float) -> None:
    """Keep the CPU busy for ``microseconds`` (a stand-in for work). Timed by ``perf_counter``,
    which costs no system call: reading the process's CPU clock on every turn would itself add
    system time and overshoot the CPU asked for. The server's one thread is never waiting here,
    so the time spun is CPU time."""
    end = time.perf_counter() + microseconds / 1e6
    while time.perf_counter() < end:
        pass


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="bench.serve")
    p.add_argument("kind", choices=["mock", "starlette", "handmade"])
    p.add_argument("vendor", nargs="?", default="")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--answers", type=Path, help="starlette: the routes and their answers")
    p.add_argument("--paced", action="store_true", help="starlette: with PUT /_pace?us=N")
    p.add_argument("--state", choices=STATES, default="growing", help="handmade: what it keeps")
    p.add_argument("--profile", default="")
    args = p.parse_args(argv)
    profiler = cProfile.Profile() if args.profile else None
    if profiler is not None:
        profiler.enable()
    try:
        if args.kind == "mock":
            serve.main([args.vendor, "--port", str(args.port), "--task-seconds", "3600"])
        else:
            if args.kind == "handmade":
                from .handmade import Showapi

                app: Any = Showapi(state=args.state)
            else:
                app = starlette_app(json.loads(args.answers.read_text()), paced=args.paced)
            config = uvicorn.Config(app, host="127.0.0.1", port=args.port, log_level="warning")
            sock = bind("127.0.0.1", args.port, args.kind)
            serve.run([(args.kind, uvicorn.Server(config), sock)])
    finally:
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(args.profile)


if __name__ == "__main__":
    main()
