"""Metadata about a coalition's data. Person-level rows live only in the encrypted store."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from reentrykit.coalitions.models import Coalition
from reentrykit.core.audit import Audited
from reentrykit.data.schema import Kind

KIND_CHOICES = [(kind.value, kind.value.capitalize()) for kind in Kind]


class DataSettings(Audited, models.Model):
    coalition = models.OneToOneField(
        Coalition, on_delete=models.CASCADE, related_name="data_settings"
    )
    linkage_threshold = models.FloatField(
        default=0.9,
        validators=[MinValueValidator(0.5), MaxValueValidator(0.999)],
        help_text="Pairs of records at or above this match probability are the same person.",
    )

    def __str__(self) -> str:
        return f"Data settings of {self.coalition}"

    def audit_coalition_id(self) -> int | None:
        return self.coalition_id


class Source(Audited, models.Model):
    """A partner agency's extract, e.g. "County Jail"."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="data_sources")
    name = models.CharField(max_length=120)
    declared_data_through = models.DateField(
        null=True, blank=True, help_text="The date this source's data is complete through."
    )
    latest_date = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["coalition", "name"], name="source_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def data_through(self) -> dt.date | None:
        return self.declared_data_through or self.latest_date

    def audit_coalition_id(self) -> int | None:
        return self.coalition_id


class ColumnMapping(Audited, models.Model):
    """How one source's files of one kind map onto the canonical columns and codes."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="mappings")
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "kind"], name="mapping_unique_kind")
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} mapping"

    def audit_coalition_id(self) -> int | None:
        return self.coalition_id


class BatchStatus(models.TextChoices):
    LOADING = "loading", "Loading"
    IMPORTED = "imported", "Imported"
    REPLACED = "replaced", "Replaced"


class ImportBatch(Audited, models.Model):
    audit_omitted = ("rows",)

    coalition = models.ForeignKey(
        Coalition, on_delete=models.CASCADE, related_name="import_batches"
    )
    source = models.ForeignKey(Source, on_delete=models.RESTRICT, related_name="batches")
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField("File fingerprint (SHA-256)", max_length=64)
    rows = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=BatchStatus.choices, default=BatchStatus.LOADING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["coalition", "sha256"])]

    def __str__(self) -> str:
        # No row count: the audit trail keeps this text, and its readers are not all
        # data stewards (a count of person-level rows is not theirs to see).
        return f"{self.kind} from {self.source}"

    def audit_coalition_id(self) -> int | None:
        return self.coalition_id


# A job that has not moved for this long is probably without a worker (the longest
# step, a large linkage's pair scoring, reports no progress for some minutes).
JOB_STALLED_AFTER = dt.timedelta(minutes=30)


class JobKind(models.TextChoices):
    IMPORT = "import", "Import"
    LINK = "link", "Linkage"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Waiting"
    RUNNING = "running", "Running"
    DONE = "done", "Finished"
    FAILED = "failed", "Failed"


class DataJob(models.Model):
    """A long import or linkage, with the progress its page polls."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="data_jobs")
    kind = models.CharField(max_length=10, choices=JobKind.choices)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    percent = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    params = models.JSONField(default=dict)
    result = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} job {self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def subject(self) -> str:
        """What an import works on, for a list of jobs: “releases.csv”, releases from
        County Jail (empty for other jobs)."""
        params = self.params or {}
        if self.kind != JobKind.IMPORT or not params.get("file_name"):
            return ""
        return f"“{params['file_name']}”, {params.get('kind', '')} from {params.get('source', '')}"

    @property
    def stalled(self) -> bool:
        """Unfinished and without news for long: its worker may have stopped, or none runs."""
        return not self.finished and timezone.now() - self.updated_at > JOB_STALLED_AFTER


class LinkageRun(Audited, models.Model):
    audit_omitted = (
        "records",
        "people",
        "deterministic_links",
        "probabilistic_links",
        "pairs_for_review",
        "pairs_reviewed",
        "weight_histogram",
        "by_source",
    )

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="linkage_runs")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    threshold = models.FloatField()
    records = models.PositiveIntegerField(default=0)
    people = models.PositiveIntegerField(default=0)
    deterministic_links = models.PositiveIntegerField(default=0)
    probabilistic_links = models.PositiveIntegerField(default=0)
    pairs_for_review = models.PositiveIntegerField(default=0)
    pairs_reviewed = models.PositiveIntegerField(default=0)
    # Histogram of match weights of scored pairs: [[bin_low, count], ...]; no identities.
    weight_histogram = models.JSONField(default=list)
    by_source = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Linkage {self.started_at:%Y-%m-%d %H:%M}"

    def audit_coalition_id(self) -> int | None:
        return self.coalition_id


class PersonLevelAccess(models.Model):
    """Every view or export of person-level rows: who, when, what and why."""

    coalition = models.ForeignKey(
        Coalition, on_delete=models.CASCADE, related_name="person_level_log"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=20)  # view or export
    what = models.CharField(max_length=200)
    rows = models.PositiveIntegerField(default=0)
    reason = models.TextField(blank=True)
    via = models.CharField(max_length=10, default="web")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.what} by {self.user}"
