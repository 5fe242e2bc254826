"""The content version, the anonymous page cache, and cache headers.

Every cached page key contains the *content version*, a token that changes
whenever posts or tags change (bumped on commit) and whenever a scheduled post
reaches its time. Old pages are never invalidated one by one: they simply stop
being asked for, in every worker process and on every machine sharing the cache.
"""

import hashlib
import os
import secrets
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.filebased import FileBasedCache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date

VERSION_KEY = "content:version"
PAGE_TIMEOUT = 60 * 60 * 24
_NEVER = float("inf")


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


def _bump(next_scheduled: float | None = None) -> tuple[str, float, float]:
    global _version_used
    if next_scheduled is None:
        next_scheduled = _next_scheduled_timestamp()
    stored = (f"{time.time_ns():x}{secrets.token_hex(4)}", next_scheduled, time.time())
    cache.set(VERSION_KEY, stored, None)
    _version_used = False
    return stored


def bump_content_version() -> str:
    """Start a new content version now; every page cached under the old one is stale."""
    return _bump()[0]


# path of the version's cache file -> ((inode, mtime, size) when read, what it held)
_version_file_memo: dict[str, tuple[tuple, tuple]] = {}


def _stored_version():
    """The stored version tuple, read as cheaply as the backend allows.

    With the file cache a ``stat`` tells whether the version file is the one this process read last
    (every write replaces the file: a new inode and mtime), so a page-cache hit costs one ``stat``
    rather than opening, decompressing and unpickling the file. The check is made on every call,
    so a bump by any process is seen by the very next request. Other backends are simply asked.
    """
    backend = caches["default"]
    if not isinstance(backend, FileBasedCache):
        return backend.get(VERSION_KEY)
    path = backend._key_to_file(VERSION_KEY)
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return None
    # Stat before reading: what is read is at least as new as the signature it is filed under.
    signature = (status.st_ino, status.st_mtime_ns, status.st_size)
    memo = _version_file_memo.get(path)
    if memo is not None and memo[0] == signature:
        return memo[1]
    stored = backend.get(VERSION_KEY)
    _version_file_memo[path] = (signature, stored)
    return stored


def _current() -> tuple[str, float, float]:
    """(token, when the next scheduled post goes public, when this version started)."""
    global _version_used
    stored = _stored_version()
    if stored is None or len(stored) < 3 or time.time() >= stored[1]:
        stored = _bump()
    _version_used = True
    return stored


def content_version() -> str:
    """The current content version (a new one once a scheduled post's time has come)."""
    return _current()[0]


def bump_on_commit(*, instance=None, using=None, action=None, **kwargs) -> None:
    """Signal receiver: bump the version now (when needed) and again once the writing transaction commits.

    The bump now lets this connection read its own writes at once: it is needed only if this process
    keyed a page with the current version since its last bump, or if the write schedules a post
    earlier than the version knew. (Other processes cannot see the uncommitted rows; whatever they
    cache meanwhile is retired by the bump on commit.) However many rows a transaction writes, it
    bumps once on commit, so an import of a thousand files costs a thousand bumps, not four thousand.
    """
    if action is not None and action.startswith("pre_"):
        return  # m2m_changed: the post_* signal that follows is the write
    stored = _stored_version()
    if stored is None or len(stored) < 3:
        _bump()
    else:
        scheduled_at = _scheduled_timestamp(instance)
        if _version_used or scheduled_at < stored[1]:
            # No query: the version's next scheduled time, or this post's if it comes first.
            _bump(min(stored[1], scheduled_at))
    connection = transaction.get_connection(using)
    if connection.in_atomic_block and any(func is bump_content_version for _, func, _ in connection.run_on_commit):
        return
    transaction.on_commit(bump_content_version, using=using)


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


def public_page(view):
    """Mark a view's responses as public for anonymous readers and private for members."""

    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.user.is_authenticated:
            patch_cache_control(response, private=True, max_age=0)
        elif response.status_code == 200:
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
            response.cacheable_public = True
        patch_vary_headers(response, ["Cookie"])
        return response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    wrapped.__wrapped__ = view
    return wrapped


def _is_anonymous(request) -> bool:
    """No cookie that could change the page: no session, no pending messages."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


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

    Sits above the session and auth middleware so a hit costs two cache reads
    and nothing else. Only responses that a view marked ``cacheable_public``
    and that set no cookie are stored.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or not _is_anonymous(request):
            return self.get_response(request)
        path = request.get_full_path()
        version, _, version_started = _current()
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
