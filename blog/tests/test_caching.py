"""The anonymous page cache, the content version, member fragments and cached counts: fast, never stale."""

import datetime
import subprocess
import sys

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog import caching
from blog.models import ContentVersion, Post
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    """Two posts sharing a tag, so every public page has something on it."""
    older = PostFactory(title="Harbour lights", body="The harbour at dusk.", days_ago=3, tags=["Rest"])
    newer = PostFactory(title="Morning tide", body="The tide comes in.", days_ago=1, tags=["Rest"])
    return older, newer


PUBLIC_PAGES = [
    "/",
    "/posts/{slug}/",
    "/tags/",
    "/tags/rest/",
    "/archive/",
    "/search/?q=tide",
    "/feed.xml",
    "/tags/rest/feed.xml",
    "/sitemap.xml",
]


def url_for(template, post):
    return template.format(slug=post.slug)


class TestAnonymousPages:
    @pytest.mark.parametrize("template", PUBLIC_PAGES)
    def test_second_request_is_a_hit_with_no_queries(self, client, site, template, django_assert_num_queries):
        url = url_for(template, site[1])
        first = client.get(url)
        assert first.status_code == 200 and first.headers["X-Cache"] == "miss"
        with django_assert_num_queries(0):
            second = client.get(url)
        assert second.headers["X-Cache"] == "hit"
        assert second.content == first.content
        assert second.headers["ETag"] == first.headers["ETag"]

    @pytest.mark.parametrize("template", PUBLIC_PAGES)
    def test_public_headers_and_no_cookie(self, client, site, template):
        for _ in range(2):  # the miss and the hit
            response = client.get(url_for(template, site[1]))
            assert response.cookies == {} and "Set-Cookie" not in response.headers
            cache_control = response.headers["Cache-Control"]
            assert "public" in cache_control and f"max-age={settings.PUBLIC_PAGE_MAX_AGE}" in cache_control
            assert "Cookie" in response.headers["Vary"]

    @pytest.mark.parametrize(
        ("template", "field"),
        [("/", "title"), ("/posts/{slug}/", "body"), ("/tags/rest/", "title"), ("/feed.xml", "body")],
    )
    def test_an_edit_shows_on_the_next_request(self, client, site, template, field):
        post = site[1]
        url = url_for(template, post)
        assert client.get(url).headers["X-Cache"] == "miss"
        assert client.get(url).headers["X-Cache"] == "hit"
        setattr(post, field, "Lanterns on the water")
        post.save()
        response = client.get(url)
        assert response.headers["X-Cache"] == "miss"
        assert b"Lanterns on the water" in response.content

    def test_search_sees_an_edit_at_once(self, client, site):
        assert b"Nothing found" in client.get("/search/?q=lanterns").content
        site[0].body = "Lanterns everywhere."
        site[0].save()
        assert b"Harbour lights" in client.get("/search/?q=lanterns").content

    def test_publishing_a_draft_shows_on_the_next_request(self, client, site):
        draft = PostFactory(title="Quiet harbour draft", status=Post.Status.DRAFT)
        assert b"Quiet harbour draft" not in client.get("/").content
        draft.status = Post.Status.PUBLISHED
        draft.save()
        assert b"Quiet harbour draft" in client.get("/").content

    def test_tag_change_shows_on_the_next_request(self, client, site):
        assert b"/tags/joy/" not in client.get("/").content
        site[1].tags.add("Joy")
        assert b"/tags/joy/" in client.get("/").content

    def test_deleting_shows_on_the_next_request(self, client, site):
        assert b"Morning tide" in client.get("/archive/").content
        site[1].delete()
        assert b"Morning tide" not in client.get("/archive/").content

    def test_a_scheduled_post_appears_when_its_time_comes(self, client, site):
        with time_machine.travel(timezone.now(), tick=False) as clock:
            PostFactory(title="Arrives soon", published_at=timezone.now() + datetime.timedelta(seconds=1))
            assert b"Arrives soon" not in client.get("/").content
            assert client.get("/").headers["X-Cache"] == "hit"
            clock.shift(datetime.timedelta(seconds=2))
            response = client.get("/")
        assert response.headers["X-Cache"] == "miss"
        assert b"Arrives soon" in response.content

    def test_not_found_and_errors_are_not_cached(self, client, site):
        assert client.get("/posts/no-such-post/").status_code == 404
        assert "X-Cache" not in client.get("/posts/no-such-post/").headers

    def test_query_string_is_part_of_the_key(self, client):
        for i in range(12):
            PostFactory(title=f"Pebble {i}", days_ago=i + 1)
        assert client.get("/").context["page"].number == 1
        assert client.get("/?page=2").headers["X-Cache"] == "miss"
        assert b"Pebble 11" in client.get("/?page=2").content


