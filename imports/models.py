"""An import started from the admin (who, when, which upload, how far) and what became of each of its files."""

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone


class ImportRun(models.Model):
    """One upload (a zip, or Markdown files packed into one) and its way through the importer."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting"
        RUNNING = "running", "Importing"
        DONE = "done", "Done"
        FAILED = "failed", "Stopped"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    # From the upload form: a second submit of the same form finds this run instead of starting another.
    token = models.UUIDField(unique=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file_name = models.CharField(max_length=255, help_text="As uploaded; several Markdown files are named together.")
    file_count = models.PositiveIntegerField(default=1, help_text="Files uploaded (a zip is one).")
    # In the private "imports" storage, never under /media/; deleted once the run has finished.
    upload_name = models.CharField(max_length=255, blank=True, editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    in_background = models.BooleanField(default=True)
    total = models.PositiveIntegerField(default=0, help_text="Files the importer found.")
    done = models.PositiveIntegerField(default=0, help_text="Files it has finished with.")
    # Why the whole run stopped, and what the zip held that was left out on purpose.
    error = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    # Moved on each step of progress: a run whose worker died stops moving.
    updated_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"
        verbose_name = "import"
        constraints = [
            # The same upload twice at once would race over the same posts: the second finds the first.
            models.UniqueConstraint(
                fields=["sha256"],
                condition=Q(status__in=["queued", "running"]),
                name="importrun_one_active_per_upload",
            )
        ]
        indexes = [models.Index(fields=["status", "updated_at"], name="importrun_status_updated_idx")]

    def __str__(self):
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        return reverse("admin:imports_importrun_change", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    def progress_text(self) -> str:
        """Where the run is, in a sentence (the progress page reads it out as it changes)."""
        if self.status == self.Status.QUEUED:
            return "Waiting for the background worker to start this import."
        if self.status == self.Status.RUNNING:
            if not self.total:
                return "Unpacking and reading the files."
            return f"Imported {self.done:,} of {self.total:,} files."
        if self.status == self.Status.FAILED:
            return "The import stopped."
        return f"Finished: {self.done:,} of {self.total:,} files."

    def counts(self) -> dict[str, int]:
        """Files by outcome (every outcome named, zero or not), in one query."""
        found = dict(self.outcomes.order_by().values_list("outcome").annotate(n=Count("pk")))
        return {value: found.get(value, 0) for value in ImportOutcome.Outcome.values}


class ImportOutcome(models.Model):
    """What one file of a run became, in the order the importer read them."""

    class Outcome(models.TextChoices):
        CREATED = "created", "Created"
        UPDATED = "updated", "Updated"
        UNCHANGED = "unchanged", "Unchanged"
        REJECTED = "rejected", "Rejected"

    # Both indexes below start with the run: no third one for the foreign key alone.
    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="outcomes", db_index=False)
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=1000)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    is_draft = models.BooleanField(default=False)
    post = models.ForeignKey("blog.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    slug = models.CharField(max_length=255, blank=True)
    reason = models.TextField(blank=True)
    warnings = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["run", "position"]
        constraints = [models.UniqueConstraint(fields=["run", "position"], name="importoutcome_run_position_uniq")]
        indexes = [models.Index(fields=["run", "outcome"], name="importoutcome_run_outcome_idx")]

    def __str__(self):
        return f"{self.name}: {self.get_outcome_display()}"
