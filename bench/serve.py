"""Servers of the loopback benchmark, one per process: ``python -m bench.serve KIND --port P``.

KIND is
  mock       the ShowAPI mock exactly as ``python -m generator.runtime.mock.serve showapi
             --task-seconds 3600`` builds it (same ``build_mock`` and ``create_app``), with the
             uvicorn event loop and HTTP parser chosen by ``--loop`` / ``--http``;
  starlette  a bare Starlette app answering fixed JSON on the same route (the ceiling of any
             Starlette app on this uvicorn);
  asgi       a raw ASGI callable answering the same bytes (the ceiling of uvicorn itself).

``--profile FILE`` runs the server under cProfile and writes the stats when it stops (SIGINT /
SIGTERM, which uvicorn turns into a clean shutdown).
"""

from __future__ import annotations

import argparse
import cProfile
from typing import Any

import uvicorn

ANSWER = (
    b'{"showapi_res_code":0,"showapi_res_error":"","showapi_res_id":"abcdefghijklmnopqrstuvwx",'
    b'"showapi_fee_num":1,"showapi_res_body":{"ret_code":0,"taskOrder":"AbCdEfGhIjKlMnOpQrStUvW",'
    b'"status":"wait","result":"","ct":"2026-01-01 00:00:00"}}'
)
ROUTE = "/3259-2"


def mock_app() -> Any:
    from generator.runtime.clock import SystemClock
    from generator.runtime.mock.asgi import create_app
    from generator.runtime.mock.serve import build_mock

    mock = build_mock(
        "showapi", clock=SystemClock(), task_seconds=3600, allowed_hosts=[], credentials=["test"]
    )
    return create_app(mock, background=True)


def starlette_app() -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    async def endpoint(request: Request) -> Response:
        await request.body()
        return Response(ANSWER, media_type="application/json")

    return Starlette(routes=[Route(ROUTE, endpoint, methods=["POST"])])


def asgi_app() -> Any:
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(ANSWER))]

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        more = True
        while more:
            more = (await receive()).get("more_body", False)
        ok = scope["path"] == ROUTE and scope["method"] == "POST"
        await send(
            {"type": "http.response.start", "status": 200 if ok else 404, "headers": headers}
        )
        await send({"type": "http.response.body", "body": ANSWER})

    return app


APPS = {"mock": mock_app, "starlette": starlette_app, "asgi": asgi_app}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="bench.serve")
    p.add_argument("kind", choices=sorted(APPS))
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--loop", default="asyncio", choices=["asyncio", "uvloop", "auto"])
    p.add_argument("--http", default="h11", choices=["h11", "httptools", "auto"])
    p.add_argument("--profile", default="")
    args = p.parse_args(argv)
    app = APPS[args.kind]()
    profiler = cProfile.Profile() if args.profile else None
    if profiler is not None:
        profiler.enable()
    try:
        uvicorn.run(
            app,
            host="127.0.0.1",
            port=args.port,
            log_level="warning",
            loop=args.loop,
            http=args.http,
        )
    finally:
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(args.profile)


if __name__ == "__main__":
    main()
