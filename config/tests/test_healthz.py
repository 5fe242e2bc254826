"""/healthz: 200 "ok" while the database answers, 503 with nothing leaked when it does not."""

from unittest import mock

import pytest
from django.db import OperationalError, connections

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down():
    error = OperationalError("unable to open database file /srv/secret/db.sqlite3 (user=site)")
    with mock.patch.object(connections["default"], "cursor", side_effect=error):
        yield


def assert_never_cached_and_cookieless(response):
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "no-cache" in cache_control and "max-age=0" in cache_control
    assert not response.cookies
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_ok_while_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert_never_cached_and_cookieless(response)


def test_head_is_answered_too(client):
    assert client.head("/healthz").status_code == 200


def test_other_methods_are_refused(client):
    response = client.post("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_unavailable_when_the_database_does_not_answer(client, database_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"unavailable\n"
    assert_never_cached_and_cookieless(response)


def test_the_page_cache_needing_the_database_does_not_turn_503_into_500(client, database_down):
    # The test cache starts empty, so anything below the health check would ask the database for the
    # content version first and fail; the probe must still get its clean 503.
    assert client.get("/healthz").status_code == 503


def test_nothing_about_the_failure_leaks(client, database_down):
    body = client.get("/healthz").content.decode()
    for secret in ("secret", "sqlite", "OperationalError", "/srv", "user="):
        assert secret not in body


def test_the_failure_is_logged_for_whoever_runs_the_site(client, database_down, caplog):
    client.get("/healthz")
    assert any("Health check failed" in record.getMessage() for record in caplog.records)


def test_recovers_as_soon_as_the_database_answers_again(client):
    with mock.patch.object(connections["default"], "cursor", side_effect=OperationalError("down")):
        assert client.get("/healthz").status_code == 503
    assert client.get("/healthz").status_code == 200


def test_not_redirected_to_https_so_plain_http_probes_work(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/robots.txt").status_code == 301
    assert client.get("/healthz").status_code == 200


def test_a_page_of_the_url_map_like_any_other(client):
    from django.urls import resolve, reverse

    assert reverse("healthz") == "/healthz"
    assert resolve("/healthz").url_name == "healthz"


def test_a_disallowed_host_is_refused_as_on_every_page(client):
    assert client.get("/healthz", headers={"host": "evil.example"}).status_code == 400


def test_never_stored_by_the_page_cache(client):
    client.get("/healthz")
    assert "X-Cache" not in client.get("/healthz").headers
