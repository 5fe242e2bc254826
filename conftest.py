"""Test-wide set-up: a test secret, fast hashing, in-memory mail and a private cache per run."""

import atexit
import os
import shutil
import tempfile

import pytest

# Each test process (each xdist worker imports this module itself) gets a cache folder of its own.
# Set in the fixture below: pytest-django has read the settings before this module runs, so an
# environment variable set here would come too late, and one inherited by workers would be shared.
TEST_CACHE_DIR = tempfile.mkdtemp(prefix="site-test-cache-")
atexit.register(shutil.rmtree, TEST_CACHE_DIR, ignore_errors=True)
os.environ.setdefault("DJANGO_CACHE_DIR", TEST_CACHE_DIR)


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    """Fast password hashing, in-memory email, and an empty cache for every test."""
    from django.core.cache import cache

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Pictures a test stores (an import brings them too) go to its own folder, never the site's var/media.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    if settings.CACHES["default"]["BACKEND"].endswith("FileBasedCache"):
        settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": TEST_CACHE_DIR}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def post(db):
    """One published post with one tag."""
    from blog.tests.factories import PostFactory

    return PostFactory(title="Tea in the garden", slug="tea-in-the-garden", tags=["Rest"])


@pytest.fixture
def member(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(email="reader@example.org", password="a long password here")


@pytest.fixture
def editor(db):
    """Staff in the "Editors" group (made by blog's migration): writes and moderates, not a superuser."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user(
        email="editor@example.org", password="a long password here", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 (aiosmtpd) that every mailer of the site sends to, for this test."""
    from subscriptions.tests.smtp import SMTPServer

    with SMTPServer() as server:
        settings.MAILERS = {"default": server.mailer}
        yield server
