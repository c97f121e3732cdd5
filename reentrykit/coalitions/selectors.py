"""Reads of coalition structure."""

from __future__ import annotations

from django.db.models import QuerySet

from reentrykit.coalitions.models import Coalition, Membership, PartnerOrganization, Role


def membership_list(*, coalition: Coalition) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(coalition=coalition)
        .select_related("user", "organization")
        .order_by("user__email", "role")
    )


def coordinator_names(*, coalition: Coalition) -> list[str]:
    """Whom to ask about the coalition's work: its active coordinators, by name."""
    memberships = membership_list(coalition=coalition).filter(
        role=Role.COORDINATOR, user__is_active=True
    )
    return sorted({membership.user.display_name for membership in memberships})


def organization_list(*, coalition: Coalition) -> QuerySet[PartnerOrganization]:
    return PartnerOrganization.objects.filter(coalition=coalition).order_by("name")
