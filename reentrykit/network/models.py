from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from reentrykit.coalitions.models import Coalition
from reentrykit.core.audit import Audited


def new_join_code() -> str:
    return secrets.token_urlsafe(12)


class NetworkRoleKind(models.TextChoices):
    NETWORK_ADMIN = "network_admin", "Network admin"
    COACH = "coach", "Coach"


class Network(models.Model):
    """A group of coalitions (a pilot or community of practice) with coaches."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)
    # A coordinator enters this code to bring their coalition into the network, so a
    # coalition joins by its own consent and no network admin browses other coalitions.
    join_code = models.CharField(max_length=32, unique=True, default=new_join_code)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="network_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date must be on or after the start date."})


class NetworkSite(Audited, models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="sites")
    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="network_sites")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["coalition__name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "coalition"], name="network_site_unique")
        ]

    def __str__(self) -> str:
        return f"{self.coalition} in {self.network}"

    def audit_coalition_id(self) -> int | None:
        return self.coalition_id


class NetworkRole(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="network_roles"
    )
    role = models.CharField(max_length=20, choices=NetworkRoleKind.choices)

    class Meta:
        ordering = ["network__name", "role", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["network", "user", "role"], name="network_role_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} in {self.network}"


class CoachAssignment(Audited, models.Model):
    """A coach works with some of the network's sites, not all of them."""

    coach = models.ForeignKey(NetworkRole, on_delete=models.CASCADE, related_name="assignments")
    site = models.ForeignKey(
        NetworkSite, on_delete=models.CASCADE, related_name="coach_assignments"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["coach", "site"], name="coach_assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.coach.user} coaches {self.site.coalition}"

    def clean(self) -> None:
        if self.coach.role != NetworkRoleKind.COACH:
            raise ValidationError("Only coaches are assigned to sites.")
        if self.coach.network_id != self.site.network_id:
            raise ValidationError("The coach and the site belong to different networks.")

    def audit_coalition_id(self) -> int | None:
        return self.site.coalition_id
