from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from reentrykit.coalitions.sectors import Sector
from reentrykit.coalitions.states import State
from reentrykit.core.audit import Audited
from reentrykit.core.models import lowercase_slug

MIN_SUPPRESSION_K = 5
# Above it nearly every figure of a county would be hidden: a typing slip, not a policy.
MAX_SUPPRESSION_K = 100
DEFAULT_SUPPRESSION_K = 11


class JurisdictionType(models.TextChoices):
    CITY = "city", "City"
    COUNTY = "county", "County"
    TRIBAL = "tribal", "Tribal"
    REGIONAL = "regional", "Regional"
    STATE = "state", "State"


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "Coordinator"
    MEMBER = "member", "Member"
    DATA_STEWARD = "data_steward", "Data steward"
    VIEWER = "viewer", "Viewer"


class Coalition(Audited, models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True, validators=[lowercase_slug])
    jurisdiction_type = models.CharField(
        max_length=20, choices=JurisdictionType.choices, default=JurisdictionType.COUNTY
    )
    state = models.CharField(max_length=2, choices=State.choices, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    description = models.TextField(blank=True)
    mission_statement = models.TextField(blank=True)
    suppression_k = models.PositiveSmallIntegerField(
        "suppression threshold (k)",
        default=DEFAULT_SUPPRESSION_K,
        validators=[MinValueValidator(MIN_SUPPRESSION_K), MaxValueValidator(MAX_SUPPRESSION_K)],
        help_text="Counts from 1 to k-1 are hidden outside the data steward role. From 5 to 100.",
    )

    class Decision(models.TextChoices):
        SCORE = "score", "Each member scores impact and feasibility from 1 to 5"
        RANK = "rank", "Each member ranks the candidates in order"

    priority_method = models.CharField(
        "How the group chooses priorities",
        max_length=5,
        choices=Decision.choices,
        default=Decision.SCORE,
        help_text="The candidate priorities in the plan are ordered by the group's result.",
    )
    publish_directory = models.BooleanField(
        "Publish the service directory",
        default=False,
        help_text="Anyone, without signing in, can read the directory's services.",
    )
    publish_scorecard = models.BooleanField(
        "Publish the scorecard",
        default=False,
        help_text="Anyone, without signing in, can read the headline measures, the "
        "intermediate measures and the plan's goals, every figure suppressed.",
    )
    is_demo = models.BooleanField(
        default=False, help_text="Fictional coalition from the demo seed."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(suppression_k__gte=MIN_SUPPRESSION_K), name="coalition_k_at_least_5"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def audit_coalition_id(self) -> int | None:
        return self.pk


class PartnerOrganization(Audited, models.Model):
    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="organizations")
    name = models.CharField(max_length=200)
    sector = models.CharField(max_length=40, choices=Sector.choices)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["coalition", "name"], name="organization_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def audit_coalition_id(self) -> int | None:
        return self.coalition_id


class Membership(Audited, models.Model):
    """A user's role in one coalition. A user may hold more than one role there."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        PartnerOrganization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["coalition__name", "user__email", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "coalition", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} in {self.coalition}"

    def clean(self) -> None:
        if self.organization_id and self.organization.coalition_id != self.coalition_id:
            raise ValidationError(
                {"organization": "That organization belongs to another coalition."}
            )

    def audit_coalition_id(self) -> int | None:
        return self.coalition_id
