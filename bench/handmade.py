"""A hand-written server for ShowAPI's two benchmarked requests: the least work those requests
need, with nothing generic. Not part of `make bench`: `python -m bench.profile --instructions
--split` counts its instructions beside the mock's, and `python -m bench.handmade [--state S]`
serves it beside bare Starlette as the loopback benchmark serves its servers.

It does what the mock must do for them, and only that: the ``appKey`` looked up; the form read;
``prompt`` required and not blank; exactly one of the two image inputs; the base64 image within
its length, decoded, of an accepted format and under the pixel cap; a fresh task id; the task
stored and the account charged; the journal's entry with the image shortened; the task's
status from the clock and its creation time in the vendor's time zone; the envelope. What it
leaves out, the mock does on every request too, and it is the measure of the generic design:
routing by the spec, each input checked against its schema, the answer made from the spec's
template, faults, callbacks, result files, refusals in the vendor's words.

The figure it gives is a floor: what a server written for these two requests alone would cost
on this stack, to set the mock's cost against.
"""

from __future__ import annotations

import random
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import orjson

from generator.runtime.images import ImageProblem, decode_base64, sniff
from generator.runtime.mock.asgi import _Stalled, _TooLarge, _whole_body
from generator.runtime.mock.core import _ID_LETTERS
from generator.runtime.mock.messages import parse_form, parse_query
from generator.runtime.mock.store import DEFAULT_MAX_TASKS

App = Callable[[dict[str, Any], Any, Any], Awaitable[None]]
FORMATS = frozenset({"png", "jpeg", "webp"})
MAX_BASE64_CHARS = 3_670_016
MAX_PIXELS = 25_000_000
MAX_BODY_BYTES = 32 * 1024 * 1024  # the mock's default
VENDOR_UTC_OFFSET = 8 * 3600
# What the server keeps (``--state``): every task (as the mock keeps tasks that never finish), the
# last ``BOUNDED_TASKS`` of them (the mock's default bound), or none; the first ``PINNED_TASKS``
# (the task queried among them) are kept in every case, the journal in all but "none".
STATES = ("growing", "bounded", "none")
BOUNDED_TASKS = DEFAULT_MAX_TASKS
PINNED_TASKS = 100
TASK_SECONDS = 3600.0  # as the benchmarks serve the mock: a task is still running when queried


@dataclass(slots=True)
class Task:
    id: str
    account: str
    created_at: float
    prompt: str
    image: bytes
    callback_url: str


@dataclass(slots=True)
class Account:
    key: str
    used: int = 0


class Showapi:
    """ShowAPI's submit (``/3259-1``) and task query (``/3259-2``), state in memory.

    ``state`` (one of ``STATES``) is what it keeps, all else the same: what keeping state, and
    letting it grow, costs a server, set against the same server keeping less."""

    def __init__(self, keys: tuple[str, ...] = ("test",), *, state: str = "growing") -> None:
        if state not in STATES:
            raise ValueError(f"state {state!r} is not one of {', '.join(STATES)}")
        self.accounts = {key: Account(key) for key in keys}
        self.tasks: dict[str, Task] = {}
        self.journal: deque[tuple[Any, ...]] = deque(maxlen=0 if state == "none" else 10_000)
        self.state = state
        self._unpinned: deque[str] = deque()  # ids of the tasks past the first, oldest first
        self._random = random.Random()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        try:  # the mock's own reading of a body, its size limit included
            body = await _whole_body(headers, receive, MAX_BODY_BYTES, http1=True)
        except (_TooLarge, _Stalled):  # too large, or it stopped coming
            answer = _error(-1, "the body could not be read", "")
        else:
            query_string = scope["query_string"].decode("latin-1")
            answer = self.answer(scope["path"], query_string, headers, body)
        length = b"%d" % len(answer)
        start_headers = [(b"content-type", b"application/json"), (b"content-length", length)]
        await send({"type": "http.response.start", "status": 200, "headers": start_headers})
        await send({"type": "http.response.body", "body": answer})

    def answer(self, path: str, query_string: str, headers: dict[str, str], body: bytes) -> bytes:
        request_id = f"{self._random.getrandbits(96):024x}"
        query = parse_query(query_string) if query_string else {}
        params = {**query, "appKey": "****"}  # what the journal keeps: never the key
        account = self.accounts.get(query.get("appKey", ""))
        if account is None:
            found: dict[str, Any] | str = "unknown appKey"
        elif path == "/3259-2":
            found = self._query(account, query)
        elif path == "/3259-1":
            found = self._submit(account, headers, body, params)
        else:
            found = "no such operation"
        if isinstance(found, str):
            answer = _error(-1, found, request_id)
        else:
            answer = orjson.dumps(
                {
                    "showapi_res_body": {**found, "ret_code": 0},
                    "showapi_res_error": "",
                    "showapi_res_code": 0,
                    "showapi_res_id": request_id,
                    "showapi_fee_num": 1,
                }
            )
        self.journal.append((time.time(), path, params, answer))
        return answer

    def _query(self, account: Account, query: dict[str, str]) -> dict[str, Any] | str:
        task = self.tasks.get(query.get("task_id", ""))
        if task is None or task.account != account.key:
            return "no such task"
        done = time.time() >= task.created_at + TASK_SECONDS
        local = time.gmtime(task.created_at + VENDOR_UTC_OFFSET)
        return {
            "taskOrder": task.id,
            "status": "done" if done else "wait",
            "result": f"http://127.0.0.1/files/{task.id}.png" if done else "",
            "ct": time.strftime("%Y-%m-%d %H:%M:%S", local),
        }

    def _submit(
        self, account: Account, headers: dict[str, str], body: bytes, params: dict[str, str]
    ) -> dict[str, Any] | str:
        if not headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            return "a form body is expected"
        try:
            form = parse_form(body.decode("utf-8"))
        except UnicodeDecodeError:
            return "the body is not UTF-8"
        params.update(
            {k: v if len(v) <= 1024 else f"<{len(v)} characters>" for k, v in form.items()}
        )
        prompt, image = form.get("prompt", ""), form.get("orgin_img_base64")
        if not prompt.strip():
            return "prompt is required"
        if (image is None) == (form.get("orgin_img_url") is None):
            return "exactly one of orgin_img_base64, orgin_img_url is required"
        if image is None:
            return "this server takes base64 images only"
        if len(image) > MAX_BASE64_CHARS:
            return "the image is too long"
        try:
            data = decode_base64(image)
            fmt, width, height = sniff(data)
        except ImageProblem as exc:
            return str(exc)
        if fmt not in FORMATS or width * height > MAX_PIXELS:
            return "the image is not accepted"
        callback = form.get("callback_url", "")
        task = Task(self._new_id(), account.key, time.time(), prompt, data, callback)
        self._keep(task)
        account.used += 1
        return {"remark": "task accepted", "taskOrder": task.id, "prompt": prompt}

    def _keep(self, task: Task) -> None:
        """Store ``task`` as ``state`` says: always among the first ``PINNED_TASKS``; past them,
        always ("growing"), forgetting the oldest past ``BOUNDED_TASKS`` ("bounded"), or never."""
        if len(self.tasks) < PINNED_TASKS:
            self.tasks[task.id] = task
        elif self.state != "none":
            self.tasks[task.id] = task
            self._unpinned.append(task.id)
            if self.state == "bounded" and len(self._unpinned) > BOUNDED_TASKS:
                del self.tasks[self._unpinned.popleft()]

    def _new_id(self) -> str:
        while True:
            found = self._random.randbytes(23).translate(_ID_LETTERS).decode("ascii")
            if found not in self.tasks:
                return found


