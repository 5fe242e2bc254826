"""Public pages: what each shows, what it hides, and its fixed query budget."""

import datetime
import json
import re

import pytest
from django.conf import settings
from django.utils import timezone

from blog.models import Post
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def count_queries(django_assert_num_queries):
    """Count a page's queries as a cache miss would run them, with the content version already known."""
    from blog.caching import content_version

    def counter(num):
        content_version()
        return django_assert_num_queries(num)

    return counter


def make_posts(n, tags=("Rest", "Joy")):
    return [PostFactory(days_ago=i + 1, tags=list(tags)) for i in range(n)]


class TestHome:
    def test_lists_newest_published_posts_ten_a_page(self, client):
        posts = make_posts(12)
        PostFactory(status=Post.Status.DRAFT, title="Secret draft")
        PostFactory(published_at=timezone.now() + datetime.timedelta(days=1), title="Future piece")
        page1 = client.get("/")
        assert page1.status_code == 200
        assert [p.pk for p in page1.context["page"].object_list] == [p.pk for p in posts[:10]]
        html = page1.content.decode()
        assert "Secret draft" not in html and "Future piece" not in html
        assert posts[0].title in html and "min read" in html and f'datetime="{posts[0].published_at:%Y-%m-%d}' in html
        assert 'href="/tags/rest/"' in html
        page2 = client.get("/?page=2")
        assert [p.pk for p in page2.context["page"].object_list] == [p.pk for p in posts[10:]]

    @pytest.mark.slow
    @pytest.mark.parametrize("page", ["0", "-1", "3", "abc", "1.5", "", "99999999999", "9" * 5000, "1e3", " 1"])
    def test_bad_page_numbers_are_404(self, client, page):
        make_posts(12)
        assert client.get("/", {"page": page}).status_code == 404

    def test_empty_site_has_a_gentle_empty_state(self, client):
        response = client.get("/")
        assert response.status_code == 200
        assert b"Nothing has been published yet" in response.content

    @pytest.mark.parametrize("size", [5, pytest.param(50, marks=pytest.mark.slow)])
    def test_query_count_does_not_grow_with_posts(self, client, count_queries, size):
        """Guards the home page's budget: the page of posts, its count, one prefetch of tags, and the
        site's own words (tagline, introduction), read once per content version."""
        make_posts(size)
        with count_queries(4):
            assert client.get("/").status_code == 200


