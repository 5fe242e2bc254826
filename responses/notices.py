"""What the emails about responses tell, and to whom: reads only (sending is ``responses.mail``).

A member hears only of published replies by others to their own responses, on public posts whose
responses are shown; staff who moderate hear counts, never a response's words.
"""

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, OuterRef, Q

from blog.models import Post
from responses.models import Notices, PostResponses, Report, Response

MODERATE_PERMISSION = "responses.change_response"
_MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def member_notices(user) -> Notices:
    """The member's choices (an unsaved row with the defaults when they never chose)."""
    return Notices.objects.filter(user=user).first() or Notices(user=user)


def can_moderate(user) -> bool:
    return user.is_active and user.is_staff and user.has_perm(MODERATE_PERMISSION)


def moderators(*, urgent: bool = False):
    """Active staff allowed to moderate responses who did not turn moderation emails off.

    ``urgent`` (someone may be at risk): when every moderator turned them off, all of them still hear.
    """
    opted_out = Notices.objects.filter(user=OuterRef("pk"), moderation=False)
    # Permissions live in the database (groups and members): Django's model backend answers for them.
    everyone = (
        get_user_model()
        .objects.with_perm(MODERATE_PERMISSION, is_active=True, include_superusers=True, backend=_MODEL_BACKEND)
        .filter(is_staff=True)
        .order_by("pk")
    )
    listening = everyone.exclude(Exists(opted_out))
    if urgent and not listening.exists():
        return everyone
    return listening


def _summarised_replies(until):
    """Replies that may be told of: published by someone other than the parent's author, up to ``until``."""
    shown_posts = Post.objects.published().exclude(
        pk__in=PostResponses.objects.filter(mode=PostResponses.Mode.OFF).values("pk")
    )
    return (
        Response.objects.filter(
            status=Response.Status.PUBLISHED,
            published_at__lte=until,
            parent__status__in=[Response.Status.PUBLISHED, Response.Status.HELD],
            parent__author__isnull=False,
            post__in=shown_posts,
        )
        .exclude(author=None)
        .exclude(author_id=F("parent__author_id"))
    )


def reply_recipients(*, until):
    """Members who opted in and have at least one reply to be told of, up to ``until`` (one query)."""
    news = _summarised_replies(until).filter(
        parent__author=OuterRef("user_id"), published_at__gt=OuterRef("replies_since")
    )
    return (
        Notices.objects.filter(replies=True, replies_since__isnull=False, user__is_active=True)
        .filter(Exists(news))
        .select_related("user")
        .order_by("user_id")
    )


def new_replies(*, user, since, until) -> list[Response]:
    """The replies to ``user``'s responses published in (since, until], oldest first: one query."""
    return list(
        _summarised_replies(until)
        .filter(parent__author=user, published_at__gt=since)
        .select_related("post", "author__responder", "parent")
        .defer("body", "parent__body", *(f"post__{name}" for name in Post.TEXT_FIELDS))
        .order_by("published_at", "pk")
    )


def moderation_counts() -> dict:
    """How many responses wait for a look and how many reports are open (two queries)."""
    reports = Report.objects.filter(resolved_at=None).aggregate(
        open=Count("pk"), at_risk=Count("pk", filter=Q(reason=Report.Reason.AT_RISK))
    )
    return {
        "held": Response.objects.filter(status=Response.Status.HELD).count(),
        "reports": reports["open"],
        "at_risk": reports["at_risk"],
    }
