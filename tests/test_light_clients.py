"""A client is light: its import loads none of the mocks' dependencies, its image checks need
no Pillow and its schema checks no jsonschema, and the pytest plugin loads nothing heavy."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from generator.runtime.imageinfo import read_header
from tests.vendors import all_vendors

# What the mocks need and a client must not load. (httpx itself imports rich when rich is
# installed, as it is in the dev environment; tests/test_typing.py checks a base install.)
MOCK_ONLY = ("PIL", "jsonschema", "openapi_schema_validator", "starlette", "uvicorn", "jinja2")


def loaded_after(code: str, whole: bool = False) -> list[str]:
    """The top-level modules (every module with ``whole``) that running ``code`` in a fresh
    interpreter has imported."""
    name = "m" if whole else "m.split('.')[0]"
    report = f"print(json.dumps(sorted({{{name} for m in sys.modules}})))"
    script = f"{code}\nimport json, sys\n{report}"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize("vendor", all_vendors(), ids=lambda v: v.package)
def test_importing_one_client_loads_none_of_the_mock_dependencies(vendor) -> None:
    loaded = loaded_after(f"from generated.{vendor.package} import {vendor.class_prefix}Client")
    assert [m for m in MOCK_ONLY if m in loaded] == []


@pytest.mark.parametrize("vendor", all_vendors(), ids=lambda v: v.package)
def test_importing_one_client_builds_no_model_until_one_is_used(vendor) -> None:
    """The import stays cheap: no pydantic model class (the vendor model, the answer models)
    is built until a client is made; no other vendor's package is imported at all."""
    imported = f"from generated.{vendor.package} import {vendor.class_prefix}Client"
    loaded = loaded_after(imported, whole=True)
    assert [m for m in ("pydantic.main", "generator.runtime.vendor") if m in loaded] == []
    assert f"generated.{vendor.package}.models" not in loaded
    others = [v.package for v in all_vendors() if v.package != vendor.package]
    assert [p for p in others if f"generated.{p}" in loaded] == []
    made = loaded_after(f"{imported}\n{vendor.class_prefix}Client.vendor", whole=True)
    assert "generator.runtime.vendor" in made


def test_loading_the_pytest_plugin_imports_nothing_heavy() -> None:
    loaded = loaded_after("import generator.runtime.pytest_plugin as plugin")
    assert [m for m in (*MOCK_ONLY, "httpx", "pydantic", "generated") if m in loaded] == []


def test_the_plugin_finds_every_vendor_from_the_files_alone() -> None:
    from generator.runtime.pytest_plugin import vendor_packages

    assert vendor_packages() == sorted(v.package for v in all_vendors())


@pytest.mark.parametrize(
    ("fmt", "mode", "size"),
    [
        ("PNG", "RGB", (64, 48)),
        ("PNG", "L", (20, 30)),
        ("PNG", "RGBA", (33, 7)),
        ("JPEG", "RGB", (640, 480)),
        ("JPEG", "L", (17, 900)),
        ("WEBP", "RGB", (300, 200)),
        ("WEBP", "RGBA", (301, 199)),
        ("GIF", "P", (5, 6)),
        ("BMP", "RGB", (70, 11)),
        ("TIFF", "RGB", (12, 34)),
    ],
)
def test_image_headers_read_as_pillow_reads_the_whole_image(fmt, mode, size) -> None:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new(mode, size).save(out, format=fmt)
    data = out.getvalue()
    info = read_header(data)
    assert info is not None
    with Image.open(io.BytesIO(data)) as img:
        assert (info.format, info.width, info.height) == (fmt.lower(), *img.size)
        if info.channels is not None:
            assert info.channels == len(img.getbands())
    assert read_header(data[:12]) is None  # cut short: not an image


def test_without_pillow_and_jsonschema_a_client_still_checks_its_inputs() -> None:
    """Pillow and jsonschema blocked: image formats and sizes come from the header bytes and
    nested inputs are checked by structure; nothing is sent when either is wrong."""
    code = """
import sys
for name in ("PIL", "jsonschema", "openapi_schema_validator"):
    sys.modules[name] = None
import httpx
from generated.zhiqite import ZhiqiteClient, models
from generated.showapi import ShowapiClient
from generator.runtime import errors

def refuse(request):
    raise AssertionError("sent")

def problem(call):
    try:
        call()
    except errors.RequestValidationError as exc:
        return str(exc)
    return "accepted"

gif = "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"  # a whole 1x1 GIF
with ShowapiClient("k", transport=httpx.MockTransport(refuse)) as c:
    print(problem(lambda: c.submit_repaint(prompt="p", image_base64=gif)))
with ZhiqiteClient("k", "i", "s", transport=httpx.MockTransport(refuse)) as z:
    scripts = models.Text2ImageScripts.model_construct(sd_model_checkpoint=7)
    print(problem(lambda: z.text_to_image(prompt="p", batch_size=1, always_on_scripts=scripts)))
print(sorted(m for m in ("PIL", "jsonschema") if sys.modules.get(m) is not None))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    gif_problem, nested_problem, loaded = done.stdout.splitlines()
    assert "gif images are not accepted" in gif_problem
    assert "sd_model_checkpoint" in nested_problem and "not of type 'string'" in nested_problem
    assert loaded == "[]"
