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


def role_names(*, coalition: Coalition, role: str) -> list[str]:
    """The names of the coalition's active users in ``role``: whom to ask about its work."""
    memberships = membership_list(coalition=coalition).filter(role=role, user__is_active=True)
    return sorted({membership.user.display_name for membership in memberships})


def coordinator_names(*, coalition: Coalition) -> list[str]:
    return role_names(coalition=coalition, role=Role.COORDINATOR)


def organization_list(*, coalition: Coalition) -> QuerySet[PartnerOrganization]:
    return PartnerOrganization.objects.filter(coalition=coalition).order_by("name")
