"""PostgreSQL ranks by a small vector of each post's title, tags and excerpt (migration 0013_search_rank)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from blog import search
from blog.models import Post
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the rank table is PostgreSQL's")

BEFORE = [("blog", "0012_search_table")]


def rank_rows() -> dict[int, str]:
    """Each post's rank vector, as text."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT post_id, vector::text FROM blog_post_search_rank ORDER BY post_id")
        return dict(cursor.fetchall())


def titles(query: str) -> list[str]:
    return [hit.post.title for hit in search.search(query)[0:10]]


@pytest.mark.django_db
def test_the_rank_vector_holds_the_title_tags_and_excerpt_but_not_the_body():
    post = PostFactory(title="Heron", excerpt="A grey bird.", body="The river at dawn.", tags=["Patience"])
    assert set(rank_rows()) == {post.pk}
    vector = rank_rows()[post.pk]
    assert "'heron':1A" in vector and "'patienc':2B" in vector and "'grey':4C" in vector, vector
    assert "river" not in vector and "dawn" not in vector


@pytest.mark.django_db
def test_every_write_path_keeps_the_rank_vector_in_step():
    post = PostFactory(title="Heron", excerpt="", body="")
    Post.objects.filter(pk=post.pk).update(title="Egret")
    assert "egret" in rank_rows()[post.pk] and "heron" not in rank_rows()[post.pk]
    post.tags.add("Stillness")
    assert "'still'" in rank_rows()[post.pk]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE taggit_tag SET name = 'Quiet' WHERE name = 'Stillness'")
    assert "'quiet'" in rank_rows()[post.pk] and "still" not in rank_rows()[post.pk]
    post.tags.clear()
    assert "quiet" not in rank_rows()[post.pk]
    now = timezone.now()
    Post.objects.bulk_create([Post(title=f"Bulk {n}", slug=f"bulk-{n}", published_at=now) for n in range(2)])
    assert sorted(rank_rows()) == sorted(Post.objects.values_list("pk", flat=True))
    Post.objects.filter(slug="bulk-0").delete()
    post.delete()
    assert list(rank_rows()) == list(Post.objects.values_list("pk", flat=True))


def whole_vectors_as_0002_makes_them() -> bool:
    """Each post's whole vector is what ``blog_post_search_document`` (0002) computes from the post."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT bool_and(s.vector = blog_post_search_document(p.id, p.title, p.excerpt, p.body_text)), "
            "count(*) FROM blog_post p JOIN blog_post_search s ON s.post_id = p.id"
        )
        same, count = cursor.fetchone()
    return same and count == Post.objects.count()


@pytest.mark.django_db
def test_the_whole_vector_is_the_same_whether_made_from_the_rank_vector_or_not():
    """The triggers build the whole vector from the rank vector and the body: the value 0012 stored."""
    post = PostFactory(title="Heron at dawn", excerpt="A grey bird.", body="The river, slow.", tags=["Rest", "Joy"])
    PostFactory(title="Plain", body="Nothing tagged.")
    assert whole_vectors_as_0002_makes_them()
    Post.objects.filter(pk=post.pk).update(body_text="The sea, fast.", title="Egret")
    post.tags.add("Calm")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE taggit_tag SET name = 'Ease' WHERE name = 'Rest'")
    assert whole_vectors_as_0002_makes_them()
    assert [hit.post.title for hit in search.search("ease sea")[0:10]] == ["Egret"]


@pytest.mark.django_db
def test_truncating_the_posts_empties_the_rank_table_too():
    PostFactory(title="Soon gone")
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE blog_post CASCADE")
    assert rank_rows() == {}


@pytest.mark.django_db
def test_title_tags_and_excerpt_rank_first_then_body_matches_newest_first():
    """What ranks: where the words are (title, then tags, then excerpt); a body's matches decide nothing, so
    posts found by their body alone come after, newest first, however often their bodies repeat the word."""
    PostFactory(title="Old body", excerpt="Tea.", body="kettle kettle kettle kettle, the kettle sings.", days_ago=9)
    PostFactory(title="New body", excerpt="Tea.", body="A kettle.", days_ago=1)
    PostFactory(title="Excerpt", excerpt="The kettle on the stove.", body="Tea.", days_ago=5)
    PostFactory(title="Tagged", excerpt="Tea.", body="Tea.", tags=["Kettle"], days_ago=6)
    PostFactory(title="The kettle", excerpt="Tea.", body="Tea.", days_ago=7)
    assert titles("kettle") == ["The kettle", "Tagged", "Excerpt", "New body", "Old body"]


@pytest.mark.slow  # migrates back to 0012 and forward again
@pytest.mark.django_db(transaction=True)
def test_the_rank_table_goes_back_and_is_filled_again_going_forward():
    post = PostFactory(title="Lantern", body="A lantern by the door.", tags=["Evening"])
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('blog_post_search_rank')")
        assert cursor.fetchone() == (None,)
    # Written while there was no rank table, by 0012's triggers: the way forward computes its rank vector.
    old_post = (
        executor.loader.project_state(BEFORE)
        .apps.get_model("blog", "Post")
        .objects.create(
            title="Heron", slug="heron", body_text="A heron waits.", status="published", published_at=timezone.now()
        )
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert sorted(rank_rows()) == [post.pk, old_post.pk]
    assert "'even':2B" in rank_rows()[post.pk]
    assert titles("evening door") == ["Lantern"] and titles("heron") == ["Heron"]


@pytest.mark.django_db
def test_a_post_without_a_rank_row_is_still_found_and_does_not_jump_to_the_top():
    """No write path leaves a post without one; were one lost, its match ranks as a body's match does (by age),
    not first, as a NULL score would."""
    lost = PostFactory(title="Kettle lost", excerpt="Tea.", body="Tea.", days_ago=9)
    PostFactory(title="New body", excerpt="Tea.", body="A kettle.", days_ago=1)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM blog_post_search_rank WHERE post_id = %s", [lost.pk])
    assert titles("kettle") == ["New body", "Kettle lost"]
