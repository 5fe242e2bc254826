"""``manage.py restore INFILE``: put a backup made by ``manage.py backup`` into an empty database."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from backups import services as backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty SQLite database "
        "(refuses a database that holds data unless --force). On PostgreSQL, prints the pg_restore command."
    )

    def add_arguments(self, parser):
        parser.add_argument("infile", metavar="INFILE", help="A file written by `manage.py backup`.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Which database to restore into.")
        parser.add_argument(
            "--force", action="store_true", help="Replace everything in a database that already holds data."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check the file and the target; change nothing.")

    def handle(self, *args, infile, database, force, dry_run, verbosity, **options):
        try:
            summary = backup.restore(infile, using=database, force=force, dry_run=dry_run)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        if dry_run:
            self.stdout.write(f"Would restore {infile}: {summary}.")
        elif verbosity:
            self.stdout.write(self.style.SUCCESS(f"Restored {infile}: {summary}."))
        if summary.missing_migrations:
            self.stdout.write(
                self.style.WARNING(
                    f"The backup predates {summary.missing_migrations} migration(s) of this code: "
                    "run `python manage.py migrate` now."
                )
            )
