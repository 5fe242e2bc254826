"""Strict pagination: a page number that is not a positive integer in range is a 404."""

import re

from django.core.paginator import Page, Paginator
from django.http import Http404

# One spelling per page ("2", never "02"): each spelling would be a page of its own to the page cache.
_PAGE_NUMBER = re.compile(r"[1-9]\d{0,6}")


def page_number(request) -> int:
    """The ``?page=`` number, or 404 for anything that is not a positive integer."""
    raw = request.GET.get("page", "1")
    if not _PAGE_NUMBER.fullmatch(raw):
        raise Http404("No such page.")
    return int(raw)


def paginate(request, object_list, per_page: int, *, count: int | None = None) -> Page:
    """Page ``object_list`` by ``?page=``; 404 when the page is out of range.

    ``count``, when the caller already knows it (from a cache), saves the COUNT query.
    """
    number = page_number(request)
    paginator = Paginator(object_list, per_page, allow_empty_first_page=True)
    if count is not None:
        paginator.count = count  # cached_property: assigning skips the query
    if number > paginator.num_pages:
        raise Http404("No such page.")
    return paginator.page(number)


def paginate_counted(request, fetch, per_page: int) -> Page:
    """Page by ``?page=`` where ``fetch(limit=, offset=)`` answers a page of rows and the total at once.

    404 for a page past the end (page 1 may be empty).
    """
    number = page_number(request)
    rows, total = fetch(limit=per_page, offset=(number - 1) * per_page)
    if not rows and number > 1:
        raise Http404("No such page.")
    return page_of(rows, rows, number, per_page, total)


def page_of(object_list, rows, number: int, per_page: int, count: int) -> Page:
    """Page ``number`` of ``object_list`` whose ``rows`` and total ``count`` are already known (no query)."""
    paginator = Paginator(object_list, per_page, allow_empty_first_page=True)
    paginator.count = count  # cached_property: assigning skips the query
    return Page(rows, number, paginator)
