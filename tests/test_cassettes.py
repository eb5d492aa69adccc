"""Cassettes: the seeded ones replay, recorded ones never keep a credential."""

from __future__ import annotations

from pathlib import Path

import vcr

from generated.showapi import VENDOR, ShowapiClient
from generator import cassettes as seeding
from generator.runtime.mock import VendorMock
from generator.runtime.testing import CASSETTES, ROOT, cassette_filters
from generator.runtime.vendor import load_vendor

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


def test_every_vendor_has_a_seed_cassette_per_operation_with_an_example() -> None:
    from generator.pipeline import vendor_dirs

    for folder in vendor_dirs():
        vendor = load_vendor(ROOT / "generated" / folder.name / "vendor.json")
        expected = {op.name for op in vendor.operations if op.response_example is not None}
        assert {p.stem for p in (CASSETTES / vendor.package).glob("*.yaml")} == expected


def test_recording_keeps_the_hdrepaint_user_key_out_of_multipart_bodies(tmp_path: Path) -> None:
    from generated.hdrepaint import VENDOR as HD
    from generated.hdrepaint import HdrepaintClient
    from generated.hdrepaint.mock import create_mock as create_hd_mock
    from generator.runtime.images import png_bytes

    mock = create_hd_mock()
    mock.add_credential(SECRET)
    cassette = tmp_path / "hd.yaml"
    recorder = vcr.VCR(record_mode="all", **cassette_filters(HD))
    with recorder.use_cassette(str(cassette)), mock.client(HdrepaintClient, user_key=SECRET) as c:
        task = c.submit_face_enhance(input_image=png_bytes(32, 32))
        c.get_task(task_id=task.task_id)
    text = cassette.read_text()
    assert task.task_id in text and "user_key" not in text and SECRET not in text


def test_recording_keeps_the_kling_token_out(tmp_path: Path) -> None:
    from generated.kling import VENDOR as KLING
    from generated.kling import KlingClient
    from generated.kling.mock import create_mock as create_kling_mock

    mock = create_kling_mock()
    mock.add_credential("ak-live", secret=SECRET)
    cassette = tmp_path / "kling.yaml"
    recorder = vcr.VCR(record_mode="all", **cassette_filters(KLING))
    with (
        recorder.use_cassette(str(cassette)),
        mock.client(KlingClient, access_key="ak-live", secret_key=SECRET) as client,
    ):
        client.list_tasks()
        token = client._auth.token(client._credentials, mock.clock.time())
    text = cassette.read_text()
    assert "/v1/general/ai-multi-shot" in text  # it did record the interaction...
    assert token not in text and "eyJ" not in text and SECRET not in text  # ...without the JWT
