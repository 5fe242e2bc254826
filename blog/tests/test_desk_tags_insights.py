"""Tags merged and renamed in the desk; Insights counts without naming anyone."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from blog.desk.insights import per_month
from blog.models import Post
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def test_merging_moves_every_post_once_and_removes_the_others(editor_client):
    both = PostFactory(tags=["Evening Rituals", "evening-ritual"])
    only_old = PostFactory(tags=["evening-ritual"])
    keep, old = Tag.objects.get(name="Evening Rituals"), Tag.objects.get(name="evening-ritual")
    url = reverse("admin:taggit_tag_changelist")
    confirm = editor_client.post(url, {"action": "merge", "_selected_action": [keep.pk, old.pk]})
    assert confirm.status_code == 200 and "Keep this tag" in confirm.content.decode()
    done = editor_client.post(
        url, {"action": "merge", "_selected_action": [keep.pk, old.pk], "into": keep.pk, "apply": "1"}
    )
    assert done.status_code == 302
    assert list(Tag.objects.values_list("name", flat=True)) == ["Evening Rituals"]
    assert [t.name for t in both.tags.all()] == ["Evening Rituals"]
    assert [t.name for t in only_old.tags.all()] == ["Evening Rituals"]


def test_renaming_a_tag_keeps_its_posts(editor_client):
    post = PostFactory(tags=["evening"])
    tag = Tag.objects.get()
    response = editor_client.post(
        reverse("admin:taggit_tag_change", args=[tag.pk]), {"name": "Evening", "slug": "evening"}
    )
    assert response.status_code == 302
    assert [t.name for t in post.tags.all()] == ["Evening"]


def test_insights_counts_by_month_and_names_no_member(editor_client, django_user_model):
    now = timezone.now()
    PostFactory.create_batch(3, days_ago=0)
    PostFactory(status=Post.Status.DRAFT, title="Waiting draft")
    PostFactory(title="Ahead", published_at=now + datetime.timedelta(days=5))
    django_user_model.objects.create_user(email="someone.private@example.org", password="pw")
    response = editor_client.get(reverse("admin:desk-insights"))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["published"][-1].value == 3
    assert response.context["joined"][-1].value == 1
    assert "Waiting draft" in html and "Ahead" in html
    assert "someone.private" not in html and '<svg viewBox="0 -4' in html
    assert all(src.startswith("/static/") for src in re.findall(r'<script[^>]*src="([^"]*)"', html))


def test_per_month_fills_empty_months_with_zero():
    PostFactory(days_ago=70)
    rows = per_month(Post.objects.published(), "published_at", months=6)
    assert len(rows) == 6 and sum(n for _month, n in rows) == 1 and rows[-1][1] == 0
