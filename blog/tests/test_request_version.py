"""One content version per request (blog.caching.one_version_per_request): read once, never held past a write."""

import datetime
import time

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from blog import caching
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


class CountingReads:
    """Counts the cache's reads of the version key."""

    def __init__(self, monkeypatch):
        self.reads = 0
        real_get = cache.get

        def get(key, *args, **kwargs):
            if key == caching.VERSION_KEY:
                self.reads += 1
            return real_get(key, *args, **kwargs)

        monkeypatch.setattr(cache, "get", get)


def test_a_request_reads_the_version_once(monkeypatch):
    caching.content_version()
    counter = CountingReads(monkeypatch)
    with caching.one_version_per_request():
        versions = {caching.content_version() for _ in range(5)}
    assert len(versions) == 1
    assert counter.reads == 1


def test_outside_a_request_every_read_asks_the_cache(monkeypatch):
    caching.content_version()
    counter = CountingReads(monkeypatch)
    caching.content_version()
    caching.content_version()
    assert counter.reads == 2


def test_a_write_in_the_request_starts_a_new_version_at_once():
    post = PostFactory(title="Morning tide")
    with caching.one_version_per_request():
        before = caching.content_version()
        post.title = "Evening tide"
        post.save()
        after_save = caching.content_version()
        assert after_save != before
        caching.bump_content_version()
        assert caching.content_version() != after_save


def test_the_held_version_ends_when_a_scheduled_post_goes_public():
    with time_machine.travel(timezone.now(), tick=False) as clock:
        PostFactory(title="Soon", published_at=timezone.now() + datetime.timedelta(seconds=5))
        with caching.one_version_per_request():
            before = caching.content_version()
            clock.shift(datetime.timedelta(seconds=6))
            assert caching.content_version() != before


def test_another_process_bump_is_seen_by_the_next_request():
    with caching.one_version_per_request():
        caching.content_version()
    # Another process moves the version (in the shared cache): this request has ended, the next sees it.
    cache.set(caching.VERSION_KEY, ("from-elsewhere", float("inf"), time.time()), None)
    with caching.one_version_per_request():
        assert caching.content_version() == "from-elsewhere"


def test_a_members_page_after_a_write_shows_it(client, member):
    post = PostFactory(title="Morning tide")
    client.force_login(member)
    assert b"Morning tide" in client.get(post.get_absolute_url()).content
    post.title = "Evening tide"
    post.save()
    assert b"Evening tide" in client.get(post.get_absolute_url()).content
