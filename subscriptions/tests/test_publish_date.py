"""'Publish and email' follows the desk's rule: a draft is dated the moment it goes out."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from blog.models import Post
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db

SENT = datetime.datetime(2026, 4, 1, 8, 0, tzinfo=datetime.UTC)


def test_a_draft_published_and_emailed_is_dated_when_it_went_out(editor_client):
    draft = PostFactory(status=Post.Status.DRAFT, published_at=SENT - datetime.timedelta(days=9))
    with time_machine.travel(SENT, tick=False):
        response = editor_client.post(
            reverse("admin:blog_post_changelist"), {"action": "publish_and_email", "_selected_action": [draft.pk]}
        )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_public and draft.published_at == SENT
