"""The coalition's resources (Tools for Change, "Linking and leveraging resources"):
the local services people leaving custody can use, shaped after Open Referral's HSDS
(a service of an organization, at a location, for people who qualify), and the
assumptions behind its estimate of needs against their capacity."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from reentrykit.core.audit import Audited
from reentrykit.data.schema import NEED_LABELS
from reentrykit.library.models import Practice

# The service systems people need on the way home: the needs a risk/needs assessment
# records (which the estimates of need use), and others a directory lists services for.
# The justice system's decision points of the reentry map, in the order people pass them.
DECISION_POINTS = {
    "arrest": "Arrest",
    "booking": "Booking",
    "pretrial": "Pretrial",
    "sentencing": "Sentencing",
    "custody": "In custody",
    "release": "Release",
    "supervision": "Supervision and community",
}
SYSTEMS = {
    **NEED_LABELS,
    "physical_health": "Physical health",
    "id_benefits": "ID and benefits",
    "legal": "Legal",
}


# A service that filled fewer than half its places last year is under-used: while needs
# go unmet, the places are there but people do not reach them (referrals, eligibility).
UNDER_USED_SHARE = 0.5


class Service(Audited, models.Model):
    # The one evidence scale of the product: the practice library's.
    Evidence = Practice.Rating

    class Setting(models.TextChoices):
        PRE_RELEASE = "pre_release", "Before release (in custody)"
        COMMUNITY = "community", "In the community"
        BOTH = "both", "Both"

    class Risk(models.TextChoices):
        ANY = "any", "Any risk level"
        LOW = "low", "Low"
        MODERATE = "moderate", "Moderate"
        HIGH = "high", "High"

    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(max_length=200)
    provider = models.CharField("Provided by", max_length=200)
    description = models.TextField(blank=True)
    need = models.CharField("Need it meets", max_length=20, choices=list(SYSTEMS.items()))
    setting = models.CharField(max_length=12, choices=Setting.choices, default=Setting.COMMUNITY)
    capacity_per_year = models.PositiveIntegerField(
        "People it can serve a year", null=True, blank=True
    )
    served_last_year = models.PositiveIntegerField(
        "People it served last year",
        null=True,
        blank=True,
        help_text="Set against its capacity, this shows places left unused.",
    )
    annual_spending = models.DecimalField(
        "Current spending a year ($)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    eligibility = models.TextField("Who qualifies", blank=True)
    record_restrictions = models.CharField(
        "Criminal-record restrictions",
        max_length=300,
        blank=True,
        help_text="e.g. “no sex offense convictions”; leave empty when there are none.",
    )
    target_risk = models.CharField(
        "Risk level it is meant for", max_length=10, choices=Risk.choices, default=Risk.ANY
    )
    evidence = models.CharField(
        "Evidence rating",
        max_length=12,
        choices=Evidence.choices,
        default=Evidence.NOT_RATED,
    )
    url = models.URLField("Web address", blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.CharField(max_length=300, blank=True)
    # When the entry last changed: the directory feed's capacities carry it (HSDS
    # requires their "updated"), so a referral tool can tell a stale count.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["need", "name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def evidence_against(self) -> bool:
        """Rated ineffective or harmful: worth reconsidering."""
        return self.evidence in (self.Evidence.INEFFECTIVE, self.Evidence.NEGATIVE)

    @property
    def under_used(self) -> bool:
        """It served fewer than :data:`UNDER_USED_SHARE` of its places last year."""
        if not self.capacity_per_year or self.served_last_year is None:
            return False
        return self.served_last_year < UNDER_USED_SHARE * self.capacity_per_year

    def audit_coalition_id(self) -> int | None:
        return self.coalition_id


class NeedAssumption(Audited, models.Model):
    """The coalition's own figure for a need's prevalence, used instead of its data's
    (when the data has none, or the coalition knows better)."""

    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="need_assumptions"
    )
    need = models.CharField(max_length=20, choices=list(NEED_LABELS.items()))
    percent = models.FloatField(validators=[MinValueValidator(0), MaxValueValidator(100)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["coalition", "need"], name="assumption_once_per_need")
        ]

    def __str__(self) -> str:
        return f"{self.get_need_display()}: {self.percent}%"

    def audit_coalition_id(self) -> int | None:
        return self.coalition_id


class ReleaseVolume(Audited, models.Model):
    """The coalition's own count of people released a year, used instead of its data's."""

    coalition = models.OneToOneField(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="release_volume"
    )
    per_year = models.PositiveIntegerField("People released a year")

    def __str__(self) -> str:
        return f"{self.per_year} a year"

    def audit_coalition_id(self) -> int | None:
        return self.coalition_id


class FundingSource(Audited, models.Model):
    """Money for reentry work the coalition has or is pursuing (the funding scan)."""

    class Level(models.TextChoices):
        FEDERAL = "federal", "Federal"
        STATE = "state", "State"
        LOCAL = "local", "Local"
        PRIVATE = "private", "Private"

    class Status(models.TextChoices):
        CURRENT = "current", "Current"
        PROSPECTIVE = "prospective", "Prospective"

    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="funding_sources"
    )
    name = models.CharField(max_length=200, help_text="e.g. the Second Chance Act grant.")
    level = models.CharField(max_length=10, choices=Level.choices)
    amount = models.DecimalField(
        "Amount ($)", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    starts_on = models.DateField("From", null=True, blank=True)
    ends_on = models.DateField("To", null=True, blank=True)
    eligible_uses = models.TextField("What it can pay for", blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CURRENT)

    class Meta:
        ordering = ["status", "level", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="funding_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def audit_coalition_id(self) -> int | None:
        return self.coalition_id


class FundraisingTarget(Audited, models.Model):
    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="fundraising_targets"
    )
    amount = models.DecimalField(
        "Amount ($)", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    by = models.DateField("Raised by")
    expected_impact = models.CharField("What it would do", max_length=300)

    class Meta:
        ordering = ["by", "id"]

    def __str__(self) -> str:
        return f"${self.amount} by {self.by}"

    def audit_coalition_id(self) -> int | None:
        return self.coalition_id


class SustainabilityLead(Audited, models.Model):
    """Who keeps the coalition's work funded."""

    coalition = models.OneToOneField(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="sustainability_lead"
    )
    name = models.CharField("Sustainability lead", max_length=200)

    def __str__(self) -> str:
        return self.name

    def audit_coalition_id(self) -> int | None:
        return self.coalition_id


