"""The post admin as staff use it: list, filters, search, actions, preview links, tags."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def test_changelist_shows_status_date_and_tags(admin_client):
    PostFactory(title="Published one", tags=["Rest", "Joy"])
    PostFactory(title="Future one", published_at=timezone.now() + datetime.timedelta(days=3))
    response = admin_client.get(reverse("admin:blog_post_changelist"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Published one" in html and "Joy, Rest" in html and "Scheduled</span>" in html


@pytest.mark.parametrize(
    "query",
    ["state=draft", "state=published", "tag=rest", "year=2024", "q=quiet", "published_at__year=2024", "o=5", "o=-5"],
)
def test_filters_search_and_ordering_work(admin_client, query):
    PostFactory(tags=["Rest"], published_at=datetime.datetime(2024, 3, 1, tzinfo=datetime.UTC))
    PostFactory(status=Post.Status.DRAFT)
    response = admin_client.get(reverse("admin:blog_post_changelist") + "?" + query)
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


def test_publish_and_unpublish_actions(admin_client):
    draft = PostFactory(status=Post.Status.DRAFT)
    url = reverse("admin:blog_post_changelist")
    admin_client.post(url, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Post.Status.PUBLISHED
    admin_client.post(url, {"action": "unpublish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Post.Status.DRAFT


def test_staff_write_a_draft_and_view_it_on_site(admin_client):
    response = admin_client.post(
        reverse("admin:blog_post_add"),
        {
            "title": "A new piece",
            "slug": "a-new-piece",
            "body": "Some *kind* words.",
            "body_format": "markdown",
            "tags": "Rest, Quiet Joy",
            "publish_at": "",
            "excerpt": "",
            "description": "",
            "_draft": "Save draft",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    post = Post.objects.get(slug="a-new-piece")
    assert post.status == Post.Status.DRAFT
    assert "<em>kind</em>" in post.body_html
    assert sorted(post.tags.names()) == ["Quiet Joy", "Rest"]
    change = admin_client.get(reverse("admin:blog_post_change", args=[post.pk]))
    assert b"View on site" in change.content
    assert admin_client.get(post.get_absolute_url()).status_code == 200


def test_tags_are_manageable(admin_client):
    PostFactory(tags=["Rest"])
    assert admin_client.get(reverse("admin:taggit_tag_changelist")).status_code == 200


@pytest.mark.parametrize("posts", [3, pytest.param(30, marks=pytest.mark.slow)])
def test_changelist_query_count_is_fixed(admin_client, django_assert_max_num_queries, posts):
    for _ in range(posts):
        PostFactory(tags=["Rest", "Joy"])
    with django_assert_max_num_queries(12):
        assert admin_client.get(reverse("admin:blog_post_changelist")).status_code == 200
