"""Reads that decide what a member may do: whether a post takes responses, bans, trust, word lists."""

import datetime
import re
import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from blog.caching import PAGE_TIMEOUT, versioned_key
from responses.markdown import link_count
from responses.models import Ban, PostResponses, Responder, Response, ResponseSettings, WordRule

RATE_LIMITS = [(datetime.timedelta(minutes=10), 5), (datetime.timedelta(days=1), 30)]


_UNKNOWN = object()


def post_mode(post, *, site: ResponseSettings | None = None, row=_UNKNOWN) -> str:
    """``open``, ``closed`` or ``off`` for ``post``: its own setting, then the site's closing age.

    ``site`` and ``row`` (the post's own settings, None when it has none) save their queries when known.
    """
    if row is _UNKNOWN:
        row = PostResponses.objects.filter(post=post).first()
    mode = row.mode if row else PostResponses.Mode.OPEN
    if mode != PostResponses.Mode.OPEN:
        return mode
    site = site or ResponseSettings.current()
    if site.close_after_days and post.published_at + datetime.timedelta(days=site.close_after_days) < timezone.now():
        return PostResponses.Mode.CLOSED
    return mode


@dataclass(frozen=True)
class MemberState:
    """What the post page needs to know of a member: their name, their bans' ends, where they responded.

    ``stamp`` is new each time the state is read from the database: what is kept under it (the member's own
    responses on a post) is read again whenever the state is forgotten.
    """

    display_name: str | None
    ban_ends: tuple  # the end of each ban not over when read (None: no end date)
    responded_to: frozenset  # ids of the posts they wrote a response to, in any state
    stamp: str = ""

    def _active_ends(self) -> list:
        now = timezone.now()
        return [end for end in self.ban_ends if end is None or end > now]

    @property
    def banned(self) -> bool:
        return bool(self._active_ends())

    @property
    def ban_ends_at(self) -> datetime.datetime | None:
        """When the longest ban ends (None: no end date, or no ban)."""
        ends = self._active_ends()
        return None if not ends or None in ends else max(ends)


def _member_state(user) -> MemberState:
    name = Responder.objects.filter(user=user).values_list("display_name", flat=True).first()
    ends = tuple(Ban.objects.active().filter(user=user).values_list("ends_at", flat=True))
    posts = frozenset(Response.objects.filter(author=user).values_list("post_id", flat=True).distinct())
    return MemberState(name, ends, posts, uuid.uuid4().hex)


def member_state(user) -> MemberState:
    """:class:`MemberState` for ``user``, kept under the content version (three queries when it is not).

    Forgotten (:func:`forget_member_state`) when the member names themselves, writes, edits or deletes a
    response, when staff moderate one of theirs, and when staff stop them from responding or let them
    again. A ban's end is checked when read.
    """
    key = _state_key(user.pk)
    state = cache.get(key)
    if state is None:
        state = _member_state(user)
        cache.set(key, state, PAGE_TIMEOUT)
    return state


def _state_key(user_id) -> str:
    return versioned_key("responses-member", user_id)


def forget_member_state(user) -> None:
    """Read the member's state afresh: now (this connection sees its own writes) and once the writing
    transaction commits (another process may have read the old rows meanwhile)."""
    forget_member_states([user.pk])


def forget_member_states(user_ids) -> None:
    """:func:`forget_member_state` for each of ``user_ids`` (None, a former member's, is left out)."""
    keys = [_state_key(pk) for pk in set(user_ids) if pk is not None]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def active_ban(user) -> Ban | None:
    return Ban.objects.active().filter(user=user).order_by("ends_at").last() if user.is_authenticated else None


def rate_limited(user) -> bool:
    """Whether ``user`` has written as many responses as allowed lately (counted in the database)."""
    now = timezone.now()
    recent = Response.objects.filter(author=user, created_at__gte=now - RATE_LIMITS[-1][0])
    times = list(recent.values_list("created_at", flat=True)[: RATE_LIMITS[-1][1]])
    return any(sum(1 for moment in times if moment >= now - span) >= limit for span, limit in RATE_LIMITS)


def _matches(words: list[str], text: str) -> bool:
    lowered = text.casefold()
    return any(re.search(rf"(?<!\w){re.escape(word.casefold())}(?!\w)", lowered) for word in words if word.strip())


def word_effect(text: str) -> str | None:
    """``reject``, ``hold`` or None, from the staff's word lists."""
    rules = list(WordRule.objects.values_list("effect", "word"))
    if _matches([word for effect, word in rules if effect == WordRule.Effect.REJECT], text):
        return WordRule.Effect.REJECT
    if _matches([word for effect, word in rules if effect == WordRule.Effect.HOLD], text):
        return WordRule.Effect.HOLD
    return None


def is_trusted(user) -> bool:
    """After one approved response a member is trusted."""
    return Response.objects.filter(author=user, status=Response.Status.PUBLISHED).exists()


def needs_a_look(*, user, post, body: str, body_html: str) -> bool:
    """Whether a new (or edited) response waits for staff before anyone else sees it."""
    if user.is_staff:
        return False
    if ResponseSettings.current().hold_every_response:
        return True
    if PostResponses.objects.filter(post=post, hold_every_response=True).exists():
        return True
    if not is_trusted(user) or link_count(body_html) >= 2:
        return True
    return word_effect(body) == WordRule.Effect.HOLD
