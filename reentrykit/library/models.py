"""The library: promising practices and lessons sites share with their networks, and
the document templates each coalition makes its own."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from reentrykit.core.audit import Audited
from reentrykit.data.schema import NEED_LABELS
from reentrykit.network.models import NetworkSite

# The need domains practices are tagged with: those assessments record.
NEED_DOMAINS = NEED_LABELS


class Practice(Audited, models.Model):
    """A promising practice or a lesson learned, written by a site for its network."""

    class Kind(models.TextChoices):
        PRACTICE = "practice", "Promising practice"
        LESSON = "lesson", "Lesson learned"

    class Rating(models.TextChoices):
        EFFECTIVE = "effective", "Effective"
        PROMISING = "promising", "Promising"
        INEFFECTIVE = "ineffective", "Ineffective"
        NEGATIVE = "negative", "Negative effects"
        NOT_RATED = "not_rated", "Not rated yet"

    class Rigor(models.TextChoices):
        HIGH = "high", "High (randomized or strong comparison group)"
        MODERATE = "moderate", "Moderate (comparison group)"
        LOW = "low", "Low (before and after, or no comparison)"
        UNKNOWN = "", "Not assessed"

    class Effect(models.TextChoices):
        POSITIVE = "positive", "Positive"
        MIXED = "mixed", "Mixed or none"
        NEGATIVE = "negative", "Negative"
        UNKNOWN = "", "Not assessed"

    site = models.ForeignKey(NetworkSite, on_delete=models.CASCADE, related_name="practices")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PRACTICE)
    title = models.CharField(max_length=200)
    summary = models.CharField("In one or two sentences", max_length=400)
    body = models.TextField(
        "What you did and what happened",
        help_text="Who took part, how it works, what it cost, what the results were.",
    )
    rating = models.CharField(
        "Evidence rating", max_length=12, choices=Rating.choices, default=Rating.NOT_RATED
    )
    rigor = models.CharField(
        "Rigor of the evidence", max_length=10, choices=Rigor.choices, blank=True
    )
    effect = models.CharField("Effect found", max_length=10, choices=Effect.choices, blank=True)
    featured = models.BooleanField(default=False)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-featured", "-updated_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def audit_coalition_id(self) -> int | None:
        return self.site.coalition_id


class PracticeTag(Audited, models.Model):
    """One tag of a practice: an assessment component ("component:2.3") or a need
    domain ("need:housing")."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="tags")
    tag = models.CharField(max_length=40)

    class Meta:
        ordering = ["tag"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "tag"], name="practice_tag_unique")
        ]

    def __str__(self) -> str:
        return self.tag

    def audit_coalition_id(self) -> int | None:
        return self.practice.site.coalition_id


class CoalitionDocument(Audited, models.Model):
    """A coalition's own version of a built-in template (``reentrykit.library.starting_texts``);
    a template the coalition has not changed has no row."""

    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.TextField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["coalition", "kind"], name="document_unique_kind")
        ]

    def __str__(self) -> str:
        return self.title

    def audit_coalition_id(self) -> int | None:
        return self.coalition_id
