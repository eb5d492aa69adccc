"""Servers of the loopback benchmark, one per process.

    python -m bench.serve mock showapi --port P          # the real serve command, nothing else
    python -m bench.serve starlette --port P --answers answers.json

``mock VENDOR`` is ``python -m generator.runtime.mock.serve VENDOR --port P --task-seconds
3600``, run through the command's own ``main`` (its uvicorn settings and its ``gc`` tuning).
``starlette`` is the reference: a bare Starlette app that reads each request's body and answers
fixed JSON, on routes and with the very bytes the mock answered (``--answers``: a JSON list of
``{"method", "path", "body"}``, ``path`` in Starlette's ``{param}`` form), served through the
same ``serve.run`` as the mocks (same uvicorn configuration, same ``gc`` tuning).

``--profile FILE`` runs the server under cProfile and writes the stats when it stops (SIGINT,
which uvicorn turns into a clean shutdown).
"""

from __future__ import annotations

import argparse
import cProfile
import json
from pathlib import Path
from typing import Any

import uvicorn

from generator.runtime.mock import serve
from generator.runtime.mock.exposure import bind


def starlette_app(answers: list[dict[str, str]]) -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    def endpoint(body: bytes) -> Any:
        async def answer(request: Request) -> Response:
            await request.body()
            return Response(body, media_type="application/json")

        return answer

    routes = [
        Route(a["path"], endpoint(a["body"].encode()), methods=[a["method"]]) for a in answers
    ]
    return Starlette(routes=routes)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="bench.serve")
    p.add_argument("kind", choices=["mock", "starlette"])
    p.add_argument("vendor", nargs="?", default="")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--answers", type=Path, help="starlette: the routes and their answers")
    p.add_argument("--profile", default="")
    args = p.parse_args(argv)
    profiler = cProfile.Profile() if args.profile else None
    if profiler is not None:
        profiler.enable()
    try:
        if args.kind == "mock":
            serve.main([args.vendor, "--port", str(args.port), "--task-seconds", "3600"])
        else:
            app = starlette_app(json.loads(args.answers.read_text()))
            config = uvicorn.Config(app, host="127.0.0.1", port=args.port, log_level="warning")
            sock = bind("127.0.0.1", args.port, "starlette")
            serve.run([("starlette", uvicorn.Server(config), sock)])
    finally:
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(args.profile)


if __name__ == "__main__":
    main()
