"""Reads of coalition structure."""

from __future__ import annotations

from django.db.models import QuerySet

from reentrykit.coalitions.models import Coalition, Membership, PartnerOrganization


def membership_list(*, coalition: Coalition) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(coalition=coalition)
        .select_related("user", "organization")
        .order_by("user__email", "role")
    )


def organization_list(*, coalition: Coalition) -> QuerySet[PartnerOrganization]:
    return PartnerOrganization.objects.filter(coalition=coalition).order_by("name")
