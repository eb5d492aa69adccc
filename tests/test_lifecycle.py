"""One task lifecycle for every asynchronous vendor: submit-and-wait, downloads, progress on a
terminal, caller-named tasks that survive a lost answer, and the one callback receiver."""

from __future__ import annotations

import asyncio
import io
import json

import httpx
import pytest
from PIL import Image

from generated.hdrepaint import HdrepaintClient
from generated.hdrepaint.mock import create_mock as create_hd
from generated.kling import VENDOR as KLING
from generated.kling import KlingClient
from generated.kling.mock import create_mock as create_kling
from generated.showapi import VENDOR as SHOWAPI
from generated.showapi import ShowapiClient
from generated.showapi.mock import create_mock as create_showapi
from generated.zhiqite import VENDOR as ZHIQITE
from generated.zhiqite import AsyncZhiqiteClient, ZhiqiteClient, models
from generated.zhiqite.mock import create_mock as create_zhiqite
from generator.runtime import errors
from generator.runtime.images import png_base64, png_bytes
from generator.runtime.receiver import CallbackReceiver
from generator.runtime.tasks import TaskOutcome, TerminalProgress

URL_IMAGE = "https://zhiqite.market.alicloudapi.com/_mock/examples/example.png"


def scripts(task_id: str) -> models.Text2ImageScripts:
    return models.Text2ImageScripts(sd_model_checkpoint="m.safetensors", id_task=task_id)


# -- submit and wait, for every asynchronous vendor --------------------------------------------
def test_submit_and_wait_gives_one_outcome_type_for_every_vendor() -> None:
    outcomes = []
    with create_showapi().client(ShowapiClient) as c:
        outcomes.append(c.submit_repaint_and_wait(prompt="p", image_base64=png_base64()))
    with create_hd().client(HdrepaintClient) as c:
        outcomes.append(c.submit_seamless_and_wait(input_image=png_bytes(48, 48)))
    with create_kling().client(KlingClient) as c:
        outcomes.append(c.create_task_and_wait(element_frontal_image=png_base64(400, 400)))
    with create_zhiqite().client(ZhiqiteClient) as c:
        outcomes.append(
            c.text_to_image_and_wait(prompt="p", batch_size=1, always_on_scripts=scripts("a"))
        )
        outcomes.append(
            c.enhance_and_wait(business_task_id="e", image=URL_IMAGE, upscaling_resize=2)
        )
    assert all(isinstance(o, TaskOutcome) and o.status == "succeeded" for o in outcomes)
    assert all(o.images and o.task_id for o in outcomes)


def test_async_submit_and_wait_with_progress() -> None:
    """Every outcome the async wait reports carries the vendor's progress figure, as a fraction
    of the run time that has passed on the clock (Zhiqite writes it as text, two decimals)."""
    seen: list[tuple[float, TaskOutcome]] = []
    mock = create_zhiqite()
    progress_at = ZHIQITE.task.fields.progress

    async def run() -> TaskOutcome:
        async with mock.client(AsyncZhiqiteClient) as client:
            return await client.text_to_image_and_wait(
                prompt="p",
                batch_size=1,
                always_on_scripts=scripts("progress"),
                on_progress=lambda o: seen.append((mock.clock.time(), o)),
            )

    outcome = asyncio.run(run())
    (task,) = mock.store.tasks.values()
    running = [(at, o) for at, o in seen if o.status == "running"]
    assert len(running) >= 2, "the run is long enough for two polls while it runs"
    for at, reported in running:
        share = (at - task.created_at - task.queue_seconds) / task.run_seconds
        assert reported.progress == pytest.approx(round(share, 2))
        assert reported.progress == float(reported.raw["temporaryImageDto"]["progress"])
        assert progress_at == "temporaryImageDto.progress"
    figures = [o.progress for _, o in running]
    assert figures == sorted(figures) and 0 < figures[0] < figures[-1] < 1
    assert seen[0][1].status == "queued" and seen[0][1].progress is None
    assert outcome.status == "succeeded" and seen[-1][1] is outcome and len(outcome.images) == 1


def test_wait_times_out_with_the_last_status_seen() -> None:
    mock = create_showapi(task_seconds=1000)
    with mock.client(ShowapiClient) as client, pytest.raises(errors.WaitTimeoutError) as caught:
        client.submit_repaint_and_wait(prompt="p", image_base64=png_base64(), timeout=30)
    assert caught.value.outcome.status == "running"


