"""Writes: asking to subscribe, confirming, choosing how often, leaving, suppressing, and queueing mailings.

Each is keyword-only and safe to repeat: a double click, a link opened twice or two racing requests
end in the same state. Mail is never sent here: work for the worker is queued once the transaction commits.
"""

import datetime
import hashlib

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from blog.models import Post
from subscriptions.models import DigestDay, Mailing, Subscriber

# One confirmation email per address in this many seconds, whoever asks: the form cannot be used
# to flood someone's inbox.
CONFIRM_COOLDOWN = 10 * 60


def normalise_email(email: str) -> str:
    return email.strip().lower()


def request_subscription(*, email: str) -> bool:
    """Queue a confirmation email for ``email`` unless one went out recently; True when one was queued.

    The caller answers the same either way: whether the address is known is never revealed.
    """
    from subscriptions import tasks

    email = normalise_email(email)
    key = "subscriptions:confirm:" + hashlib.sha256(email.encode()).hexdigest()
    if not cache.add(key, 1, timeout=CONFIRM_COOLDOWN):
        return False
    transaction.on_commit(lambda: tasks.send_confirmation.enqueue(email))
    return True


def _member_for(email: str):
    """The member with this address, or a new one without a password (they proved they own the address)."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return user
    try:
        with transaction.atomic():
            user = User.objects.create_user(email=email)
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
            return user
    except IntegrityError:
        return User.objects.get(email__iexact=email)


def confirm_subscription(*, email: str) -> Subscriber:
    """Subscribe a confirmed address, attached to its member (created when there is none)."""
    email = normalise_email(email)
    with transaction.atomic():
        user = _member_for(email)
        # A member who follows under another address keeps that one; this address stays unattached.
        free_user = None if Subscriber.objects.filter(user=user).exclude(email=email).exists() else user
        subscriber = Subscriber.objects.filter(email=email).first()
        if subscriber is None:
            try:
                with transaction.atomic():
                    return Subscriber.objects.create(email=email, user=free_user)
            except IntegrityError:
                subscriber = Subscriber.objects.get(email=email)
        # Asking again is a fresh wish to receive: back on, and a bounce from the past forgiven.
        if subscriber.frequency == Subscriber.Frequency.OFF:
            subscriber.frequency = Subscriber.Frequency.EACH
        subscriber.user = subscriber.user or free_user
        subscriber.suppressed_at = None
        subscriber.suppressed_reason = ""
        subscriber.confirmed_at = timezone.now()
        subscriber.save()
        return subscriber


def set_preferences(*, subscriber: Subscriber, frequency: str, tags=()) -> Subscriber:
    """How often ``subscriber`` hears from us, and which tags they follow (kept only for "chosen tags")."""
    subscriber.frequency = frequency
    subscriber.save(update_fields=["frequency", "updated_at"])
    subscriber.tags.set(tags if frequency == Subscriber.Frequency.TAGS else [])
    return subscriber


def unsubscribe(*, subscriber: Subscriber) -> None:
    Subscriber.objects.filter(pk=subscriber.pk).update(frequency=Subscriber.Frequency.OFF, updated_at=timezone.now())
    subscriber.frequency = Subscriber.Frequency.OFF


def suppress(*, subscriber_id: int, reason: str) -> None:
    """Stop all mail to an address the server refused for good (also the way in for provider bounce webhooks)."""
    Subscriber.objects.filter(pk=subscriber_id, suppressed_at__isnull=True).update(
        suppressed_at=timezone.now(), suppressed_reason=reason[:300], updated_at=timezone.now()
    )


def _queue(mailing: Mailing) -> None:
    from subscriptions import tasks

    run_after = mailing.send_after if mailing.send_after > timezone.now() else None
    transaction.on_commit(lambda: tasks.send_mailing.using(run_after=run_after).enqueue(mailing.pk))


def email_post(*, post: Post) -> tuple[Mailing, bool]:
    """Email ``post`` to its subscribers when it is public (now, or at its scheduled time); never twice.

    Returns the mailing and whether this call created it (False: it was already sent or queued).
    """
    if post.status != Post.Status.PUBLISHED:
        raise ValueError("Only a published or scheduled essay can be emailed.")
    with transaction.atomic():
        mailing, created = Mailing.objects.get_or_create(
            post=post, defaults={"kind": Mailing.Kind.ESSAY, "send_after": max(post.published_at, timezone.now())}
        )
        if created:
            _queue(mailing)
    return mailing, created


def digest_period(today: datetime.date, weekday: int) -> tuple[datetime.date, datetime.date]:
    """The week a digest sent on the latest ``weekday`` on or before ``today`` covers: (start, end), end exclusive."""
    end = today - datetime.timedelta(days=(today.weekday() - weekday) % 7)
    return end - datetime.timedelta(days=7), end


def queue_digest(*, today: datetime.date | None = None) -> tuple[Mailing, bool]:
    """Queue the digest of the latest finished week (ending on the writer's digest day); once per week."""
    today = today or timezone.localdate()
    start, end = digest_period(today, DigestDay.current())
    with transaction.atomic():
        mailing, created = Mailing.objects.get_or_create(
            kind=Mailing.Kind.DIGEST, period_start=start, defaults={"period_end": end}
        )
        if created:
            _queue(mailing)
    return mailing, created
