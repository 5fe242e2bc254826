from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from subscriptions import tasks
from subscriptions.models import Delivery, Mailing


class Command(BaseCommand):
    help = (
        "Safety net for a timer: queue a send for every mailing that is due and not finished (e.g. after a worker "
        "was stopped for a long time, or a post unpublished before its email went out was published again)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List the mailings; queue nothing.")

    def handle(self, *, dry_run, verbosity, **options):
        now = timezone.now()
        unfinished = Delivery.objects.filter(
            status__in=[Delivery.Status.WAITING, Delivery.Status.SENDING], next_attempt_at__lte=now
        ).values("mailing_id")
        due = Mailing.objects.filter(
            Q(fanned_out_at__isnull=True, send_after__lte=now) | Q(pk__in=unfinished)
        ).order_by("pk")
        for mailing in due:
            if not dry_run:
                tasks.send_mailing.enqueue(mailing.pk)
            if verbosity:
                self.stdout.write(f"{'Would queue' if dry_run else 'Queued'} {mailing}.")
