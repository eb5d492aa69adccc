"""Cassettes: the seeded ones replay, recorded ones never keep a credential."""

from __future__ import annotations

from pathlib import Path

import vcr

from generated.showapi import VENDOR, ShowapiClient
from generator import cassettes as seeding
from generator.runtime.mock import VendorMock
from generator.runtime.testing import CASSETTES, cassette_filters

SECRET = "sk-live-cassette-0042"


def test_every_operation_with_an_example_has_a_seed_cassette() -> None:
    names = {p.stem for p in (CASSETTES / "showapi").glob("*.yaml")}
    assert names == {"submit_repaint", "get_task", "list_tasks"}


def test_committed_cassettes_hold_no_app_key() -> None:
    for path in CASSETTES.rglob("*.yaml"):
        assert "appKey" not in path.read_text(), path


def test_recording_filters_the_app_key_out(
    tmp_path: Path, mock: VendorMock, image_b64: str
) -> None:
    mock.add_credential(SECRET)
    cassette = tmp_path / "recorded.yaml"
    recorder = vcr.VCR(record_mode="all", **cassette_filters(VENDOR))
    with recorder.use_cassette(str(cassette)), mock.client(ShowapiClient, app_key=SECRET) as client:
        task = client.submit_repaint(prompt="p", image_base64=image_b64)
        client.get_task(task_id=task.task_order)
    text = cassette.read_text()
    assert task.task_order in text  # it did record the interactions...
    assert SECRET not in text  # ...without the key
    player = vcr.VCR(record_mode="none", **cassette_filters(VENDOR))
    with player.use_cassette(str(cassette)), ShowapiClient("another-key") as client:
        assert client.get_task(task_id=task.task_order).task_order == task.task_order


def test_a_recorded_cassette_is_never_overwritten_by_seeding(tmp_path: Path) -> None:
    recorded = tmp_path / "get_task.yaml"
    recorded.write_text("interactions: []\nversion: 1\n")
    seeded = tmp_path / "seeded.yaml"
    seeded.write_text(seeding.MARKER + "interactions: []\n")
    assert not seeding.writable(recorded)
    assert seeding.writable(seeded) and seeding.writable(tmp_path / "missing.yaml")
