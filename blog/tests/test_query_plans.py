"""The public queries use indexes: EXPLAIN (SQLite and PostgreSQL) must show no full scan of posts
(how the plan is asked: blog/tests/plans.py)."""

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from blog.models import Post, TaggedPost
from blog.tests.plans import POSTGRES_FULL_SCAN, SQLITE_FULL_SCAN, assert_no_full_scan, make_posts_and_tags, plan

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def data(module_db):
    """Made once: every test here only reads it (and plans queries over it)."""
    posts, tags = make_posts_and_tags()
    return {"tag": tags[3], "post_ids": [post.pk for post in posts[:10]]}


def test_home_page_query(data):
    text = assert_no_full_scan(Post.objects.published().for_list()[:10])
    assert "post_status_published_idx" in text or "post_published_idx" in text


def test_home_page_count(data):
    assert_no_full_scan(Post.objects.published().values("pk"))


def test_tag_page_query(data):
    text = assert_no_full_scan(Post.objects.published().filter(tags=data["tag"]).for_list()[:10])
    assert "taggedpost" in text


def queries_of(call) -> list[str]:
    """The SQL (parameters inlined) that ``call()`` sends, to ask for the plan of what the code really runs."""
    with CaptureQueriesContext(connection) as captured:
        call()
    return [query["sql"] for query in captured.captured_queries]


def post_queries(call) -> list[str]:
    return [sql for sql in queries_of(call) if re.match(r'SELECT .* FROM "blog_post"', sql)]


def test_archive_page_query(data, client):
    queries = post_queries(lambda: client.get("/archive/", {"page": 2}))
    assert any("OFFSET 100" in query for query in queries), queries
    for query in queries:
        assert_no_full_scan((query, ()))


def test_tags_of_a_page_of_posts(data):
    assert_no_full_scan(TaggedPost.objects.filter(content_object_id__in=data["post_ids"]).select_related("tag"))


def test_a_page_of_search_hits_with_their_tags(data):
    """A page of hits: its posts by key, each one's tags through the tag links' index (one query)."""
    from blog.search import hit_posts_queryset

    assert_no_full_scan(hit_posts_queryset(data["post_ids"]))


def test_post_by_slug(data):
    assert_no_full_scan(Post.objects.published().filter(slug="post-3"))


def test_related_posts_look_up_their_candidates_by_key(data):
    """Related posts start from the post's tags: the posts are fetched by key, never walked by date."""
    from blog.related import related_query

    post = Post.objects.published().first()
    tag_ids = list(TaggedPost.objects.filter(content_object=post).values_list("tag_id", flat=True))
    text = assert_no_full_scan(related_query(post_id=post.pk, tag_ids=tag_ids, limit=3))
    if connection.vendor == "sqlite":
        assert "SEARCH blog_post USING INTEGER PRIMARY KEY" in text
        assert "post_status_published_idx" not in text and "post_published_idx" not in text


def test_search_hits_are_fetched_by_key(data):
    from blog import search

    # The page's posts by their ids (on PostgreSQL the ranking query reads blog_post too).
    (query,) = [sql for sql in post_queries(lambda: search.search("post")[0:10]) if '"blog_post"."id" IN (' in sql]
    text = assert_no_full_scan((query, ()))
    if connection.vendor == "sqlite":
        assert "USING INTEGER PRIMARY KEY" in text
        assert "post_status_published_idx" not in text and "post_published_idx" not in text


def search_queries(words: str) -> list[str]:
    """The ranking statements of a search: its count and its page."""
    from blog import search

    def run():
        results = search.search(words)
        results.count()
        results[0:10]

    return [sql for sql in queries_of(run) if "blog_post_fts" in sql or "blog_post_matching" in sql]


def test_search_finds_its_matches_through_the_full_text_index(data):
    """The matches come from the index, never from reading every post (each essay's text or vector)."""
    queries = search_queries("post")
    assert len(queries) == 2, queries
    for query in queries:
        text = plan((query, ()))
        if connection.vendor == "sqlite":
            assert re.search(r"SCAN blog_post_fts VIRTUAL TABLE INDEX", text), text
            assert not SQLITE_FULL_SCAN.search(text), text
        else:
            assert "Function Scan on blog_post_matching" in text, text
            assert "vector @@" not in text, f"the vector is matched outside the index:\n{text}"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the matching function is PostgreSQL's")
def test_postgres_matching_function_asks_the_gin_index_whatever_the_table_size(data):
    """Planned under its own settings, the function's query is a bitmap scan of the GIN index, even on a
    table so small that the planner would otherwise read every row (which at scale means every vector)."""
    with connection.cursor() as cursor:
        names = ["blog_post_matching", "blog_post_matching_newest"]
        cursor.execute("SELECT proname, proconfig FROM pg_proc WHERE proname = ANY(%s)", [names])
        found = dict(cursor.fetchall())
    assert set(found) == {"blog_post_matching", "blog_post_matching_newest"}
    settings = found["blog_post_matching"]
    assert set(settings) == set(found["blog_post_matching_newest"]) == {"enable_seqscan=off", "enable_indexscan=off"}
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in settings:
            name, value = setting.split("=")
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        cursor.execute("EXPLAIN SELECT post_id FROM blog_post_search WHERE vector @@ to_tsquery('english', 'post')")
        text = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on blog_post_search_vector_gin" in text, text
    assert not POSTGRES_FULL_SCAN.search(text), text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the ranking statement is PostgreSQL's")
def test_postgres_page_looks_up_its_candidates_and_their_vectors_by_key(data):
    """The newest matches are checked for publication by key, and each ranked one's rank vector is read by key:
    a merge join walked the primary key over every public post when a word had few matches, and a hash
    join read the whole search table for two hundred vectors.

    The join of the page's ten posts is the planner's own choice: on these 200 posts, once analysed
    (autovacuum may do it at any moment of a run), hashing ten rows against them is as cheap as ten
    lookups. So the test pins what does not depend on the table's size: how each search table is read."""
    (page,) = [sql for sql in search_queries("post") if "ts_rank" in sql]
    text = plan((page, ()))
    assert "Index Cond: (id = n.id)" in text, text
    assert "Index Scan using blog_post_search_rank_pkey on blog_post_search_rank" in text, text
    assert "Index Scan using blog_post_search_pkey on blog_post_search" in text, text  # the body's part
    assert "Merge Join" not in text, text
    reads = [line.strip() for line in text.splitlines() if re.search(r" on blog_post_search(_rank)? ", line)]
    assert reads and all(re.match(r"->  Index Scan using blog_post_search(_rank)?_pkey ", line) for line in reads), text
