"""A tag that only drafts or scheduled posts carry is as unknown to readers as a tag that does not exist.

Its page, its feed and a search within it would otherwise tell anyone what staff are still writing about.
"""

import datetime

import pytest
from django.urls import reverse

from blog.models import Post
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def tag_urls(slug):
    return [
        reverse("blog:tag-detail", kwargs={"slug": slug}),
        reverse("blog:tag-feed", kwargs={"slug": slug}),
        reverse("blog:search") + f"?q=rest&tag={slug}",
    ]


@pytest.fixture
def draft_only_tag():
    PostFactory(title="Rest, unannounced", status=Post.Status.DRAFT, tags=["Secret plans"])
    return "secret-plans"


@pytest.mark.parametrize("which", [0, 1, 2], ids=["page", "feed", "search"])
def test_a_tag_only_drafts_carry_is_a_404(client, draft_only_tag, which):
    response = client.get(tag_urls(draft_only_tag)[which])
    unknown = client.get(tag_urls("no-such-tag")[which])
    assert response.status_code == unknown.status_code == 404
    assert b"Secret plans" not in response.content


def test_a_tag_only_scheduled_posts_carry_is_a_404(client):
    PostFactory(title="Rest, tomorrow", days_ago=-1, tags=["Coming soon"])
    for url in tag_urls("coming-soon"):
        assert client.get(url).status_code == 404, url


def test_the_tag_answers_once_a_post_carrying_it_is_public(client, draft_only_tag):
    draft = Post.objects.get()
    draft.status = Post.Status.PUBLISHED
    draft.published_at = draft.created_at - datetime.timedelta(minutes=1)
    draft.save()
    for url in tag_urls(draft_only_tag):
        assert client.get(url).status_code == 200, url
