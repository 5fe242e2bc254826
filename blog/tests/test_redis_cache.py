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


def redis_client():
    """A plain redis-py client on the tests' database (to count and clean up keys)."""
    import redis

    return redis.Redis.from_url(_redis_url())


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
        client = redis_client()
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
    other = RedisCache(_redis_url(), {"KEY_PREFIX": redis_cache.key_prefix})
    assert other.get(VERSION_KEY)[0] == content_version()
    del caches["default"]  # drop this process's connection object: the next read builds a new one
    assert client.get("/").headers["X-Cache"] == "hit"


def test_a_flood_of_cache_busting_requests_adds_no_keys_and_keeps_the_version(client, redis_cache):
    """Redis may evict any key under memory pressure (allkeys-lru): nothing a flood sends may add keys,
    and an evicted version is read back from the database, so the pages cached under it stay in use."""
    from blog import caching
    from blog.tests.flood import SEARCH_WORDS, cache_busting_urls

    for n in range(12):
        PostFactory(title=f"Harbour {n}", body=f"The {' '.join(SEARCH_WORDS)} {n}.", days_ago=n + 1)
    caching.bump_content_version()  # as a commit leaves it
    warm = ["/", "/sitemap.xml", f"/search/?q={'+'.join(sorted(SEARCH_WORDS))}"]
    for url in warm:
        client.get(url)
    server = redis_client()
    keys_before = len(list(server.scan_iter(match=f"{redis_cache.key_prefix}:*")))
    version = caching.content_version()

    for url in cache_busting_urls(600):
        assert client.get(url).status_code == 200

    assert len(list(server.scan_iter(match=f"{redis_cache.key_prefix}:*"))) == keys_before
    redis_cache.delete(caching.VERSION_KEY)  # as an eviction would
    assert caching.content_version() == version
    for url in warm:
        assert client.get(url).headers["X-Cache"] == "hit"
