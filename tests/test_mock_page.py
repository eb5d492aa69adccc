"""The mock's page for people (``GET /_mock/``), in a real headless Chromium, and its data.

The browser is Debian's ``chromium`` package driven by Playwright (never a browser that
Playwright would download): the set-up installs it with apt-get when it is missing and this
runs as root, and the browser tests are skipped, saying why, only when it cannot be had.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from generated.showapi import ShowapiClient
from generated.showapi.mock import create_mock as create_showapi
from generator.runtime import errors
from generator.runtime.clock import VirtualClock
from generator.runtime.images import png_base64
from generator.runtime.live import LiveServer
from generator.runtime.mock import VendorMock
from generator.runtime.mock.page import MAX_LIMIT
from generator.runtime.mock.serve import build_mock, vendor_packages

ROOT = Path(__file__).resolve().parents[1]
HOUSE = ROOT / "tests" / "data" / "house.png"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TOKEN_HEADER = "x-mock-admin-token"


# -- the browser ------------------------------------------------------------------------------
def _install_chromium() -> str:
    """Why Chromium cannot be had, or "" once ``/usr/bin/chromium`` is there."""
    if os.path.exists(CHROMIUM):
        return ""
    if os.name != "posix" or os.geteuid() != 0 or shutil.which("apt-get") is None:
        return "Chromium is missing, and only root with apt-get can install it"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    lock = ["-o", "DPkg::Lock::Timeout=600"]
    for step in (["update"], ["install", "-y", "chromium"]):
        done = subprocess.run(
            ["apt-get", *lock, *step], env=env, capture_output=True, text=True, timeout=1200
        )
        if done.returncode != 0:
            return f"apt-get {step[0]} chromium failed: {done.stderr.strip()[-300:]}"
    return "" if os.path.exists(CHROMIUM) else "apt-get installed no /usr/bin/chromium"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    problem = _install_chromium()
    if problem:
        pytest.skip(f"no headless browser for the mock page: {problem}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (it is in the dev extra)")
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    tab = browser.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    tab.close()


class OnAPort(LiveServer):
    """A mock on a loopback port, on its own clock (a virtual one moves only when advanced)."""

    def __init__(self, mock: VendorMock, app: Any = None) -> None:
        super().__init__(app or mock.app)
        self.mock = mock


def house() -> str:
    import base64

    return base64.b64encode(HOUSE.read_bytes()).decode()


# -- in the browser ---------------------------------------------------------------------------
def test_a_task_is_followed_from_submit_to_its_result_and_faults_are_driven_from_the_page(
    page: Any,
) -> None:
    mock = create_showapi(clock=VirtualClock(), task_seconds=3)
    with (
        OnAPort(mock) as served,
        ShowapiClient("test", base_url=served.url, max_retries=0) as client,
    ):
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(f"{served.url}/_mock/")
        page.wait_for_selector("text=No tasks yet.")
        task_id = client.submit_repaint(prompt="snow on the roofs", image_base64=house()).task_order

        card = page.locator(f'article.task[data-id="{task_id}"]')
        card.wait_for()  # the page noticed the new task by itself
        assert card.get_attribute("data-status") == "running"
        assert _natural_width(card.locator('img[data-kind="input"]')) > 0

        page.click("#advance-quick button[data-seconds='5']")
        page.wait_for_selector(f'article.task[data-id="{task_id}"][data-status="succeeded"]')
        result = card.locator('img[data-kind="result"]')
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=result.element_handle()
        )
        assert _natural_width(result) > 0 and mock.clock.time() == VirtualClock().time() + 5
        card.locator("button.raw").click()  # the vendor's own answer about the task
        page.wait_for_selector("#view-dialog[open]")
        view = json.loads(page.inner_text("#view-body"))["answer"]["showapi_res_body"]
        assert (view["taskOrder"], view["status"]) == (task_id, "done")
        page.click("#view-close")

        with pytest.raises(errors.NotFoundError):
            client.get_task(task_id="no-such-task")
        page.click("button[data-tab=journal]")
        page.wait_for_selector("details.entry")
        assert page.locator("details.entry").count() == 2
        page.check("#journal-failures")
        page.wait_for_function("document.querySelectorAll('details.entry').length === 1")
        refused = page.locator("details.entry").first
        assert "no task with id no-such-task" in refused.inner_text()
        assert refused.get_attribute("data-operation") == "get_task"

        page.select_option("#fault-kind", "error")
        page.fill("#fault-status", "502")
        page.select_option("#fault-operation", "get_task")
        page.click("#inject")
        page.wait_for_selector("li.fault")
        assert "502" in page.inner_text("#faults")
        with pytest.raises(errors.ServerError) as failed:
            client.get_task(task_id=task_id)
        assert failed.value.status_code == 502
        page.wait_for_function("!document.querySelector('li.fault')")  # used up: gone from the page
        assert client.get_task(task_id=task_id).status == "done"
    outside = [url for url in requested if not url.startswith((served.url, "blob:", "data:"))]
    assert requested and not outside  # nothing from outside the mock


def test_the_next_outcome_and_reset_are_set_from_the_page(page: Any) -> None:
    mock = create_showapi(clock=VirtualClock(), task_seconds=3)
    with OnAPort(mock) as served, ShowapiClient("test", base_url=served.url) as client:
        page.goto(f"{served.url}/_mock/")
        page.select_option("#outcome-status", "failed")
        page.fill("#outcome-error", "the GPU caught fire")
        page.click("#outcome-form button")
        page.wait_for_selector("#outcomes >> text=the GPU caught fire")
        task_id = client.submit_repaint(prompt="p", image_base64=png_base64(64, 48)).task_order
        page.fill("#advance-seconds", "4")
        page.click("#advance")
        card = page.locator(f'article.task[data-id="{task_id}"][data-status="failed"]')
        assert "the GPU caught fire" in card.inner_text()

        page.click("#reset")
        page.click("#reset")  # a second click confirms
        page.wait_for_selector("text=No tasks yet.")
        assert mock.store.tasks == {} and len(mock.journal) == 0


def test_the_page_asks_for_the_admin_token_and_sends_it_as_the_header(page: Any) -> None:
    mock = create_showapi(clock=VirtualClock(), task_seconds=3)
    with mock.client(ShowapiClient) as client:
        done = client.submit_repaint_and_wait(prompt="p", image_base64=house())
    seen: list[str] = []
    app = _token_guard(mock.app, "s3cret-admin-token", seen)
    with OnAPort(mock, app) as served:
        page.goto(f"{served.url}/_mock/")
        page.wait_for_selector("#token-dialog[open]")
        page.fill("#token-input", "wrong")
        page.click("#token-save")
        page.wait_for_selector("#token-note >> text=refused that token")
        page.fill("#token-input", "s3cret-admin-token")
        page.click("#token-save")
        result = page.locator(f'article.task[data-id="{done.task_id}"] img[data-kind="result"]')
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=result.element_handle()
        )  # images too come with the token
        later = _clock(mock.clock.time() + 30)
        page.click("#advance-quick button[data-seconds='30']")
        page.wait_for_function(f"document.querySelector('#clock').textContent.includes('{later}')")
        assert page.evaluate("sessionStorage.getItem('mock-admin-token')") == "s3cret-admin-token"
    assert seen[-1] == "s3cret-admin-token" and "wrong" in seen


def test_on_a_real_clock_the_page_offers_no_advance(page: Any) -> None:
    from generator.runtime.clock import SystemClock
    from generator.runtime.mock.asgi import create_app

    mock = create_showapi(clock=SystemClock())
    with OnAPort(mock, create_app(mock, background=True)) as served:
        page.goto(f"{served.url}/_mock/")
        page.wait_for_selector("#clock-note >> text=real clock")
        assert page.locator("#clock-panel button:enabled").count() == 0
        assert "real clock" in page.inner_text("#clock")


def test_the_page_fits_a_phone_and_a_laptop(page: Any) -> None:
    mock = create_showapi(clock=VirtualClock())
    with mock.client(ShowapiClient) as client:
        client.submit_repaint(prompt="a long prompt " * 20, image_base64=house())
    with OnAPort(mock) as served:
        for width, height in ((390, 844), (1280, 800)):
            page.set_viewport_size({"width": width, "height": height})
            page.goto(f"{served.url}/_mock/")
            page.wait_for_selector("article.task")
            shown = {"tasks": "article.task", "journal": "details.entry", "callbacks": ".empty"}
            for tab, rows in shown.items():
                page.click(f"button[data-tab={tab}]")
                page.wait_for_selector(f"#tab-{tab}:not([hidden]) {rows}")
                overflow = page.evaluate("document.documentElement.scrollWidth")
                assert overflow <= width, f"{tab} is {overflow} px wide on a {width} px screen"


BIG_PROMPT = "x" * 1_000


@pytest.fixture(scope="module")
def busy_mock() -> VendorMock:
    """A mock with 10,000 tasks of long prompts, its journal full (the tests only read it)."""
    mock = create_showapi(clock=VirtualClock(), journal_limit=10_000)
    image = png_base64(16, 16)
    for _ in range(10_000):
        _submit(mock, BIG_PROMPT, image)
    return mock


def test_the_page_pages_through_10000_tasks(page: Any, busy_mock: VendorMock) -> None:
    mock = busy_mock
    newest = list(mock.store.tasks)[::-1]
    with OnAPort(mock) as served:
        page.goto(f"{served.url}/_mock/")
        page.wait_for_selector(".pager[data-for=tasks] >> text=1–50 of 10,000")
        assert page.locator("article.task").count() == 50
        assert page.locator("article.task").first.get_attribute("data-id") == newest[0]
        page.click(".pager[data-for=tasks] button[data-step='1']")
        page.wait_for_selector(".pager[data-for=tasks] >> text=51–100 of 10,000")
        assert page.locator("article.task").first.get_attribute("data-id") == newest[50]
        page.fill("#task-q", newest[9_999])
        page.wait_for_selector(".pager[data-for=tasks] >> text=1 shown")
        assert page.locator("article.task").first.get_attribute("data-id") == newest[9_999]


def _natural_width(locator: Any) -> int:
    return locator.evaluate("img => img.naturalWidth")


def _clock(at: float) -> str:
    """The clock's time as the page shows it (in UTC, whatever the machine's zone)."""
    from datetime import UTC, datetime

    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M:%S")


def _token_guard(app: Any, token: str, seen: list[str]) -> Any:
    """``app`` behind an admin token on every /_mock/ path but the page itself (result files
    included), answering 401 without it, as a mock with an admin token set does."""

    async def guarded(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/_mock/"):
            given = dict(scope["headers"]).get(TOKEN_HEADER.encode(), b"").decode()
            if scope["path"] != "/_mock/" and given != token:
                if given:
                    seen.append(given)
                body = b'{"error":"admin token required"}'
                start = [(b"content-type", b"application/json")]
                await send({"type": "http.response.start", "status": 401, "headers": start})
                await send({"type": "http.response.body", "body": body})
                return
            if given:
                seen.append(given)
        await app(scope, receive, send)

    return guarded


# -- the page's data, without a browser -------------------------------------------------------
@pytest.mark.parametrize("package", vendor_packages())
def test_every_mock_serves_the_page_and_its_data(package: str) -> None:
    mock = build_mock(package)
    with httpx.Client(transport=mock.transport(), base_url="http://mock.test") as http:
        page = http.get("/_mock/")
        state = http.get("/_mock/state").json()
        tasks = http.get("/_mock/tasks").json()
        journal = http.get("/_mock/journal/page").json()
        callbacks = http.get("/_mock/callbacks").json()
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert b"<script" in page.content and not _external_assets(page.text)
    assert state["vendor"]["package"] == package and state["clock"]["virtual"] is True
    assert {op["name"] for op in state["operations"]} == set(mock.vendor.ops)
    assert tasks["total"] == journal["total"] == callbacks["total"] == 0
    assert _through_the_app(mock, "/_mock/") == page.content  # the ASGI app answers it too


def _through_the_app(mock: VendorMock, path: str) -> bytes:
    """``path`` from the mock's ASGI app in-process, on a loop of its own thread (Playwright's
    sync API keeps a loop running in this one while the browser is open)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _aget(mock, path)).result()


