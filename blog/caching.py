"""The content version, what is kept in the cache under it, and a page's Last-Modified.

Every cached page key contains the *content version*, a token that changes
whenever posts or tags change (bumped on commit) and whenever a scheduled post
reaches its time. Old pages are never invalidated one by one: they simply stop
being asked for, in every worker process and on every machine sharing the cache.

The version lives in the database (``ContentVersion``), where no cache eviction can reach it, with a
copy in the cache that every request reads. The anonymous page cache that keys pages by it is in
blog/page_cache.py.
"""

import contextvars
import secrets
import threading
import time
import weakref
from contextlib import contextmanager
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache, caches
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils.http import http_date

VERSION_KEY = "content:version"
PAGE_TIMEOUT = 60 * 60 * 24
# The cache holding pages of search hits (blog.cards) and nothing else, when the site has one (config/settings.py).
HITS_CACHE = "search"
_NEVER = float("inf")
# The one row of ContentVersion.
_ROW = 1


def _next_scheduled_timestamp() -> float:
    from blog.models import Post

    first = Post.objects.scheduled().order_by("published_at").values_list("published_at", flat=True).first()
    return first.timestamp() if first else _NEVER


def _scheduled_timestamp(instance) -> float:
    """When ``instance`` goes public, if it is a scheduled post (else never)."""
    from blog.models import Post

    if isinstance(instance, Post) and instance.is_scheduled:
        return instance.published_at.timestamp()
    return _NEVER


# Whether this process has handed out the current version (to key a page) since it last bumped it.
_version_used = True

# Inside one request (see ``one_version_per_request``): the version it read, so a page keying a dozen
# fragments reads it once. Any bump in this process forgets it.
_request_version: contextvars.ContextVar[dict | None] = contextvars.ContextVar("request_version", default=None)


@contextmanager
def one_version_per_request():
    """Within the block, ``current_version`` reads the cache once (until a bump or the version's end)."""
    token = _request_version.set({})
    try:
        yield
    finally:
        _request_version.reset(token)


def _forget_request_version() -> None:
    held = _request_version.get()
    if held is not None:
        held.clear()


def _cache_version(stored) -> None:
    _forget_request_version()
    cache.set(VERSION_KEY, stored, None)


def _new_version(next_scheduled: float | None = None) -> tuple[str, float, float]:
    """(token, when the next scheduled post goes public, when this version started)."""
    global _version_used
    if next_scheduled is None:
        next_scheduled = _next_scheduled_timestamp()
    _version_used = False
    return (f"{time.time_ns():x}{secrets.token_hex(4)}", next_scheduled, time.time())


def _row_fields(stored) -> dict:
    token, next_scheduled, started = stored
    return {
        "token": token,
        "next_scheduled_at": None if next_scheduled == _NEVER else datetime.fromtimestamp(next_scheduled, UTC),
        "started_at": datetime.fromtimestamp(started, UTC),
    }


def _from_row(row) -> tuple[str, float, float]:
    next_scheduled = row.next_scheduled_at.timestamp() if row.next_scheduled_at else _NEVER
    return (row.token, next_scheduled, row.started_at.timestamp())


def _save(stored) -> None:
    """Keep ``stored`` as the lasting version (the database) and as the cache's copy."""
    from blog.models import ContentVersion

    ContentVersion.objects.update_or_create(pk=_ROW, defaults=_row_fields(stored))
    _cache_version(stored)
    _forget_old_hits()


def _forget_old_hits() -> None:
    """Empty ``HITS_CACHE``, if the site has one: its pages are all under a stale version now. Left there, they
    would fill the file cache's folder until it culled a third of its files at random, the new version's pages
    among them, and each write lists every file (config/settings.py)."""
    if HITS_CACHE in settings.CACHES:
        caches[HITS_CACHE].clear()


def bump_content_version() -> str:
    """Start a new content version now; every page cached under the old one is stale."""
    stored = _new_version()
    _save(stored)
    return stored[0]


def _stored_version():
    """The version tuple: the cache's copy, else the database's (copied back to the cache), else None."""
    from blog.models import ContentVersion

    stored = cache.get(VERSION_KEY)
    if stored is not None:
        return stored
    row = ContentVersion.objects.filter(pk=_ROW).first()
    if row is None:
        return None
    stored = _from_row(row)
    # add, not set: a bump that lands meanwhile wins over this older copy.
    if not cache.add(VERSION_KEY, stored, None):
        stored = cache.get(VERSION_KEY) or stored
    return stored


