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

    ``count``, when the caller already knows it (from a cache), saves the COUNT query; so does a first
    page that is not full.
    """
    number = page_number(request)
    paginator = Paginator(object_list, per_page, allow_empty_first_page=True)
    if count is not None:
        paginator.count = count  # cached_property: assigning skips the query
    elif number == 1:
        # Most lists fit on one page (a member's saved pieces): one row more than a page tells
        # whether there is a second, and when there is not, the rows are the count.
        head = list(object_list[: per_page + 1])
        if len(head) <= per_page:
            paginator.count = len(head)
        return Page(head[:per_page], 1, paginator)
    if number > paginator.num_pages:
        raise Http404("No such page.")
    return paginator.page(number)
