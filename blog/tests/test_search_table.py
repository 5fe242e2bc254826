"""PostgreSQL's search vectors in their own table (migration 0012_search_table): one row per post, always."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from blog import search
from blog.models import Post
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the search table is PostgreSQL's")

BEFORE = [("blog", "0011_search_newest")]


def table_ids() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT post_id FROM blog_post_search ORDER BY post_id")
        return [row[0] for row in cursor.fetchall()]


def post_ids() -> list[int]:
    return sorted(Post.objects.values_list("pk", flat=True))


@pytest.mark.django_db
def test_every_write_path_keeps_one_row_per_post():
    kept = PostFactory(title="Kept")
    gone = PostFactory(title="Gone")
    now = timezone.now()
    Post.objects.bulk_create(
        [Post(title=f"Bulk {n}", slug=f"bulk-{n}", status="published", published_at=now) for n in range(3)]
    )
    assert table_ids() == post_ids() and len(post_ids()) == 5
    gone.delete()
    Post.objects.filter(slug__in=["bulk-0", "bulk-1"]).delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM blog_post WHERE slug = %s", ["bulk-2"])
    assert table_ids() == post_ids() == [kept.pk]


@pytest.mark.django_db
def test_truncating_the_posts_empties_the_table():
    """Django's flush truncates blog_post; a search table left full would name posts that no longer exist."""
    PostFactory(title="Soon gone")
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE blog_post CASCADE")
    assert table_ids() == []


@pytest.mark.django_db
def test_the_newest_matches_are_the_newest_whichever_thousands_hold_them():
    """``blog_post_matching_newest`` asks the newest thousands of ids before all posts: same answer as a sort."""
    now = timezone.now()
    ids = [3, 980, 1500, 2400, 2600, 5100, 7000, 7300, 9050, 9999, 10000, 10001, 12500]
    Post.objects.bulk_create(
        Post(id=pk, title=f"Post {pk}", slug=f"post-{pk}", body_text="heron" if pk % 2 else "heron egret",
             status="published", published_at=now)
        for pk in ids
    )  # fmt: skip
    with connection.cursor() as cursor:
        for words in ["heron", "egret", "heron egret"]:
            for count in range(1, len(ids) + 2):
                query = "websearch_to_tsquery('english', %s)"
                cursor.execute(f"SELECT * FROM blog_post_matching_newest({query}, %s)", [words, count])
                newest = sorted((row[0] for row in cursor.fetchall()), reverse=True)
                cursor.execute(f"SELECT * FROM blog_post_matching({query}) ORDER BY 1 DESC LIMIT %s", [words, count])
                assert newest == [row[0] for row in cursor.fetchall()], (words, count)


@pytest.mark.slow  # migrates back to 0011 and forward again
@pytest.mark.django_db(transaction=True)
def test_the_vectors_move_back_to_the_column_and_forward_again_with_nothing_lost():
    post = PostFactory(title="Lantern", body="A lantern by the door.")
    post.tags.add("Evening")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM blog_post_matching(to_tsquery('english', 'evening & door'))")
        assert cursor.fetchall() == [(post.pk,)]
        cursor.execute("SELECT to_regclass('blog_post_search')")
        assert cursor.fetchone() == (None,)
    # Written while the vectors were in the column: the way forward copies it.
    old_post = (
        executor.loader.project_state(BEFORE)
        .apps.get_model("blog", "Post")
        .objects.create(
            title="Heron", slug="heron", body_text="A heron waits.", status="published", published_at=timezone.now()
        )
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert table_ids() == post_ids() == [post.pk, old_post.pk]
    assert [hit.pk for hit in search.search("evening door")[0:10]] == [post.pk]
    assert [hit.pk for hit in search.search("heron")[0:10]] == [old_post.pk]
