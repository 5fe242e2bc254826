"""Test-wide set-up: a test secret, fast hashing, in-memory mail and a private cache per run."""

import os
import tempfile

import pytest

# Each test run (and each xdist worker) gets a cache folder of its own.
os.environ.setdefault("DJANGO_CACHE_DIR", tempfile.mkdtemp(prefix="site-test-cache-"))


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    """Fast password hashing, in-memory email, and an empty cache for every test."""
    from django.core.cache import cache

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    cache.clear()
    yield
    cache.clear()