class MapCell(Audited, models.Model):
    """One cell of the reentry map: what a service system does for people at one
    justice decision point, and whether that is a gap (``reentry_map`` has the grid)."""

    class Status(models.TextChoices):
        IN_PLACE = "in_place", "In place"
        PARTIAL = "partial", "Partly in place"
        GAP = "gap", "Gap"

    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="map_cells"
    )
    point = models.CharField("Decision point", max_length=20, choices=DECISION_POINTS.items())
    system = models.CharField("Service system", max_length=20, choices=SYSTEMS.items())
    status = models.CharField(max_length=10, choices=Status.choices)
    practice = models.TextField(
        "What happens here now",
        blank=True,
        help_text="Who does what for people at this point, and for how many of them.",
    )
    missing = models.TextField(
        "What is missing",
        blank=True,
        help_text="Who falls through, and what the data or the people affected say about it.",
    )

    class Meta:
        ordering = ["point", "system"]
        constraints = [
            models.UniqueConstraint(
                fields=["coalition", "point", "system"], name="map_cell_once_per_place"
            )
        ]

    def __str__(self) -> str:
        place = f"{self.get_system_display()} at {self.get_point_display()}"
        return f"{place}: {self.get_status_display()}"

    def audit_coalition_id(self) -> int | None:
        return self.coalition_id