class TestMembers:
    def test_members_never_get_the_cached_anonymous_page(self, client, site, member):
        client.get("/")
        assert client.get("/").headers["X-Cache"] == "hit"
        client.force_login(member)
        response = client.get("/")
        assert "X-Cache" not in response.headers
        assert b"Log in" not in response.content and b'action="/accounts/logout/"' in response.content
        cache_control = response.headers["Cache-Control"]
        assert "private" in cache_control and "public" not in cache_control
        assert "Cookie" in response.headers["Vary"]

    def test_member_pages_are_never_stored_for_anonymous_readers(self, client, site, member):
        client.force_login(member)
        client.get("/")
        client.get(site[1].get_absolute_url())
        client.logout()
        response = client.get("/")
        assert response.headers["X-Cache"] == "miss"
        assert b"Log in" in response.content and b"csrfmiddlewaretoken" not in response.content

    def test_a_reader_with_a_session_cookie_is_not_served_from_the_cache(self, client, site):
        client.get("/")
        client.cookies[settings.SESSION_COOKIE_NAME] = "not-a-real-session"
        assert "X-Cache" not in client.get("/").headers

    def test_cards_come_from_fragments_keyed_by_the_posts_version(self, client, site, member):
        client.force_login(member)
        assert b"Morning tide" in client.get("/").content
        # A write that does not move updated_at (a raw update) leaves the card's fragment in use...
        Post.objects.filter(pk=site[1].pk).update(title="Evening tide")
        assert b"Morning tide" in client.get("/").content
        # ...and a save, which moves it, is shown at once.
        site[1].refresh_from_db()
        site[1].save()
        assert b"Evening tide" in client.get("/").content

    def test_card_fragment_follows_tag_renames(self, client, site, member):
        from taggit.models import Tag

        client.force_login(member)
        assert b">Rest</a>" in client.get("/").content
        # A rename as the admin makes it (a save) shows at once.
        tag = Tag.objects.get(slug="rest")
        tag.name = "Repose"
        tag.save()
        assert b">Repose</a>" in client.get("/").content
        # A rename that bypasses the signals (a raw update) shows after the next write: the page of cards is
        # rebuilt then, and the card's fragment, keyed by its tags' names too, is not reused.
        Tag.objects.filter(slug="rest").update(name="Calm")
        caching.bump_content_version()
        assert b">Calm</a>" in client.get("/").content

    def test_a_page_of_cards_is_shared_by_members_and_rebuilt_after_a_write(
        self, client, site, member, django_assert_num_queries
    ):
        from accounts.services import favourite_add

        client.force_login(member)
        client.get("/")
        # Warm: the session, the user and the member's saved state come from the cache; no query.
        with django_assert_num_queries(0):
            assert b"Morning tide" in client.get("/").content
        favourite_add(user=member, post=site[0])  # a member's save is not a content change...
        with django_assert_num_queries(1):  # ...but their saved state is read again
            assert client.get("/").content.count(b'aria-pressed="true"') == 1
        site[1].title = "Evening tide"
        site[1].save()
        assert b"Evening tide" in client.get("/").content

    def test_a_members_post_page_shows_a_new_neighbour_at_once(self, client, site, member):
        client.force_login(member)
        newest = max(site, key=lambda post: post.published_at)
        assert b'rel="next"' not in client.get(newest.get_absolute_url()).content
        PostFactory(title="Slack water", days_ago=0)
        assert b"Slack water" in client.get(newest.get_absolute_url()).content

    def test_post_body_comes_from_a_fragment(self, client, site, member):
        client.force_login(member)
        url = site[1].get_absolute_url()
        assert b"The tide comes in." in client.get(url).content
        Post.objects.filter(pk=site[1].pk).update(body_html="<p>changed behind our back</p>")
        assert b"The tide comes in." in client.get(url).content
        site[1].refresh_from_db()
        site[1].body = "The tide goes out."
        site[1].save()
        assert b"The tide goes out." in client.get(url).content

    def test_member_home_is_fresh_and_shows_saved_state(self, client, site, member):
        from accounts.services import favourite_add

        client.force_login(member)
        assert b'aria-pressed="true"' not in client.get("/").content
        favourite_add(user=member, post=site[1])
        assert b'aria-pressed="true"' in client.get("/").content


