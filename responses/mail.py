"""Emails about responses: a member's daily replies summary, moderators' daily summary, at-risk alerts.

Sent by the worker (``responses.tasks``), never in a web request. Each email is one
:class:`~responses.models.NoticeEmail` row, unique per (kind, recipient, day) or (recipient, report),
claimed and committed before the message goes out and marked "sent" once the server accepted it: run
twice, nothing goes twice. A claim left by a worker killed mid-way is taken up again after
``SUBSCRIPTIONS_CLAIM_SECONDS`` (the same one narrow window as essays: docs/operations-email.md).
Addresses on the suppression list get nothing; a permanent refusal puts an address on it.
"""

import contextlib
import datetime
import html
import smtplib
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator

from blog.posts import site_url
from responses import notices, tokens
from responses.models import NoticeEmail, Notices, Report
from subscriptions import suppression
from subscriptions.emails import from_address

EXCERPT_WORDS = 50


@dataclass
class Outcome:
    """What one run did: how many emails were sent, and whether some wait for a retry."""

    sent: int = 0
    retry: bool = False

    def add(self, status: str | None) -> None:
        self.sent += status == NoticeEmail.Status.SENT
        self.retry = self.retry or status == NoticeEmail.Status.WAITING


def claim(*, kind: str, recipient, day: datetime.date, report=None, covers_until=None) -> NoticeEmail | None:
    """Take this email's row for sending, or None when it was sent (or is being sent) already."""
    now = timezone.now()
    try:
        with transaction.atomic():
            return NoticeEmail.objects.create(
                kind=kind, recipient=recipient, day=day, report=report, covers_until=covers_until, claimed_at=now
            )
    except IntegrityError:
        pass
    if report is not None:
        lookup = {"recipient": recipient, "report": report}
    else:
        lookup = {"kind": kind, "recipient": recipient, "day": day}
    abandoned = now - datetime.timedelta(seconds=settings.SUBSCRIPTIONS_CLAIM_SECONDS)
    # One conditional UPDATE: of two workers retaking the same row, only one changes it.
    taken = (
        NoticeEmail.objects.filter(**lookup)
        .filter(Q(status=NoticeEmail.Status.WAITING) | Q(status=NoticeEmail.Status.SENDING, claimed_at__lt=abandoned))
        .update(status=NoticeEmail.Status.SENDING, claimed_at=now, covers_until=covers_until)
    )
    return NoticeEmail.objects.get(**lookup) if taken else None


def _record(row: NoticeEmail, status: str, error: str = "", **fields) -> str:
    NoticeEmail.objects.filter(pk=row.pk).update(status=status, last_error=error[:300], **fields)
    return status


def deliver(row: NoticeEmail, message: EmailMultiAlternatives, *, mailer, on_sent=None) -> str:
    """Send the claimed ``row``'s message over ``mailer`` and record the outcome; returns the row's new status."""
    (address,) = message.to
    if suppression.suppressed([address]):
        return _record(row, NoticeEmail.Status.SUPPRESSED, "on the suppression list")
    attempts = row.attempts + 1
    try:
        # One connection for the whole run, opened by the first message (send_messages alone opens one each).
        mailer.open()
        mailer.send_messages([message])
    except (smtplib.SMTPException, OSError) as exc:
        code, error = (
            suppression.smtp_answer(exc)
            if isinstance(exc, smtplib.SMTPException)
            else (0, f"{type(exc).__name__}: {exc}")
        )
        if code >= 500 and isinstance(exc, (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError)):
            suppression.suppress_address(email=address, reason=error)
            return _record(row, NoticeEmail.Status.SUPPRESSED, error, attempts=attempts)
        if not isinstance(exc, (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError)):
            mailer.close()  # the line may be down: the next message opens a fresh one
        final = attempts >= settings.SUBSCRIPTIONS_MAX_ATTEMPTS
        status = NoticeEmail.Status.FAILED if final else NoticeEmail.Status.WAITING
        return _record(row, status, error or type(exc).__name__, attempts=attempts)
    with transaction.atomic():
        status = _record(row, NoticeEmail.Status.SENT, attempts=attempts, sent_at=timezone.now())
        if on_sent is not None:
            on_sent()
    return status


