"""Migrations that rebuild tables keep every row, and keep the search index's triggers working."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from blog import search
from blog.models import Post
from blog.tests.factories import PostFactory

BEFORE = [("blog", "0002_search_index")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def columns() -> list[str]:
    with connection.cursor() as cursor:
        return [column.name for column in connection.introspection.get_table_description(cursor, "blog_post")]


@pytest.mark.django_db(transaction=True)
def test_the_heavy_columns_move_last_and_nothing_is_lost():
    old_apps = migrate(BEFORE)
    OldPost = old_apps.get_model("blog", "Post")
    now = timezone.now()
    OldPost.objects.create(
        title="A lantern in the hall",
        slug="a-lantern",
        body="The *lantern* stays lit.",
        body_html="<p>The <em>lantern</em> stays lit.</p>",
        body_text="The lantern stays lit.",
        excerpt="Lit.",
        status="published",
        published_at=now,
    )
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    migrate(latest)

    if connection.vendor == "sqlite":
        assert columns()[-3:] == ["body", "body_html", "body_text"]
    post = Post.objects.get(slug="a-lantern")
    assert (post.title, post.body, post.body_html, post.body_text) == (
        "A lantern in the hall",
        "The *lantern* stays lit.",
        "<p>The <em>lantern</em> stays lit.</p>",
        "The lantern stays lit.",
    )
    assert post.published_at == now
    # The search index kept the row, and its triggers still follow inserts, updates and deletes.
    assert [hit.post.pk for hit in search.search("lantern")[0:10]] == [post.pk]
    later = PostFactory(title="Evening kettle", body="A kettle hums.")
    assert [hit.post.pk for hit in search.search("kettle")[0:10]] == [later.pk]
    Post.objects.filter(pk=later.pk).update(body_text="A teapot hums.")
    assert search.search("kettle").count() == 1  # the title still says kettle
    assert search.search("teapot").count() == 1
    later.delete()
    assert search.search("kettle").count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_move_can_be_undone():
    migrate(BEFORE)
    if connection.vendor == "sqlite":
        assert columns()[3] == "body"
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    migrate(latest)
    post = PostFactory(title="Quiet", body="A quiet morning.")
    assert search.search("quiet").count() == 1
    assert Post.objects.get(pk=post.pk).body == "A quiet morning."
