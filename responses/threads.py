"""Reads for the post page: a page of threads a reader sees, and what the member may do there.

What the section shows is kept drawn, as one string: the published threads once per content version
for every reader (and, with the members' links, once for every member), since nothing in them depends
on who is looking; and for a member who responded to the post, their page with their own responses
drawn in (Edit and Delete instead of Report, their held ones "waiting for a kind look"), under their
id and the stamp of their state, which every write of theirs and every moderation of theirs moves.
Nothing kept holds a CSRF token: a response's Edit, Delete and Report are links to pages of their
own. A member's page is kept no longer than their earliest edit window is open, so "Edit" goes on
time (:mod:`responses.kept` keeps the most recent pages in memory too). Staff, who see every held
response, get their page drawn whole.
"""

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html_join

from blog.caching import PAGE_TIMEOUT, cached_list, versioned_key
from responses import kept, middleware, rules
from responses.models import PostResponses, Response, ResponseSettings

THREADS_PER_PAGE = 50
PAGE_PARAMETER = "responses"
_PAGE_NUMBER = re.compile(r"\d{1,7}")
_SHOWN = [Response.Status.PUBLISHED, Response.Status.HELD]


def page_number(request) -> int:
    raw = request.GET.get(PAGE_PARAMETER, "1")
    if not _PAGE_NUMBER.fullmatch(raw) or int(raw) < 1:
        raise Http404("No such page of responses.")
    return int(raw)


def _order(response: Response) -> tuple:
    return (response.created_at, response.pk)


@dataclass
class Item:
    """One response on the page: its kept HTML, or the row to draw fresh (the member's own)."""

    pk: int
    html: str = ""
    response: Response | None = None
    mine: bool = False


@dataclass
class Thread:
    pk: int
    order: tuple
    top: Item
    replies: list[Item] = field(default_factory=list)
    html: str = ""  # the whole thread, drawn once, while nothing in it is one member's own


@dataclass
class ThreadPage:
    """A page of threads, found without counting them all: one row past the page says there is more.

    ``after`` and ``until`` bound the page (the previous page's last thread, this page's last one
    when another page follows), so a member's held response is placed on exactly one page.
    """

    object_list: list
    number: int
    has_next: bool
    after: tuple | None = None
    until: tuple | None = None

    def holds(self, order: tuple) -> bool:
        return (self.after is None or order > self.after) and (self.until is None or order <= self.until)


@dataclass(frozen=True)
class DrawnPage:
    """What the section shows of a page of threads: their HTML as one string, and the way to other pages."""

    html: str
    number: int
    has_next: bool
    editable: bool = False  # the viewer has a response here they may still edit

    @cached_property
    def encoded(self) -> tuple[bytes, bytes]:
        """The threads' HTML in UTF-8 and its MD5 digest, worked out once for this copy of the page."""
        data = self.html.encode()
        return data, hashlib.md5(data, usedforsecurity=False).digest()

    def __getstate__(self) -> dict:
        return {name: value for name, value in self.__dict__.items() if name != "encoded"}

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


def _drawn_threads(threads: list, **context) -> str:
    """The threads' HTML, one string: the kept HTML of a thread when it has some, else drawn here."""
    return format_html_join(
        "\n",
        "{}",
        (
            (thread.html or render_to_string("responses/thread.html", {"thread": thread, **context}),)
            for thread in threads
        ),
    )


def _rows(*, post, user, number: int) -> tuple[list, Response | None, bool]:
    """Page ``number`` of the threads ``user`` sees, replies prefetched; the thread before it; more after?"""
    replies = Response.objects.visible_to(user).select_related("author__responder")
    threads = Response.objects.threads(post=post, user=user).prefetch_related(
        Prefetch("replies", queryset=replies.order_by("created_at", "pk"), to_attr="shown_replies")
    )
    start = (number - 1) * THREADS_PER_PAGE
    rows = list(threads[max(start - 1, 0) : start + THREADS_PER_PAGE + 1])
    before = rows.pop(0) if start and rows else None
    if not rows and number > 1:
        raise Http404("No such page of responses.")
    return rows[:THREADS_PER_PAGE], before, len(rows) > THREADS_PER_PAGE


