"""The access helper every assessment view starts with, and small shared pieces."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from reentrykit.assessment import selectors
from reentrykit.assessment.models import Round
from reentrykit.core.access import Capability, CoalitionAccess, get_coalition_for, get_object_in


def get_round_for(
    request: HttpRequest,
    coalition_slug: str,
    round_id: int,
    *,
    need: Capability = Capability.VIEW,
) -> tuple[CoalitionAccess, Round]:
    """The round as this user may use it: 404 outside the coalition, 403 without ``need``."""
    access = get_coalition_for(request, coalition_slug, need=need)
    round_ = get_object_in(access, Round.objects.select_related("instrument_version"), pk=round_id)
    return access, round_


def get_round_results_for(
    request: HttpRequest, coalition_slug: str, round_id: int
) -> tuple[CoalitionAccess, Round]:
    """The round, if this user may see its results now (members wait until it closes)."""
    access, round_ = get_round_for(request, coalition_slug, round_id)
    if not selectors.results_visible(access=access, round_=round_):
        raise PermissionDenied("Results of this round are shown once it closes.")
    return access, round_


def get_round_export_for(
    request: HttpRequest, coalition_slug: str, round_id: int
) -> tuple[CoalitionAccess, Round]:
    """Named responses go to coordinators and the coalition's coaches only."""
    access, round_ = get_round_for(request, coalition_slug, round_id)
    if not (access.can(Capability.MANAGE) or access.can(Capability.COACH)):
        raise PermissionDenied("Only coordinators and coaches may download individual responses.")
    return access, round_


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)
