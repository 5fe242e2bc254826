"""Static files as production serves them: hashed names, Brotli and gzip copies, immutable far-future caching."""

import io

import pytest
from django.conf import settings
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import close_old_connections
from django.templatetags.static import static
from django.test import override_settings

PRODUCTION_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.fixture(scope="module")
def _collected_root(tmp_path_factory):
    """collectstatic with the production storage, once for the module (Brotli at its best is slow).

    The admin's files are left out: they are Django's, and compressing them takes most of the time.
    """
    root = tmp_path_factory.mktemp("static")
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": PRODUCTION_STORAGE}}
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=["admin/*"])
    return root


@pytest.fixture
def collected(settings, _collected_root):
    settings.STATIC_ROOT = _collected_root
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": PRODUCTION_STORAGE}}
    return _collected_root


def wsgi_get(path: str, **headers) -> tuple[str, dict, bytes]:
    """One request through a freshly built WSGI application (whitenoise scans STATIC_ROOT as it starts)."""
    app = WSGIHandler()
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        **{f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()},
    }
    started = {}

    def start_response(status, response_headers, exc_info=None):
        started["status"], started["headers"] = status, dict(response_headers)

    # As Django's test client does: no connection housekeeping around a request that needs no database.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(app(environ, start_response))
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return started["status"], started["headers"], body


def test_hashed_names_with_brotli_and_gzip_copies(collected):
    url = static("css/site.css")
    assert url != "/static/css/site.css" and url.endswith(".css")
    hashed = collected / url.removeprefix("/static/")
    assert hashed.exists()
    assert hashed.with_name(hashed.name + ".br").exists()
    assert hashed.with_name(hashed.name + ".gz").exists()


@pytest.mark.parametrize(("accept", "encoding"), [("br, gzip", "br"), ("gzip", "gzip"), ("", None)])
def test_hashed_file_is_served_compressed_and_immutable(collected, accept, encoding):
    status, headers, body = wsgi_get(static("css/site.css"), **({"Accept-Encoding": accept} if accept else {}))
    assert status.startswith("200")
    assert headers.get("Content-Encoding") == encoding
    assert "immutable" in headers["Cache-Control"] and "max-age=315360000" in headers["Cache-Control"]
    assert "Accept-Encoding" in headers["Vary"]
    assert body


def test_unhashed_name_is_not_immutable(collected):
    status, headers, _ = wsgi_get("/static/css/site.css")
    assert status.startswith("200")
    assert "immutable" not in headers["Cache-Control"]
