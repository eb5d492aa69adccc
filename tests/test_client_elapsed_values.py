"""A response's ``elapsed``: stamped from the time the request started where the transport
left it unset, and left as it is where the transport set it. Written against the mutants
``make mutants`` showed surviving in ``stamp_elapsed``; a request to a URL with no path is for
``/``, as ``MockRequest.build`` reads it; and a binary answer's media type is read without its
parameters (``read_answer``)."""

from __future__ import annotations

import time
from datetime import timedelta

import httpx

from generator.runtime.answers import read_answer
from generator.runtime.client import stamp_elapsed
from generator.runtime.mock.messages import MockRequest
from tests.vendors import all_vendors


def test_an_unset_elapsed_is_stamped_from_the_start_of_the_request() -> None:
    response = httpx.Response(200)

    stamp_elapsed(response, time.perf_counter() - 2.0)  # started two seconds ago

    assert timedelta(seconds=2) <= response.elapsed < timedelta(seconds=3)


def test_an_elapsed_the_transport_set_is_kept() -> None:
    response = httpx.Response(200)
    response.elapsed = timedelta(milliseconds=1500)

    stamp_elapsed(response, time.perf_counter() - 2.0)

    assert response.elapsed == timedelta(milliseconds=1500)


def test_a_url_without_a_path_is_a_request_for_the_root() -> None:
    assert MockRequest.build("GET", "http://mock.invalid", [], b"").path == "/"


def test_a_binary_answer_s_media_type_is_read_without_its_parameters() -> None:
    vendor = all_vendors()[0]
    op = vendor.operations[0].model_copy(update={"binary_media": ("image/*",)})
    response = httpx.Response(200, headers={"content-type": "Image/PNG; name=result"}, content=b"x")

    found, request_id = read_answer(vendor, op, response)

    assert (found.data, found.media_type, request_id) == (b"x", "image/png", "")
