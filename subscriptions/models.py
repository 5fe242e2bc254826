"""Subscribers, mailings (one per essay or digest period) and deliveries (one per subscriber and mailing).

A subscriber row exists only once its address has been confirmed: an address typed on /subscribe/ is
carried in the signed confirmation link, not stored, so nothing unconfirmed is ever mailed.
"""

import calendar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class SubscriberQuerySet(models.QuerySet):
    def active(self):
        """Subscribers who still want mail and whose address has not bounced for good."""
        return self.exclude(frequency=Subscriber.Frequency.OFF).filter(suppressed_at__isnull=True)

    def for_post(self, post):
        """Who gets ``post`` on its own: everyone on "each new essay", and tag followers whose tags it carries."""
        return self.active().filter(
            Q(frequency=Subscriber.Frequency.EACH)
            | Q(frequency=Subscriber.Frequency.TAGS, tags__in=post.tags.values("pk"))
        )

    def for_digest(self):
        return self.active().filter(frequency=Subscriber.Frequency.WEEKLY)


class Subscriber(models.Model):
    """A confirmed address and how often it wants essays."""

    class Frequency(models.TextChoices):
        EACH = "each", "Each new essay"
        WEEKLY = "weekly", "A weekly digest"
        TAGS = "tags", "Only essays with the tags I choose"
        OFF = "off", "Off: no emails"

    email = models.EmailField(unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="subscriber"
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.EACH)
    tags = models.ManyToManyField("taggit.Tag", blank=True, related_name="+")
    confirmed_at = models.DateTimeField(default=timezone.now)
    # Set when the mail server refused the address for good (5xx, or a provider's bounce or complaint).
    suppressed_at = models.DateTimeField(null=True, blank=True)
    suppressed_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["email"]
        indexes = [models.Index(fields=["frequency"], name="subscriber_frequency_idx")]

    def __str__(self):
        return self.email

    @property
    def is_receiving(self) -> bool:
        return self.frequency != self.Frequency.OFF and self.suppressed_at is None


class DigestDay(models.Model):
    """The weekday the writer chose for the weekly digest (one row)."""

    WEEKDAYS = [(number, name) for number, name in enumerate(calendar.day_name)]

    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS, default=calendar.FRIDAY)

    class Meta:
        verbose_name = "digest day"
        verbose_name_plural = "digest day"

    def __str__(self):
        return f"Weekly digest on {self.get_weekday_display()}s"

    @classmethod
    def current(cls) -> int:
        row = cls.objects.filter(pk=1).first()
        return row.weekday if row else cls._meta.get_field("weekday").default


class Mailing(models.Model):
    """One essay's sending, or one week's digest: created once, so nothing is ever sent for it twice."""

    class Kind(models.TextChoices):
        ESSAY = "essay", "Essay"
        DIGEST = "digest", "Weekly digest"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ESSAY)
    post = models.OneToOneField("blog.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # A digest covers essays published from period_start (inclusive) to period_end (exclusive), local dates.
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    send_after = models.DateTimeField(default=timezone.now)
    fanned_out_at = models.DateTimeField(null=True, blank=True, help_text="When its deliveries were listed.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-send_after", "-id"]
        get_latest_by = "send_after"
        constraints = [
            models.UniqueConstraint(fields=["kind", "period_start"], name="mailing_unique_digest_period"),
            models.CheckConstraint(
                condition=Q(kind="essay", post__isnull=False) | Q(kind="digest", period_start__isnull=False),
                name="mailing_has_subject",
            ),
        ]

    def __str__(self):
        if self.kind == self.Kind.DIGEST:
            return f"Digest {self.period_start:%d %b %Y} – {self.period_end:%d %b %Y}"
        return f"Essay #{self.post_id}"


class Delivery(models.Model):
    """One subscriber's copy of one mailing: claimed before sending, marked sent once the server accepted it."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SUPPRESSED = "suppressed", "Suppressed"
        CANCELLED = "cancelled", "Not sent (unsubscribed)"

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["mailing", "id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["mailing", "subscriber"], name="delivery_unique_mailing_subscriber"),
        ]
        indexes = [models.Index(fields=["mailing", "status", "next_attempt_at"], name="delivery_queue_idx")]

    def __str__(self):
        return f"{self.mailing} → {self.subscriber_id}: {self.status}"
