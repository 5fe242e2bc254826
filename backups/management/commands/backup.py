"""``manage.py backup OUTFILE``: a consistent copy of the live SQLite database (see :mod:`backups.services`)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from backups import services as backup


class Command(BaseCommand):
    help = (
        "Copy the SQLite database to OUTFILE while the site keeps serving (a consistent snapshot). "
        "On PostgreSQL, prints the pg_dump and pg_restore commands to use instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("outfile", metavar="OUTFILE", help="Where to write the copy (readable by you only).")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Which database to copy.")
        parser.add_argument("--force", action="store_true", help="Replace OUTFILE if it already exists.")
        parser.add_argument("--dry-run", action="store_true", help="Check that the backup can be made; write nothing.")

    def handle(self, *args, outfile, database, force, dry_run, verbosity, **options):
        try:
            summary = backup.backup(outfile, using=database, overwrite=force, dry_run=dry_run)
        except backup.BackupError as error:
            raise CommandError(f"{error}\n{self.media_note()}") from error
        if dry_run:
            self.stdout.write(f"Would back up the database to {outfile}.")
        elif verbosity:
            self.stdout.write(self.style.SUCCESS(f"Backed up to {outfile}: {summary}."))
        if verbosity:
            self.stdout.write(self.media_note())

    @staticmethod
    def media_note() -> str:
        """Pictures live beside the database, not in it: say where, so they are copied too."""
        options = settings.STORAGES["default"].get("OPTIONS", {})
        if "bucket_name" in options:
            where = f"the bucket {options['bucket_name']!r}"
        else:
            where = f"the folder {settings.MEDIA_ROOT}"
        return f"Pictures (media files) are not in this copy: back up {where} as well (see docs/operations.md)."
