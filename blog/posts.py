"""Helpers about posts beside the models: their public URLs, the tag list, and the "public" rule as SQL."""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, reverse

from blog.models import Post, TaggedPost


def site_url(path: str) -> str:
    """An absolute URL on the public site (``SITE_URL``), whatever Host a request carried."""
    return f"{settings.SITE_URL}{path}"


def tag_sort_key(tag) -> tuple[str, str]:
    """Tags in one order everywhere (cards, post pages, the tag list): by name, case-insensitively."""
    return (tag.name.casefold(), tag.name)


# A tag's address, reversed once per process (the script prefix is part of the key): a page of cards
# links each card's tags, and the same few tags come back card after card.
@lru_cache(maxsize=8192)
def _tag_url(script_prefix: str, slug: str) -> str:
    return reverse("blog:tag-detail", args=[slug])


def tag_links(tags) -> list[tuple]:
    """``(tag, its address)`` for each of ``tags``, in :func:`tag_sort_key` order."""
    prefix = get_script_prefix()
    return [(tag, _tag_url(prefix, tag.slug)) for tag in sorted(tags, key=tag_sort_key)]


def tags_in_use() -> list:
    """Tags that at least one public post carries, by name, each with ``num_posts``: how many it has.

    Counted on the tag links alone, grouped by tag, leaving out the hidden posts (far fewer than the
    public ones), then matched up with the tags: far cheaper than joining the posts and grouping over tag
    names (numbers in docs/performance.md).
    """
    from django.db.models import Count
    from taggit.models import Tag

    counts = dict(
        TaggedPost.objects.exclude(content_object__in=Post.objects.hidden().values("pk"))
        .order_by()
        .values_list("tag_id")
        .annotate(num_posts=Count("pk"))
    )
    # By name as a reader reads it: "evening" beside "Evening", whatever the database's collation.
    tags = sorted((tag for tag in Tag.objects.all() if tag.pk in counts), key=tag_sort_key)
    for tag in tags:
        tag.num_posts = counts[tag.pk]
    return tags


def published_condition() -> tuple[str, list]:
    """``published()``'s condition as SQL on the post table (named, not aliased), with its parameters.

    For the few hand-written queries, so that they share the one rule for "public".
    """
    from django.db import connection

    query = Post.objects.published().query
    sql, params = query.get_compiler(connection=connection).compile(query.where)
    return sql, list(params)
