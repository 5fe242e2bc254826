"""What a search keeps: one cache entry a page of results, holding its counts, shared by every reader."""

import pytest
from django.core.cache import caches

from blog.caching import content_version
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pebbles():
    posts = [PostFactory(title=f"Pebble {i}", body="pebble", days_ago=i + 1) for i in range(12)]
    content_version()
    return posts


@pytest.fixture
def writes(monkeypatch):
    """The keys written to the cache, in order."""
    written = []
    cache = caches["default"]  # the backend itself (the proxy forwards only to it)
    real_set = cache.set

    def recording_set(key, *args, **kwargs):
        written.append(key)
        return real_set(key, *args, **kwargs)

    monkeypatch.setattr(cache, "set", recording_set)
    return written


def test_a_members_first_search_of_a_word_writes_one_entry(client, member, pebbles, writes):
    client.force_login(member)
    writes.clear()
    html = client.get("/search/", {"q": "pebble"}).content.decode()
    assert "12 essays found" in html
    assert len([key for key in writes if ":hits:" in key]) == 1
    assert not [key for key in writes if "search" in key and ":hits:" not in key]
    writes.clear()
    assert "12 essays found" in client.get("/search/", {"q": "pebble"}).content.decode()
    assert [key for key in writes if ":hits:" in key] == []


def test_a_later_page_counts_in_its_own_query(client, pebbles, django_assert_num_queries):
    # the ranked page with snippets and the count; the page's posts with their tags
    with django_assert_num_queries(2):
        html = client.get("/search/", {"q": "pebble", "page": "2"}).content.decode()
    assert "12 essays found, page 2 of 2" in html


def test_a_page_past_the_end_is_404_and_not_kept(client, pebbles, writes):
    assert client.get("/search/", {"q": "pebble", "page": "3"}).status_code == 404
    assert not [key for key in writes if ":hits:" in key]


def test_a_new_post_shows_in_the_count_at_once(client, member, pebbles):
    client.force_login(member)
    assert "12 essays found" in client.get("/search/", {"q": "pebble"}).content.decode()
    PostFactory(title="Pebble new", body="pebble")
    html = client.get("/search/", {"q": "pebble", "page": "2"}).content.decode()
    assert "13 essays found, page 2 of 2" in html
