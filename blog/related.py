"""Related posts for a post page: the public posts that share most of its tags, newest first among equals.

Asked the obvious way (every public post joined to its tags, grouped, counted, sorted) the database walks
the whole archive to find three posts, and the pages it reads on the way fill the worker's memory
(numbers in docs/performance.md). Here the search starts from the post's own tags instead: each tag's
newest ``CANDIDATES_PER_TAG`` other posts (one index range per tag), counted by how many of the tags
they share; only those candidates are looked up, and the public ones ranked. A post's related posts
are therefore chosen among recent writing on its subjects, which is what a reader would want anyway.
"""

from django.db import connection

from blog.models import Post, TaggedPost
from blog.posts import published_condition

CANDIDATES_PER_TAG = 500


def related_query(*, post_id: int, tag_ids: list[int], limit: int) -> tuple[str, list]:
    """The SQL and parameters of :func:`related_posts` (no table aliases: the plan tests look for names)."""
    quote = connection.ops.quote_name
    tagged, posts = quote(TaggedPost._meta.db_table), quote(Post._meta.db_table)
    per_tag = " UNION ALL ".join(
        f"SELECT * FROM (SELECT content_object_id AS id FROM {tagged} WHERE tag_id = %s AND content_object_id <> %s "
        f"ORDER BY content_object_id DESC LIMIT %s) AS tag{index}"
        for index in range(len(tag_ids))
    )
    public, public_params = published_condition()
    # CROSS JOIN keeps SQLite from turning the join round (walking every public post by date and probing
    # the candidates); PostgreSQL reads it as a plain join and plans it well by itself.
    sql = (
        f"WITH candidates AS MATERIALIZED (SELECT id, COUNT(*) AS shared FROM ({per_tag}) AS tagged GROUP BY id) "
        f"SELECT {posts}.id, {posts}.slug, {posts}.title, {posts}.updated_at FROM candidates CROSS JOIN {posts} "
        f"WHERE {posts}.id = candidates.id AND {public} "
        f"ORDER BY candidates.shared DESC, {posts}.published_at DESC, {posts}.id DESC LIMIT %s"
    )
    params = []
    for tag_id in tag_ids:
        params += [tag_id, post_id, CANDIDATES_PER_TAG]
    return sql, [*params, *public_params, limit]


def related_posts(post: Post, tag_ids: list[int], *, limit: int) -> list[Post]:
    """Up to ``limit`` public posts sharing tags (of ``tag_ids``, the post's) with ``post``.

    Most shared tags first, then newest. The posts carry their id, slug, title and ``updated_at`` (for the
    page's Last-Modified) only.
    """
    if not tag_ids or limit <= 0:
        return []
    return list(Post.objects.raw(*related_query(post_id=post.pk, tag_ids=tag_ids, limit=limit)))
