"""Assessment rounds, their respondents, responses, consensus, and candidate priorities.

Rules that the database can hold are constraints here (one answer per respondent
and item, ratings 0–3, a Don't know carries no rating, a closed round has a close
time); the rest live in services.py.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from reentrykit.assessment.instrument import Instrument, instrument_from_content
from reentrykit.coalitions.sectors import Sector
from reentrykit.core.audit import Audited

RATING_RANGE = Q(rating__gte=0, rating__lte=3)


class InstrumentVersion(models.Model):
    """The content of an instrument version as first used by a round; never changed."""

    version = models.CharField(max_length=40, unique=True)
    content_hash = models.CharField(max_length=64)
    content = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"RPCA version {self.version}"

    @property
    def instrument(self) -> Instrument:
        return instrument_from_content(self.content, digest=self.content_hash)


class RoundStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Round(Audited, models.Model):
    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="assessment_rounds"
    )
    name = models.CharField(max_length=100)
    instrument_version = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="rounds"
    )
    deadline = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Rounds compare in this order; a round entered after it was held is back-dated.
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["coalition", "name"], name="round_unique_name"),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status="closed", closed_at__isnull=False),
                name="round_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_coalition_id(self) -> int | None:
        return self.coalition_id

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN

    @property
    def instrument(self) -> Instrument:
        return self.instrument_version.instrument

    @property
    def item_count(self) -> int:
        """The items a respondent answers: the instrument's and the coalition's own."""
        return len(self.instrument.items()) + self.local_items.count()


class Respondent(Audited, models.Model):
    """A coalition member invited to rate a round, tagged with the sector they speak for."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="respondents")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessment_respondents"
    )
    sector = models.CharField(max_length=40, choices=Sector.choices)
    invited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__full_name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="respondent_unique_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_sector_display()})"

    def audit_coalition_id(self) -> int | None:
        return self.round.coalition_id


class Response(Audited, models.Model):
    """One respondent's answer to one item: a rating 0–3, or Don't know, and a note.

    A row may hold only a note (neither rating nor Don't know) while the
    respondent is still thinking; it counts as unanswered.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="responses")
    item_key = models.CharField(max_length=20)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    dont_know = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["item_key", "respondent_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "respondent", "item_key"], name="response_unique_item"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | RATING_RANGE, name="response_rating_0_to_3"
            ),
            models.CheckConstraint(
                condition=Q(dont_know=False) | Q(rating__isnull=True),
                name="response_dont_know_has_no_rating",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_key}: {self.answer_label}"

    def audit_coalition_id(self) -> int | None:
        return self.round.coalition_id

    def clean(self) -> None:
        if self.respondent_id and self.respondent.round_id != self.round_id:
            raise ValidationError("That respondent belongs to another round.")

    @property
    def is_answered(self) -> bool:
        return self.dont_know or self.rating is not None

    @property
    def answer(self) -> str:
        """The form value: '0'–'3', 'dont_know', or '' when unanswered."""
        if self.dont_know:
            return "dont_know"
        return "" if self.rating is None else str(self.rating)

    @property
    def answer_label(self) -> str:
        if self.dont_know:
            return "Don't know"
        return "unanswered" if self.rating is None else str(self.rating)


class LocalItem(Audited, models.Model):
    """A coalition's own item added to one round; rated like the others, scored apart."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="local_items")
    key = models.CharField(max_length=20)
    statement = models.TextField()
    guidance = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "key"], name="local_item_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.statement[:60]}"

    def audit_coalition_id(self) -> int | None:
        return self.round.coalition_id

    @property
    def dom_id(self) -> str:
        return f"item-{self.key}"


class ConsensusRating(Audited, models.Model):
    """The rating the coalition agreed on for one item of a round, with the reasons."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="consensus_ratings")
    item_key = models.CharField(max_length=20)
    rating = models.PositiveSmallIntegerField()
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["item_key"]
        constraints = [
            models.UniqueConstraint(fields=["round", "item_key"], name="consensus_unique_item"),
            models.CheckConstraint(condition=RATING_RANGE, name="consensus_rating_0_to_3"),
        ]

    def __str__(self) -> str:
        return f"{self.item_key}: {self.rating}"

    def audit_coalition_id(self) -> int | None:
        return self.round.coalition_id


class CandidatePriority(Audited, models.Model):
    """Something the coalition may choose to work on; the planning module reads these."""

    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="candidate_priorities"
    )
    source = models.CharField(max_length=20, default="rpca")
    component_key = models.CharField(max_length=40)
    round = models.ForeignKey(
        Round, on_delete=models.SET_NULL, null=True, blank=True, related_name="candidates"
    )
    title = models.CharField(max_length=200)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "candidate priorities"
        constraints = [
            models.UniqueConstraint(
                fields=["coalition", "source", "component_key", "round"],
                name="candidate_unique_per_round",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def audit_coalition_id(self) -> int | None:
        return self.coalition_id
