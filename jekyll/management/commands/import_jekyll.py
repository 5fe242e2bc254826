"""``manage.py import_jekyll PATH [PATH ...] [--dry-run]``: print what :func:`jekyll.importer.import_paths` did."""

from django.core.management.base import BaseCommand, CommandError

from jekyll.importer import FAILED, FileOutcome, import_paths


class Command(BaseCommand):
    help = (
        "Import Jekyll posts. PATH may be a file (any extension), a Jekyll site or its _posts/_drafts folder, "
        "or a folder of .md/.markdown/.html files. Each site's _config.yml decides its posts' old URLs, dates "
        "and what was public. Posts are matched by their old URL: new ones are created, changed ones updated "
        "in place, nothing is deleted. Files are committed a hundred at a time: an interrupted "
        "import loses at most the last hundred, and running it again finishes the job. Exits non-zero when "
        "any file failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Files or folders to import.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Read, check and render everything, and write nothing."
        )
        parser.add_argument(
            "--config",
            action="append",
            metavar="FILE[,FILE...]",
            help="Read these configuration files instead of the site's _config.yml, later ones winning, as "
            "Jekyll's --config does (e.g. --config _config.yml,_config.production.yml).",
        )

    def handle(self, *args, paths, dry_run, config, verbosity, **options):
        on_terminal = self.stdout.isatty()

        def progress(done: int, total: int, outcome: FileOutcome) -> None:
            counter = f"[{done}/{total}] " if on_terminal else ""
            if verbosity >= 1:
                self._write_outcome(outcome, counter)
            elif outcome.outcome == FAILED:
                self.stderr.write(outcome.line())
            elif on_terminal:
                self.stdout.write(f"\r{done} of {total} files", ending="")
                self.stdout.flush()

        config_files = [name for value in config or () for name in value.split(",") if name.strip()]
        report = import_paths(paths, dry_run=dry_run, progress=progress, config_files=config_files)
        if verbosity < 1 and on_terminal and report.outcomes:
            self.stdout.write("")
        for line in report.settings_lines():
            self.stdout.write(line)
        style = self.style.ERROR if report.failed else self.style.SUCCESS
        self.stdout.write(style(report.summary()))
        if report.failed:
            raise CommandError(f"{len(report.failed)} file(s) could not be imported; see the lines above.")

    def _write_outcome(self, outcome: FileOutcome, counter: str) -> None:
        line = counter + outcome.line()
        self.stdout.write(self.style.ERROR(line) if outcome.outcome == FAILED else line)
        for warning in outcome.warnings:
            self.stdout.write(self.style.WARNING(f"    warning: {warning}"))
