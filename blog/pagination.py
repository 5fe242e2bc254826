"""Strict pagination: a page number that is not a positive integer in range is a 404."""

import re

from django.core.paginator import Page, Paginator
from django.http import Http404

_PAGE_NUMBER = re.compile(r"\d{1,7}")


def page_number(request) -> int:
    """The ``?page=`` number, or 404 for anything that is not a positive integer."""
    raw = request.GET.get("page", "1")
    if not _PAGE_NUMBER.fullmatch(raw) or int(raw) < 1:
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


def paginate_counted(request, rows, per_page: int) -> Page:
    """Page ``rows``, a values_list queryset whose last column is the total row count (a window COUNT).

    One query gives the page and the count, whatever the list's length; 404 past the end.
    """
    number = page_number(request)
    start = (number - 1) * per_page
    page_rows = list(rows[start : start + per_page])
    if not page_rows and number > 1:
        raise Http404("No such page.")
    paginator = Paginator(rows, per_page, allow_empty_first_page=True)
    paginator.count = page_rows[0][-1] if page_rows else 0
    return Page([row[:-1] for row in page_rows], number, paginator)