async def _aget(mock: VendorMock, path: str) -> bytes:
    transport = mock.async_transport()
    async with httpx.AsyncClient(transport=transport, base_url="http://mock.test") as http:
        return (await http.get(path)).content


def _external_assets(html: str) -> list[str]:
    """Anything the page would load from another host: scripts, styles, fonts, images."""
    import re

    found = re.findall(r"""(?:src|href)=["'](?:https?:)?//""", html)
    found += re.findall(r"""url\(\s*["']?(?:https?:)?//""", html)
    return found + re.findall(r"""@import|fetch\(\s*[`"']https?:""", html)


def test_a_data_page_stays_small_with_10000_tasks_and_a_full_journal(
    busy_mock: VendorMock,
) -> None:
    mock = busy_mock
    assert len(mock.store.tasks) == 10_000 and len(mock.journal) == 10_000
    with httpx.Client(transport=mock.transport(), base_url="http://mock.test") as http:
        first = http.get("/_mock/tasks", params={"limit": 50})
        deep = http.get("/_mock/tasks", params={"offset": 9_990, "limit": 50}).json()
        journal = http.get("/_mock/journal/page", params={"limit": MAX_LIMIT})
        state = http.get("/_mock/state")
        too_many = http.get("/_mock/tasks", params={"limit": MAX_LIMIT + 1})
        whole = http.get("/_mock/journal")
    page = first.json()
    assert page["total"] == 10_000 and len(page["items"]) == 50
    assert len(first.content) < 40_000  # one page, not the store: 50 rows of under 800 bytes
    assert len(journal.content) < MAX_LIMIT * 1_200  # prompts and images cut short
    assert len(state.content) < 4_000
    assert whole.content.count(BIG_PROMPT.encode()) >= 10_000  # what the page never loads
    assert len(deep["items"]) == 10 and deep["items"][-1]["id"] == next(iter(mock.store.tasks))
    assert page["items"][0]["id"] == list(mock.store.tasks)[-1]  # newest first
    assert too_many.status_code == 400 and "limit" in too_many.json()["error"]


