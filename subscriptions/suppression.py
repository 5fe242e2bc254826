"""The suppression list, for other apps' emails: addresses whose mail server refused us for good.

It is kept on :class:`~subscriptions.models.Subscriber` (one row per address); an address that never
subscribed gets a row that receives nothing (frequency "off"), so every email of the site respects it.
"""

import datetime
import smtplib

from django.conf import settings
from django.db import IntegrityError, transaction

from subscriptions import services
from subscriptions.models import Subscriber


def suppressed(emails) -> set[str]:
    """Which of ``emails`` (compared case-folded) are suppressed: one query."""
    wanted = {services.normalise_email(email) for email in emails}
    if not wanted:
        return set()
    rows = Subscriber.objects.filter(email__in=wanted, suppressed_at__isnull=False)
    return set(rows.values_list("email", flat=True))


def suppress_address(*, email: str, reason: str) -> None:
    """Put ``email`` on the list (a permanent SMTP failure, or a provider's bounce or complaint)."""
    email = services.normalise_email(email)
    subscriber = Subscriber.objects.filter(email=email).first()
    if subscriber is None:
        try:
            with transaction.atomic():
                subscriber = Subscriber.objects.create(email=email, frequency=Subscriber.Frequency.OFF)
        except IntegrityError:
            subscriber = Subscriber.objects.get(email=email)
    services.suppress(subscriber_id=subscriber.pk, reason=reason)


def smtp_answer(exc: smtplib.SMTPException) -> tuple[int, str]:
    """The server's code and its words for a refusal (the first recipient's, when recipients were refused)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()))
    else:
        code, text = getattr(exc, "smtp_code", 0), getattr(exc, "smtp_error", b"")
    text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    return code, f"{code} {text}".strip()


def retry_delay(attempts: int) -> datetime.timedelta:
    """How long to wait after ``attempts`` temporary failures: doubling from SUBSCRIPTIONS_RETRY_SECONDS."""
    return datetime.timedelta(seconds=settings.SUBSCRIPTIONS_RETRY_SECONDS * 2 ** max(attempts - 1, 0))
