"""Caller-named tasks: wherever an operation lets the caller name its task, the name is
optional, the client fills a fresh one, and the named submit is safe to resend."""

from __future__ import annotations

import inspect
import re

from generated.zhiqite import ZhiqiteClient, models
from generated.zhiqite.mock import create_mock
from generator.runtime.paths import get_path
from tests.vendors import all_vendors

URL_IMAGE = "https://zhiqite.market.alicloudapi.com/_mock/examples/example.png"
FRESH = re.compile(r"sdk-[0-9a-f]{32}")


def test_every_caller_id_is_optional_in_the_method_and_the_model() -> None:
    import importlib

    for vendor in all_vendors():
        package = importlib.import_module(f"generated.{vendor.package}")
        client = getattr(package, f"{vendor.class_prefix}Client")
        for op in (o for o in vendor.operations if o.caller_id):
            top, _, rest = op.caller_id.partition(".")
            arg = op.params_by_wire[top].py
            parameter = inspect.signature(getattr(client, op.name)).parameters[arg]
            if not rest:
                assert parameter.default is None, f"{op.name}: {arg}"
                continue
            model = getattr(package.models, str(parameter.annotation).split(".")[-1].split()[0])
            field = next(f for name, f in model.model_fields.items() if rest in (name, f.alias))
            assert not field.is_required(), f"{op.name}: {op.caller_id}"


def test_a_drawing_without_an_id_task_is_named_by_the_client_and_survives_a_lost_answer() -> None:
    mock = create_mock()
    mock.inject_fault("drop", operation="text_to_image")
    scripts = models.Text2ImageScripts(sd_model_checkpoint="m.safetensors")
    with mock.client(ZhiqiteClient) as client:
        accepted = client.text_to_image(prompt="p", batch_size=1, always_on_scripts=scripts)
        outcome = client.wait(accepted.task_id)
    assert FRESH.fullmatch(accepted.task_id) and len(mock.store.tasks) == 1
    sent = [e for e in mock.journal if e.operation == "text_to_image"]
    # done but the answer lost, then resent under the same name: still the one task
    names = [get_path(e.params, "always_on_scripts.id_task") for e in sent]
    assert names == [accepted.task_id] * 2
    assert outcome.status == "succeeded"
    assert scripts.id_task is None  # the caller's model is left as it was


def test_an_enhance_without_a_business_task_id_is_named_and_survives_a_lost_answer() -> None:
    mock = create_mock()
    mock.inject_fault("drop", operation="enhance")
    with mock.client(ZhiqiteClient) as client:
        accepted = client.enhance(image=URL_IMAGE, upscaling_resize=2)
    assert FRESH.fullmatch(accepted.business_task_id) and len(mock.store.tasks) == 1
    sent = [e for e in mock.journal if e.operation == "enhance"]
    assert [e.params["businessTaskId"] for e in sent] == [accepted.business_task_id] * 2


def test_the_and_wait_methods_name_their_tasks_too() -> None:
    mock = create_mock()
    with mock.client(ZhiqiteClient) as client:
        drawn = client.text_to_image_and_wait(
            prompt="p",
            batch_size=1,
            always_on_scripts=models.Text2ImageScripts(sd_model_checkpoint="m.safetensors"),
        )
        enhanced = client.enhance_and_wait(image=URL_IMAGE, upscaling_resize=2)
    assert FRESH.fullmatch(drawn.task_id) and FRESH.fullmatch(enhanced.task_id)
    assert drawn.status == enhanced.status == "succeeded"
    named = [get_path(e.params, "always_on_scripts.id_task") for e in mock.journal]
    assert drawn.task_id in named
