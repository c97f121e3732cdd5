"""The coalition's strategic reentry plan (Tools for Change, "Changing policy and
practice"): priorities, their measurable goals, the indicators that measure each goal
and the time-bound action steps that carry it out."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from reentrykit.core.audit import Audited


class Priority(Audited, models.Model):
    """Something the coalition chose to work on, often one of its candidate priorities."""

    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="priorities"
    )
    title = models.CharField(max_length=200)
    why = models.TextField(
        "Why it matters",
        blank=True,
        help_text="What the assessment, the data or the people affected showed.",
    )
    affected_took_part = models.BooleanField(
        "People directly affected took part in choosing it",
        default=False,
        help_text="People who were in jail or prison, and their families.",
    )
    external_factors = models.TextField(
        "External factors",
        blank=True,
        help_text="Campaigns, incidents, elections or budgets that could help or hinder it.",
    )
    candidate = models.ForeignKey(
        "assessment.CandidatePriority",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adopted_as",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "priorities"
        constraints = [
            models.UniqueConstraint(fields=["coalition", "title"], name="priority_unique_title")
        ]

    def __str__(self) -> str:
        return self.title

    def audit_coalition_id(self) -> int | None:
        return self.coalition_id


class SafetyObjective(Audited, models.Model):
    """An objective of the jurisdiction's public safety strategic plan, which the
    coalition's reentry goals can serve (the crosswalk)."""

    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="safety_objectives"
    )
    plan_name = models.CharField(
        "Public safety plan",
        max_length=200,
        help_text="e.g. “County Public Safety Plan 2025–2029”.",
    )
    objective = models.CharField(max_length=300)
    lead_agency = models.CharField("Lead agency", max_length=200, blank=True)

    class Meta:
        ordering = ["plan_name", "id"]

    def __str__(self) -> str:
        return self.objective

    def audit_coalition_id(self) -> int | None:
        return self.coalition_id


SCORE_CHOICES = [(n, str(n)) for n in range(1, 6)]


class CandidateScore(Audited, models.Model):
    """One person's scores of a candidate priority, for the group's decision: how much
    it would change and how feasible it is, each from 1 (least) to 5 (most)."""

    candidate = models.ForeignKey(
        "assessment.CandidatePriority", on_delete=models.CASCADE, related_name="scores"
    )
    scorer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    impact = models.PositiveSmallIntegerField(choices=SCORE_CHOICES)
    feasibility = models.PositiveSmallIntegerField(choices=SCORE_CHOICES)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["candidate", "scorer"], name="score_once_per_person"),
            models.CheckConstraint(
                condition=models.Q(
                    impact__gte=1, impact__lte=5, feasibility__gte=1, feasibility__lte=5
                ),
                name="score_from_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate}: impact {self.impact}, feasibility {self.feasibility}"

    def audit_coalition_id(self) -> int | None:
        return self.candidate.coalition_id


class CandidateRank(Audited, models.Model):
    """One person's place for a candidate priority in their ranking of them all (1 is
    their first choice), for a group that ranks instead of scoring."""

    candidate = models.ForeignKey(
        "assessment.CandidatePriority", on_delete=models.CASCADE, related_name="ranks"
    )
    ranker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["candidate", "ranker"], name="rank_once_per_person"),
            models.CheckConstraint(condition=models.Q(position__gte=1), name="rank_from_1"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate}: place {self.position}"

    def audit_coalition_id(self) -> int | None:
        return self.candidate.coalition_id


