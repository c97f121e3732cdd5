"""The one way views reach coalition and network data.

Everything outside the user's coalitions (or, for a coach, their assigned sites) is
a 404, so that nothing — not even existence — leaks across coalitions. A role that
may see a coalition but not act is a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed

from reentrykit.coalitions.models import Coalition, Role
from reentrykit.network.models import Network, NetworkRoleKind

M = TypeVar("M", bound=models.Model)


class Capability(StrEnum):
    VIEW = "view"  # read the coalition's work and suppressed aggregates
    CONTRIBUTE = "contribute"  # answer the assessment, work on resources and plan items
    MANAGE = "manage"  # members, organizations, invitations, settings, rounds
    AUDIT = "audit"  # read the coalition's audit trail
    PERSON_LEVEL = "person_level"  # upload data, run linkage, person-level rows, raw numbers
    COACH = "coach"  # coaching sessions, comments and action items


ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.COORDINATOR: frozenset(
        {Capability.VIEW, Capability.CONTRIBUTE, Capability.MANAGE, Capability.AUDIT}
    ),
    Role.MEMBER: frozenset({Capability.VIEW, Capability.CONTRIBUTE}),
    Role.DATA_STEWARD: frozenset({Capability.VIEW, Capability.PERSON_LEVEL}),
    Role.VIEWER: frozenset({Capability.VIEW}),
}
COACH_CAPABILITIES = frozenset({Capability.VIEW, Capability.COACH})

# Roles whose holders must sign in with a second factor.
PRIVILEGED_COALITION_ROLES = frozenset({Role.COORDINATOR, Role.DATA_STEWARD})


@dataclass(frozen=True)
class CoalitionAccess:
    coalition: Coalition
    roles: frozenset[str]
    is_coach: bool
    capabilities: frozenset[Capability]

    def can(self, capability: Capability) -> bool:
        return capability in self.capabilities

    @property
    def reads_only(self) -> bool:
        """A viewer's: reads every page and changes nothing."""
        return self.capabilities <= {Capability.VIEW}

    @property
    def role_labels(self) -> list[str]:
        labels = [Role(role).label for role in sorted(self.roles)]
        if self.is_coach:
            labels.append("Coach")
        return labels


def coalitions_for_user(user: Any) -> QuerySet[Coalition]:
    """Coalitions the user belongs to or coaches, in name order."""
    if not user.is_authenticated:
        return Coalition.objects.none()
    return Coalition.objects.filter(
        Q(memberships__user=user)
        | Q(
            network_sites__coach_assignments__coach__user=user,
            network_sites__coach_assignments__coach__role=NetworkRoleKind.COACH,
        )
    ).distinct()


def coalition_access(user: Any, coalition: Coalition) -> CoalitionAccess | None:
    if not user.is_authenticated or not user.is_active:
        return None
    roles = frozenset(coalition.memberships.filter(user=user).values_list("role", flat=True))
    is_coach = coalition.network_sites.filter(
        coach_assignments__coach__user=user,
        coach_assignments__coach__role=NetworkRoleKind.COACH,
    ).exists()
    if not roles and not is_coach:
        return None
    capabilities: frozenset[Capability] = frozenset()
    for role in roles:
        capabilities |= ROLE_CAPABILITIES[role]
    if is_coach:
        capabilities |= COACH_CAPABILITIES
    return CoalitionAccess(coalition, roles, is_coach, capabilities)


def as_viewer(coalition: Coalition) -> CoalitionAccess:
    """The coalition as its viewers read it, every figure suppressed: for pages and
    documents that leave the coalition (DATA.md: cross-site dashboards, public pages),
    whatever role the reader holds in the coalition itself."""
    return CoalitionAccess(coalition, frozenset(), False, frozenset({Capability.VIEW}))


def get_coalition_for(
    request: HttpRequest, slug: str, *, need: Capability = Capability.VIEW
) -> CoalitionAccess:
    """The coalition named by ``slug`` as this user may use it, or 404/403."""
    coalition = Coalition.objects.filter(slug=slug).first()
    access = coalition_access(request.user, coalition) if coalition else None
    if access is None:
        raise Http404("No such coalition")
    if not access.can(need):
        raise PermissionDenied(f"Your role in {coalition} does not allow this.")
    request.coalition_access = access  # type: ignore[attr-defined]
    return access


def get_object_in(access: CoalitionAccess, queryset: QuerySet[M], **lookup: Any) -> M:
    """One object of the coalition, or 404 (also for objects of other coalitions, and
    for a key that is not a number, as a hand-made form may send)."""
    try:
        obj = queryset.filter(coalition=access.coalition, **lookup).first()
    except (ValueError, TypeError, ValidationError):
        obj = None
    if obj is None:
        raise Http404("Not found")
    return obj


@dataclass(frozen=True)
class NetworkAccess:
    network: Network
    is_admin: bool
    is_coach: bool

    @property
    def can_manage(self) -> bool:
        return self.is_admin


def networks_for_user(user: Any) -> QuerySet[Network]:
    if not user.is_authenticated:
        return Network.objects.none()
    return Network.objects.filter(roles__user=user).distinct()


def get_network_for(request: HttpRequest, slug: str, *, manage: bool = False) -> NetworkAccess:
    network = Network.objects.filter(slug=slug).first()
    if network is None or not request.user.is_authenticated:
        raise Http404("No such network")
    kinds = set(network.roles.filter(user=request.user).values_list("role", flat=True))
    if not kinds:
        raise Http404("No such network")
    access = NetworkAccess(
        network,
        is_admin=NetworkRoleKind.NETWORK_ADMIN in kinds,
        is_coach=NetworkRoleKind.COACH in kinds,
    )
    if manage and not access.can_manage:
        raise PermissionDenied("Only the network's admins may do this.")
    return access


def user_needs_second_factor(user: Any) -> bool:
    """Coordinators, data stewards, coaches, network admins and staff sign in with 2FA."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    if user.memberships.filter(role__in=PRIVILEGED_COALITION_ROLES).exists():
        return True
    return user.network_roles.exists()


def post_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Like ``require_POST``, but scope first: an outsider gets 404 whatever the method."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "POST":
            if "coalition_slug" in kwargs:
                get_coalition_for(request, kwargs["coalition_slug"])
            if "network_slug" in kwargs:
                get_network_for(request, kwargs["network_slug"])
            return HttpResponseNotAllowed(["POST"])
        return view(request, *args, **kwargs)

    return wrapper
