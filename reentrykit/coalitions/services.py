"""Writes to coalitions, partner organizations and memberships."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from reentrykit.coalitions.models import Coalition, Membership, PartnerOrganization, Role
from reentrykit.core.forms import ensure_name_free

COALITION_EDITABLE_FIELDS = (
    "name",
    "jurisdiction_type",
    "state",
    "population",
    "description",
    "mission_statement",
    "suppression_k",
    "priority_method",
    "publish_directory",
    "publish_scorecard",
)


@transaction.atomic
def coalition_create(
    *,
    slug: str,
    name: str,
    jurisdiction_type: str = "county",
    state: str = "",
    population: int | None = None,
    description: str = "",
    is_demo: bool = False,
) -> Coalition:
    coalition = Coalition(
        slug=slug,
        # Stripped so that a name of only spaces is refused as blank by full_clean.
        name=name.strip(),
        jurisdiction_type=jurisdiction_type,
        state=state.upper(),
        population=population,
        description=description,
        is_demo=is_demo,
    )
    coalition.full_clean()
    coalition.save()
    return coalition


def free_slug(name: str) -> str:
    """A web address part for a new coalition named ``name`` that no coalition has:
    its name in lowercase letters, digits and hyphens, numbered when taken."""
    base = slugify(name)[:50].strip("-") or "coalition"
    slug, number = base, 1
    while Coalition.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def coalition_update(*, coalition: Coalition, **fields: Any) -> Coalition:
    unknown = set(fields) - set(COALITION_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    if isinstance(fields.get("name"), str):
        fields["name"] = fields["name"].strip()
    for name, value in fields.items():
        setattr(coalition, name, value)
    coalition.full_clean()
    coalition.save()
    return coalition


def coalition_hold(*, coalition_id: int) -> None:
    """Holds the coalition's row until the transaction ends, so that of two writes at
    once (a double click) the second looks for what the first made only once that is
    saved, and finds it instead of making it again. (PostgreSQL's FOR NO KEY UPDATE:
    it keeps out another hold, not the coalition's other writes, whose references to
    the row take a key-share lock that FOR UPDATE would make wait.)"""
    Coalition.objects.select_for_update(no_key=True).get(pk=coalition_id)


@transaction.atomic
def organization_create(*, coalition: Coalition, name: str, sector: str) -> PartnerOrganization:
    organization = PartnerOrganization(coalition=coalition, name=_tidy(name), sector=sector)
    _ensure_name_free(organization)
    organization.full_clean()
    organization.save()
    return organization


@transaction.atomic
def organization_update(
    *, organization: PartnerOrganization, name: str, sector: str
) -> PartnerOrganization:
    organization.name = _tidy(name)
    organization.sector = sector
    _ensure_name_free(organization)
    organization.full_clean()
    organization.save()
    return organization


def _tidy(name: str) -> str:
    # Runs of spaces, typed or pasted, would make one agency look like two.
    return " ".join(name.split())


def _ensure_name_free(organization: PartnerOrganization) -> None:
    others = PartnerOrganization.objects.filter(coalition=organization.coalition_id)
    ensure_name_free(organization, others, "an organization")


@transaction.atomic
def organization_delete(*, organization: PartnerOrganization) -> int:
    """Removes the organization, unless the plan counts on it: its action steps would
    lose their owner and its roles and checks would vanish without a word. Returns how
    many of the coalition's members it leaves without an organization."""
    from django.apps import apps

    uses = [
        (apps.get_model("planning", "ActionStep"), "owner_organization", "action step"),
        (apps.get_model("planning", "AgencyRole"), "organization", "agency role"),
        (apps.get_model("planning", "QualityCheck"), "checked_by", "quality check"),
    ]
    counts = [
        (model.objects.filter(**{field: organization}).count(), noun) for model, field, noun in uses
    ]
    named = [f"{count} {noun}{'s' if count != 1 else ''}" for count, noun in counts if count]
    if named:
        listed = f"{', '.join(named[:-1])} and {named[-1]}" if len(named) > 1 else named[0]
        raise ValidationError(
            f"{organization.name} is not removed: it has {listed} in the plan. Give them "
            "to another partner on the Plan and Monitoring pages first, or rename the "
            "organization instead."
        )
    # One by one rather than by the delete's own SET NULL, which writes past the audit
    # trail: the coordinators reading it should see whose organization went.
    members = list(organization.memberships.all())
    for membership in members:
        membership.organization = None
        membership.save()
    for invitation in organization.invitations.all():
        invitation.organization = None
        invitation.save()
    organization.delete()
    return len(members)


@transaction.atomic
def membership_create(
    *,
    coalition: Coalition,
    user: Any,
    role: str,
    organization: PartnerOrganization | None = None,
) -> Membership:
    existing = Membership.objects.filter(coalition=coalition, user=user, role=role).first()
    if existing is not None:
        if organization is not None and existing.organization_id != organization.pk:
            existing.organization = organization
            existing.full_clean()
            existing.save()
        return existing
    membership = Membership(coalition=coalition, user=user, role=role, organization=organization)
    membership.full_clean()
    membership.save()
    return membership


# Person-level data is the data steward's alone: a coordinator may appoint one, but not
# themselves; another coordinator or the server's operator does.
SELF_STEWARD = (
    "You cannot make yourself a data steward: ask another coordinator of the coalition, "
    "or whoever runs your ReentryKit server."
)


@transaction.atomic
def membership_update(
    *,
    membership: Membership,
    role: str,
    organization: PartnerOrganization | None,
    changed_by: Any = None,
) -> Membership:
    # Only a change to the role is an appointment: a steward's organization is theirs to set.
    appointed = role == Role.DATA_STEWARD and membership.role != Role.DATA_STEWARD
    if appointed and changed_by is not None and membership.user_id == changed_by.pk:
        raise ValidationError({"role": SELF_STEWARD})
    if membership.role == Role.COORDINATOR and role != Role.COORDINATOR:
        _ensure_another_coordinator(membership)
    held = Membership.objects.filter(
        coalition=membership.coalition_id, user=membership.user_id, role=role
    ).exclude(pk=membership.pk)
    if held.exists():
        # Before full_clean, whose message for the unique constraint is in the model's
        # words and belongs to no field.
        raise ValidationError(
            {
                "role": f"{membership.user.display_name} is already a "
                f"{Role(role).label.lower()} in this coalition: remove this role instead."
            }
        )
    membership.role = role
    membership.organization = organization
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def membership_delete(*, membership: Membership) -> None:
    if membership.role == Role.COORDINATOR:
        _ensure_another_coordinator(membership)
    membership.delete()


def _ensure_another_coordinator(membership: Membership) -> None:
    # Another coordinator who can sign in: a deactivated account cannot manage anything.
    others = (
        Membership.objects.select_for_update()
        .filter(coalition=membership.coalition_id, role=Role.COORDINATOR, user__is_active=True)
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise ValidationError(
            "A coalition needs at least one coordinator who can sign in; add another first."
        )
