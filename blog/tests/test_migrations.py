"""Migrations that rebuild tables keep every row, and keep the search index's triggers working."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from blog import search
from blog.models import Post
from blog.tests.factories import PostFactory
from blog.tests.fresh_process import manage, shell

BEFORE = [("blog", "0002_search_index")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def columns() -> list[str]:
    with connection.cursor() as cursor:
        return [column.name for column in connection.introspection.get_table_description(cursor, "blog_post")]


@pytest.mark.slow  # migrates back to 0002 and forward again: every state between is rebuilt
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


@pytest.mark.slow  # migrates back to 0002 and forward again: every state between is rebuilt
@pytest.mark.django_db(transaction=True)
def test_the_move_can_be_undone_and_done_again():
    """Going back changes only the state (the order is a matter of speed); forward again finds nothing to do."""
    PostFactory(title="Kept", body="Kept through the way back.")
    migrate(BEFORE)
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    migrate(latest)
    if connection.vendor == "sqlite":
        assert columns()[-3:] == ["body", "body_html", "body_text"]
    assert Post.objects.get(title="Kept").body == "Kept through the way back."
    post = PostFactory(title="Quiet", body="A quiet morning.")
    assert search.search("quiet").count() == 1
    assert Post.objects.get(pk=post.pk).body == "A quiet morning."


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the column move is SQLite's; PostgreSQL changes only state")
@pytest.mark.slow
def test_an_existing_site_from_before_the_move_keeps_every_row(tmp_path):
    """A database built at 0002 has the text columns in the middle: 0003 moves them last and loses nothing."""
    assert manage("migrate", "blog", "0002", var_dir=tmp_path).returncode == 0
    made = shell(
        "from django.db import connection\n"
        "from django.db.migrations.executor import MigrationExecutor\n"
        "from django.utils import timezone\n"
        "state = MigrationExecutor(connection).loader.project_state([('blog', '0002_search_index')])\n"
        "state.apps.get_model('blog', 'Post').objects.create(title='Old lamp', slug='old-lamp', body='The *lamp*.',"
        " body_html='<p>The lamp.</p>', body_text='The lamp glows.', status='published',"
        " published_at=timezone.now())\n"
        "with connection.cursor() as c:\n"
        "    table = connection.introspection.get_table_description(c, 'blog_post')\n"
        "print([col.name for col in table].index('body'))\n",
        var_dir=tmp_path,
    )
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == "3"  # the old layout: the body in the middle of the row
    migrated = manage("migrate", var_dir=tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    check = shell(
        "from django.db import connection\n"
        "from blog.models import Post\n"
        "from blog import search\n"
        "with connection.cursor() as c:\n"
        "    cols = [col.name for col in connection.introspection.get_table_description(c, 'blog_post')]\n"
        "post = Post.objects.get(slug='old-lamp')\n"
        "print(cols[-3:], post.body, post.body_html, post.body_text, search.search('glows').count())\n",
        var_dir=tmp_path,
    )
    assert check.returncode == 0, check.stderr
    assert (
        check.stdout.split("\n")[0]
        == "['body', 'body_html', 'body_text'] The *lamp*. <p>The lamp.</p> The lamp glows. 1"
    )


@pytest.mark.slow  # migrates back and forward again: every state between is rebuilt
@pytest.mark.django_db(transaction=True)
def test_old_urls_start_from_each_posts_legacy_url():
    """Migration 0006 on an existing site: every legacy_url becomes an old URL row; a path two posts claimed
    stays with the older post, as the redirect found it before."""
    old_apps = migrate([("blog", "0005_image")])
    OldPost = old_apps.get_model("blog", "Post")
    now = timezone.now()
    fields = {"body": "x", "status": "published", "published_at": now}
    first = OldPost.objects.create(title="One", slug="one", legacy_url="/2020/01/01/one.html", **fields)
    OldPost.objects.create(title="Copy", slug="copy", legacy_url="/2020/01/01/one.html", **fields)
    OldPost.objects.create(title="None", slug="none", legacy_url="", **fields)
    new_apps = migrate([("blog", "0006_old_urls")])
    OldUrl = new_apps.get_model("blog", "OldUrl")
    assert list(OldUrl.objects.values_list("path", "post_id")) == [("/2020/01/01/one.html", first.pk)]
    migrate([("blog", "0005_image")])
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
