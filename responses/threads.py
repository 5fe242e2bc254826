"""Reads for the post page: a page of threads a reader sees, and what the member may do there.

A fixed number of queries whatever a post holds: a page of threads and one query for all their
replies (each with its author's display name); for a member, one more for their name and any ban.
The post's and the site's settings are kept under the content version.
"""

import re
import uuid
from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.http import Http404

from blog.caching import cached_list
from responses import rules
from responses.forms import ResponseForm
from responses.models import PostResponses, Response, ResponseSettings

THREADS_PER_PAGE = 50
PAGE_PARAMETER = "responses"
_PAGE_NUMBER = re.compile(r"\d{1,7}")


def page_number(request) -> int:
    raw = request.GET.get(PAGE_PARAMETER, "1")
    if not _PAGE_NUMBER.fullmatch(raw) or int(raw) < 1:
        raise Http404("No such page of responses.")
    return int(raw)


@dataclass
class ThreadPage:
    """A page of threads, found without counting them all: one row past the page says there is more."""

    object_list: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def threads_page(*, post, user, number: int) -> ThreadPage:
    """Page ``number`` of ``post``'s threads as ``user`` sees them, replies prefetched (two queries)."""
    replies = Response.objects.visible_to(user).select_related("author__responder")
    threads = Response.objects.threads(post=post, user=user).prefetch_related(
        Prefetch("replies", queryset=replies.order_by("created_at", "pk"), to_attr="shown_replies")
    )
    start = (number - 1) * THREADS_PER_PAGE
    rows = list(threads[start : start + THREADS_PER_PAGE + 1])
    if not rows and number > 1:
        raise Http404("No such page of responses.")
    return ThreadPage(rows[:THREADS_PER_PAGE], number, len(rows) > THREADS_PER_PAGE)


def thread_page_of(response: Response, *, user) -> int:
    """Which page of its post's threads ``response`` is on, for ``user``."""
    top = response.parent or response
    before = Response.objects.threads(post=response.post, user=user).filter(
        Q(created_at__lt=top.created_at) | Q(created_at=top.created_at, pk__lt=top.pk)
    )
    return before.count() // THREADS_PER_PAGE + 1


def section(request, post) -> dict | None:
    """Everything the responses part of a post page needs (None when the post's responses are off)."""
    user = request.user
    # The settings change only through the admin, which moves the content version.
    site, row = cached_list(
        lambda: [ResponseSettings.current(), PostResponses.objects.filter(post=post).first()],
        "responses-settings",
        post.pk,
    )
    mode = rules.post_mode(post, site=site, row=row)
    if mode == PostResponses.Mode.OFF:
        return None
    number = page_number(request)
    page = threads_page(post=post, user=user, number=number)
    context = {"post": post, "page": page, "mode": mode, "page_parameter": PAGE_PARAMETER}
    if user.is_authenticated:
        member = rules.member_state(user)
        context["member"] = member
        context["form"] = ResponseForm(
            initial={"key": uuid.uuid4(), "parent": _reply_to(request)}, needs_name=not member.display_name
        )
    return context


def _settings(post) -> list:
    return [ResponseSettings.current(), PostResponses.objects.filter(post=post).first()]


def _reply_to(request) -> int | None:
    raw = request.GET.get("reply", "")
    return int(raw) if _PAGE_NUMBER.fullmatch(raw) else None
