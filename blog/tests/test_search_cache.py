"""What a search keeps: one cache entry a page of results, holding its counts, shared by every reader."""

import math
import time

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog.caching import bump_content_version, content_version, versioned_key
from blog.drawn import forget_all
from blog.search import search
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


def test_pages_of_hits_go_to_the_search_cache_when_the_site_has_one(client, member, pebbles, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "hits-default"},
        "search": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "hits-search"},
    }
    searched, other = caches["search"], caches["default"]
    searched.clear()
    client.force_login(member)
    assert "12 essays found" in client.get("/search/", {"q": "pebble"}).content.decode()
    key = versioned_key("hits", search("pebble").cache_key, 10, 1)
    assert searched.get(key) is not None and other.get(key) is None
    assert "12 essays found" in client.get("/search/", {"q": "pebble"}).content.decode()


def test_the_marks_of_pages_being_built_go_to_their_own_cache_when_the_site_has_one(
    client, member, pebbles, settings, monkeypatch
):
    locmem = "django.core.cache.backends.locmem.LocMemCache"
    names = ("default", "search", "search-building")
    settings.CACHES = {name: {"BACKEND": locmem, "LOCATION": f"marks-{name}"} for name in names}
    added = {name: [] for name in names}
    for name in names:
        real_add = caches[name].add
        monkeypatch.setattr(
            caches[name],
            "add",
            lambda key, *a, into=added[name], real=real_add, **k: into.append(key) or real(key, *a, **k),
        )
    client.force_login(member)
    assert "12 essays found" in client.get("/search/", {"q": "pebble"}).content.decode()
    (mark,) = added["search-building"]
    assert mark.endswith(":building") and caches["search-building"].get(mark) is None
    assert not [key for key in added["search"] + added["default"] if key.endswith(":building")]