# -- downloads ---------------------------------------------------------------------------------
def test_download_saves_every_result_image(tmp_path) -> None:
    mock = create_kling()
    with mock.client(KlingClient) as client:
        outcome = client.create_task_and_wait(element_frontal_image=png_base64(400, 300))
        paths = client.download(outcome, tmp_path / "views")
    assert [p.name for p in paths] == ["01-view_1.png", "02-view_2.png", "03-view_3.png"]
    assert all(Image.open(p).size == (400, 300) for p in paths)


def test_download_of_a_missing_file_raises_a_typed_error(tmp_path) -> None:
    mock = create_showapi()
    gone = TaskOutcome(
        "t", "succeeded", "done", images=("http://mock.invalid/_mock/files/x/y.png",)
    )
    with mock.client(ShowapiClient) as client, pytest.raises(errors.NotFoundError):
        client.download(gone, tmp_path)


# -- progress on a terminal ----------------------------------------------------------------------
class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_long_wait_on_a_terminal_draws_a_progress_line(monkeypatch) -> None:
    terminal = FakeTerminal()
    monkeypatch.setattr("sys.stderr", terminal)
    mock = create_zhiqite()
    with mock.client(ZhiqiteClient) as client:
        client.text_to_image_and_wait(prompt="p", batch_size=1, always_on_scripts=scripts("t"))
    text = terminal.getvalue()
    assert "\r" in text and "task t: running" in text and "%" in text
    assert text.endswith("\n") and "succeeded" in text.splitlines()[-1]


def test_no_progress_line_when_not_a_terminal_or_switched_off(monkeypatch) -> None:
    quiet = io.StringIO()
    monkeypatch.setattr("sys.stderr", quiet)
    with create_kling().client(KlingClient) as client:
        client.create_task_and_wait(element_frontal_image=png_base64(400, 400))
        client.create_task_and_wait(element_frontal_image=png_base64(400, 400), show_progress=False)
    assert quiet.getvalue() == ""


def test_short_waits_stay_silent() -> None:
    from generator.runtime.clock import VirtualClock

    stream, clock = io.StringIO(), VirtualClock()
    progress = TerminalProgress(stream, clock, quiet_seconds=3)
    progress(TaskOutcome("t", "running", "1", progress=0.5))
    clock.advance(1)
    progress(TaskOutcome("t", "succeeded", "2"))
    assert stream.getvalue() == ""


# -- caller-named tasks survive a lost answer ---------------------------------------------------
def test_a_named_submit_resent_after_a_dropped_answer_leaves_one_task() -> None:
    mock = create_kling()
    mock.inject_fault("drop", operation="create_task")
    with mock.client(KlingClient) as client:
        created = client.create_task(element_frontal_image=png_base64(400, 400))
    assert len(mock.store.tasks) == 1
    task = next(iter(mock.store.tasks.values()))
    assert created.task_id == task.id and created.task_info.external_task_id.startswith("sdk-")
    submits = [e for e in mock.journal if e.operation == "create_task"]
    assert [e.status for e in submits] == [200, 400]  # done but lost, then refused as a duplicate


def test_a_zhiqite_drawing_resent_after_a_dropped_answer_leaves_one_task() -> None:
    mock = create_zhiqite()
    mock.inject_fault("drop", operation="text_to_image")
    with mock.client(ZhiqiteClient) as client:
        accepted = client.text_to_image(prompt="p", batch_size=1, always_on_scripts=scripts("z-1"))
        outcome = client.wait("z-1")
    assert accepted.task_id == "z-1" and len(mock.store.tasks) == 1
    assert outcome.status == "succeeded"


def test_an_unnamed_submit_is_not_resent_when_its_outcome_is_unknown() -> None:
    mock = create_showapi()
    mock.inject_fault("drop", operation="submit_repaint")
    with mock.client(ShowapiClient) as client, pytest.raises(errors.APIConnectionError) as caught:
        client.submit_repaint(prompt="p", image_base64=png_base64())
    assert caught.value.sent and len(mock.store.tasks) == 1
    assert len([e for e in mock.journal if e.operation == "submit_repaint"]) == 1