def _submit(mock: VendorMock, prompt: str, image: str) -> None:
    from urllib.parse import urlencode

    from generator.runtime.mock import MockRequest

    body = urlencode({"prompt": prompt, "orgin_img_base64": image}).encode()
    answer = mock.handle(
        MockRequest.build(
            "POST",
            "http://mock.test/3259-1?appKey=test",
            [("content-type", "application/x-www-form-urlencoded")],
            body,
        )
    )
    assert answer.status == 200 and answer.json()["showapi_res_body"]["ret_code"] == 0


@pytest.mark.parametrize("package", vendor_packages())
def test_every_vendors_tasks_show_their_view_and_images_without_credentials(
    package: str,
) -> None:
    from generator.runtime.pytest_plugin import _client_class
    from generator.runtime.testing import as_kwargs, example_values

    key, secret = "page-key-4f9a2c71e0", "page-secret-8d03be55aa"
    mock = build_mock(package)
    mock.add_credential(key, secret=secret)
    names = [c.name for c in mock.vendor.auth.credentials]
    given = dict(zip(names, (key, secret), strict=False))
    with mock.client(_client_class(package), max_retries=0, **given) as client:
        for op in mock.vendor.operations:
            with contextlib.suppress(errors.APIError):
                getattr(client, op.name)(**as_kwargs(op, example_values(op, client.base_url)))
    mock.advance(60)
    assert mock.accounts[key].used > 0  # the calls were made with these credentials
    paths = ["/_mock/state", "/_mock/tasks", "/_mock/journal/page", "/_mock/callbacks"]
    paths += [f"/_mock/tasks/{task_id}" for task_id in mock.store.tasks]
    with httpx.Client(transport=mock.transport(), base_url="http://mock.test") as http:
        for path in paths:
            answer = http.get(path)
            assert answer.status_code == 200, (path, answer.text[:200])
            assert key not in answer.text and secret not in answer.text, path
        for task in http.get("/_mock/tasks").json()["items"]:
            assert task["status"] == "succeeded" and task["results"], task["id"]
            assert http.get(f"/_mock/tasks/{task['id']}").json()["view"]  # the vendor's answer
            for name in task["inputs"] + task["results"]:
                thumb = http.get(f"/_mock/thumbs/{task['id']}/{name}")
                assert thumb.headers["content-type"].startswith("image/"), (task["id"], name)


