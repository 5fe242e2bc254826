"""Responses to posts, their reports, bans, word lists, support resources and the moderation log.

Nothing here is stored about where a response came from (no IP address, no user agent). A post's
own row is never changed: whether it takes responses lives in :class:`PostResponses`.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

BODY_MAX_LENGTH = 5000
DISPLAY_NAME_MAX_LENGTH = 40
EDIT_WINDOW = datetime.timedelta(hours=24)


class Responder(models.Model):
    """A member's public face here: the display name they chose (never derived from their email)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True)
    display_name = models.CharField(max_length=DISPLAY_NAME_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name

    @property
    def initials(self) -> str:
        return "".join(word[0] for word in self.display_name.split()[:2]).upper()


class ResponseSettings(models.Model):
    """Site-wide settings for responses: one row, edited in the admin beside the responses.

    Not a field of ``blog.SiteSettings``: blog knows nothing of responses (dependencies run one way).
    """

    hold_every_response = models.BooleanField(
        default=False, help_text="Hold every new response for a look, even from trusted members."
    )
    close_after_days = models.PositiveIntegerField(
        default=0, help_text="Close responses this many days after a post is published (0: never)."
    )

    class Meta:
        verbose_name = verbose_name_plural = "response settings"

    def __str__(self):
        return "Response settings"

    def save(self, *args, **kwargs):
        self.pk = 1  # the one row
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> "ResponseSettings":
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class PostResponses(models.Model):
    """Whether one post takes responses: open, closed (kept visible, no new ones) or off (hidden)."""

    class Mode(models.TextChoices):
        OPEN = "open", "open"
        CLOSED = "closed", "closed: visible, no new responses"
        OFF = "off", "off: hidden"

    post = models.OneToOneField("blog.Post", on_delete=models.CASCADE, primary_key=True, related_name="+")
    mode = models.CharField(max_length=8, choices=Mode.choices, default=Mode.OPEN)
    hold_every_response = models.BooleanField(default=False)

    class Meta:
        verbose_name = verbose_name_plural = "post response settings"
        ordering = ["pk"]

    def __str__(self):
        return f"{self.post_id}: {self.mode}"


def _visible(user) -> Q:
    """The condition for what ``user`` may read (see :meth:`ResponseQuerySet.visible_to`)."""
    if user.is_authenticated and user.is_staff:
        return Q(status__in=[Response.Status.PUBLISHED, Response.Status.HELD])
    if user.is_authenticated:
        return Q(status=Response.Status.PUBLISHED) | Q(status=Response.Status.HELD, author=user)
    return Q(status=Response.Status.PUBLISHED)


class ResponseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """What ``user`` may read: published ones, their own held ones, and every held one for staff."""
        return self.filter(_visible(user))

    def threads(self, *, post, user):
        """Top-level responses of ``post`` that ``user`` sees, oldest first, with authors and names.

        A removed or hidden response still holds its place when a reply the reader sees hangs under it.
        """
        replies = Response.objects.filter(_visible(user), parent=OuterRef("pk"))
        return (
            self.filter(post=post, parent=None)
            .filter(_visible(user) | Q(Exists(replies)))
            .select_related("author__responder")
            .order_by("created_at", "pk")
        )


class Response(models.Model):
    class Status(models.TextChoices):
        HELD = "held", "held"
        PUBLISHED = "published", "published"
        REJECTED = "rejected", "rejected"
        HIDDEN = "hidden", "hidden"
        REMOVED = "removed", "removed by its author"

    post = models.ForeignKey("blog.Post", on_delete=models.CASCADE, related_name="+")
    # Null once the member's account is gone and they chose to keep their words ("a former member").
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    body = models.TextField(max_length=BODY_MAX_LENGTH)
    body_html = models.TextField(editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.HELD)
    by_writer = models.BooleanField(default=False, help_text="Written by staff: marked as the writer's.")
    # Sent with the form, so a second submit of the same form finds the first response, not a new one.
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # When readers could first see it (written by a trusted member, or approved): replies are summarised
    # by this moment, so one held for a look is not missed, and one hidden then approved is not told twice.
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    edited_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        get_latest_by = "created_at"
        constraints = [models.UniqueConstraint(fields=["author", "key"], name="response_author_key_unique")]
        indexes = [
            models.Index(fields=["post", "parent", "created_at"], name="response_thread_idx"),
            models.Index(fields=["author", "created_at"], name="response_author_recent_idx"),
            models.Index(fields=["status", "created_at"], name="response_status_idx"),
            models.Index(fields=["published_at"], name="response_published_idx"),
        ]

    def __str__(self):
        return f"Response {self.pk} on post {self.post_id}"

    def get_absolute_url(self) -> str:
        return reverse("responses:permalink", args=[self.pk])

    @property
    def anchor(self) -> str:
        return f"response-{self.pk}"

    @property
    def is_visible(self) -> bool:
        return self.status in (self.Status.PUBLISHED, self.Status.HELD)

    @property
    def is_held(self) -> bool:
        return self.status == self.Status.HELD

    @property
    def was_edited(self) -> bool:
        return self.edited_at is not None

    def editable_until(self) -> datetime.datetime:
        return self.created_at + EDIT_WINDOW

    @property
    def edit_window_open(self) -> bool:
        return self.is_visible and timezone.now() < self.editable_until()

    def can_edit(self, user) -> bool:
        return self.author_id is not None and self.author_id == user.pk and self.edit_window_open

    @property
    def display_name(self) -> str:
        if self.author_id is None:
            return "a former member"
        responder = getattr(self.author, "responder", None)
        return responder.display_name if responder else "a member"


class Report(models.Model):
    class Reason(models.TextChoices):
        UNKIND = "unkind", "unkind or abusive"
        SPAM = "spam", "spam"
        AT_RISK = "at_risk", "someone may be at risk"
        OTHER = "other", "other"

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=10, choices=Reason.choices)
    text = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["response", "reporter"], name="report_once_per_member")]
        indexes = [models.Index(fields=["response", "resolved_at"], name="report_open_idx")]

    def __str__(self):
        return f"{self.get_reason_display()} on response {self.response_id}"