def test_the_file_caches_search_folder_is_inside_the_caches_own(tmp_path):
    """As a site without Redis is set up (a fresh process reads the settings): pages of hits apart, in a folder."""
    import subprocess
    import sys
    from pathlib import Path

    names = "('search', 'default', 'search-building')"
    code = f"from django.conf import settings as s; print(*(s.CACHES[n]['LOCATION'] for n in {names}))"
    env = {"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True)
    assert done.stdout.split() == [str(tmp_path / "search"), str(tmp_path), str(tmp_path / "search" / "building")]


@pytest.fixture
def kept_page(client, member, pebbles, writes):
    """The key and the kept page of a member's first search for "pebble", taken out of the cache again
    (and out of this process's memory: the next request is as if served by another worker)."""
    from blog.cards import building_cache, hits_cache

    client.force_login(member)
    writes.clear()
    html = client.get("/search/", {"q": "pebble"}).content.decode()
    (key,) = [key for key in writes if ":hits:" in key]
    kept = hits_cache()
    stored = kept.get(key)
    kept.delete(key)
    forget_all()
    return {"key": key, "stored": stored, "html": html, "kept": kept, "marks": building_cache()}


def test_a_search_another_request_is_ranking_waits_for_its_page(
    client, kept_page, monkeypatch, django_assert_num_queries
):
    """Two readers asking for a word's first search at once: the second takes the page the first keeps."""
    kept, key = kept_page["kept"], kept_page["key"]
    assert kept_page["marks"].add(f"{key}:building", True, 10)  # the first reader is ranking it
    pauses = []

    def other_request_keeps_it(seconds):
        pauses.append(seconds)
        if len(pauses) == 2:
            kept.set(key, kept_page["stored"], 60)

    monkeypatch.setattr(time, "sleep", other_request_keeps_it)  # while it waits, the other request keeps it
    with django_assert_num_queries(0):  # no ranking, no posts (the member's saved state is kept already)
        html = client.get("/search/", {"q": "pebble"}).content.decode()
    assert "12 essays found" in html and len(pauses) == 2


def test_a_search_whose_other_request_failed_is_ranked_by_the_one_waiting(client, kept_page, monkeypatch):
    kept, marks, key = kept_page["kept"], kept_page["marks"], kept_page["key"]
    mark = f"{key}:building"
    marks.add(mark, True, 10)
    pauses = []
    # It ended without keeping a page while this one waited: this one stops waiting and ranks it.
    monkeypatch.setattr(time, "sleep", lambda seconds: pauses.append(seconds) or marks.delete(mark))
    assert "12 essays found" in client.get("/search/", {"q": "pebble"}).content.decode()
    assert kept.get(key) is not None and marks.get(mark) is None and len(pauses) == 1


# What docs/performance.md promises a reader who finds another request's mark: it looks for the page every
# 5 ms, for a second at most, then builds it itself.
MARK_WAIT_STEP_SECONDS = 0.005
MARK_WAIT_AT_MOST_SECONDS = 1.0


def test_a_mark_left_behind_holds_a_search_up_for_a_bounded_wait_only(client, kept_page, monkeypatch):
    kept, key = kept_page["kept"], kept_page["key"]
    kept_page["marks"].add(f"{key}:building", True, 10)  # its request died; the mark outlives it until its timeout
    pauses = []
    monkeypatch.setattr(time, "sleep", pauses.append)
    assert "12 essays found" in client.get("/search/", {"q": "pebble"}).content.decode()
    assert kept.get(key) is not None
    # The time it was willing to wait, as the pauses it asked for add up (no clock is read): it looked more
    # than once, at the promised step, and gave up within the promised second.
    assert len(pauses) > 1 and set(pauses) == {MARK_WAIT_STEP_SECONDS}
    assert math.fsum(pauses) <= MARK_WAIT_AT_MOST_SECONDS + 1e-9


def test_no_mark_is_left_by_a_search_nothing_or_a_page_past_the_end(client, member, pebbles, monkeypatch):
    from blog.cards import building_cache

    kept, marks = building_cache(), []
    real_add = kept.add
    monkeypatch.setattr(kept, "add", lambda key, *args, **kwargs: marks.append(key) or real_add(key, *args, **kwargs))
    client.force_login(member)
    for query in ({"q": "pebble"}, {"q": "zzqxv"}, {"q": "pebble", "page": "9"}):
        client.get("/search/", query)
    marks = [key for key in marks if key.endswith(":building")]  # the default cache's other uses aside
    assert len(marks) == 3 and all(kept.get(key) is None for key in marks)


def test_a_worker_keeps_a_page_of_hits_it_has_used_and_reads_no_file_for_it(client, member, pebbles, monkeypatch):
    from blog.cards import hits_cache

    client.force_login(member)
    assert "12 essays found" in client.get("/search/", {"q": "pebble"}).content.decode()
    kept, reads = hits_cache(), []
    real_get = kept.get
    monkeypatch.setattr(kept, "get", lambda key, *args, **kwargs: reads.append(key) or real_get(key, *args, **kwargs))
    assert "12 essays found" in client.get("/search/", {"q": "pebble"}).content.decode()
    assert [key for key in reads if ":hits:" in key] == []
    forget_all()  # another worker: the shared cache's page, read once, then its own
    for _ in range(2):
        assert "12 essays found" in client.get("/search/", {"q": "pebble"}).content.decode()
    assert len([key for key in reads if ":hits:" in key]) == 1


def test_a_write_made_in_another_process_is_seen_by_a_worker_that_kept_the_page(client, member, pebbles):
    """Another process renames a post and moves the content version in the shared cache: this worker's kept
    page is under the old version, so the next request ranks again and shows the new title."""
    from blog.caching import bump_content_version
    from blog.models import Post

    client.force_login(member)
    assert "Pebble 11<" in client.get("/search/", {"q": "pebble"}).content.decode()
    # As another process writes: no signal in this one, only the shared version moves.
    Post.objects.filter(pk=pebbles[-1].pk).update(title="Pebble eleven")
    bump_content_version()
    html = client.get("/search/", {"q": "pebble"}).content.decode()
    assert "Pebble eleven<" in html and "Pebble 11<" not in html


def test_a_search_that_found_nothing_or_a_page_past_the_end_is_not_kept_in_the_worker(client, member, pebbles):
    """Nothing found is cheap to find again: asked for again, it is ranked again, not taken from memory."""
    from blog.cards import hits_cache

    def asked(query: dict) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            status = client.get("/search/", query).status_code
        return status, len(queries)

    client.force_login(member)
    client.get("/privacy/")  # the member's own rows read and kept, as on any page before a search
    forget_all()
    for query, status in (({"q": "zzqxv"}, 200), ({"q": "pebble", "page": "9"}, 404)):
        first = asked(query)
        assert first[0] == status and first[1] > 0
        assert asked(query) == first  # the same queries again: the ranking runs again
    asked({"q": "pebble"})
    hits_cache().delete(versioned_key("hits", search("pebble").cache_key, 10, 1))  # in this worker only now
    assert asked({"q": "pebble"}) == (200, 0)  # what was found is kept


def test_the_pages_a_worker_keeps_are_bounded(client, member, pebbles, settings, django_assert_num_queries):
    """A page still kept here is shown with no query even once the shared cache has lost it; one pushed out
    by newer pages is ranked again."""
    from blog.cards import hits_cache

    settings.WORKER_HIT_PAGES = 2
    client.force_login(member)
    first_page = versioned_key("hits", search("pebble").cache_key, 10, 1)

    def first_page_again():
        hits_cache().delete(first_page)  # only this worker's memory can have it now
        return client.get("/search/", {"q": "pebble"}).content.decode()

    for number in ("1", "2"):
        assert "12 essays found" in client.get("/search/", {"q": "pebble", "page": number}).content.decode()
    with django_assert_num_queries(0):
        assert "12 essays found" in first_page_again()
    assert "1 essay found" in client.get("/search/", {"q": "1"}).content.decode()  # a third page: the oldest goes
    with django_assert_num_queries(2):  # the ranked page and its posts
        assert "12 essays found" in first_page_again()


def test_a_new_content_version_empties_the_search_folder_and_nothing_else(client, member, pebbles, settings, tmp_path):
    """Pages of hits under an old version are never read again; left in the file cache's folder they would be
    culled at random with the new version's pages once it filled up."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "forget-default"},
        "search": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)},
    }
    caches["default"].set("a-members-session", "kept")
    client.force_login(member)
    for page in ("1", "2"):
        assert "12 essays found" in client.get("/search/", {"q": "pebble", "page": page}).content.decode()
    assert len(list(tmp_path.glob("*.djcache"))) == 2

    PostFactory(title="Pebble new", body="pebble")
    bump_content_version()  # as the write's commit does (the test's transaction never commits)

    assert not list(tmp_path.glob("*.djcache"))
    assert caches["default"].get("a-members-session") == "kept"
    assert "13 essays found" in client.get("/search/", {"q": "pebble"}).content.decode()
    assert len(list(tmp_path.glob("*.djcache"))) == 1
