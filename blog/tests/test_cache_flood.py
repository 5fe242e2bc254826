"""The page cache cannot be defeated: canonical URLs only, the sitemap once per version, the version
kept out of eviction's reach, the Host checked before a hit, and no 500 of its own when the database is down.
"""

import datetime
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection, connections
from django.test.utils import CaptureQueriesContext

from blog import caching
from blog.tests.factories import PostFactory
from blog.tests.flood import SEARCH_WORDS, cache_busting_urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    posts = [
        PostFactory(
            title=f"Harbour {n}", body=f"The {' '.join(SEARCH_WORDS)} number {n}.", days_ago=n + 1, tags=["Rest"]
        )
        for n in range(12)
    ]
    caching.bump_content_version()  # as the writes' commit leaves it: the version is in the database
    return posts


def is_hit(client, url) -> bool:
    return client.get(url).headers.get("X-Cache") == "hit"


def ranking_queries(queries) -> list:
    return [q["sql"] for q in queries.captured_queries if "blog_post_fts" in q["sql"] or "tsquery" in q["sql"]]


class TestCanonicalUrls:
    def test_unknown_parameters_share_the_canonical_page(self, client, site):
        first = client.get("/")
        response = client.get("/?cb=1&utm_source=letter")
        assert response.headers["X-Cache"] == "hit" and response.content == first.content

    def test_the_view_never_sees_an_unknown_parameter(self, client, site):
        """The first reader after a change cannot leave their query string in the page everyone gets."""
        client.get("/?cb=planted-by-the-first-reader")
        response = client.get("/")
        assert response.headers["X-Cache"] == "hit"
        assert b"planted-by-the-first-reader" not in response.content

    def test_known_parameters_in_any_order_share_one_page(self, client, site):
        assert client.get("/search/?q=tide&tag=rest").headers["X-Cache"] == "miss"
        assert is_hit(client, "/search/?tag=rest&q=tide&cb=2")

    def test_a_repeated_parameter_counts_once_as_the_view_reads_it(self, client, site):
        page_two = client.get("/?page=2")
        response = client.get("/?page=1&page=2")
        assert response.headers["X-Cache"] == "hit" and response.content == page_two.content

    def test_other_spellings_of_a_page_number_are_not_pages(self, client, site):
        assert client.get("/?page=02").status_code == 404
        assert client.get("/sitemap.xml?p=01").status_code == 404
        assert client.get("/sitemap.xml?p=%201").status_code == 404

    def test_shuffled_searches_share_one_ranking(self, client, site):
        assert client.get("/search/?q=morning+tide").headers["X-Cache"] == "miss"
        with CaptureQueriesContext(connection) as queries:
            for query in ("tide morning", "Morning TIDE", "tide tide morning", "  morning   tide "):
                response = client.get("/search/", {"q": query})
                assert response.status_code == 200 and b"Harbour 11" in response.content
        assert ranking_queries(queries) == []

    def test_only_the_canonical_spelling_of_a_search_is_kept_as_a_page(self, client, site):
        client.get("/search/?q=Tide+morning")
        assert "X-Cache" not in client.get("/search/?q=Tide+morning").headers
        client.get("/search/?q=morning+tide")
        assert is_hit(client, "/search/?q=morning+tide")

    def test_searches_that_find_nothing_fill_no_cache(self, client, site):
        before = caching.content_version()
        for n in range(20):
            client.get(f"/search/?q=nonsenseword{n}")
        assert caching.content_version() == before
        # A made-up word stored nothing: asking again runs the (cheap) lookup again.
        with CaptureQueriesContext(connection) as queries:
            client.get("/search/?q=nonsenseword0")
        assert ranking_queries(queries)


class TestSitemap:
    def test_built_once_per_version_whatever_the_query_or_cookie(self, client, site, settings):
        client.get("/sitemap.xml")
        # A cookie (any value) takes a reader past the page cache; the sitemap is still not rebuilt.
        client.cookies[settings.SESSION_COOKIE_NAME] = "made-up"
        with CaptureQueriesContext(connection) as queries:
            for n in range(5):
                response = client.get(f"/sitemap.xml?z={n}")
                assert response.status_code == 200 and response["Content-Type"] == "application/xml"
                assert site[0].slug.encode() in response.content
        assert not [q for q in queries.captured_queries if "blog_post" in q["sql"]]

    def test_a_write_rebuilds_it(self, client, site):
        client.get("/sitemap.xml")
        PostFactory(title="New shore", slug="new-shore")
        assert b"new-shore" in client.get("/sitemap.xml").content


class TestHost:
    def test_a_disallowed_host_is_refused_even_when_the_page_is_cached(self, client, site):
        client.get("/")
        assert is_hit(client, "/")
        response = client.get("/", headers={"host": "evil.example"})
        assert response.status_code == 400
        assert b"Harbour" not in response.content


class TestDatabaseDown:
    @pytest.fixture
    def database_down(self):
        with mock.patch.object(connections["default"], "cursor", side_effect=OperationalError("down")):
            yield

    def test_warm_pages_outlive_a_database_outage(self, client, site):
        client.get("/")
        with mock.patch.object(connections["default"], "cursor", side_effect=OperationalError("down")):
            assert is_hit(client, "/")

    def test_an_unreadable_version_passes_the_request_on_instead_of_failing(self, client, site, database_down):
        """The cache lost the version and the database is down: the page cache adds no error of its own."""
        cache.clear()
        response = client.get("/robots.txt")  # a public page that needs no database
        assert response.status_code == 200 and "X-Cache" not in response.headers


@pytest.mark.slow  # two thousand requests
class TestFlood:
    """Thousands of cache-busting requests against a small file cache: nothing cached is pushed out."""

    URLS = 2000

    def test_cached_pages_stay_cached_and_the_version_stays_put(self, client, site, settings):
        # A cache this small culls (deletes a third of its files at random) after a few hundred new keys.
        settings.CACHES = {"default": {**settings.CACHES["default"], "OPTIONS": {"MAX_ENTRIES": 200}}}
        if not settings.CACHES["default"]["BACKEND"].endswith("FileBasedCache"):
            pytest.skip("the file cache's culling is what this floods; test_redis_cache floods Redis")
        cache.clear()
        caching.bump_content_version()
        every_word = "+".join(sorted(SEARCH_WORDS))
        warm = ["/", "/?page=2", site[3].get_absolute_url(), "/sitemap.xml", "/feed.xml", f"/search/?q={every_word}"]
        for url in warm:
            assert client.get(url).status_code == 200
        version = caching.content_version()

        with CaptureQueriesContext(connection) as queries:
            for url in cache_busting_urls(self.URLS):
                assert client.get(url).status_code == 200

        assert caching.content_version() == version
        for url in warm:
            assert is_hit(client, url), url
        assert ranking_queries(queries) == []  # every shuffled search is the one already ranked


def test_the_version_follows_its_scheduled_post_once(client, site, time_machine):
    """When a scheduled post's time comes, one new version starts, written to the database once."""
    from django.utils import timezone

    from blog.models import ContentVersion

    time_machine.move_to(timezone.now(), tick=False)
    later = PostFactory(title="Arrives later", published_at=timezone.now() + datetime.timedelta(minutes=5))
    caching.bump_content_version()
    before = caching.content_version()
    assert caching.version_ends_at() == later.published_at.timestamp()
    time_machine.shift(datetime.timedelta(minutes=6))
    after = caching.content_version()
    assert after != before and ContentVersion.objects.get().token == after
    cache.delete(caching.VERSION_KEY)
    assert caching.content_version() == after