class TestPostDetail:
    def test_shows_the_post_with_its_head(self, client):
        older = PostFactory(days_ago=3, tags=["Rest"])
        post = PostFactory(days_ago=2, title="On <Rest>", excerpt="A short excerpt.", tags=["Rest", "Joy"])
        newer = PostFactory(days_ago=1, tags=["Joy"])
        response = client.get(post.get_absolute_url())
        assert response.status_code == 200
        html = response.content.decode()
        assert "<h1" in html and "On &lt;Rest&gt;" in html
        assert f'<time datetime="{post.published_at.isoformat()[:19]}' in html
        assert '<meta name="description" content="A short excerpt.">' in html
        assert f'<link rel="canonical" href="{settings.SITE_URL}/posts/{post.slug}/">' in html
        assert 'property="og:title" content="On &lt;Rest&gt;"' in html
        assert 'name="twitter:card"' in html
        assert older.get_absolute_url() in html and newer.get_absolute_url() in html
        relations = response.context["relations"]
        assert relations.previous == older and relations.next == newer
        ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
        data = json.loads(ld)
        assert data["@type"] == "BlogPosting" and data["headline"] == "On <Rest>"
        assert "<" not in ld

    def test_related_posts_share_the_most_tags(self, client):
        post = PostFactory(tags=["A", "B", "C"])
        best = PostFactory(tags=["A", "B", "C"], days_ago=10)
        good = PostFactory(tags=["A", "B"], days_ago=9)
        PostFactory(tags=["Z"])
        weak = PostFactory(tags=["C"], days_ago=8)
        other = PostFactory(tags=["A"], days_ago=2)
        related = client.get(post.get_absolute_url()).context["relations"].related
        assert related[:2] == [best, good]
        assert len(related) == 3 and related[2] in (weak, other)

    def test_related_posts_are_public_ones_only(self, client):
        post = PostFactory(tags=["A", "B"])
        PostFactory(tags=["A", "B"], status=Post.Status.DRAFT)
        PostFactory(tags=["A", "B"], published_at=timezone.now() + datetime.timedelta(days=1))
        public = PostFactory(tags=["B"], days_ago=3)
        related = client.get(post.get_absolute_url()).context["relations"].related
        assert related == [public]
        assert related[0].title == public.title and related[0].get_absolute_url() == public.get_absolute_url()

    def test_related_posts_come_from_each_tags_newest_posts(self, client, monkeypatch):
        from blog import related

        monkeypatch.setattr(related, "CANDIDATES_PER_TAG", 2)
        post = PostFactory(tags=["A", "B"], days_ago=30)
        old_match = PostFactory(tags=["A", "B"], days_ago=20)  # shares both tags, but is not among A's newest two
        newest_a = [PostFactory(tags=["A"], days_ago=days) for days in (2, 1)]
        related_posts = client.get(post.get_absolute_url()).context["relations"].related
        # A's newest two (besides the post) are the two newest posts, B's is old_match alone: each shares one
        # tag as far as the ranking knows, so the newest come first. Unbounded, old_match (two tags) would lead.
        assert related_posts == [newest_a[1], newest_a[0], old_match]

    def test_drafts_and_scheduled_posts_are_404_for_the_public(self, client):
        draft = PostFactory(status=Post.Status.DRAFT)
        scheduled = PostFactory(published_at=timezone.now() + datetime.timedelta(days=2))
        assert client.get(draft.get_absolute_url()).status_code == 404
        assert client.get(scheduled.get_absolute_url()).status_code == 404
        assert client.get("/posts/no-such-post/").status_code == 404

    def test_staff_can_preview_drafts_and_scheduled_posts(self, client, editor):
        draft = PostFactory(status=Post.Status.DRAFT, title="Half written")
        scheduled = PostFactory(published_at=timezone.now() + datetime.timedelta(days=2))
        client.force_login(editor)
        response = client.get(draft.get_absolute_url())
        assert response.status_code == 200 and b"Draft preview" in response.content
        assert b'<meta name="robots" content="noindex">' in response.content
        assert b"Scheduled" in client.get(scheduled.get_absolute_url()).content

    def test_updated_date_only_when_it_differs(self, client):
        # At noon, so two hours later is the same day whatever the time of day the test runs.
        noon = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
        post = PostFactory(published_at=noon - datetime.timedelta(days=30))
        assert b"Updated" not in client.get(post.get_absolute_url()).content
        post.revised_at = post.published_at + datetime.timedelta(hours=2)
        post.save()
        assert b"Updated" not in client.get(post.get_absolute_url()).content
        post.revised_at = timezone.now()
        post.save()
        assert b"Updated" in client.get(post.get_absolute_url()).content

    def test_unicode_slugs_work(self, client):
        post = PostFactory(title="错误", slug="错误")
        assert client.get("/posts/%E9%94%99%E8%AF%AF/").context["post"] == post

    @pytest.mark.parametrize("size", [5, pytest.param(50, marks=pytest.mark.slow)])
    def test_query_count_does_not_grow_with_posts(self, client, count_queries, size):
        """Guards the post page: post, its tags, previous, next, related, the byline (the site's own words,
        read once per content version); responses: the site's and the post's settings, and a page of threads
        (the responses app's own budget is pinned in responses/tests)."""
        posts = make_posts(size)
        with count_queries(9):
            assert client.get(posts[size // 2].get_absolute_url()).status_code == 200


class TestTags:
    def test_tag_list_counts_public_posts_only(self, client):
        make_posts(3, tags=["Rest"])
        PostFactory(status=Post.Status.DRAFT, tags=["Rest", "Hidden"])
        response = client.get("/tags/")
        counts = {tag.name: tag.num_posts for tag in response.context["tags"]}
        assert counts == {"Rest": 3}

    def test_tag_page_lists_its_posts_paginated(self, client):
        rest = make_posts(11, tags=["Rest"])
        PostFactory(tags=["Joy"], title="Joyful only")
        response = client.get("/tags/rest/")
        assert response.status_code == 200
        assert [p.pk for p in response.context["page"].object_list] == [p.pk for p in rest[:10]]
        assert b"Joyful only" not in response.content
        assert [card.pk for card in client.get("/tags/rest/?page=2").context["page"].object_list] == [rest[10].pk]
        assert client.get("/tags/rest/?page=3").status_code == 404
        assert b'href="/tags/rest/feed.xml"' in response.content

    def test_unknown_tag_is_404(self, client):
        assert client.get("/tags/nothing-here/").status_code == 404

    @pytest.mark.parametrize("size", [5, pytest.param(50, marks=pytest.mark.slow)])
    def test_query_count_does_not_grow_with_posts(self, client, count_queries, size):
        """Guards the tag page: the tag, the page, its count, one prefetch of tags."""
        make_posts(size)
        with count_queries(4):
            assert client.get("/tags/rest/").status_code == 200


class TestArchive:
    def test_groups_by_year_and_month(self, client):
        PostFactory(title="Spring", published_at=datetime.datetime(2024, 4, 2, tzinfo=datetime.UTC))
        PostFactory(title="Also spring", published_at=datetime.datetime(2024, 4, 20, tzinfo=datetime.UTC))
        PostFactory(title="Winter", published_at=datetime.datetime(2025, 1, 5, tzinfo=datetime.UTC))
        PostFactory(title="Draft", status=Post.Status.DRAFT)
        response = client.get("/archive/")
        years = [
            (year, [(month, [p.title for p in posts]) for month, posts in months])
            for year, months in response.context["years"]
        ]
        assert years == [(2025, [("January", ["Winter"])]), (2024, [("April", ["Also spring", "Spring"])])]
        assert b"April" in response.content and b"Draft" not in response.content

    @pytest.mark.slow
    def test_a_hundred_a_page_whatever_the_archive_holds(self, client):
        posts = make_posts(101)
        first = client.get("/archive/")
        assert first.content.decode().count('class="archive-item"') == 100
        assert 'href="?page=2"' in first.content.decode()
        second = client.get("/archive/", {"page": "2"})
        assert [card.title for _, months in second.context["years"] for _, cards in months for card in cards] == [
            posts[-1].title
        ]
        assert client.get("/archive/", {"page": "3"}).status_code == 404


class TestLegacyRedirects:
    def test_default_jekyll_dated_path_redirects(self, client):
        post = PostFactory(slug="soft-landing")
        for path in [
            "/2024/05/30/soft-landing.html",
            "/journal/2024/05/30/soft-landing.html",
            "/2024/5/30/soft-landing/",
        ]:
            response = client.get(path)
            assert response.status_code == 301, path
            assert response["Location"] == post.get_absolute_url()

    def test_permalink_from_front_matter_redirects(self, client):
        post = PostFactory(legacy_url="/en/newsletters/2025/01/03/")
        response = client.get("/en/newsletters/2025/01/03/")
        assert (response.status_code, response["Location"]) == (301, post.get_absolute_url())
        assert client.get("/en/newsletters/2025/01/03").status_code == 301

    def test_missing_trailing_slash_redirects_like_append_slash(self, client):
        post = PostFactory()
        response = client.get(f"/posts/{post.slug}?utm=x")
        assert (response.status_code, response["Location"]) == (301, f"/posts/{post.slug}/?utm=x")
        assert client.get("/tags").status_code == 301
        assert client.get("/nowhere").status_code == 404
        assert client.get("/%2Ftags")["Location"] == "/tags/"  # the path "//tags": never an off-site "//host"

    def test_unknown_paths_and_drafts_are_404(self, client):
        PostFactory(slug="hidden", status=Post.Status.DRAFT, legacy_url="/old/hidden/")
        assert client.get("/2024/05/30/hidden.html").status_code == 404
        assert client.get("/old/hidden/").status_code == 404
        assert client.get("/wp-login.php").status_code == 404
        assert client.get("/%00/").status_code in (400, 404)


class TestRobotsAndErrors:
    def test_robots_points_to_the_sitemap(self, client):
        response = client.get("/robots.txt")
        assert response["Content-Type"].startswith("text/plain")
        assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in response.content.decode()

    def test_404_page_is_styled(self, client):
        response = client.get("/posts/missing/")
        assert response.status_code == 404
        assert b"This page isn" in response.content and b"/static/css/site.css" in response.content

    def test_500_page_is_styled_and_needs_no_database(self, rf):
        from blog.views import server_error

        request = rf.get("/")
        request.request_id = "abc123"
        response = server_error(request)
        assert response.status_code == 500
        assert b"abc123" in response.content and b"/static/css/site.css" in response.content