def test_credentials_never_reach_the_pages_data() -> None:
    key = "team-b-secret-app-key"
    mock = create_showapi()
    mock.add_credential(key)
    with mock.client(ShowapiClient, app_key=key) as client:
        task = client.submit_repaint(prompt="p", image_base64=png_base64(32, 32))
        with pytest.raises(errors.NotFoundError):
            client.get_task(task_id="missing")
    with httpx.Client(transport=mock.transport(), base_url="http://mock.test") as http:
        answers = [
            http.get(path).text
            for path in (
                "/_mock/state",
                "/_mock/tasks",
                f"/_mock/tasks/{task.task_order}",
                "/_mock/journal/page",
                "/_mock/callbacks",
            )
        ]
    assert all(key not in text for text in answers)
    state = json.loads(answers[0])
    assert {"te****", "t****"} == {a["key"] for a in state["accounts"]}


def test_journal_rows_name_the_vendor_code_and_reason_of_each_refusal() -> None:
    mock = create_showapi()
    mock.inject_fault("error", status=503, operation="get_task")
    with mock.client(ShowapiClient, max_retries=0) as client:
        task = client.submit_repaint(prompt="p", image_base64=png_base64(32, 32))
        with pytest.raises(errors.ServerError):
            client.get_task(task_id=task.task_order)
        with pytest.raises(errors.NotFoundError):
            client.get_task(task_id="missing")
    with httpx.Client(transport=mock.transport(), base_url="http://mock.test") as http:
        rows = http.get("/_mock/journal/page").json()["items"]
        failures = http.get("/_mock/journal/page", params={"failures": 1}).json()
        of_submit = http.get("/_mock/journal/page", params={"operation": "submit_repaint"}).json()
    missing, faulted, submitted = rows
    assert (missing["status"], missing["code"], missing["reason"]) == (
        200,
        -1,
        "no task with id missing",
    )
    assert faulted["status"] == 503 and faulted["failed"] and faulted["code"] == -1
    assert not submitted["failed"] and submitted["code"] is None
    assert failures["total"] == 2 and [r["status"] for r in failures["items"]] == [200, 503]
    assert of_submit["total"] == 1 and of_submit["items"][0]["operation"] == "submit_repaint"


