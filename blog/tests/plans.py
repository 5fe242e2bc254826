"""Asking the database how it would run a query: EXPLAIN (SQLite and PostgreSQL), and no full scans.

SQLite's planner is asked directly (EXPLAIN QUERY PLAN). PostgreSQL prefers a sequential scan on
small tables whatever the indexes, so sequential scans are priced out (``enable_seqscan = off``):
it still picks one when no index can serve the query, which is exactly what the tests must catch.
"""

import re

from django.db import connection, transaction
from django.utils import timezone
from taggit.models import Tag

from blog.models import Post, TaggedPost

SQLITE_FULL_SCAN = re.compile(r"\bSCAN (blog_post|accounts_favourite|blog_taggedpost)\b(?! USING)")
POSTGRES_FULL_SCAN = re.compile(
    r"Seq Scan on (blog_post|blog_post_search|blog_post_search_rank|accounts_favourite|blog_taggedpost)\b"
)


def plan(query) -> str:
    """The database's plan for ``query`` (a queryset, or SQL and its parameters), as one string."""
    sql, params = query if isinstance(query, tuple) else query.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(row[-1] for row in cursor.fetchall())


def assert_no_full_scan(queryset):
    text = plan(queryset)
    pattern = POSTGRES_FULL_SCAN if connection.vendor == "postgresql" else SQLITE_FULL_SCAN
    assert not pattern.search(text), f"full table scan:\n{text}"
    return text


def make_posts_and_tags() -> tuple[list, list]:
    """200 posts (every seventh a draft) and 20 tags, three a post: enough rows for the planner to choose."""
    now = timezone.now()
    posts = Post.objects.bulk_create(
        Post(
            title=f"Post {i}",
            slug=f"post-{i}",
            status=Post.Status.PUBLISHED if i % 7 else Post.Status.DRAFT,
            published_at=now - timezone.timedelta(hours=i),
        )
        for i in range(200)
    )
    tags = Tag.objects.bulk_create(Tag(name=f"Tag {i}", slug=f"tag-{i}") for i in range(20))
    TaggedPost.objects.bulk_create(
        TaggedPost(content_object=post, tag=tags[(i + k) % 20]) for i, post in enumerate(posts) for k in range(3)
    )
    return posts, tags
