"""``manage.py export_jekyll OUTDIR``: write every post as a Jekyll file (see :mod:`jekyll.exporter`)."""

from django.core.management.base import BaseCommand

from jekyll.exporter import export_posts


class Command(BaseCommand):
    help = "Write every post, drafts included, into OUTDIR as YYYY-MM-DD-slug.md Jekyll files."

    def add_arguments(self, parser):
        parser.add_argument("outdir", metavar="OUTDIR", help="Folder to write into (created if missing).")

    def handle(self, *args, outdir, verbosity, **options):
        written = export_posts(outdir)
        if verbosity >= 2:
            for path in written:
                self.stdout.write(str(path))
        self.stdout.write(self.style.SUCCESS(f"exported {len(written)} posts to {outdir}"))