class BanQuerySet(models.QuerySet):
    def active(self):
        return self.filter(Q(ends_at=None) | Q(ends_at__gt=timezone.now()))


class Ban(models.Model):
    """A member stopped from responding, for a reason, until an end date (or for good)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Leave empty for no end date.")
    hide_past_responses = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = BanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "ends_at"], name="ban_user_idx")]

    def __str__(self):
        return f"Ban of member {self.user_id}"


class WordRule(models.Model):
    """A word or phrase that holds a response for a look, or rejects it."""

    class Effect(models.TextChoices):
        HOLD = "hold", "hold for a look"
        REJECT = "reject", "reject"

    word = models.CharField(max_length=100)
    effect = models.CharField(max_length=6, choices=Effect.choices, default=Effect.HOLD)

    class Meta:
        ordering = ["effect", "word"]
        constraints = [models.UniqueConstraint(fields=["word", "effect"], name="word_rule_unique")]

    def __str__(self):
        return f"{self.word} ({self.effect})"


class SupportResource(models.Model):
    """Somewhere to turn, shown after someone reports that a person may be at risk."""

    name = models.CharField(max_length=200)
    description = models.CharField("what it is", max_length=500)
    url = models.URLField("link", blank=True)
    phone = models.CharField("phone number", max_length=50, blank=True)
    country = models.CharField(max_length=100, blank=True, help_text="Empty: anywhere.")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["country", "position", "name"]

    def __str__(self):
        return self.name


class ModerationLog(models.Model):
    """Who did what to which response or member, when and why. Written by services only; never edited."""

    class Action(models.TextChoices):
        APPROVE = "approve", "approved"
        REJECT = "reject", "rejected"
        HIDE = "hide", "hid"
        BAN = "ban", "stopped from responding"
        REPORT_RESOLVED = "resolve", "resolved reports"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    actor_name = models.CharField(max_length=254, editable=False)  # kept if the staff account goes
    action = models.CharField(max_length=10, choices=Action.choices, editable=False)
    response = models.ForeignKey(Response, null=True, on_delete=models.SET_NULL, related_name="+", editable=False)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    reason = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"

    def __str__(self):
        return f"{self.actor_name} {self.get_action_display()} at {self.created_at:%Y-%m-%d %H:%M}"


class Notices(models.Model):
    """Which emails about responses a member wants (no row: the defaults)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True)
    replies = models.BooleanField(
        "A daily summary of replies to my responses", default=False, help_text="Off unless the member asks."
    )
    # The next summary tells of replies published after this moment (set on opting in, moved by each one sent).
    replies_since = models.DateTimeField(null=True, blank=True, editable=False)
    moderation = models.BooleanField(
        "Moderation emails (staff)",
        default=True,
        help_text="A daily summary of held and reported responses, and an email at once for an at-risk report.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "email notices"

    def __str__(self):
        return f"Notices for member {self.user_id}"


class NoticeEmail(models.Model):
    """One email about responses to one member: claimed (committed) before it is sent, so none goes twice.

    A daily summary is unique per (kind, recipient, day); an at-risk alert per (recipient, report).
    """

    class Kind(models.TextChoices):
        REPLIES = "replies", "daily replies summary"
        MODERATION = "moderation", "daily moderation summary"
        AT_RISK = "at_risk", "at-risk report"

    class Status(models.TextChoices):
        SENDING = "sending", "sending"
        WAITING = "waiting", "waiting to retry"
        SENT = "sent", "sent"
        FAILED = "failed", "failed"
        SUPPRESSED = "suppressed", "suppressed"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # A replies summary covers replies published up to this moment.
    covers_until = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-day", "-pk"]
        get_latest_by = "claimed_at"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "recipient", "day"], condition=Q(report=None), name="notice_email_once_a_day"
            ),
            models.UniqueConstraint(
                fields=["recipient", "report"], condition=Q(report__isnull=False), name="notice_email_once_a_report"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to member {self.recipient_id} on {self.day}: {self.status}"
