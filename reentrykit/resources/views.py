"""Resource pages: the service directory, and needs against capacity. Everyone in the
coalition reads them; members and coordinators write them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from reentrykit.core.access import (
    Capability,
    CoalitionAccess,
    get_coalition_for,
    post_only,
)
from reentrykit.core.charts import accessible_svg
from reentrykit.core.entries import Part, entry_page
from reentrykit.metrics.needs import NEED_LABELS
from reentrykit.metrics.selectors import sees_raw
from reentrykit.resources import charts, services
from reentrykit.resources.estimates import funding_totals, needs_against_capacity
from reentrykit.resources.forms import (
    FiguresForm,
    FundingSourceForm,
    FundraisingTargetForm,
    LeadForm,
    ServiceForm,
)
from reentrykit.resources.models import (
    FundingSource,
    FundraisingTarget,
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
    form = FiguresForm(request.POST or None, initial=_figures(access))
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Your role does not allow changing the figures.")
        if form.is_valid():
            services.figures_save(
                coalition=access.coalition,
                per_year=form.cleaned_data["per_year"],
                shares={key: form.cleaned_data[f"need_{key}"] for key in NEED_LABELS},
            )
            messages.success(request, "Saved. The estimates use your figures where you gave one.")
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
            "chart": chart,
            "raw": sees_raw(access),
            "form": form,
            "can_edit": can_edit,
        },
    )


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
    estimate = next((r for r in needs_against_capacity(access).gaps if r.key == need), None)
    if estimate is None:
        raise Http404("No gap for that need")
    candidate = services.gap_candidate(
        coalition=access.coalition, estimate=estimate, user=request.user
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
    form = LeadForm(request.POST or None, initial={"name": lead.name if lead else ""})
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Your role does not allow changing the funding scan.")
        if form.is_valid():
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
            "totals": funding_totals(sources),
            "targets": FundraisingTarget.objects.filter(coalition=access.coalition),
            "lead": lead,
            "form": form,
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
