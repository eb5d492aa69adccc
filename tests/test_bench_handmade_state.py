"""``bench.handmade``'s ShowAPI server keeps what its ``state`` says, answering the same
whatever it keeps: every task ("growing"), the last ``BOUNDED_TASKS`` past the first ones
("bounded"), or only the first ``PINNED_TASKS`` and no journal ("none"). The served
comparison of the three shows what keeping state, and letting it grow, costs a server."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from bench import handmade
from bench.handmade import PINNED_TASKS, STATES, Showapi
from generator.runtime.images import png_base64

FORM = {"content-type": "application/x-www-form-urlencoded"}
BODY = urlencode({"prompt": "p", "orgin_img_base64": png_base64()}).encode()


def submit(server: Showapi) -> str:
    answer = json.loads(server.answer("/3259-1", "appKey=test", FORM, BODY))
    order: str = answer["showapi_res_body"]["taskOrder"]
    return order


def query(server: Showapi, order: str) -> dict:
    answer: dict = json.loads(server.answer("/3259-2", f"appKey=test&task_id={order}", {}, b""))
    return answer


@pytest.fixture
def small_bound(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(handmade, "BOUNDED_TASKS", 30)
    return 30


@pytest.mark.parametrize("state", STATES)
def test_every_submit_is_accepted_and_the_first_task_is_kept(state: str, small_bound) -> None:
    server = Showapi(state=state)
    orders = [submit(server) for _ in range(PINNED_TASKS + 50)]
    assert len(set(orders)) == PINNED_TASKS + 50
    assert query(server, orders[0])["showapi_res_body"]["taskOrder"] == orders[0]
    assert server.accounts["test"].used == PINNED_TASKS + 50


def test_growing_keeps_every_task_and_request_with_the_key_masked(small_bound) -> None:
    server = Showapi()
    for _ in range(PINNED_TASKS + 50):
        submit(server)
    assert len(server.tasks) == PINNED_TASKS + 50
    assert len(server.journal) == PINNED_TASKS + 50
    assert server.journal[0][2]["appKey"] == "****"


def test_bounded_forgets_the_oldest_past_its_bound_and_keeps_the_journal(small_bound) -> None:
    server = Showapi(state="bounded")
    orders = [submit(server) for _ in range(PINNED_TASKS + 50)]
    assert set(server.tasks) == set(orders[:PINNED_TASKS]) | set(orders[-small_bound:])
    assert query(server, orders[-small_bound - 1])["showapi_res_error"] == "no such task"
    assert len(server.journal) == PINNED_TASKS + 50 + 1


def test_none_keeps_no_journal_and_only_the_first_tasks(small_bound) -> None:
    server = Showapi(state="none")
    orders = [submit(server) for _ in range(PINNED_TASKS + 50)]
    assert set(server.tasks) == set(orders[:PINNED_TASKS])
    assert len(server.journal) == 0


def test_a_state_not_known_is_refused() -> None:
    with pytest.raises(ValueError, match="'some' is not one of growing, bounded, none"):
        Showapi(state="some")