class TestContentVersion:
    def test_every_write_to_posts_or_tags_bumps_the_version(self, site):
        from taggit.models import Tag

        seen = {caching.content_version()}
        for write in (
            lambda: site[0].save(),
            lambda: site[0].tags.add("Joy"),
            lambda: site[0].tags.remove("Joy"),
            lambda: Tag.objects.create(name="Calm", slug="calm"),
            lambda: site[1].delete(),
        ):
            write()
            version = caching.content_version()
            assert version not in seen
            seen.add(version)

    def test_bumped_again_on_commit_and_only_once_per_transaction(self, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
            for days in (1, 2):
                post = PostFactory(days_ago=days, tags=["Rest"])
                post.save()
                post.tags.add("Joy")
        assert len(callbacks) == 1
        before = caching.content_version()
        with CaptureQueriesContext(connection) as queries:
            callbacks[0]()
        assert caching.content_version() != before
        assert ContentVersion.objects.get().token == caching.content_version()
        assert len([q for q in queries.captured_queries if q["sql"].startswith(("UPDATE", "INSERT"))]) == 1

    def test_a_rolled_back_savepoint_does_not_cost_the_transaction_its_bump(self, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
            with pytest.raises(RuntimeError), transaction.atomic():
                PostFactory(title="Never written")
                raise RuntimeError("rolled back")
            PostFactory(title="Written")
        assert len(callbacks) == 1
        assert ContentVersion.objects.get().token == caching.content_version()

    @pytest.mark.slow
    def test_version_is_shared_with_other_processes(self, site):
        """Another worker process, with its own cache object, reads the same version (the default cache is shared)."""
        assert settings.CACHES["default"]["BACKEND"] != "django.core.cache.backends.locmem.LocMemCache"
        site[0].save()
        version = caching.content_version()
        location = settings.CACHES["default"]["LOCATION"]
        code = (
            "from django.conf import settings; settings.configure();"
            "from django.core.cache.backends.filebased import FileBasedCache;"
            f"print(FileBasedCache({location!r}, {{}}).get({caching.VERSION_KEY!r})[0])"
        )
        if settings.CACHES["default"]["BACKEND"].endswith("FileBasedCache"):
            other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
            assert other.stdout.strip() == version

    @pytest.mark.slow
    def test_a_bump_by_another_process_is_seen_by_the_next_request(self, client, site, settings):
        """The cheap version check (a stat of the version file) must not hide another process's bump."""
        if not settings.CACHES["default"]["BACKEND"].endswith("FileBasedCache"):
            pytest.skip("the stat shortcut is the file cache's")
        client.get("/")
        assert client.get("/").headers["X-Cache"] == "hit"
        code = (
            "from django.conf import settings; settings.configure();"
            "from django.core.cache.backends.filebased import FileBasedCache;"
            f"FileBasedCache({settings.CACHES['default']['LOCATION']!r}, {{}})"
            f".set({caching.VERSION_KEY!r}, ('from-another-process', float('inf'), 0.0), None)"
        )
        subprocess.run([sys.executable, "-c", code], check=True)
        assert client.get("/").headers["X-Cache"] == "miss"
        assert caching.content_version() == "from-another-process"

    def test_fresh_cache_objects_see_the_bump(self, client, site):
        """Clearing this process's cache objects (as a new process would start) changes nothing."""
        client.get("/")
        site[1].title = "Shore birds"
        site[1].save()
        del caches["default"]
        response = client.get("/")
        assert response.headers["X-Cache"] == "miss" and b"Shore birds" in response.content

    def test_a_first_request_starts_a_version(self, client, site):
        client.get("/")
        cache.delete(caching.VERSION_KEY)
        assert client.get("/").headers["X-Cache"] == "miss"

    def test_an_evicted_version_is_read_back_and_the_pages_stay_cached(self, client, site):
        """A cache may drop any key; the version lasts in the database, so the pages cached under it are kept."""
        caching.bump_content_version()  # as a committed write leaves it
        version = caching.content_version()
        client.get("/")
        cache.delete(caching.VERSION_KEY)
        assert client.get("/").headers["X-Cache"] == "hit"
        assert caching.content_version() == version

    def test_a_committed_write_is_kept_in_the_database(self, site, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            site[0].save()
        cache.delete(caching.VERSION_KEY)
        assert caching.content_version() == ContentVersion.objects.get().token


class TestCachedCounts:
    def test_list_count_runs_once_per_version(self, client, member, django_assert_num_queries):
        for i in range(12):
            PostFactory(title=f"Pebble {i}", days_ago=i + 1, tags=["Rest"])
        client.force_login(member)
        for url in ("/", "/tags/rest/"):
            client.get(url)
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as queries:
                assert client.get(url + "?page=2").status_code == 200
            assert not any("COUNT(" in query["sql"].upper() for query in queries.captured_queries)

    def test_count_follows_the_content(self, client, member):
        for i in range(10):
            PostFactory(title=f"Pebble {i}", days_ago=i + 1)
        client.force_login(member)
        assert client.get("/?page=2").status_code == 404
        PostFactory(title="Eleventh")
        assert client.get("/?page=2").status_code == 200


class TestMemberQueryBudget:
    """A member's pages cost the same number of queries at 3 and at 25 posts, with warm fragments and counts."""

    @pytest.mark.parametrize("size", [3, pytest.param(25, marks=pytest.mark.slow)])
    @pytest.mark.parametrize(
        ("url", "queries"),
        [
            # The session comes from the cache (cached_db), and so does the user until their row changes
            # (accounts.members), and the member's saved ids until they save or remove a piece
            # (accounts.saved_pieces). The page of cards and the count are kept under the content version.
            ("/", 0),
            # the tag
            ("/tags/rest/", 1),
            # nothing (the tags in use and their counts are kept under the content version)
            ("/tags/", 0),
            # nothing: the post's row is kept under the content version, its body, tags, head and
            # navigation are fragments; responses: the threads, the settings and the member's name, bans
            # and answered posts are kept under the content version; their own responses are read only
            # on a post they answered
            ("/posts/{slug}/", 0),
            # nothing (the ranked page of cards and the count are kept under the content version)
            ("/search/?q=pebble", 0),
        ],
    )
    def test_member_queries(self, client, member, size, url, queries, django_assert_num_queries):
        posts = [PostFactory(title=f"Pebble {i}", days_ago=i + 1, tags=["Rest", "Shore"]) for i in range(size)]
        client.force_login(member)
        url = url.format(slug=posts[size // 2].slug)
        assert client.get(url).status_code == 200  # warms fragments and counts
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200
