"""Atom feeds (site and per tag) and the sitemap: full content, absolute URLs from SITE_URL."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from blog.models import Post
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://calm.example"


def entries(response):
    root = ET.fromstring(response.content)
    return root, root.findall(f"{ATOM}entry")


def test_site_feed_has_the_20_newest_public_posts_with_full_content(client):
    posts = [PostFactory(days_ago=i + 1, tags=["Rest"]) for i in range(22)]
    PostFactory(status=Post.Status.DRAFT, title="Draft not in feed")
    PostFactory(published_at=timezone.now() + datetime.timedelta(days=1), title="Scheduled not in feed")
    response = client.get("/feed.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root, items = entries(response)
    assert len(items) == 20
    first = items[0]
    assert first.find(f"{ATOM}title").text == posts[0].title
    assert first.find(f"{ATOM}link").get("href") == f"https://calm.example/posts/{posts[0].slug}/"
    content = first.find(f"{ATOM}content")
    assert content.get("type") == "html" and "<blockquote>" in content.text
    assert first.find(f"{ATOM}category").get("term") == "Rest"
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == "https://calm.example/feed.xml"
    assert b"not in feed" not in response.content
    assert response.has_header("Last-Modified")


def test_tag_feed_holds_only_that_tags_posts(client):
    PostFactory(title="Rested", tags=["Rest"])
    PostFactory(title="Joyful", tags=["Joy"])
    response = client.get("/tags/rest/feed.xml")
    _, items = entries(response)
    assert [item.find(f"{ATOM}title").text for item in items] == ["Rested"]
    assert client.get("/tags/unknown/feed.xml").status_code == 404


def test_feed_is_at_jekyll_feeds_path_and_linked_from_every_page(client):
    PostFactory()
    html = client.get("/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in html and 'href="/feed.xml"' in html


def test_sitemap_lists_public_posts_and_tags_with_absolute_urls(client):
    public = PostFactory(tags=["Rest"])
    draft = PostFactory(status=Post.Status.DRAFT, tags=["Secret"])
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    locs = [loc.text for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")]
    assert f"https://calm.example/posts/{public.slug}/" in locs
    assert "https://calm.example/tags/rest/" in locs
    assert "https://calm.example/" in locs
    assert not any(draft.slug in loc or "secret" in loc for loc in locs)
