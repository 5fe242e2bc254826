"""Imports from the admin: an upload becomes a run (:func:`start_import`), and a run goes through the Jekyll
importer (:func:`perform`), inline when it is small, else on the task worker.

Every upload is one zip in the private ``imports`` storage (Markdown files are packed into one by the form),
so both ways run the same code. The stored zip is deleted once its run has finished, whatever the outcome.
"""

import datetime
import logging
import shutil
import tempfile
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from blog.models import Post
from imports import archive
from imports.models import ImportOutcome, ImportRun
from imports.uploads import Upload
from jekyll.importer import import_paths
from jekyll.items import DRAFT, FAILED, FileOutcome

logger = logging.getLogger(__name__)

STORAGE = "imports"
# Outcomes are written this many at a time, or at least this often, so the progress page moves.
FLUSH_ROWS = 100
FLUSH_SECONDS = 1.0


def storage():
    return storages[STORAGE]


def start_import(*, user, token: uuid.UUID, upload: Upload) -> tuple[ImportRun, bool]:
    """The run for this upload and whether this call started it.

    A second submit of the same form (``token``), or the same upload while it is still importing, finds
    the run already there instead of starting another. A small upload is imported before this returns.
    """
    if (existing := ImportRun.objects.filter(token=token).first()) is not None:
        return existing, False
    retire_stale()
    if (active := ImportRun.objects.filter(sha256=upload.sha256, status__in=ImportRun.ACTIVE).first()) is not None:
        return active, False
    stored = storage().save(f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}.zip", ContentFile(upload.data))
    try:
        with transaction.atomic():
            run = ImportRun.objects.create(
                token=token,
                uploaded_by=user,
                file_name=upload.name[:255],
                file_count=upload.file_count,
                upload_name=stored,
                sha256=upload.sha256,
                size=len(upload.data),
                in_background=not upload.small,
                notes=upload.notes,
            )
    except IntegrityError:  # a double submit racing this one won: show its run
        storage().delete(stored)
        found = ImportRun.objects.filter(Q(token=token) | Q(sha256=upload.sha256, status__in=ImportRun.ACTIVE)).first()
        if found is None:
            raise
        return found, False
    if run.in_background:
        from imports import tasks

        transaction.on_commit(lambda: tasks.run_import.enqueue(run.pk))
    else:
        perform(run_id=run.pk)
        run.refresh_from_db()
    return run, True


def perform(*, run_id: int) -> str:
    """Import a waiting run's upload; its status once done. A run already taken (or finished) is left alone."""
    now = timezone.now()
    taken = ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.QUEUED).update(
        status=ImportRun.Status.RUNNING, started_at=now, updated_at=now
    )
    if not taken:
        return "not waiting"
    run = ImportRun.objects.get(pk=run_id)
    recorder = Recorder(run)
    status, error = ImportRun.Status.DONE, ""
    try:
        with tempfile.TemporaryDirectory(prefix="site-import-") as folder:
            packed, site = Path(folder) / "upload.zip", Path(folder) / "site"
            with storage().open(run.upload_name, "rb") as source, packed.open("wb") as out:
                shutil.copyfileobj(source, out)
            site.mkdir()
            archive.extract(packed, site)
            packed.unlink()
            import_paths([site], name_root=site, progress=recorder.progress)
            recorder.flush()
    except archive.ArchiveRefused as refused:
        status, error = ImportRun.Status.FAILED, str(refused)
    except Exception as failure:  # the run must end in a state a person can read, never stay "importing"
        logger.exception("import run %s stopped", run_id)
        try:
            recorder.flush()  # the outcomes of batches already saved
        except Exception:  # the database itself may be what failed: the status below still tries
            logger.exception("import run %s: its last outcomes could not be kept", run_id)
        status = ImportRun.Status.FAILED
        error = (
            f"The import stopped ({type(failure).__name__}). The files listed were saved; upload the same "
            "files again to finish: those come out unchanged."
        )
    finally:
        _forget_upload(run.upload_name)
    now = timezone.now()
    ImportRun.objects.filter(pk=run_id).update(
        status=status, error=error, upload_name="", finished_at=now, updated_at=now
    )
    return status


class Recorder:
    """Keeps a run's progress and outcomes as the importer reports them, a few rows at a time."""

    def __init__(self, run: ImportRun):
        self.run = run
        self.pending: list[tuple[int, FileOutcome]] = []
        self.done = self.total = 0
        self.flushed_at = time.monotonic()

    def progress(self, done: int, total: int, outcome: FileOutcome) -> None:
        self.pending.append((done, outcome))
        self.done, self.total = done, total
        if len(self.pending) >= FLUSH_ROWS or done == total or time.monotonic() - self.flushed_at > FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        self.flushed_at = time.monotonic()
        if not self.pending:
            return
        slugs = {outcome.slug for _done, outcome in self.pending if outcome.slug}
        posts = dict(Post.objects.filter(slug__in=slugs).values_list("slug", "pk")) if slugs else {}
        ImportOutcome.objects.bulk_create(
            [_row(self.run, position, outcome, posts.get(outcome.slug)) for position, outcome in self.pending],
            ignore_conflicts=True,
        )
        self.pending = []
        ImportRun.objects.filter(pk=self.run.pk).update(total=self.total, done=self.done, updated_at=timezone.now())


def _row(run: ImportRun, position: int, outcome: FileOutcome, post_id: int | None) -> ImportOutcome:
    if outcome.outcome == FAILED:
        kind, post_id = ImportOutcome.Outcome.REJECTED, None
    else:
        kind = outcome.change if outcome.outcome == DRAFT else outcome.outcome
    return ImportOutcome(
        run=run,
        position=position,
        name=_text(outcome.name)[:1000],
        outcome=kind,
        is_draft=outcome.outcome == DRAFT,
        post_id=post_id,
        slug=outcome.slug[:255],
        reason=_text(outcome.reason),
        warnings=[_text(warning) for warning in outcome.warnings],
    )


def _text(value: str) -> str:
    """PostgreSQL keeps no NUL in text or JSON; the importer's messages should carry none, and cannot."""
    return value.replace("\x00", "\ufffd")


def stale_before() -> datetime.datetime:
    """A waiting or running run last moved before this has no worker looking after it."""
    return timezone.now() - datetime.timedelta(seconds=settings.IMPORT_STALE_SECONDS)


def retire_stale() -> int:
    """Runs no worker has moved for ``IMPORT_STALE_SECONDS`` end as stopped, saying why; how many there were."""
    now = timezone.now()
    stale = ImportRun.objects.filter(status__in=ImportRun.ACTIVE, updated_at__lt=stale_before())
    names = list(stale.exclude(upload_name="").values_list("upload_name", flat=True))
    retired = stale.filter(status=ImportRun.Status.QUEUED).update(
        status=ImportRun.Status.FAILED,
        error="No background worker started this import (is manage.py db_worker running?). Upload it again.",
        upload_name="",
        finished_at=now,
        updated_at=now,
    )
    retired += stale.filter(status=ImportRun.Status.RUNNING).update(
        status=ImportRun.Status.FAILED,
        error="The background worker stopped during this import. The files listed were saved; upload the same "
        "files again to finish: those come out unchanged.",
        upload_name="",
        finished_at=now,
        updated_at=now,
    )
    for name in names:
        _forget_upload(name)
    return retired


def _forget_upload(name: str) -> None:
    if not name:
        return
    try:
        storage().delete(name)
    except OSError:
        logger.warning("could not delete the stored upload %s", name)
