"""The content version, the anonymous page cache, and cache headers.

Every cached page key contains the *content version*, a token that changes
whenever posts or tags change (bumped on commit) and whenever a scheduled post
reaches its time. Old pages are never invalidated one by one: they simply stop
being asked for, in every worker process and on every machine sharing the cache.

The version lives in the database (``ContentVersion``), where no cache eviction can reach it, with a
copy in the cache that every request reads. Only canonical URLs are cached: each public view names the
query parameters it reads, and anything else in a query string is dropped before the key is made and
before the view runs, so ``/?cb=1``, ``/?cb=2``… are all ``/``.
"""

import hashlib
import logging
import secrets
import threading
import time
import weakref
from collections import OrderedDict
from datetime import UTC, datetime
from functools import lru_cache, wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, transaction
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date

VERSION_KEY = "content:version"
PAGE_TIMEOUT = 60 * 60 * 24
_NEVER = float("inf")
# The one row of ContentVersion.
_ROW = 1

logger = logging.getLogger(__name__)


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
    cache.set(VERSION_KEY, stored, None)


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
    cache.set(VERSION_KEY, fresh, None)
    return fresh


def _current() -> tuple[str, float, float]:
    """(token, when the next scheduled post goes public, when this version started).

    May read the database (when the cache has lost its copy) and so raise ``DatabaseError``.
    """
    global _version_used
    stored = _stored_version()
    if stored is None:
        stored = _new_version()
        _save(stored)
    elif time.time() >= stored[1]:
        stored = _advance(stored)
    _version_used = True
    return stored


def content_version() -> str:
    """The current content version (a new one once a scheduled post's time has come)."""
    return _current()[0]


def version_ends_at() -> float:
    """When the current version ends: the timestamp its next scheduled post goes public (inf if none)."""
    return _current()[1]


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
            cache.set(VERSION_KEY, _new_version(), None)
        elif _version_used or scheduled_at < stored[1]:
            # No query: the version's next scheduled time, or this post's if it comes first.
            cache.set(VERSION_KEY, _new_version(min(stored[1], scheduled_at)), None)
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


def public_page(view=None, *, params: tuple[str, ...] = ()):
    """Mark a view's responses as public for anonymous readers and private for members.

    ``params`` are the query parameters the view reads, in the order that makes the canonical URL;
    the page cache keeps only those (any other is dropped before the view sees the request). A view
    keeps one response out of the cache by setting ``response.cacheable_public = False``.
    """

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if request.user.is_authenticated:
                patch_cache_control(response, private=True, max_age=0)
            elif response.status_code == 200:
                patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
                if getattr(response, "cacheable_public", None) is None:
                    response.cacheable_public = True
            patch_vary_headers(response, ["Cookie"])
            return response

        wrapped.cache_params = tuple(params)
        return wrapped

    return decorate if view is None else decorate(view)


def _is_anonymous(request) -> bool:
    """No cookie that could change the page: no session, no pending messages."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


# Query parameters read by what other apps show inside a public page, by the page's URL name.
_added_params: dict[str, tuple[str, ...]] = {}


def add_page_params(url_name: str, *params: str) -> None:
    """Let what an app shows inside a public page read more of its query string.

    For a feature drawn into one of blog's pages through its own template tags (a page of responses
    under a post: ``add_page_params("blog:post-detail", "responses")``), so blog need not know of it.
    Call from the app's ``AppConfig.ready()``.
    """
    _added_params[url_name] = (*_added_params.get(url_name, ()), *params)
    _params_at.cache_clear()


def _cache_params(request) -> tuple[str, ...] | None:
    """The query parameters of the public page at this path, or None when it is not a public page."""
    return _params_at(getattr(request, "urlconf", None) or settings.ROOT_URLCONF, request.path_info)


# Resolving is most of what a hit costs beyond the two cache reads; the answer for a path never changes.
@lru_cache(maxsize=4096)
def _params_at(urlconf: str, path: str) -> tuple[str, ...] | None:
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    params = getattr(match.func, "cache_params", None)
    if params is None:
        return None
    return (*params, *_added_params.get(match.view_name, ()))


def _canonicalise(request, params) -> None:
    """Keep only ``params`` in the request's query string, in their order, one value each (the last, as views read)."""
    query = request.GET
    canonical = urlencode([(name, query[name]) for name in params if name in query])
    if canonical != request.META.get("QUERY_STRING", ""):
        request.META["QUERY_STRING"] = canonical
        request.GET = QueryDict(canonical)


class _RecentPages:
    """This process's copies of pages it served lately, by their versioned key.

    Never stale: the key holds the content version, which is checked against the shared cache on
    every request; a copy here only saves reading and decompressing the shared one again. Bounded
    by total size, oldest out first.
    """

    def __init__(self, max_bytes: int = 16 * 1024 * 1024):
        self.max_bytes = max_bytes
        self.size = 0
        self.pages: OrderedDict[str, tuple] = OrderedDict()

    def get(self, key: str):
        stored = self.pages.get(key)
        if stored is not None:
            self.pages.move_to_end(key)
        return stored

    def put(self, key: str, stored: tuple) -> None:
        if key in self.pages or len(stored[2]) > self.max_bytes // 8:
            return
        self.pages[key] = stored
        self.size += len(stored[2])
        while self.size > self.max_bytes:
            _, old = self.pages.popitem(last=False)
            self.size -= len(old[2])

    def clear(self) -> None:
        self.pages.clear()
        self.size = 0


_recent_pages = _RecentPages()


class AnonymousPageCacheMiddleware:
    """Serve anonymous GET/HEAD requests for public pages from the shared cache.

    Sits above the session and auth middleware so a hit costs two cache reads and nothing else. The
    Host is checked first (a disallowed one is a 400, hit or miss). Only public pages' canonical URLs
    are keyed, and only responses that a view marked ``cacheable_public`` and that set no cookie are
    stored. Should the version be unreadable (the cache lost it and the database is down), the
    request goes on uncached: the view answers as it would without a cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or not _is_anonymous(request):
            return self.get_response(request)
        params = _cache_params(request)
        if params is None:
            return self.get_response(request)
        request.get_host()  # DisallowedHost (a 400) before any page is served
        _canonicalise(request, params)
        try:
            version, _, version_started = _current()
        except DatabaseError:
            logger.warning("Page cache skipped: the content version could not be read", exc_info=True)
            return self.get_response(request)
        path = request.get_full_path()
        key = f"page:{version}:{hashlib.md5(path.encode(), usedforsecurity=False).hexdigest()}"
        stored = _recent_pages.get(key)
        if stored is None:
            stored = cache.get(key)
            if stored is not None:
                _recent_pages.put(key, stored)
        if stored is not None:
            status, headers, content = stored
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response.headers[name] = value
            response.headers["X-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if (
            getattr(response, "cacheable_public", False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
        ):
            if not response.has_header("ETag"):
                response.headers["ETag"] = f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"'
            if not response.has_header("Last-Modified"):
                # Nothing public can have changed since this version began: a safe validator for any page.
                response.headers["Last-Modified"] = http_date(version_started)
            headers = [(name, value) for name, value in response.items() if name.lower() != "set-cookie"]
            stored = (response.status_code, headers, response.content)
            cache.set(key, stored, PAGE_TIMEOUT)
            _recent_pages.put(key, stored)
            response.headers["X-Cache"] = "miss"
        return response