# -- faults the client rides through ---------------------------------------------------------
def test_server_errors_and_rate_limits_are_retried_for_queries() -> None:
    mock = create_kling()
    with mock.client(KlingClient) as client:
        task = client.create_task(element_frontal_image=png_base64(400, 400))
        mock.inject_fault("error", count=1, status=503, operation="get_task")
        mock.inject_fault("rate_limit", count=1, operation="get_task")
        assert client.get_task(task_id=task.task_id).task_id == task.task_id
    statuses = [e.status for e in mock.journal if e.operation == "get_task"]
    assert statuses == [503, 429, 200]


def test_latency_is_spent_on_the_mocks_clock() -> None:
    mock = create_showapi()
    start = mock.clock.time()
    mock.inject_fault("latency", seconds=7.5, operation="list_tasks")
    with mock.client(ShowapiClient) as client:
        client.list_tasks()
    assert mock.clock.time() - start == pytest.approx(7.5)


def test_a_5xx_on_a_submit_is_not_resent() -> None:
    mock = create_showapi()
    mock.inject_fault("error", status=502, operation="submit_repaint")
    with mock.client(ShowapiClient) as client, pytest.raises(errors.ServerError) as caught:
        client.submit_repaint(prompt="p", image_base64=png_base64())
    assert caught.value.status_code == 502 and mock.store.tasks == {}


# -- the one callback receiver ----------------------------------------------------------------
def test_the_receiver_answers_each_vendor_as_it_expects() -> None:
    receiver = CallbackReceiver([SHOWAPI, KLING, ZHIQITE])
    status, answer = receiver.handle(
        "/zhiqite", json.dumps({"id_task": "a", "status": 2, "desc": "ok"}).encode()
    )
    assert (status, answer) == (200, {"code": "200"})
    status, answer = receiver.handle(
        "/showapi", json.dumps({"task_id": "b", "status": "done", "result": "u"}).encode()
    )
    assert status == 200 and receiver.received[-1].outcome.images == ("u",)
    status, _ = receiver.handle(
        "/zhiqite/enhance", json.dumps({"businessTaskId": "c", "status": 2}).encode()
    )
    assert status == 200 and receiver.received[-1].outcome.task_id == "c"
    assert [r.outcome.status for r in receiver.received] == ["succeeded"] * 3
    assert receiver.handle("/nobody", b"{}")[0] == 404
    assert receiver.handle("/kling", b"not json")[0] == 400
    assert receiver.handle("/kling", b"[]")[0] == 400


def test_mock_callbacks_reach_the_receiver_in_process() -> None:
    got: list[tuple[str, TaskOutcome]] = []
    receiver = CallbackReceiver([KLING], on_outcome=lambda v, o: got.append((v, o)))
    mock = create_kling(callback_transport=receiver.transport())
    with mock.client(KlingClient) as client:
        client.create_task(
            element_frontal_image=png_base64(400, 400), callback_url="http://hooks/kling"
        )
    for _ in range(10):
        mock.advance(1)
    assert [o.status for _v, o in got] == ["queued", "running", "succeeded"]
    assert all(v == "kling" for v, _o in got) and len(got[-1][1].images) == 3


def test_over_a_thousand_tasks_every_callback_lands_exactly_once() -> None:
    """A receiver that fails each delivery's first two attempts still ends up with exactly one
    accepted delivery per task and status: the vendor's ladder (3, 5, ...) runs on the clock."""
    failures: dict[str, int] = {}
    accepted: list[str] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        key = f"{body['id_task']}:{body['status']}"
        failures[key] = failures.get(key, 0) + 1
        if failures[key] <= 2:
            return httpx.Response(500, text="busy")
        accepted.append(key)
        return httpx.Response(200, json={"code": "200"})

    mock = create_zhiqite(callback_transport=httpx.MockTransport(flaky))
    with mock.client(ZhiqiteClient) as client:
        for n in range(1000):
            client.text_to_image(
                prompt="p",
                batch_size=1,
                width=64,
                height=64,
                callback_url="http://hooks/zq",
                always_on_scripts=scripts(f"t{n}"),
            )
    for _ in range(30):
        mock.advance(1)
    assert len(accepted) == len(set(accepted)) == 1000
    assert sum(1 for a in mock.callbacks.attempts if a.accepted) == 1000
    assert mock.callbacks.pending == []
