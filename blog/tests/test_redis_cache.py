"""The page cache and content version on a real redis-server (Django's built-in Redis backend).

`make test` starts redis-server and sets REDIS_URL_FOR_TESTS (scripts/with-services.sh). Without a reachable server the
tests are skipped on a developer's machine but fail in CI (CI=true): there they must run.
"""

import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.cache import caches
from django.test import override_settings

from blog.tests.factories import PostFactory

pytestmark = [pytest.mark.django_db, pytest.mark.server]

DEFAULT_URL = "redis://127.0.0.1:6379/0"


def _redis_url() -> str:
    """The server to use, on a database of this xdist worker's own (so one worker's flush spares the other's)."""
    url = urlsplit(os.environ.get("REDIS_URL_FOR_TESTS") or DEFAULT_URL)
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    return urlunsplit(url._replace(path=f"/{1 + worker % 15}"))


def _reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def redis_cache():
    """Point the default cache at redis-server for one test; keys carry a prefix of their own."""
    url = _redis_url()
    if not _reachable(url):
        message = f"no redis-server at {url} (set REDIS_URL_FOR_TESTS)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"CI must test the Redis cache: {message}")
        pytest.skip(message)
    prefix = f"test-{uuid.uuid4().hex}"
    config = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "KEY_PREFIX": prefix}
    with override_settings(CACHES={"default": config}):
        yield caches["default"]
        client = caches["default"]._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)


def test_backend_is_redis(redis_cache):
    from django.core.cache.backends.redis import RedisCache

    assert isinstance(redis_cache, RedisCache)
    redis_cache.set("greeting", "hello", 30)
    assert redis_cache.get("greeting") == "hello"


def test_anonymous_page_is_cached_in_redis_and_edits_show_next_request(client, redis_cache):
    post = PostFactory(title="Tide tables")
    first = client.get("/")
    assert first.headers["X-Cache"] == "miss" and b"Tide tables" in first.content
    second = client.get("/")
    assert second.headers["X-Cache"] == "hit" and second.content == first.content

    post.title = "Moon tables"
    post.save()
    third = client.get("/")
    assert third.headers["X-Cache"] == "miss"
    assert b"Moon tables" in third.content and b"Tide tables" not in third.content


def test_a_second_client_sees_the_same_version_and_pages(client, redis_cache):
    """A fresh connection (as another worker or machine would have) reads what the first one stored."""
    from django.core.cache.backends.redis import RedisCache

    from blog.caching import VERSION_KEY, content_version

    PostFactory(title="Shared shore")
    assert client.get("/").headers["X-Cache"] == "miss"
    other = RedisCache(redis_cache._servers[0], {"KEY_PREFIX": redis_cache.key_prefix})
    assert other.get(VERSION_KEY)[0] == content_version()
    del caches["default"]  # drop this process's connection object: the next read builds a new one
    assert client.get("/").headers["X-Cache"] == "hit"