def _drawn(response: Response, *, reply: bool, controls: bool) -> str:
    context = {"response": response, "reply": reply, "controls": controls, "mine": False}
    return render_to_string("responses/response.html", context)


def _shared_threads(*, post, number: int, controls: bool) -> ThreadPage:
    """The published threads of page ``number``, drawn for readers or (``controls``) for members.

    Each response is drawn on its own too, so a member's page can swap in their own.
    """
    rows, before, has_next = _rows(post=post, user=AnonymousUser(), number=number)
    threads = [
        Thread(
            pk=row.pk,
            order=_order(row),
            top=Item(row.pk, _drawn(row, reply=False, controls=controls)),
            replies=[Item(each.pk, _drawn(each, reply=True, controls=controls)) for each in row.shown_replies],
        )
        for row in rows
    ]
    for thread in threads:
        thread.html = render_to_string("responses/thread.html", {"thread": thread})
    return ThreadPage(
        threads,
        number,
        has_next,
        after=_order(before) if before else None,
        until=threads[-1].order if has_next else None,
    )


def shared_threads(*, post, number: int, controls: bool) -> ThreadPage:
    """:func:`_shared_threads`, kept under the content version (which every public change moves).

    Read only to draw a page that is not kept yet (:func:`shared_page`, a member's own page).
    """
    return cached_list(
        lambda: [_shared_threads(post=post, number=number, controls=controls)],
        "responses-threads",
        post.pk,
        number,
        "member" if controls else "reader",
    )[0]


def shared_key(*, post, number: int, controls: bool) -> str:
    return versioned_key("responses-drawn", post.pk, number, "member" if controls else "reader")


def shared_page(*, post, number: int, controls: bool) -> DrawnPage:
    """The published threads of page ``number`` drawn as one string, kept under the content version."""
    key = shared_key(post=post, number=number, controls=controls)
    page = kept.get(key)
    if page is None:
        threads = shared_threads(post=post, number=number, controls=controls)
        page = DrawnPage(_drawn_threads(threads.object_list), number, threads.has_next)
        kept.put(key, page, seconds=PAGE_TIMEOUT)
    return page


def own_key(*, post, user, number: int, member: rules.MemberState) -> str:
    """The key of ``user``'s own page: theirs alone, and new whenever their state is read afresh."""
    return versioned_key("responses-own-drawn", user.pk, post.pk, number, member.stamp)


def own_page(*, post, user, number: int, member: rules.MemberState) -> DrawnPage:
    """Page ``number`` as ``user`` sees it: the shared one, with their own responses drawn in when they
    responded to ``post``; kept until their state moves or their earliest edit window closes."""
    if post.pk not in member.responded_to:
        return shared_page(post=post, number=number, controls=True)
    key = own_key(post=post, user=user, number=number, member=member)
    page = kept.get(key)
    if page is None:
        mine = list(
            Response.objects.filter(post=post, author=user, status__in=_SHOWN)
            .select_related("author__responder", "parent")
            .order_by("created_at", "pk")
        )
        threads = shared_threads(post=post, number=number, controls=True)
        merged = _merged(threads, mine) if mine else threads.object_list
        now = timezone.now()
        closing = [response.editable_until() for response in mine if response.edit_window_open]
        page = DrawnPage(_drawn_threads(merged, controls=True), number, threads.has_next, bool(closing))
        timeout = min([PAGE_TIMEOUT, *(int((moment - now).total_seconds()) for moment in closing)])
        if timeout > 0:  # never past the moment an "Edit" must go
            kept.put(key, page, seconds=timeout)
    return page