def _advance(stored) -> tuple[str, float, float]:
    """A new version once ``stored``'s scheduled post is public: made once, by whichever process comes first."""
    from blog.models import ContentVersion

    fresh = _new_version()
    if not ContentVersion.objects.filter(pk=_ROW, token=stored[0]).update(**_row_fields(fresh)):
        row = ContentVersion.objects.filter(pk=_ROW).first()
        other = _from_row(row) if row is not None else None
        if other is not None and other[0] != stored[0] and time.time() < other[1]:
            fresh = other  # another process has already moved on: use its version
        else:
            _save(fresh)
            return fresh
    _cache_version(fresh)
    return fresh


def current_version() -> tuple[str, float, float]:
    """(token, when the next scheduled post goes public, when this version started).

    May read the database (when the cache has lost its copy) and so raise ``DatabaseError``.
    """
    global _version_used
    held = _request_version.get()
    stored = held.get("version") if held is not None else None
    if stored is not None and time.time() < stored[1]:
        _version_used = True
        return stored
    stored = _stored_version()
    if stored is None:
        stored = _new_version()
        _save(stored)
    elif time.time() >= stored[1]:
        stored = _advance(stored)
    _version_used = True
    if held is not None:
        held["version"] = stored
    return stored


def content_version() -> str:
    """The current content version (a new one once a scheduled post's time has come)."""
    return current_version()[0]


def version_ends_at() -> float:
    """When the current version ends: the timestamp its next scheduled post goes public (inf if none)."""
    return current_version()[1]


# Per thread (Django's connections are), per database: the bump waiting for this transaction's commit.
_pending_bumps = threading.local()


def _bump_once_on_commit(using) -> None:
    """Ask for one bump when the current transaction commits, however many writes it makes.

    The callback is a new function per transaction, held only by the connection's list of commit
    callbacks: a weak reference to it is alive exactly while that transaction (or savepoint) still
    holds it, and dead once it has run or been dropped by a rollback.
    """
    alias = using or DEFAULT_DB_ALIAS
    pending = getattr(_pending_bumps, alias, None)
    if pending is not None and pending() is not None:
        return

    def bump_after_commit():
        setattr(_pending_bumps, alias, None)
        bump_content_version()

    setattr(_pending_bumps, alias, weakref.ref(bump_after_commit))
    transaction.on_commit(bump_after_commit, using=using)


def bump_on_commit(*, instance=None, using=None, action=None, **kwargs) -> None:
    """Signal receiver: bump the version now (when needed) and again once the writing transaction commits.

    The bump now (in the cache only) lets this connection read its own writes at once: it is needed only
    if this process keyed a page with the current version since its last bump, or if the write schedules
    a post earlier than the version knew. (Other processes cannot see the uncommitted rows; whatever they
    cache meanwhile is retired by the bump on commit, which the database keeps.) However many rows a
    transaction writes, it bumps once on commit.
    """
    if action is not None and action.startswith("pre_"):
        return  # m2m_changed: the post_* signal that follows is the write
    if transaction.get_connection(using).in_atomic_block:
        stored = _stored_version()
        scheduled_at = _scheduled_timestamp(instance)
        if stored is None:
            _cache_version(_new_version())
        elif _version_used or scheduled_at < stored[1]:
            # No query: the version's next scheduled time, or this post's if it comes first.
            _cache_version(_new_version(min(stored[1], scheduled_at)))
    _bump_once_on_commit(using)


def versioned_key(*parts) -> str:
    """A cache key under the current content version (e.g. for counts that change with content)."""
    return ":".join(["content", content_version(), *(str(part) for part in parts)])


def cached_count(queryset, *parts) -> int:
    """``queryset.count()`` kept under the content version: a list's COUNT runs once per version, not per page."""
    key = versioned_key("count", *parts)
    count = cache.get(key)
    if count is None:
        count = queryset.count()
        cache.set(key, count, PAGE_TIMEOUT)
    return count


def cached_list(compute, *parts) -> list:
    """``list(compute())`` kept under the content version (for a list every write may change)."""
    key = versioned_key("list", *parts)
    items = cache.get(key)
    if items is None:
        items = list(compute())
        cache.set(key, items, PAGE_TIMEOUT)
    return items


def card_version(post) -> str:
    """What a post card's fragment depends on: the row's version, its date and its tags (prefetched)."""
    tags = ",".join(f"{tag.pk}={tag.name}" for tag in post.tags.all())
    return f"{post.pk}:{post.updated_at.timestamp()}:{post.published_at.timestamp()}:{tags}"


def set_last_modified(response, posts) -> None:
    """``Last-Modified`` from the newest ``updated_at`` among the posts a page shows (None entries skipped)."""
    stamps = [post.updated_at for post in posts if post is not None]
    if stamps and not response.has_header("Last-Modified"):
        response.headers["Last-Modified"] = http_date(max(stamps).timestamp())
