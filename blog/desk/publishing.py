"""Publishing as the desk offers it: save a draft, publish now, schedule, unpublish.

A draft's ``published_at`` is only a placeholder (the time it was saved): publishing dates it *now*
unless staff gave a date, so a post written over a week is dated the day it went out.
"""

import datetime

from django.utils import timezone

from blog.desk import revisions
from blog.models import Post, Revision


class PublishingError(ValueError):
    """Why an action cannot be taken, in words for the writer."""


def publish_now(*, post: Post, at: datetime.datetime | None = None, author=None) -> Post:
    """Make the post public: dated ``at`` when staff gave a date in the past, else now."""
    now = timezone.now()
    if at is not None and at > now:
        raise PublishingError("That date is in the future: use Schedule to publish it then.")
    if at is None and post.is_public:
        return post  # already out (a second click of the same button): keep the date it went out
    post.status = Post.Status.PUBLISHED
    post.published_at = at or now
    post.save()
    revisions.record(post=post, kind=Revision.Kind.PUBLISHED, author=author)
    return post


def schedule(*, post: Post, at: datetime.datetime | None, author=None) -> Post:
    """Publish the post at ``at`` (in the future): hidden until then, public from then on."""
    if at is None:
        raise PublishingError("Choose the date and time to publish it.")
    if at <= timezone.now():
        raise PublishingError("That time has passed: choose a time ahead, or Publish now.")
    post.status = Post.Status.PUBLISHED
    post.published_at = at
    post.save()
    # Kept as published once readers can see it: when it is unpublished, or edited after its time.
    revisions.record(post=post, kind=Revision.Kind.MANUAL, author=author)
    return post


def unpublish(*, post: Post, author=None) -> Post:
    """Take the post down: a draft again. The version readers saw is kept as a published revision."""
    if post.is_public:
        revisions.record(post=post, kind=Revision.Kind.PUBLISHED, author=author)
    post.status = Post.Status.DRAFT
    post.save()
    return post


def save_draft(*, post: Post) -> Post:
    """Keep the post as a draft (a scheduled post returns to draft, unscheduled)."""
    if post.status == Post.Status.PUBLISHED and post.is_public:
        raise PublishingError("This post is public: use Unpublish to take it down.")
    post.status = Post.Status.DRAFT
    if post.published_at is None:
        post.published_at = timezone.now()
    post.save()
    return post
