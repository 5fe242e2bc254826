"""The worker's side: list a mailing's deliveries, claim them a few at a time, send, record.

Exactly once per subscriber and mailing: each delivery row is unique per (mailing, subscriber), is
claimed (status "sending", committed) before its message goes out, and is marked "sent" the moment
the server has accepted it. A worker killed mid-way leaves its claimed rows behind; once their claim
is older than ``SUBSCRIPTIONS_CLAIM_SECONDS`` the next run sends them. The one narrow window: killed
after the server accepted a message and before "sent" was committed, that one message goes again.
"""

import concurrent.futures
import contextlib
import datetime
import logging
import smtplib

from django.conf import settings
from django.core.mail import mailers
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from blog.models import Post
from subscriptions import services, suppression
from subscriptions.emails import MailingContent
from subscriptions.models import Delivery, Mailing, Subscriber

logger = logging.getLogger(__name__)

CLAIM_BATCH = 50
INSERT_BATCH = 2000


def _claim_timeout() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.SUBSCRIPTIONS_CLAIM_SECONDS)


def _due(mailing_id: int, now) -> Q:
    """Deliveries of the mailing that a worker may take now: waiting and due, or claimed by a worker now gone."""
    return Q(mailing_id=mailing_id) & (
        Q(status=Delivery.Status.WAITING, next_attempt_at__lte=now)
        | Q(status=Delivery.Status.SENDING, claimed_at__lt=now - _claim_timeout())
    )


def fan_out(mailing: Mailing) -> bool:
    """List one delivery per recipient (safe to repeat); False when the mailing may not go yet."""
    if mailing.fanned_out_at is not None:
        return True
    if mailing.kind == Mailing.Kind.ESSAY:
        post = Post.objects.filter(pk=mailing.post_id).only("pk", "status", "published_at").first()
        if post is None or not post.is_public:
            return False
        recipients = Subscriber.objects.for_post(post)
    else:
        recipients = Subscriber.objects.for_digest()
    ids = recipients.order_by("pk").values_list("pk", flat=True).distinct()
    with transaction.atomic():
        batch = []
        for subscriber_id in ids.iterator(chunk_size=INSERT_BATCH):
            batch.append(Delivery(mailing_id=mailing.pk, subscriber_id=subscriber_id))
            if len(batch) >= INSERT_BATCH:
                Delivery.objects.bulk_create(batch, ignore_conflicts=True)
                batch = []
        Delivery.objects.bulk_create(batch, ignore_conflicts=True)
        Mailing.objects.filter(pk=mailing.pk).update(fanned_out_at=timezone.now())
    return True


def has_unfinished(mailing_id: int) -> bool:
    return Delivery.objects.filter(
        mailing_id=mailing_id, status__in=[Delivery.Status.WAITING, Delivery.Status.SENDING]
    ).exists()


def next_retry_at(mailing_id: int):
    return (
        Delivery.objects.filter(mailing_id=mailing_id, status=Delivery.Status.WAITING)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )


def claim(mailing_id: int, limit: int = CLAIM_BATCH) -> list[Delivery]:
    """Take up to ``limit`` due deliveries for this worker; other workers skip the rows it holds."""
    now = timezone.now()
    with transaction.atomic():
        # PostgreSQL: rows another worker is claiming are skipped, not waited for. SQLite has no row
        # locks; its IMMEDIATE transactions let one writer in at a time, which serialises claims.
        ids = list(
            Delivery.objects.filter(_due(mailing_id, now))
            .select_for_update(skip_locked=True)
            .order_by("id")
            .values_list("id", flat=True)[:limit]
        )
        Delivery.objects.filter(pk__in=ids).update(status=Delivery.Status.SENDING, claimed_at=now)
    return list(Delivery.objects.filter(pk__in=ids).select_related("subscriber").order_by("id"))


def _record(delivery: Delivery, status: str, error: str = "", **fields) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(status=status, last_error=error[:300], **fields)


def _temporary_failure(delivery: Delivery, error: str) -> None:
    attempts = delivery.attempts + 1
    if attempts >= settings.SUBSCRIPTIONS_MAX_ATTEMPTS:
        _record(delivery, Delivery.Status.FAILED, error, attempts=attempts)
    else:
        retry_at = timezone.now() + suppression.retry_delay(attempts)
        _record(delivery, Delivery.Status.WAITING, error, attempts=attempts, next_attempt_at=retry_at)