def _message(*, template: str, subject: str, to: str, context: dict, headers=None) -> EmailMultiAlternatives:
    context = {"SITE_NAME": settings.SITE_NAME, "account_url": site_url(reverse("accounts:account")), **context}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"responses/email/{template}.txt", context),
        from_email=from_address(),
        to=[to],
        # RFC 3834: written by a machine; out-of-office replies should stay quiet.
        headers={"Auto-Submitted": "auto-generated", **(headers or {})},
    )
    message.attach_alternative(render_to_string(f"responses/email/{template}.html", context), "text/html")
    return message


def _excerpt(body_html: str, words: int = EXCERPT_WORDS) -> str:
    """The words as readers see them (no Markdown marks), on one line, cut at a word."""
    text = html.unescape(strip_tags(body_html))
    return Truncator(" ".join(text.split())).words(words)


def replies_message(user, replies) -> EmailMultiAlternatives:
    """One member's summary: each reply's post, who wrote it, an excerpt and its permalink."""
    token = tokens.member_token(user.pk)
    stop_url = site_url(reverse("responses:stop", kwargs={"token": token}))
    items = [
        {
            "post_title": reply.post.title,
            "name": reply.display_name,
            "yours": _excerpt(reply.parent.body_html, words=12),
            "excerpt": _excerpt(reply.body_html),
            "url": site_url(reply.get_absolute_url()),
        }
        for reply in replies
    ]
    subject = "A reply to your response" if len(items) == 1 else "Replies to your responses"
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return _message(
        template="replies",
        subject=f"{subject} on {settings.SITE_NAME}",
        to=user.email,
        context={"items": items, "stop_url": stop_url, "email": user.email},
        headers={
            "List-Unsubscribe": f"<{stop_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"{settings.SITE_NAME} <replies.{host}>",
        },
    )


def _queue_url() -> str:
    return site_url(reverse("admin:responses_response_changelist")) + "?queue=waiting"


def _advance(user_id: int, until) -> None:
    # Forward only: a summary retried late never moves the mark back.
    Notices.objects.filter(user_id=user_id, replies_since__lt=until).update(replies_since=until)


def send_replies_summaries(*, day: datetime.date, until: datetime.datetime) -> Outcome:
    """Each opted-in member with new replies gets one summary for ``day`` (none when there is nothing new)."""
    outcome = Outcome()
    with contextlib.closing(mailers["default"]) as mailer:
        for choice in notices.reply_recipients(until=until):
            user = choice.user
            replies = notices.new_replies(user=user, since=choice.replies_since, until=until)
            row = claim(kind=NoticeEmail.Kind.REPLIES, recipient=user, day=day, covers_until=until) if replies else None
            if row is None:
                continue
            message = replies_message(user, replies)
            outcome.add(deliver(row, message, mailer=mailer, on_sent=partial(_advance, user.pk, until)))
    return outcome


def _to_moderators(*, kind: str, day: datetime.date, report=None, template: str, subject: str, context: dict):
    outcome = Outcome()
    with contextlib.closing(mailers["default"]) as mailer:
        for user in notices.moderators(urgent=kind == NoticeEmail.Kind.AT_RISK):
            row = claim(kind=kind, recipient=user, day=day, report=report)
            if row is None:
                continue
            message = _message(template=template, subject=subject, to=user.email, context=context)
            outcome.add(deliver(row, message, mailer=mailer))
    return outcome


def send_moderation_summaries(*, day: datetime.date) -> Outcome:
    """Moderators get the day's counts and a link to the queue, only when something waits."""
    counts = notices.moderation_counts()
    if not (counts["held"] or counts["reports"]):
        return Outcome()
    return _to_moderators(
        kind=NoticeEmail.Kind.MODERATION,
        day=day,
        template="moderation",
        subject=f"Responses waiting for a look on {settings.SITE_NAME}",
        context={**counts, "queue_url": _queue_url()},
    )


def send_at_risk_alerts(*, report_id: int) -> Outcome:
    """Every moderator hears at once that someone may be at risk: a link to the admin, not the words."""
    report = Report.objects.filter(pk=report_id, reason=Report.Reason.AT_RISK, resolved_at=None).first()
    if report is None:
        return Outcome()
    return _to_moderators(
        kind=NoticeEmail.Kind.AT_RISK,
        day=timezone.localdate(),
        report=report,
        template="at_risk",
        subject=f"Someone may be at risk: a report on {settings.SITE_NAME}",
        context={"response_url": site_url(reverse("admin:responses_response_change", args=[report.response_id]))},
    )