def _merged(page: ThreadPage, mine: list) -> list:
    """``page``'s threads with the member's own responses (``mine``) in place of the shared HTML, their
    held ones placed where they belong; the threads they touch are left to draw."""
    # Copies, so that nothing of this member's is written into what was read from the shared cache.
    threads = {t.pk: Thread(t.pk, t.order, t.top, list(t.replies), t.html) for t in page.object_list}
    for response in mine:
        own = Item(response.pk, response=response, mine=True)
        changed = threads.get(response.parent_id or response.pk)
        if changed is not None:
            changed.html = ""  # drawn again, with this member's own
        if response.parent_id is None:
            if response.pk in threads:
                threads[response.pk].top = own
            elif page.holds(_order(response)):
                threads[response.pk] = Thread(response.pk, _order(response), own)
            continue
        thread = threads.get(response.parent_id)
        if thread is None:
            parent = response.parent
            is_shared_elsewhere = parent.status == Response.Status.PUBLISHED
            if is_shared_elsewhere or not page.holds(_order(parent)):
                continue
            # Under a response no one else sees any more: its place, with this reply under it.
            thread = threads[parent.pk] = Thread(parent.pk, _order(parent), Item(parent.pk, response=parent))
        for index, item in enumerate(thread.replies):
            if item.pk == response.pk:
                thread.replies[index] = own
                break
        else:
            thread.replies.append(own)
            thread.replies.sort(key=lambda item: item.pk)
    return sorted(threads.values(), key=lambda thread: thread.order)


def _staff_page(*, post, user, number: int) -> DrawnPage:
    """Everything staff may read (every held response), drawn fresh."""
    rows, _, has_next = _rows(post=post, user=user, number=number)
    threads = [
        Thread(
            row.pk,
            _order(row),
            Item(row.pk, response=row, mine=row.author_id == user.pk),
            [Item(each.pk, response=each, mine=each.author_id == user.pk) for each in row.shown_replies],
        )
        for row in rows
    ]
    editable = any(item.mine and item.response.edit_window_open for t in threads for item in [t.top, *t.replies])
    return DrawnPage(_drawn_threads(threads, controls=True, user=user), number, has_next, editable)


def threads_page(*, post, user, number: int, member: rules.MemberState | None = None) -> DrawnPage:
    """Page ``number`` of ``post``'s threads as ``user`` (with ``member``, their state) sees them."""
    if not user.is_authenticated:
        return shared_page(post=post, number=number, controls=False)
    if user.is_staff:
        return _staff_page(post=post, user=user, number=number)
    return own_page(post=post, user=user, number=number, member=member or rules.member_state(user))


def thread_page_of(response: Response, *, user) -> int:
    """Which page of its post's threads ``response`` is on, for ``user``."""
    top = response.parent or response
    before = Response.objects.threads(post=response.post, user=user).filter(
        Q(created_at__lt=top.created_at) | Q(created_at=top.created_at, pk__lt=top.pk)
    )
    return before.count() // THREADS_PER_PAGE + 1


@lru_cache(maxsize=1024)
def _settings_at(version_key: str, post_pk: int) -> list:
    """The site's and the post's response settings, kept under the content version (``version_key``).

    They change only through the admin, which moves the version; so this process keeps its copy too
    (a read of the shared cache less on every post page).
    """
    return cached_list(
        lambda: [ResponseSettings.current(), PostResponses.objects.filter(post_id=post_pk).first()],
        "responses-settings",
        post_pk,
    )


def section(request, post) -> dict | None:
    """Everything the responses part of a post page needs (None when the post's responses are off)."""
    user = request.user
    site, row = _settings_at(versioned_key("responses-settings", post.pk), post.pk)
    mode = rules.post_mode(post, site=site, row=row)
    if mode == PostResponses.Mode.OFF:
        return None
    number = page_number(request)
    member = rules.member_state(user) if user.is_authenticated else None
    page = threads_page(post=post, user=user, number=number, member=member)
    context = {
        "post": post,
        "page": page,
        "threads_html": middleware.place(request, page),
        "mode": mode,
        "page_parameter": PAGE_PARAMETER,
    }
    if member is not None:
        context["member"] = member
        context["reply_to"] = _reply_to(request)
    return context


def _reply_to(request) -> int | None:
    raw = request.GET.get("reply", "")
    return int(raw) if _PAGE_NUMBER.fullmatch(raw) else None
