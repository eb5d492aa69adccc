"""``bench.handmade``'s ShowAPI server keeps its state, or with ``stateless`` keeps no journal
and no task past the first ``STATELESS_TASKS``, answering the same either way: the two sides
of the served comparison that shows what keeping state costs."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from bench.handmade import STATELESS_TASKS, Showapi
from generator.runtime.images import png_base64

FORM = {"content-type": "application/x-www-form-urlencoded"}


def submit(server: Showapi) -> dict:
    body = urlencode({"prompt": "p", "orgin_img_base64": png_base64()}).encode()
    return json.loads(server.answer("/3259-1", "appKey=test", FORM, body))


@pytest.mark.parametrize("stateless", [False, True])
def test_every_submit_is_accepted_and_the_first_tasks_can_be_queried(stateless: bool) -> None:
    server = Showapi(stateless=stateless)
    orders = [submit(server)["showapi_res_body"]["taskOrder"] for _ in range(STATELESS_TASKS + 20)]
    assert len(set(orders)) == STATELESS_TASKS + 20
    first = json.loads(server.answer("/3259-2", f"appKey=test&task_id={orders[0]}", {}, b""))
    assert first["showapi_res_body"]["taskOrder"] == orders[0]
    assert server.accounts["test"].used == STATELESS_TASKS + 20


def test_with_state_every_task_and_request_is_kept_and_the_key_masked() -> None:
    server = Showapi()
    for _ in range(STATELESS_TASKS + 20):
        submit(server)
    assert len(server.tasks) == STATELESS_TASKS + 20
    assert len(server.journal) == STATELESS_TASKS + 20
    assert server.journal[0][2]["appKey"] == "****"


def test_stateless_keeps_no_journal_and_no_task_past_the_first_hundred() -> None:
    server = Showapi(stateless=True)
    for _ in range(STATELESS_TASKS + 20):
        submit(server)
    assert len(server.tasks) == STATELESS_TASKS
    assert len(server.journal) == 0
