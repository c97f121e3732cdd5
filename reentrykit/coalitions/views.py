from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from reentrykit.accounts import selectors as account_selectors
from reentrykit.accounts import services as account_services
from reentrykit.accounts.forms import InvitationForm
from reentrykit.accounts.models import Invitation
from reentrykit.coalitions import selectors, services
from reentrykit.coalitions.forms import CoalitionSettingsForm, MembershipForm, OrganizationForm
from reentrykit.coalitions.models import Membership, PartnerOrganization
from reentrykit.core.access import (
    Capability,
    CoalitionAccess,
    coalition_access,
    get_coalition_for,
    get_object_in,
    post_only,
)
from reentrykit.core.audit_display import audit_rows
from reentrykit.core.forms import add_errors
from reentrykit.core.path import next_step_for, path_for


def _back_to_members(request: HttpRequest, access: CoalitionAccess) -> HttpResponse:
    """The members page, unless the change took the coordinator's own right to manage
    away: that page would then answer "not allowed" (or "not found", with no role left)
    instead of showing what was done."""
    now = coalition_access(request.user, access.coalition)
    if now is not None and now.can(Capability.MANAGE):
        return redirect("coalitions:members", coalition_slug=access.coalition.slug)
    if now is not None:
        return redirect("coalitions:home", coalition_slug=access.coalition.slug)
    return redirect("dashboard")


@login_required
def home(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    from reentrykit.assessment.selectors import my_open_rounds
    from reentrykit.planning.reminders import reminders

    access = get_coalition_for(request, coalition_slug)
    entries = path_for(access.coalition)
    # What the coordinators' daily reminder would list today, for everyone to see here.
    due = reminders(today=timezone.localdate(), coalitions=[access.coalition])
    return render(
        request,
        "coalitions/home.html",
        {
            "access": access,
            "entries": entries,
            "next_step": next_step_for(entries, access),
            "attention": due[0] if due else None,
            # The rounds waiting for this person's ratings: theirs to do, whatever the
            # coalition's next step is.
            "my_rounds": my_open_rounds(coalition=access.coalition, user=request.user),
        },
    )


@login_required
def overview(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug)
    return render(
        request,
        "coalitions/overview.html",
        {
            "access": access,
            "coalition": access.coalition,
            "organizations": selectors.organization_list(coalition=access.coalition),
            "memberships": selectors.membership_list(coalition=access.coalition),
            "can_manage": access.can(Capability.MANAGE),
        },
    )


@login_required
def settings_view(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug, need=Capability.MANAGE)
    coalition = access.coalition
    form = CoalitionSettingsForm(request.POST or None, instance=coalition)
    if request.method == "POST" and form.is_valid():
        try:
            services.coalition_update(coalition=coalition, **form.cleaned_data)
        except ValidationError as error:
            coalition.refresh_from_db()
            add_errors(form, error)
        else:
            messages.success(request, "Coalition settings saved.")
            return redirect("coalitions:settings", coalition_slug=coalition.slug)
    if form.errors:
        coalition.refresh_from_db()
    return render(request, "coalitions/settings.html", {"access": access, "form": form})


@login_required
def members(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug, need=Capability.MANAGE)
    return render(
        request,
        "coalitions/members.html",
        {
            "access": access,
            "memberships": selectors.membership_list(coalition=access.coalition),
        },
    )


@login_required
def member_edit(request: HttpRequest, coalition_slug: str, membership_id: int) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug, need=Capability.MANAGE)
    membership = get_object_in(access, Membership.objects.select_related("user"), pk=membership_id)
    initial = {"role": membership.role, "organization": membership.organization}
    form = MembershipForm(request.POST or None, initial=initial, coalition=access.coalition)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_update(
                membership=membership, changed_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Updated {membership.user.display_name}.")
            return _back_to_members(request, access)
    return render(
        request,
        "coalitions/member_edit.html",
        {"access": access, "form": form, "membership": membership},
    )


@login_required
@post_only
def member_remove(request: HttpRequest, coalition_slug: str, membership_id: int) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug, need=Capability.MANAGE)
    membership = get_object_in(access, Membership.objects.select_related("user"), pk=membership_id)
    try:
        services.membership_delete(membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Removed {membership.user.display_name} ({membership.get_role_display()}).",
        )
    return _back_to_members(request, access)


@login_required
def organizations(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug, need=Capability.MANAGE)
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_create(coalition=access.coalition, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Added {form.cleaned_data['name']}.")
            return redirect("coalitions:organizations", coalition_slug=coalition_slug)
    return render(
        request,
        "coalitions/organizations.html",
        {
            "access": access,
            "form": form,
            "organizations": selectors.organization_list(coalition=access.coalition),
        },
    )


@login_required
def organization_edit(
    request: HttpRequest, coalition_slug: str, organization_id: int
) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug, need=Capability.MANAGE)
    organization = get_object_in(access, PartnerOrganization.objects, pk=organization_id)
    initial = {"name": organization.name, "sector": organization.sector}
    form = OrganizationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(organization=organization, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Saved {organization.name}.")
            return redirect("coalitions:organizations", coalition_slug=coalition_slug)
    return render(
        request,
        "coalitions/organization_edit.html",
        {"access": access, "form": form, "organization": organization},
    )


@login_required
@post_only
def organization_delete(
    request: HttpRequest, coalition_slug: str, organization_id: int
) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug, need=Capability.MANAGE)
    organization = get_object_in(access, PartnerOrganization.objects, pk=organization_id)
    try:
        left = services.organization_delete(organization=organization)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        said = f"Removed {organization.name}."
        if left:
            members = "1 member now has" if left == 1 else f"{left} members now have"
            said = f"Removed {organization.name}: {members} no organization."
        messages.success(request, said)
    return redirect("coalitions:organizations", coalition_slug=coalition_slug)


@login_required
def invitations(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug, need=Capability.MANAGE)
    form = InvitationForm(request.POST or None, coalition=access.coalition)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        replaced = account_selectors.invitations_pending(
            coalition=access.coalition, email=email
        ).exists()
        try:
            account_services.invitation_create(
                coalition=access.coalition, invited_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            said = f"Invitation sent to {email}."
            if replaced:
                said += " It replaces the one sent before, whose link no longer works."
            messages.success(request, said)
            return redirect("coalitions:invitations", coalition_slug=coalition_slug)
    invitation_list = Invitation.objects.filter(coalition=access.coalition).select_related(
        "organization", "invited_by"
    )
    return render(
        request,
        "coalitions/invitations.html",
        {"access": access, "form": form, "invitations": invitation_list},
    )


@login_required
@post_only
def invitation_revoke(
    request: HttpRequest, coalition_slug: str, invitation_id: int
) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug, need=Capability.MANAGE)
    invitation = get_object_in(access, Invitation.objects, pk=invitation_id)
    try:
        account_services.invitation_revoke(invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Invitation for {invitation.email} revoked.")
    return redirect("coalitions:invitations", coalition_slug=coalition_slug)


@login_required
def audit_trail(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug, need=Capability.AUDIT)
    entries = access.coalition.audit_entries.select_related("actor")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    rows = audit_rows(page, coalition_id=access.coalition.pk)
    return render(request, "coalitions/audit.html", {"access": access, "page": page, "rows": rows})
