"""Members' saved pieces after staff merge two tags in the desk: the tag filter shows the merged tag's pieces."""

import pytest
from django.urls import reverse
from taggit.models import Tag

from accounts.services import favourite_add
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def test_members_saved_pieces_filter_follows_the_merge(editor_client, member, client):
    post = PostFactory(tags=["rest-old"])
    PostFactory(tags=["Rest"])
    favourite_add(user=member, post=post)
    keep, old = Tag.objects.get(name="Rest"), Tag.objects.get(name="rest-old")
    editor_client.post(
        reverse("admin:taggit_tag_changelist"),
        {"action": "merge", "_selected_action": [keep.pk, old.pk], "into": keep.pk, "apply": "1"},
    )
    client.force_login(member)
    response = client.get(reverse("accounts:saved"), {"tag": keep.slug})
    assert response.status_code == 200 and post.title in response.content.decode()