def _send_one(mailer, content: MailingContent, delivery: Delivery) -> bool:
    """Send one delivery and record the outcome; False when the connection itself failed."""
    subscriber = delivery.subscriber
    if subscriber.suppressed_at is not None:
        _record(delivery, Delivery.Status.SUPPRESSED, subscriber.suppressed_reason)
        return True
    if subscriber.frequency == Subscriber.Frequency.OFF:
        _record(delivery, Delivery.Status.CANCELLED)
        return True
    try:
        # Opens the connection once and keeps it for the whole run (send_messages alone would
        # open and close one per message).
        mailer.open()
        mailer.send_messages([content.message_for(subscriber)])
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as exc:
        code, error = suppression.smtp_answer(exc)
        if code >= 500:
            # The server refused this address for good: never try it again.
            services.suppress(subscriber_id=subscriber.pk, reason=error)
            _record(delivery, Delivery.Status.SUPPRESSED, error, attempts=delivery.attempts + 1)
        else:
            _temporary_failure(delivery, error)
        return True
    except (smtplib.SMTPException, OSError) as exc:
        # Our side or the connection (refused sender, timeout, dropped line): retried later, nobody blamed.
        _temporary_failure(delivery, f"{type(exc).__name__}: {exc}")
        return False
    _record(delivery, Delivery.Status.SENT, attempts=delivery.attempts + 1, sent_at=timezone.now())
    return True


@contextlib.contextmanager
def _quick_commits():
    """Commit claims and "sent" marks without waiting for the disk, for the length of a run.

    The site keeps SQLite's ``synchronous=FULL`` and PostgreSQL's ``synchronous_commit=on`` so that a
    member's note survives a power cut. A mark only has to survive the worker being killed, which both
    still guarantee (SQLite's WAL in NORMAL mode; PostgreSQL holds the commit once it has answered). A
    power cut, or a crash of the database server itself, may lose the last marks: those messages go
    again (the window the docs describe). The disk wait was most of a message's cost.
    """
    vendor = connection.vendor
    quick, usual = {
        "sqlite": ("PRAGMA synchronous=NORMAL", "PRAGMA synchronous=FULL"),
        "postgresql": ("SET synchronous_commit TO off", "RESET synchronous_commit"),
    }.get(vendor, ("", ""))
    if quick:
        with connection.cursor() as cursor:
            cursor.execute(quick)
    try:
        yield
    finally:
        if usual:
            with connection.cursor() as cursor:
                cursor.execute(usual)


def _send_over_one_connection(mailing: Mailing, content: MailingContent) -> int:
    handled = 0
    mailer = mailers[settings.SUBSCRIPTIONS_MAILERS[mailing.kind]]
    with _quick_commits(), contextlib.closing(mailer):
        while batch := claim(mailing.pk):
            for index, delivery in enumerate(batch):
                handled += 1
                if not _send_one(mailer, content, delivery):
                    # The line is down: hand the rest of the batch back untried and stop for now.
                    untried = [d.pk for d in batch[index + 1 :]]
                    Delivery.objects.filter(pk__in=untried).update(status=Delivery.Status.WAITING)
                    return handled
    return handled


def _in_own_thread(mailing: Mailing, content: MailingContent) -> int:
    try:
        return _send_over_one_connection(mailing, content)
    finally:
        # The thread's own database connection: nothing else would close it.
        connection.close()


def send_due(mailing: Mailing) -> int:
    """Send every due delivery of ``mailing``; how many were handled.

    Over ``SUBSCRIPTIONS_SEND_CONNECTIONS`` SMTP connections at once, each in a thread of its own
    claiming its own batches: each message waits for four answers from the server in turn, so one
    connection to a server some way off spends most of its time waiting, and while one waits another
    builds and sends. The threads claim as separate workers would, so nothing is sent twice.
    """
    content = MailingContent.for_mailing(mailing)
    if content is None:
        Delivery.objects.filter(mailing=mailing, status=Delivery.Status.WAITING).update(
            status=Delivery.Status.CANCELLED, last_error="no essays this week"
        )
        return 0
    connections = max(1, settings.SUBSCRIPTIONS_SEND_CONNECTIONS)
    if connections == 1:
        return _send_over_one_connection(mailing, content)
    with concurrent.futures.ThreadPoolExecutor(max_workers=connections, thread_name_prefix="send") as pool:
        runs = [pool.submit(_in_own_thread, mailing, content) for _ in range(connections)]
        return sum(run.result() for run in runs)
