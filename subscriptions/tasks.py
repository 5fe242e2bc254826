"""Background tasks (Django's tasks framework; the worker is django-tasks-db's ``db_worker``).

``send_mailing`` looks after itself: before sending it queues its own follow-up for when a claim
would expire, so a worker killed mid-way is followed by a run that sends the rest. A run that finds
nothing left to do queues nothing, which ends the chain.
"""

import datetime
import smtplib

from django.conf import settings
from django.core.mail import mailers
from django.tasks import task
from django.utils import timezone

from blog.models import Post
from subscriptions import emails, sending
from subscriptions.models import Mailing

CONFIRMATION_ATTEMPTS = 4


@task
def send_confirmation(email: str, attempt: int = 1) -> None:
    """Mail the double opt-in link for ``email``; a temporary failure is tried again a few times, later."""
    try:
        mailers.default.send_messages([emails.confirmation_message(email)])
    except (smtplib.SMTPException, OSError) as exc:
        code = getattr(exc, "smtp_code", 0)
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            code = next(iter(exc.recipients.values()))[0]
        if code < 500 and attempt < CONFIRMATION_ATTEMPTS:
            delay = datetime.timedelta(seconds=settings.SUBSCRIPTIONS_RETRY_SECONDS * 2 ** (attempt - 1))
            send_confirmation.using(run_after=timezone.now() + delay).enqueue(email, attempt=attempt + 1)
        # Still raised: the failed attempt shows in the admin's task list.
        raise


@task
def send_mailing(mailing_id: int) -> int:
    """List the mailing's deliveries if not done yet, then send every due one; returns how many were handled."""
    mailing = Mailing.objects.filter(pk=mailing_id).first()
    if mailing is None:
        return 0
    if not sending.fan_out(mailing):
        post = Post.objects.filter(pk=mailing.post_id).only("status", "published_at").first()
        if post is not None and post.is_scheduled:
            # Rescheduled to a later time since this was queued: go when it comes.
            send_mailing.using(run_after=post.published_at).enqueue(mailing_id)
        # A post moved back to draft: `send_due_emails` queues it again if it is published later.
        return 0
    if not sending.has_unfinished(mailing_id):
        return 0
    now = timezone.now()
    watch_after = now + datetime.timedelta(seconds=settings.SUBSCRIPTIONS_CLAIM_SECONDS)
    retry_at = sending.next_retry_at(mailing_id)
    send_mailing.using(run_after=max(watch_after, retry_at or now)).enqueue(mailing_id)
    return sending.send_due(mailing)
