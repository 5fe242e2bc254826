"""A page of cards (home, a tag, the archive) kept in the worker too, under the key that holds the content version."""

import pytest
from django.core.cache import caches
from django.utils import timezone

from blog.caching import bump_content_version
from blog.drawn import forget_all
from blog.models import Post
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lanterns():
    return [PostFactory(title=f"Lantern {i}", days_ago=i + 1, tags=["Light"]) for i in range(3)]


@pytest.fixture
def reads(monkeypatch):
    """The keys of pages of cards read from the shared cache."""
    read = []
    cache = caches["default"]
    real_get = cache.get
    monkeypatch.setattr(cache, "get", lambda key, *a, **k: read.append(key) or real_get(key, *a, **k))
    return read


def test_a_worker_reads_a_page_of_cards_from_the_shared_cache_once(client, member, lanterns, reads):
    client.force_login(member)
    for _ in range(3):
        assert "Lantern 0<" in client.get("/").content.decode()
    assert len([key for key in reads if ":cards:home:" in key]) == 1
    forget_all()  # as another worker starts: its own memory is empty
    assert "Lantern 0<" in client.get("/").content.decode()
    assert len([key for key in reads if ":cards:home:" in key]) == 2


def test_a_write_made_in_another_process_is_seen_by_a_worker_that_kept_the_page(client, member, lanterns):
    client.force_login(member)
    assert "Lantern 0<" in client.get("/").content.decode()
    # As another process writes: no signal in this one, only the shared version moves.
    Post.objects.filter(pk=lanterns[0].pk).update(title="Lantern by the door", updated_at=timezone.now())
    bump_content_version()
    html = client.get("/").content.decode()
    assert "Lantern by the door<" in html and "Lantern 0<" not in html


def test_the_pages_a_worker_keeps_are_bounded(client, member, lanterns, reads, settings):
    settings.WORKER_CARD_PAGES = 2
    client.force_login(member)
    for path in ("/", "/archive/"):
        assert client.get(path).status_code == 200
    assert "Lantern 0<" in client.get("/").content.decode()
    assert len([key for key in reads if ":cards:home:" in key]) == 1  # two pages: both still kept here
    assert client.get(f"/tags/{lanterns[0].tags.first().slug}/").status_code == 200  # a third: the oldest goes
    assert "Lantern 0<" in client.get("/").content.decode()
    assert len([key for key in reads if ":cards:home:" in key]) == 2
