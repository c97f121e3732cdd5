"""Resource pages: the service directory, and needs against capacity. Everyone in the
coalition reads them; members and coordinators write them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from reentrykit.coalitions.services import coalition_hold
from reentrykit.core.access import (
    Capability,
    CoalitionAccess,
    as_viewer,
    get_coalition_for,
    get_object_in,
    post_only,
)
from reentrykit.core.charts import accessible_svg
from reentrykit.core.entries import (
    SEEN,
    Part,
    entry_page,
    figures_token,
    form_page,
    save_under,
    stale_figures,
)
from reentrykit.data.schema import NEED_LABELS
from reentrykit.metrics.selectors import sees_raw
from reentrykit.resources import charts, reentry_map, services
from reentrykit.resources.estimates import for_review, funding_totals, needs_against_capacity
from reentrykit.resources.forms import (
    FiguresForm,
    FundingSourceForm,
    FundraisingTargetForm,
    LeadForm,
    MapCellForm,
    ServiceForm,
)
from reentrykit.resources.models import (
    FundingSource,
    FundraisingTarget,
    MapCell,
    NeedAssumption,
    ReleaseVolume,
    Service,
    SustainabilityLead,
)


@login_required
def directory(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug)
    return render(
        request,
        "resources/directory.html",
        {
            "access": access,
            "services": Service.objects.filter(coalition=access.coalition),
            "can_edit": access.can(Capability.CONTRIBUTE),
        },
    )


SERVICE_PARTS = {
    "service": Part(
        Service,
        ServiceForm,
        "service",
        "A service people leaving custody can use. Its yearly capacity sets it against the "
        "needs; its eligibility and record restrictions show whether the people most at "
        "risk can reach it.",
    )
}


@login_required
def service(
    request: HttpRequest, coalition_slug: str, service_id: int | None = None
) -> HttpResponse:
    return entry_page(
        request, coalition_slug, SERVICE_PARTS, "service", service_id, listing="resources:directory"
    )


@login_required
def needs(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    """Estimated needs against the services' capacity, with the figures behind them;
    contributors enter their own figures here."""
    access = get_coalition_for(request, coalition_slug)
    can_edit = access.can(Capability.CONTRIBUTE)
    stored = _figures(access)
    form = FiguresForm(request.POST or None, initial=stored)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Your role does not allow changing the figures.")
        with transaction.atomic():
            # Held until saved: of two people saving at once, the second is told
            # which figures the first changed rather than overwriting them unseen.
            coalition_hold(coalition_id=access.coalition.pk)
            stored = _figures(access)  # as saved now, someone else's save included
            stale = stale_figures(form, stored, request.POST.get(SEEN))
            if form.is_valid() and not stale:
                services.figures_save(
                    coalition=access.coalition,
                    per_year=form.cleaned_data["per_year"],
                    shares={key: form.cleaned_data[f"need_{key}"] for key in NEED_LABELS},
                )
                messages.success(
                    request, "Saved. The estimates use your figures where you gave one."
                )
                return redirect("resources:needs", coalition_slug=coalition_slug)
    estimates = needs_against_capacity(access)
    chart = accessible_svg(
        charts.need_bars(estimates.rows, title="Estimated need and capacity a year"),
        title="Estimated need and service capacity by need",
        description="Bar chart of the estimated people with each need a year beside the "
        "people the directory's services can serve; the table that follows has the numbers.",
    )
    return render(
        request,
        "resources/needs.html",
        {
            "access": access,
            "estimates": estimates,
            "review": for_review(access),
            "chart": chart,
            "raw": sees_raw(access),
            "form": form,
            "seen": figures_token(form, stored),
            "can_edit": can_edit,
        },
    )


def _lead(lead: SustainabilityLead | None) -> dict[str, str]:
    return {"name": lead.name if lead else ""}


def _figures(access: CoalitionAccess) -> dict[str, float | int]:
    coalition = access.coalition
    initial: dict[str, float | int] = {
        f"need_{a.need}": a.percent for a in NeedAssumption.objects.filter(coalition=coalition)
    }
    volume = ReleaseVolume.objects.filter(coalition=coalition).first()
    if volume is not None:
        initial["per_year"] = volume.per_year
    return initial


@login_required
@post_only
def gap_candidate(request: HttpRequest, coalition_slug: str, need: str) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug, need=Capability.CONTRIBUTE)
    if not any(r.key == need for r in needs_against_capacity(access).gaps):
        raise Http404("No gap for that need")
    # The note is read by the whole coalition and goes into the plan: it is written
    # from the figures as a viewer reads them, even when a data steward adds it.
    shared = next(
        r for r in needs_against_capacity(as_viewer(access.coalition)).rows if r.key == need
    )
    candidate = services.gap_candidate(
        coalition=access.coalition, estimate=shared, user=request.user
    )
    messages.success(request, f"“{candidate.title}” is a candidate priority in the plan.")
    return redirect("resources:needs", coalition_slug=coalition_slug)


FUNDING_PARTS = {
    "source": Part(
        FundingSource,
        FundingSourceForm,
        "funding source",
        "Money for reentry work: federal, state, local or private; what you have now or "
        "are pursuing, for which period and what it can pay for.",
    ),
    "target": Part(
        FundraisingTarget,
        FundraisingTargetForm,
        "fundraising target",
        "How much more the coalition will raise, by when, and what it would do.",
    ),
}


@login_required
def funding(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    """The funding scan: sources by level and status with their totals, fundraising
    targets and the sustainability lead (set here by contributors)."""
    access = get_coalition_for(request, coalition_slug)
    can_edit = access.can(Capability.CONTRIBUTE)
    lead = SustainabilityLead.objects.filter(coalition=access.coalition).first()
    form = LeadForm(request.POST or None, initial=_lead(lead))
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Your role does not allow changing the funding scan.")
        with transaction.atomic():
            coalition_hold(coalition_id=access.coalition.pk)
            lead = SustainabilityLead.objects.filter(coalition=access.coalition).first()
            stale = stale_figures(form, _lead(lead), request.POST.get(SEEN))
            if form.is_valid() and not stale:
                services.lead_save(coalition=access.coalition, name=form.cleaned_data["name"])
                messages.success(request, "Saved.")
                return redirect("resources:funding", coalition_slug=coalition_slug)
    sources = FundingSource.objects.filter(coalition=access.coalition)
    return render(
        request,
        "resources/funding.html",
        {
            "access": access,
            "sources": sources,
            "totals": funding_totals(sources, today=timezone.localdate()),
            "today": timezone.localdate(),
            "targets": FundraisingTarget.objects.filter(coalition=access.coalition),
            "lead": lead,
            "form": form,
            "seen": figures_token(form, _lead(lead)),
            "can_edit": can_edit,
        },
    )


@login_required
def funding_entry(
    request: HttpRequest, coalition_slug: str, part: str, entry_id: int | None = None
) -> HttpResponse:
    return entry_page(
        request, coalition_slug, FUNDING_PARTS, part, entry_id, listing="resources:funding"
    )


@login_required
def map_grid(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    """The reentry map: decision points by service systems, with the counts at each
    point and the gaps found."""
    access = get_coalition_for(request, coalition_slug)
    grid = reentry_map.reentry_map(access)
    return render(
        request,
        "resources/map.html",
        {
            "access": access,
            "map": grid,
            "systems": reentry_map.SYSTEMS,
            "raw": sees_raw(access),
            "can_edit": access.can(Capability.CONTRIBUTE),
        },
    )


@login_required
def map_cell(request: HttpRequest, coalition_slug: str, point: str, system: str) -> HttpResponse:
    """Describe one cell of the map (contributors)."""
    access = get_coalition_for(request, coalition_slug, need=Capability.CONTRIBUTE)
    if not reentry_map.is_place(point, system):
        raise Http404("No such place on the map")
    with transaction.atomic():
        if request.method == "POST":
            # Of two saving one cell at once, the second reads the cell once the first
            # has saved it, and is told what it holds now: a second record of an empty
            # cell would break the rule of one per cell.
            coalition_hold(coalition_id=access.coalition.pk)
        cell = reentry_map.cell_at(access, point, system)
        form = MapCellForm(request.POST or None, instance=cell.record, coalition=access.coalition)
        return form_page(
            request,
            access,
            form,
            part="cell",
            name="description of this cell",
            heading=cell.title,
            intro="What the service system does for people at this decision point, and "
            "whether it is a gap. A gap can become a candidate priority.",
            save=lambda f: save_under(f, coalition=access.coalition, point=point, system=system),
            listing="resources:map",
            deletable=cell.record,
            template="resources/map_cell.html",
            cell=cell,
        )


@login_required
@post_only
def map_candidate(request: HttpRequest, coalition_slug: str, cell_id: int) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug, need=Capability.CONTRIBUTE)
    cell = get_object_in(access, MapCell.objects.filter(status=MapCell.Status.GAP), pk=cell_id)
    candidate = services.map_gap_candidate(cell=cell, user=request.user)
    messages.success(request, f"“{candidate.title}” is a candidate priority in the plan.")
    return redirect("resources:map", coalition_slug=coalition_slug)
