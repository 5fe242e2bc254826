"""Background tasks for emails about responses (Django's tasks framework; django-tasks-db's worker).

Both are safe to run twice: ``responses.mail`` claims a row per email before sending. A run that leaves
emails waiting after a temporary failure queues itself again, later, for those only.
"""

import datetime

from django.db.models import Max
from django.tasks import task
from django.utils import timezone

from responses import mail
from responses.models import NoticeEmail
from subscriptions import suppression


def _retry_at(**lookup) -> datetime.datetime:
    waiting = NoticeEmail.objects.filter(status=NoticeEmail.Status.WAITING, **lookup)
    attempts = waiting.aggregate(most=Max("attempts"))["most"] or 1
    return timezone.now() + suppression.retry_delay(attempts)


@task
def send_daily_summaries(day: str) -> int:
    """``day``'s replies summaries and moderation summaries (ISO date); returns how many were sent."""
    date = datetime.date.fromisoformat(day)
    replies = mail.send_replies_summaries(day=date, until=timezone.now())
    moderation = mail.send_moderation_summaries(day=date)
    if replies.retry or moderation.retry:
        send_daily_summaries.using(run_after=_retry_at(day=date, report=None)).enqueue(day)
    return replies.sent + moderation.sent


@task
def alert_at_risk(report_id: int) -> int:
    """Tell moderators at once that someone may be at risk (queued when such a report is made)."""
    outcome = mail.send_at_risk_alerts(report_id=report_id)
    if outcome.retry:
        alert_at_risk.using(run_after=_retry_at(report_id=report_id)).enqueue(report_id)
    return outcome.sent
