from django.core.management.base import BaseCommand
from django.utils import timezone

from subscriptions import services
from subscriptions.models import DigestDay, Mailing


class Command(BaseCommand):
    help = (
        "Queue the weekly digest of the latest week ending on the digest day. Safe to run as often as you like "
        "(a timer runs it daily): each week's digest is queued once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say which week is due; queue nothing.")

    def handle(self, *, dry_run, verbosity, **options):
        start, end = services.digest_period(timezone.localdate(), DigestDay.current())
        if dry_run:
            done = Mailing.objects.filter(kind=Mailing.Kind.DIGEST, period_start=start).exists()
            self.stdout.write(f"Week {start} – {end}: {'already queued' if done else 'would be queued'}.")
            return
        mailing, created = services.queue_digest()
        if created:
            self.stdout.write(self.style.SUCCESS(f"Queued the digest for {mailing}."))
        elif verbosity:
            self.stdout.write(f"The digest for {mailing} was already queued.")
