"""The anonymous page cache, and the cache headers of public pages.

Pages are kept under the content version (blog/caching.py). Only canonical URLs are cached: each public
view names the query parameters it reads, and anything else in a query string is dropped before the key is
made and before the view runs, so ``/?cb=1``, ``/?cb=2``… are all ``/``.
"""

import hashlib
import logging
from collections import OrderedDict
from functools import lru_cache, wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from blog.caching import PAGE_TIMEOUT, current_version, one_version_per_request

logger = logging.getLogger(__name__)


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

    The request, this middleware and everything below it read the content version once (a member's post
    page keys a dozen fragments and kept lists by it); a write in the request starts a new one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with one_version_per_request():
            return self._serve(request)

    def _serve(self, request):
        if request.method not in ("GET", "HEAD") or not _is_anonymous(request):
            return self.get_response(request)
        params = _cache_params(request)
        if params is None:
            return self.get_response(request)
        request.get_host()  # DisallowedHost (a 400) before any page is served
        _canonicalise(request, params)
        try:
            version, _, version_started = current_version()
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