def test_a_task_detail_has_the_vendors_own_view_and_thumbnails_are_small() -> None:
    mock = create_showapi()
    with mock.client(ShowapiClient) as client:
        outcome = client.submit_repaint_and_wait(prompt="p", image_base64=house())
    task_id = outcome.task_id
    with httpx.Client(transport=mock.transport(), base_url="http://mock.test") as http:
        detail = http.get(f"/_mock/tasks/{task_id}").json()
        thumb = http.get(f"/_mock/thumbs/{task_id}/result.png")
        missing = http.get("/_mock/tasks/nope")
    assert detail["view"]["showapi_res_body"]["taskOrder"] == task_id
    assert detail["view"]["showapi_res_body"]["status"] == "done"
    # The image is never sent back whole: the task keeps it as bytes (its thumbnail below),
    # not in the request it shows.
    image_text = detail["request"].get("orgin_img_base64")
    assert image_text is None or image_text.endswith("characters)")
    assert detail["request"]["prompt"] == "p"
    img = Image.open(io.BytesIO(thumb.content))
    assert thumb.headers["content-type"] == "image/png" and max(img.size) == 160
    assert missing.status_code == 400 and "no task" in missing.json()["error"]


def test_callbacks_show_each_attempt_its_answer_and_the_next_retry() -> None:
    from generated.zhiqite import VENDOR as ZHIQITE
    from generated.zhiqite import ZhiqiteClient
    from generated.zhiqite.mock import create_mock as create_zhiqite

    answers = iter([(500, "down"), (200, "not the reply it wants"), (200, '{"code": "200"}')])

    def receiver(_request: httpx.Request) -> httpx.Response:
        status, text = next(answers)
        return httpx.Response(status, text=text)

    mock = create_zhiqite(callback_transport=httpx.MockTransport(receiver))
    ladder = ZHIQITE.callback.retry_seconds
    image = "https://zhiqite.market.alicloudapi.com/_mock/examples/example.png"
    with mock.client(ZhiqiteClient) as client:
        client.enhance(business_task_id="order-7", image=image, callback_url="https://hooks.test/z")
    mock.advance(mock.queue_seconds + mock.task_seconds)  # done: the first delivery is refused
    first = _callbacks(mock)
    mock.advance(ladder[0])  # the second: a 200, but not the reply the vendor expects
    mock.advance(ladder[1])  # the third is accepted
    last = _callbacks(mock)

    (retrying,) = first["items"]
    assert retrying["state"] == "retrying" and retrying["status"] == "succeeded"
    assert [a["answer"] for a in retrying["attempts"]] == ["down"]
    assert retrying["next_at"] == retrying["attempts"][0]["time"] + ladder[0]
    (delivered,) = last["items"]
    assert delivered["state"] == "delivered" and delivered["next_at"] is None
    assert [(a["attempt"], a["accepted"]) for a in delivered["attempts"]] == [
        (1, False),
        (2, False),
        (3, True),
    ]
    assert delivered["url"] == "https://hooks.test/z"
    assert delivered["payload"]["businessTaskId"] == "order-7"
    task = _page_json(mock, f"/_mock/tasks/{delivered['task_id']}")
    assert task["external_id"] == "order-7" and task["callback_url"] == "https://hooks.test/z"
    assert "test" not in [str(v) for v in task["request"].values()]  # the credential headers


