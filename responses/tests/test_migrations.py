"""Responses readers saw before emails about responses existed are dated, so none of them becomes news."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from blog.tests.factories import PostFactory
from responses.models import Response

BEFORE = [("responses", "0002_editors_moderate")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.slow  # migrates back and forward again: every state between is rebuilt
@pytest.mark.django_db(transaction=True)
def test_past_published_responses_are_dated_when_written_and_held_ones_are_not():
    post = PostFactory()
    old_apps = migrate(BEFORE)
    OldResponse = old_apps.get_model("responses", "Response")
    User = old_apps.get_model("accounts", "User")
    author = User.objects.create(email="ann@example.org")
    shown = OldResponse.objects.create(post_id=post.pk, author=author, body="Seen.", status="published")
    held = OldResponse.objects.create(post_id=post.pk, author=author, body="Waiting.", status="held")
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert Response.objects.get(pk=shown.pk).published_at == Response.objects.get(pk=shown.pk).created_at
    assert Response.objects.get(pk=held.pk).published_at is None
