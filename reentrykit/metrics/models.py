"""Cached aggregates of a coalition's measures, and the indicators it tracks.

Only aggregates live here (never person-level rows); they are stored raw and
suppressed at read time by role, through reentrykit.core.suppression.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from reentrykit.coalitions.models import Coalition
from reentrykit.core.audit import Audited


class MetricSnapshot(models.Model):
    """Everything the dashboards show, computed after a linkage run."""

    coalition = models.ForeignKey(
        Coalition, on_delete=models.CASCADE, related_name="metric_snapshots"
    )
    computed_at = models.DateTimeField(auto_now_add=True)
    data_through = models.DateField(null=True, blank=True)
    seconds = models.FloatField(default=0)
    payload = models.JSONField(default=dict)

    class Meta:
        ordering = ["-computed_at", "-id"]
        get_latest_by = "computed_at"

    def __str__(self) -> str:
        return f"Measures of {self.coalition} at {self.computed_at:%Y-%m-%d %H:%M}"


# A fit of the largest cohort takes a few minutes; one still pending this long after it
# was queued has lost its task, and the next view queues it again.
REQUEUE_AFTER = dt.timedelta(minutes=15)


class AdjustedComparison(models.Model):
    """The adjusted (Cox) comparison of one measure by one program's participation for
    one cohort, fitted in a task when a page first asks for it and kept with the snapshot it
    belongs to. ``result`` is the raw fit (``cox.ProgramEffect.as_dict``); pages
    disclose it by role through ``selectors.disclose_program_effect``."""

    class Status(models.TextChoices):
        PENDING = "pending", "Being computed"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    snapshot = models.ForeignKey(
        MetricSnapshot, on_delete=models.CASCADE, related_name="adjusted_comparisons"
    )
    measure = models.CharField(max_length=20)
    program_type = models.CharField(max_length=40)
    completed_only = models.BooleanField(default=False)
    # The release year of the cohort: the one the breakdown table beside it shows.
    cohort_year = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When its fit was last put on the task queue: a pending fit whose task was lost (a
    # worker stopped mid-fit, or none serves the queue) is queued again after a while.
    enqueued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "measure", "program_type", "completed_only", "cohort_year"],
                name="adjusted_comparison_unique_per_cohort",
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure} by {self.program_type} ({self.get_status_display()})"


class MeasureKind(models.TextChoices):
    REARREST = "rearrest", "Rearrest"
    RECONVICTION = "reconviction", "Reconviction"
    REINCARCERATION = "reincarceration", "Reincarceration"
    REVOCATION = "revocation", "Supervision revocation"


class Indicator(Audited, models.Model):
    """A saved measure definition with its baseline period and targets."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(max_length=200)
    measure = models.CharField(max_length=20, choices=MeasureKind.choices)
    window_days = models.PositiveIntegerField(
        choices=[
            (180, "6 months"),
            (365, "1 year"),
            (730, "2 years"),
            (1095, "3 years"),
            (1825, "5 years"),
        ],
        default=365,
    )
    facility_type = models.CharField(
        max_length=10,
        blank=True,
        choices=[("", "Jail and prison"), ("jail", "Jail"), ("prison", "Prison")],
    )
    # Whole release years: two baselines that differed by a few days would give away
    # the few people released in between.
    baseline_first_year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        help_text="First release year of the baseline cohort.",
    )
    baseline_last_year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        help_text="Last release year of the baseline cohort.",
    )
    breakdown = models.CharField(
        max_length=60, blank=True, help_text="Optional: a breakdown field."
    )
    breakdown_group = models.CharField(max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["coalition", "name"], name="indicator_unique_name"),
            models.CheckConstraint(
                condition=models.Q(baseline_last_year__gte=models.F("baseline_first_year")),
                name="indicator_baseline_years_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_coalition_id(self) -> int | None:
        return self.coalition_id

    @property
    def baseline_years(self) -> range:
        return range(self.baseline_first_year, self.baseline_last_year + 1)

    @property
    def baseline_label(self) -> str:
        """ "2022", or "2022–2024" for several years."""
        if self.baseline_first_year == self.baseline_last_year:
            return str(self.baseline_first_year)
        return f"{self.baseline_first_year}–{self.baseline_last_year}"


class IndicatorTarget(Audited, models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    label = models.CharField(max_length=60, help_text="e.g. short-term or long-term")
    cohort_year = models.PositiveIntegerField(help_text="The release cohort the target applies to.")
    target_rate = models.FloatField(
        validators=[MinValueValidator(0), MaxValueValidator(1)], help_text="As a share, e.g. 0.35"
    )

    class Meta:
        ordering = ["cohort_year"]

    def __str__(self) -> str:
        return f"{self.label}: {self.target_rate:.0%} for {self.cohort_year}"

    def audit_coalition_id(self) -> int | None:
        return self.indicator.coalition_id