def _callbacks(mock: VendorMock) -> dict[str, Any]:
    return _page_json(mock, "/_mock/callbacks")


def _page_json(mock: VendorMock, path: str) -> Any:
    with httpx.Client(transport=mock.transport(), base_url="http://mock.test") as http:
        return http.get(path).json()


GATEWAYS = [p for p in vendor_packages() if not build_mock(p).vendor.errors["authentication"].body]


@pytest.mark.parametrize("package", GATEWAYS)
def test_a_gateway_refusal_shows_the_code_and_reason_from_its_headers(package: str) -> None:
    from generator.runtime.pytest_plugin import _client_class
    from generator.runtime.testing import as_kwargs, example_values

    mock = build_mock(package)
    spec = mock.vendor.errors["authentication"]
    reason_header = mock.vendor.envelope.error_header
    (code_header,) = set(spec.headers) - {reason_header}
    op = mock.vendor.operations[0]
    wrong = {mock.vendor.auth.credentials[0].name: "not-the-key"}
    client = mock.client(_client_class(package), max_retries=0, **wrong)
    with client, pytest.raises(errors.AuthenticationError):
        getattr(client, op.name)(**as_kwargs(op, example_values(op, client.base_url)))
    (row,) = _page_json(mock, "/_mock/journal/page?failures=1")["items"]
    assert (row["status"], row["code"]) == (spec.http_status, spec.headers[code_header])
    assert row["reason"].startswith(spec.headers[reason_header].split("{detail}")[0])
