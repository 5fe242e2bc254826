"""Conditional GET: post pages, feeds and the sitemap answer ETag and Last-Modified with 304."""

import datetime
import time

import pytest
from django.utils.http import http_date, parse_http_date

from blog.models import Post
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db

CONDITIONAL_PAGES = ["/posts/{slug}/", "/feed.xml", "/tags/rest/feed.xml", "/sitemap.xml"]


@pytest.fixture
def posts():
    return [PostFactory(title=f"Tide {i}", days_ago=i + 1, tags=["Rest"]) for i in range(3)]


def url_for(template, post):
    return template.format(slug=post.slug)


@pytest.mark.parametrize("template", CONDITIONAL_PAGES)
@pytest.mark.parametrize("cached", [False, True], ids=["miss", "hit"])
def test_etag_and_last_modified_answer_304(client, posts, template, cached):
    url = url_for(template, posts[1])
    first = client.get(url)
    if cached:
        first = client.get(url)
        assert first.headers["X-Cache"] == "hit"
    assert first.status_code == 200
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]

    by_etag = client.get(url, headers={"If-None-Match": etag})
    assert by_etag.status_code == 304 and by_etag.content == b""
    assert by_etag.headers["ETag"] == etag

    by_date = client.get(url, headers={"If-Modified-Since": last_modified})
    assert by_date.status_code == 304

    changed = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert changed.status_code == 200


@pytest.mark.parametrize("template", CONDITIONAL_PAGES)
def test_an_edit_makes_the_old_validators_fail(client, posts, template):
    url = url_for(template, posts[1])
    first = client.get(url)
    posts[1].body = "A different tide."
    posts[1].save()
    PostFactory(title="A new tide", days_ago=0)
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200


def test_post_last_modified_covers_its_neighbours(client, posts):
    """The post page shows its neighbours' titles, so their edits count as the page's changes."""
    url = posts[1].get_absolute_url()
    before = parse_http_date(client.get(url).headers["Last-Modified"])
    Post.objects.filter(pk=posts[0].pk).update(updated_at=posts[1].updated_at + datetime.timedelta(days=2))
    posts[0].refresh_from_db()
    posts[0].save(update_fields=["title"])  # a real write, so the content version moves too
    after = parse_http_date(client.get(url).headers["Last-Modified"])
    assert after > before
    assert client.get(url, headers={"If-Modified-Since": http_date(before)}).status_code == 200


def test_member_post_page_is_private_and_carries_no_last_modified(client, posts, django_user_model):
    member = django_user_model.objects.create_user(email="m@example.org", password="pw")
    client.force_login(member)
    response = client.get(posts[1].get_absolute_url())
    assert "private" in response.headers["Cache-Control"]
    assert "Last-Modified" not in response.headers


def test_every_cached_page_has_a_last_modified(client, posts):
    """Pages without dates of their own (the tag list, the sitemap) take the content version's start."""
    response = client.get("/tags/")
    assert parse_http_date(response.headers["Last-Modified"]) <= time.time()
    assert client.get("/tags/", headers={"If-Modified-Since": response.headers["Last-Modified"]}).status_code == 304