def _error(code: int, message: str, request_id: str) -> bytes:
    return orjson.dumps(
        {
            "showapi_res_body": {},
            "showapi_res_error": message,
            "showapi_res_code": code,
            "showapi_res_id": request_id,
        }
    )


APPS: dict[str, type[Showapi]] = {"showapi_query": Showapi, "showapi_submit": Showapi}


ROUNDS, SECONDS = 5, 4.0


def served(rounds: int = ROUNDS, seconds: float = SECONDS, *, state: str = "growing") -> None:
    """This server and bare Starlette answering its very bytes, each served as the loopback
    benchmark serves its servers (``bench.serve``: uvicorn, uvloop, the ``gc`` tuning) and
    loaded in turn by ``wrk -t2 -c32`` for ``seconds``, ``rounds`` times in alternating order:
    per ShowAPI request, the CPU per request and the p99 of each, and their ratios per round
    (median, lowest-highest). What a server built for these requests alone costs, served;
    ``state`` (``python -m bench.handmade --state bounded``): what the server keeps
    (``Showapi``)."""
    import json
    import statistics
    import sys
    import tempfile
    from pathlib import Path

    from . import loopback, tools

    work = Path(tempfile.mkdtemp(prefix="bench-handmade-"))
    exe = tools.wrk()
    started: list[loopback.Server] = []

    def start(kind: str, *extra: str) -> loopback.Server:
        port = loopback.free_port()
        cmd = [sys.executable, "-m", "bench.serve", kind, *extra, "--port", str(port)]
        server = loopback.Server(cmd, port, work / f"{kind}.log")
        started.append(server)
        server.wait_ready()
        return server

    try:
        made = start("handmade", "--state", state)
        workloads = loopback.showapi(loopback.sender(made.base))
        for w in workloads:
            reply = loopback._send(made.base, w)
            assert loopback._success(w, reply), reply.text  # never measure refusals
            w.answer = reply.text
        answers = work / "answers.json"
        answers.write_text(
            json.dumps([{"method": w.method, "path": w.route, "body": w.answer} for w in workloads])
        )
        servers = {"handmade": made, "starlette": start("starlette", "--answers", str(answers))}
        for w in workloads:
            script = loopback.wrk_script(w, work / f"{w.key}.lua")
            for server in servers.values():
                loopback.wrk(exe, script, server.base, 2.0)  # warm, not counted
            runs: dict[str, list[tuple[float, float]]] = {name: [] for name in servers}
            for r in range(rounds):
                for name in list(servers) if r % 2 == 0 else list(reversed(servers)):
                    pid = servers[name].proc.pid
                    cpu = loopback.cpu_seconds(pid)
                    stats = loopback.wrk(exe, script, servers[name].base, seconds)
                    cpu = loopback.cpu_seconds(pid) - cpu
                    n = max(1, stats["requests"])
                    runs[name].append((cpu / n * 1e6, stats["latency_us"]["p99"] / 1e3))
            for index, figure in enumerate(("CPU per request", "p99")):
                ratios = [
                    a[index] / b[index]
                    for a, b in zip(runs["handmade"], runs["starlette"], strict=True)
                ]
                mine = statistics.median(x[index] for x in runs["handmade"])
                bare = statistics.median(x[index] for x in runs["starlette"])
                unit = "us" if index == 0 else "ms"
                print(
                    f"{w.key:15} {figure:15} handmade {mine:7.2f} {unit}  starlette "
                    f"{bare:7.2f} {unit}  ratio {statistics.median(ratios):.2f} "
                    f"({min(ratios):.2f}-{max(ratios):.2f})",
                    flush=True,
                )
    finally:
        for server in started:
            server.stop()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(prog="bench.handmade", description=served.__doc__)
    parser.add_argument("--state", choices=STATES, default="growing")
    served(state=parser.parse_args().state)