class Goal(Audited, models.Model):
    """A measurable milestone of a priority, measured by the coalition's indicators."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="goals")
    statement = models.CharField(
        "Goal",
        max_length=300,
        help_text="What will change, for whom and by how much, e.g. “Cut one-year rearrest "
        "of people leaving the jail from 45% to 40%.”",
    )
    milestone_on = models.DateField("Reached by", null=True, blank=True)
    indicators = models.ManyToManyField(
        "metrics.Indicator", blank=True, related_name="goals", verbose_name="Measured by"
    )
    objectives = models.ManyToManyField(
        SafetyObjective,
        blank=True,
        related_name="goals",
        verbose_name="Public safety objectives it serves",
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.statement

    def audit_coalition_id(self) -> int | None:
        return self.priority.coalition_id


class Improvement(Audited, models.Model):
    """A proposed improvement toward a goal: the mechanism that would bring it about, who
    it concerns and decides it, and the inputs of its impact projection."""

    class Mechanism(models.TextChoices):
        LEGISLATION = "legislation", "Legislation"
        ADMINISTRATIVE = "administrative", "Administrative policy"
        PRACTICE = "practice", "Practice change"
        FUNDING = "funding", "Funding"
        AGREEMENT = "agreement", "MOU or data-sharing agreement"
        TRAINING = "training", "Training"

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="improvements")
    description = models.CharField("Proposed improvement", max_length=300)
    mechanism = models.CharField(max_length=16, choices=Mechanism.choices)
    criteria = models.TextField(
        "Why this mechanism",
        blank=True,
        help_text="The selection criteria: cost, time, political support, evidence.",
    )
    stakeholders = models.CharField("Primary stakeholders", max_length=300, blank=True)
    decision_makers = models.CharField("Decision makers", max_length=300, blank=True)
    # The impact projection (all optional): people reached each year, times the
    # indicator's baseline rate, times the expected relative reduction, is the events
    # averted each year; times bed-days per event and the cost of a bed-day, the savings.
    indicator = models.ForeignKey(
        "metrics.Indicator",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Baseline rate from",
    )
    # The upper limits are far beyond any coalition's figures: a bigger one is a typo,
    # and one big enough would make the projection show "inf".
    people_per_year = models.PositiveIntegerField(
        "People it reaches each year",
        null=True,
        blank=True,
        validators=[
            MaxValueValidator(10_000_000, "Give at most 10,000,000 people a year."),
        ],
    )
    effect_percent = models.FloatField(
        "Expected reduction (%)",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="How much lower their rate would be, as a share of the baseline rate: "
        "10 means a 45% rate becomes 40.5%.",
    )
    bed_days_per_event = models.FloatField(
        "Jail bed-days per event",
        null=True,
        blank=True,
        validators=[
            MinValueValidator(0),
            MaxValueValidator(3650, "Give at most 3,650 bed-days (ten years) per event."),
        ],
    )
    cost_per_bed_day = models.DecimalField(
        "Cost of a jail bed-day ($)",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(0),
            MaxValueValidator(10_000, "Give at most $10,000 for a bed-day."),
        ],
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description

    def audit_coalition_id(self) -> int | None:
        return self.goal.priority.coalition_id


class StatusUpdate(Audited, models.Model):
    """A periodic report on a goal (Monitor implementation): on track, at risk or off
    track, and why."""

    class Rating(models.TextChoices):
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"
        OFF_TRACK = "off_track", "Off track"

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="updates")
    reported_on = models.DateField("As of")
    rating = models.CharField("Status", max_length=10, choices=Rating.choices)
    commentary = models.TextField(
        "What happened", help_text="Progress since the last update, problems and next steps."
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-reported_on", "-id"]

    def __str__(self) -> str:
        return f"{self.goal}: {self.get_rating_display()} as of {self.reported_on}"

    def audit_coalition_id(self) -> int | None:
        return self.goal.priority.coalition_id


class ActionStep(Audited, models.Model):
    """A time-bound step toward a goal, with the organization and person who own it."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        STALLED = "stalled", "Stalled"
        DONE = "done", "Done"

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps")
    description = models.CharField("What", max_length=300)
    owner_organization = models.ForeignKey(
        "coalitions.PartnerOrganization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Owner organization",
    )
    owner_person = models.CharField("Owner", max_length=200, blank=True, help_text="A person.")
    starts_on = models.DateField("Starts", null=True, blank=True)
    due_on = models.DateField("Due")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    percent_complete = models.PositiveSmallIntegerField(
        "Percent complete", default=0, validators=[MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent_complete__lte=100), name="step_percent_at_most_100"
            ),
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(due_on__gte=models.F("starts_on")),
                name="step_due_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    def audit_coalition_id(self) -> int | None:
        return self.goal.priority.coalition_id

    def is_overdue(self, today: dt.date) -> bool:
        return self.status != self.Status.DONE and self.due_on < today


