"""A service's script as another team writes it: every vendor's client, used as the README
shows. tests/test_typing.py type-checks it (mypy --strict, pyright strict) against the
installed wheel, and runs it against the mocks."""

from __future__ import annotations

import asyncio
import os
from typing import Literal

from generated.hdrepaint import HdrepaintClient
from generated.kling import AsyncKlingClient, KlingClient
from generated.showapi import ShowapiClient
from generated.showapi import models as showapi_models
from generated.tencent_aiart import TencentAiartClient
from generated.zhiqite import ZhiqiteClient, models
from generator.runtime import errors
from generator.runtime.model import request_id_of
from generator.runtime.pages import SyncPage
from generator.runtime.responses import RawResponse
from generator.runtime.tasks import TaskOutcome

IMAGE = os.environ.get("TYPED_SCRIPT_IMAGE_B64", "")
IMAGE_URL = "https://example.com/photo.png"


def repaint() -> str | None:
    with ShowapiClient() as client:  # the concrete client, not the base
        accepted = client.submit_repaint(prompt="winter outside", image_base64=IMAGE)
        task_id = accepted.task_order or ""
        task = client.get_task(task_id=task_id)
        raw: RawResponse[showapi_models.GetTaskResult] = client.with_raw_response.get_task(
            task_id=task_id
        )
        print(raw.status_code, raw.headers.get("content-type"), raw.elapsed, request_id_of(task))
        print(raw.parse().status, raw.body)
        page: SyncPage[showapi_models.TaskRecord] = client.list_tasks(page_size=10)
        print(len(page.items), page.has_next_page())
        return task.result


def kling_views() -> list[str]:
    with KlingClient().with_options(timeout=10, max_retries=1) as client:
        created = client.create_task(element_frontal_image=IMAGE, timeout=5)
        task = client.get_task(task_id=created.task_id, extra_headers={"X-Trace": "1"})
        status: Literal["submitted", "processing", "succeed", "failed"] = task.task_status
        print(status)
        views = [
            image.url
            for image in (task.task_result.images or [] if task.task_result else [])
            if image.url
        ]
        for listed in client.list_tasks(page_size=2):  # every page, fetched as reached
            external = listed.task_info.external_task_id if listed.task_info else None
            print(listed.task_id, listed.task_status, external)
        return views


async def kling_async() -> str:
    async with AsyncKlingClient() as client:
        created = await client.create_task(element_frontal_image=IMAGE)
        async for listed in await client.list_tasks(page_size=5):
            print(listed.task_id)
        outcome: TaskOutcome = await client.wait(created.task_id)
        return outcome.status


def draw() -> list[str]:
    with ZhiqiteClient() as client:
        scripts = models.Text2ImageScripts(
            sd_model_checkpoint="revAnimated_v122_7371.safetensors",
            output_image_format="png",  # a Literal in the model: the documented string
        )
        accepted = client.text_to_image(
            prompt="a lighthouse",
            batch_size=1,
            sampler_index="DPM++ 2M Karras",  # a Literal in the method
            always_on_scripts=scripts,
        )
        info = client.get_task(business_task_id=accepted.task_id)
        progress = info.temporary_image_dto.progress if info.temporary_image_dto else None
        print(info.status, info.desc, progress)
        enhanced = client.enhance(image=IMAGE_URL, upscaling_resize=2)  # no id: the client names it
        print(enhanced.business_task_id, enhanced.output_image_url)
        outcome = client.wait(accepted.task_id)
        return list(outcome.images)


def remove_logo() -> str | None:
    with TencentAiartClient(region="ap-guangzhou") as client:
        answer = client.image_inpainting_removal(
            image_url=IMAGE_URL, mask_url=IMAGE_URL, result_type="url"
        )
        return answer.result_image


def seamless() -> str | None:
    with HdrepaintClient() as client:
        try:
            outcome = client.submit_seamless_and_wait(input_image=b"\x89PNG...", timeout=60)
        except errors.RequestValidationError as exc:
            print("refused before sending:", exc)
            return None
        status = client.get_task(task_id=outcome.task_id)
        return status.images_url


def main() -> None:
    print(repaint(), kling_views(), asyncio.run(kling_async()), draw(), remove_logo(), seamless())


if __name__ == "__main__":
    main()
