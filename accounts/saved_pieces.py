"""Reads of a member's saved pieces: which posts they have saved (for every Save button), and the
queries of /saved/ (a page of the pieces with its total, the tags of all of them for the filter).

All through the ORM, on ``Favourite.objects``; their plans are checked by accounts/tests/test_query_plans.py.
"""

import uuid
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import transaction
from django.db.models import CharField, Count, OuterRef, StringAgg, Subquery, Value, Window
from django.db.models.functions import Cast, Lower
from django.urls import get_script_prefix, reverse
from taggit.models import Tag

from accounts.models import Favourite
from blog.caching import PAGE_TIMEOUT, versioned_key
from blog.models import Post, TaggedPost

# What a row of /saved/ shows of its post: enough to tell whether it is public, its link, title and excerpt.
_ROW_FIELDS = (
    "key",
    "note",
    "saved_at",
    "removed_at",
    "post_id",
    "post_title",
    "post__slug",
    "post__title",
    "post__status",
    "post__published_at",
    "post__excerpt",
)


@dataclass(frozen=True, slots=True)
class SavedTag:
    """A tag of the member's saved pieces, with its page's address and its filter's on /saved/."""

    pk: int
    name: str
    slug: str
    url: str
    filter_url: str


@dataclass(frozen=True, slots=True)
class RowUrls:
    """Where a row of /saved/ links and posts to: reversed here once per process, not per row and page
    (reversing was a third of what a row cost to draw)."""

    post: str
    note: str
    note_delete: str
    remove: str
    restore: str


@lru_cache(maxsize=65536)
def _url(script_prefix: str, name: str, arg) -> str:
    return reverse(name, args=[arg])


@lru_cache(maxsize=8192)
def _filter_url(script_prefix: str, slug: str) -> str:
    return f"{reverse('accounts:saved')}?{urlencode({'tag': slug})}"


def row_urls(favourite: Favourite) -> RowUrls:
    """The row's addresses. A piece no longer public is named by its key only: nothing of a draft's slug."""
    prefix, key = get_script_prefix(), favourite.key
    public = favourite.is_public
    return RowUrls(
        post=_url(prefix, "blog:post-detail", favourite.post.slug) if public else "",
        note=_url(prefix, "accounts:note", favourite.post.slug)
        if public
        else _url(prefix, "accounts:note-by-key", key),
        note_delete=_url(prefix, "accounts:note-delete", key),
        remove=_url(prefix, "accounts:remove", key),
        restore=_url(prefix, "accounts:restore", key),
    )


def note_page_url(favourite: Favourite, *, back: str) -> str:
    """The row's note page (its editor without JavaScript), which returns to ``back`` at the row."""
    return f"{favourite.urls.note}?{urlencode({'next': f'{back}#saved-{favourite.key}'})}"


def saved_rows_queryset(*, user, tag=None):
    """The member's saved pieces (optionally one tag's), newest saved first, each with the total count
    and its post's tag ids (``tag_ids``, comma-separated: the tags themselves come with the filter's)."""
    rows = Favourite.objects.saved().for_user(user).select_related("post").only(*_ROW_FIELDS)
    if tag is not None:
        rows = rows.filter(post_id__in=TaggedPost.objects.filter(tag=tag).values("content_object_id"))
    tag_ids = (
        TaggedPost.objects.filter(content_object_id=OuterRef("post_id"))
        .order_by()
        .values("content_object_id")
        .annotate(ids=StringAgg(Cast("tag_id", CharField()), delimiter=Value(",")))
        .values("ids")
    )
    return rows.annotate(total=Window(Count("pk")), tag_ids=Subquery(tag_ids))


def saved_rows(*, user, tags: list[SavedTag], tag=None, limit: int, offset: int) -> tuple[list[Favourite], int]:
    """One page of the member's saved pieces and how many there are in all (one query).

    ``tags`` are :func:`saved_tags` (every tag of the member's public pieces): each public row's
    ``public_tags`` are picked from them, by name. A piece no longer public shows none: nothing of a draft.
    """
    page = list(saved_rows_queryset(user=user, tag=tag)[offset : offset + limit])
    by_id = {each.pk: each for each in tags}
    for favourite in page:
        ids = favourite.tag_ids.split(",") if favourite.is_public and favourite.tag_ids else ()
        favourite.public_tags = [by_id[int(pk)] for pk in ids if int(pk) in by_id]
        favourite.public_tags.sort(key=lambda each: (each.name.casefold(), each.pk))
        favourite.urls = row_urls(favourite)
    return page, (page[0].total if page else 0)


def saved_tags_queryset(*, user):
    """Every tag of the member's public saved pieces, by name, once each (a draft's tags are not shown)."""
    posts = Post.objects.published().filter(favourites__user=user, favourites__removed_at__isnull=True)
    return (
        Tag.objects.filter(pk__in=TaggedPost.objects.filter(content_object_id__in=posts.values("pk")).values("tag_id"))
        .only("pk", "name", "slug")
        .order_by(Lower("name"), "pk")
    )


def saved_post_ids_queryset(*, user):
    """The ids of the posts the member has saved (removed pieces are not saved)."""
    return Favourite.objects.saved().filter(user=user, post__isnull=False).values_list("post_id", flat=True)


# Every page with Save buttons asks which posts the member saved, and building that query cost more than
# drawing the buttons. The answer is kept under a generation of the member's own, which each saving
# service moves (at once, and again on commit, so that a request which read the rows just before the
# commit cannot keep them), and under the content version (a restored backup moves it); for ten minutes
# at most, whatever else happens. /saved/'s drawn pages are kept the same way (accounts/saved_fragments.py),
# so the note services move the generation too.
SAVED_IDS_TIMEOUT = 60 * 10


def _generation_key(user_id: int) -> str:
    return f"saved-ids-generation:{user_id}"


def generation(user_id: int) -> str:
    """The member's generation: read it before reading what is kept under it, as the services move it."""
    key = _generation_key(user_id)
    current = cache.get(key)
    if current is None:
        current = uuid.uuid4().hex
        # add, not set: a move that lands meanwhile wins over this first one.
        if not cache.add(key, current, PAGE_TIMEOUT):
            current = cache.get(key) or current
    return current


def saved_ids_changed(*, user_id: int) -> None:
    """The member's saved pieces, or a note on one, changed: their next page reads them again (called by
    the services)."""

    def move():
        cache.set(_generation_key(user_id), uuid.uuid4().hex, PAGE_TIMEOUT)

    move()
    transaction.on_commit(move)


def saved_tags(*, user) -> list[SavedTag]:
    """The tags of the member's saved pieces, by name (a member may have hundreds): one query.

    Read only when a page of /saved/ is drawn, which is then kept with its filter (accounts/saved_fragments.py).
    """
    prefix = get_script_prefix()
    return [
        SavedTag(pk, name, slug, _url(prefix, "blog:tag-detail", slug), _filter_url(prefix, slug))
        for pk, name, slug in saved_tags_queryset(user=user).values_list("pk", "name", "slug")
    ]


def saved_post_ids(*, user) -> frozenset[int]:
    """The member's saved posts, as ids: at most one query, whatever the page shows; none for readers."""
    if not user.is_authenticated:
        return frozenset()
    key = versioned_key("saved-ids", user.pk, generation(user.pk))
    ids = cache.get(key)
    if ids is None:
        ids = frozenset(saved_post_ids_queryset(user=user))
        cache.set(key, ids, SAVED_IDS_TIMEOUT)
    return ids
