"""Request ids, and errors logged to stdout as one line each with path, status and request id."""

import io
import logging
import re

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def stdout_log():
    """What the configured stdout handler writes, captured for the test."""
    handler = next(h for h in logging.getLogger("django").handlers if h.name == "stdout")
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


def lines_with(buffer, text):
    return [line for line in buffer.getvalue().splitlines() if text in line]


def test_logs_go_to_stdout_through_one_handler():
    assert settings.LOGGING["handlers"]["stdout"]["stream"] == "ext://sys.stdout"
    # pytest adds unnamed capture handlers of its own; ours are the named ones.
    assert [h.name for h in logging.getLogger("django").handlers if h.name] == ["stdout"]
    assert logging.getLogger("django").propagate is False


def test_every_response_carries_a_fresh_request_id(client):
    first = client.get("/robots.txt")["X-Request-ID"]
    second = client.get("/robots.txt")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_a_sane_incoming_request_id_is_kept(client):
    response = client.get("/robots.txt", headers={"X-Request-ID": "edge-7f3a9c21-0001"})
    assert response["X-Request-ID"] == "edge-7f3a9c21-0001"


@pytest.mark.parametrize(
    "incoming",
    [
        "short",
        "x" * 200,
        "abc\ndef-forged-line",
        "<script>alert(1)</script>",
        "id with spaces inside",
        "-leading-dash-x",
    ],
)
def test_an_odd_incoming_request_id_is_replaced(client, incoming):
    response = client.get("/robots.txt", headers={"X-Request-ID": incoming})
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.urls("blog.tests.boom_urls")
def test_an_error_is_one_log_line_and_the_500_page_shows_its_id(stdout_log):
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")

    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    page = response.content.decode()
    assert f'<code class="request-id">{request_id}</code>' in page
    assert "kettle" not in page and "Traceback" not in page

    lines = lines_with(stdout_log, request_id)
    assert len(lines) == 1, stdout_log.getvalue()
    line = lines[0]
    assert " ERROR django.request " in line
    assert f"request_id={request_id} path=/boom/ status=500 " in line
    # The traceback is there, folded into the same line.
    assert "Traceback (most recent call last):\\n" in line
    assert "BoomError: the kettle boiled dry\\nsecond line of the message" in line


@pytest.mark.urls("blog.tests.boom_urls")
def test_an_incoming_request_id_reaches_the_log_and_the_page(stdout_log):
    client = Client(raise_request_exception=False)
    response = client.get("/boom/", headers={"X-Request-ID": "lb-0000-1111-2222"})
    assert "lb-0000-1111-2222" in response.content.decode()
    assert len(lines_with(stdout_log, "request_id=lb-0000-1111-2222 path=/boom/ status=500")) == 1


def test_a_not_found_is_logged_on_one_line_even_with_a_newline_in_the_path(client, stdout_log):
    response = client.get("/nothing-here%0A2026-01-01 ERROR forged line/")
    assert response.status_code == 404
    request_id = response["X-Request-ID"]
    lines = lines_with(stdout_log, request_id)
    assert len(lines) == 1
    assert "status=404" in lines[0]
    assert not any(line.startswith("2026-01-01 ERROR forged") for line in stdout_log.getvalue().splitlines())
