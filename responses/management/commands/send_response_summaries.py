from django.core.management.base import BaseCommand
from django.utils import timezone

from responses import notices, tasks


class Command(BaseCommand):
    help = (
        "Queue today's emails about responses: each opted-in member's summary of new replies, and the "
        "moderators' summary of what waits. Run it daily from the digests' timer; running it again the same day "
        "sends nothing twice (one email per member and day)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say who would get a summary; queue nothing.")

    def handle(self, *, dry_run, verbosity, **options):
        day = timezone.localdate()
        if dry_run:
            members = notices.reply_recipients(until=timezone.now()).count()
            counts = notices.moderation_counts()
            waiting = counts["held"] or counts["reports"]
            moderators = notices.moderators().count() if waiting else 0
            self.stdout.write(
                f"{day}: {members} member(s) have new replies; {moderators} moderator(s) would hear of "
                f"{counts['held']} held response(s) and {counts['reports']} open report(s)."
            )
            return
        tasks.send_daily_summaries.enqueue(day.isoformat())
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Queued the summaries for {day}."))