class Stakeholder(Audited, models.Model):
    """Someone whose support the plan needs (Cultivate buy-in): how much power they
    have over it, how interested they are, and where they stand."""

    class Level(models.TextChoices):
        HIGH = "high", "High"
        LOW = "low", "Low"

    class Stance(models.TextChoices):
        CHAMPION = "champion", "Champion"
        SUPPORTER = "supporter", "Supporter"
        NEUTRAL = "neutral", "Neutral"
        SKEPTIC = "skeptic", "Skeptic"
        OPPONENT = "opponent", "Opponent"

    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="stakeholders"
    )
    name = models.CharField(max_length=200, help_text="A person, an office or a group.")
    role = models.CharField(
        "Role or organization", max_length=200, blank=True, help_text="e.g. County sheriff."
    )
    decision_maker = models.BooleanField(
        "Decides on part of the plan", default=False, help_text="Votes, signs or funds."
    )
    power = models.CharField(
        "Power over the plan", max_length=4, choices=Level.choices, default=Level.HIGH
    )
    interest = models.CharField(
        "Interest in reentry", max_length=4, choices=Level.choices, default=Level.HIGH
    )
    stance = models.CharField(max_length=10, choices=Stance.choices, default=Stance.NEUTRAL)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["coalition", "name"], name="stakeholder_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def audit_coalition_id(self) -> int | None:
        return self.coalition_id


class PlanShare(Audited, models.Model):
    """The plan sent or presented to a stakeholder, and how they answered."""

    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="shares")
    shared_on = models.DateField("Shared on")
    how = models.CharField(
        "How", max_length=200, help_text="e.g. briefing at the commissioners' meeting."
    )
    response = models.TextField("How they answered", blank=True)

    class Meta:
        ordering = ["-shared_on", "-id"]

    def __str__(self) -> str:
        return f"{self.stakeholder} on {self.shared_on}"

    def audit_coalition_id(self) -> int | None:
        return self.stakeholder.coalition_id


class AgencyRole(Audited, models.Model):
    """What one member agency does to carry out the plan (monitoring implementation)."""

    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="agency_roles"
    )
    organization = models.ForeignKey(
        "coalitions.PartnerOrganization",
        on_delete=models.CASCADE,
        related_name="plan_roles",
        verbose_name="Partner organization",
    )
    role = models.TextField(
        "Its role in the plan",
        help_text="What it delivers, decides or reports, e.g. “shares booking data monthly”.",
    )
    goals = models.ManyToManyField(Goal, blank=True, related_name="agency_roles")

    class Meta:
        ordering = ["organization__name", "id"]

    def __str__(self) -> str:
        return f"{self.organization}: {self.role[:60]}"

    def audit_coalition_id(self) -> int | None:
        return self.coalition_id


class QualityCheck(Audited, models.Model):
    """A recurring check that the plan's work is done as designed (fidelity, data
    quality, follow-through), with when it was last done and what it found."""

    class Every(models.IntegerChoices):
        MONTH = 1, "Every month"
        QUARTER = 3, "Every three months"
        HALF_YEAR = 6, "Every six months"
        YEAR = 12, "Every year"

    class Result(models.TextChoices):
        MET = "met", "As designed"
        CONCERNS = "concerns", "Concerns found"

    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="quality_checks"
    )
    what = models.CharField(
        "What is checked",
        max_length=300,
        help_text="e.g. “every high-risk release has a case plan before release day”.",
    )
    goal = models.ForeignKey(
        Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="quality_checks"
    )
    checked_by = models.ForeignKey(
        "coalitions.PartnerOrganization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Checked by",
    )
    every_months = models.PositiveSmallIntegerField(
        "How often", choices=Every.choices, default=Every.QUARTER
    )
    last_checked_on = models.DateField("Last checked", null=True, blank=True)
    result = models.CharField("What it found", max_length=10, choices=Result.choices, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["what", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(result="") | models.Q(last_checked_on__isnull=False),
                name="quality_check_result_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.what

    def audit_coalition_id(self) -> int | None:
        return self.coalition_id

    def next_due(self) -> dt.date | None:
        """When it is next due (None: never done, so due now)."""
        if self.last_checked_on is None:
            return None
        month = self.last_checked_on.month - 1 + self.every_months
        year = self.last_checked_on.year + month // 12
        if year > dt.MAXYEAR - 1:  # a mistyped year 9999 must not break every plan page
            return dt.date.max
        day = min(self.last_checked_on.day, _days_in(year, month % 12 + 1))
        return dt.date(year, month % 12 + 1, day)

    def is_due(self, today: dt.date) -> bool:
        due = self.next_due()
        return due is None or due <= today


def _days_in(year: int, month: int) -> int:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day
