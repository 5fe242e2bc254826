"""Reads that decide what a member may do: whether a post takes responses, bans, trust, word lists."""

import datetime
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists, F, OuterRef, Subquery
from django.utils import timezone

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
    display_name: str | None
    banned: bool
    ban_ends_at: datetime.datetime | None


def member_state(user) -> MemberState:
    """The member's display name and whether (and until when) they are stopped from responding: one query."""
    bans = Ban.objects.active().filter(user=OuterRef("pk"))
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            name=Subquery(Responder.objects.filter(user=OuterRef("pk")).values("display_name")[:1]),
            banned=Exists(bans),
            # The ban that lasts longest: one with no end date first.
            ban_ends_at=Subquery(bans.order_by(F("ends_at").desc(nulls_first=True)).values("ends_at")[:1]),
        )
        .values("name", "banned", "ban_ends_at")
        .first()
    )
    return MemberState(row["name"], row["banned"], row["ban_ends_at"])


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
