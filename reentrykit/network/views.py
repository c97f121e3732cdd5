from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from reentrykit.core.access import (
    Capability,
    NetworkAccess,
    get_coalition_for,
    get_network_for,
    post_only,
)
from reentrykit.core.charts import accessible_svg
from reentrykit.core.exports import download_formats, table_download
from reentrykit.core.forms import add_errors
from reentrykit.metrics.charts import rate_bars
from reentrykit.metrics.selectors import HEADLINE_MEASURES, NATIONAL_ONE_YEAR
from reentrykit.network import charts, services
from reentrykit.network.forms import CoachForm, JoinNetworkForm
from reentrykit.network.models import CoachAssignment, NetworkRole, NetworkRoleKind, NetworkSite
from reentrykit.network.selectors import (
    MEASURE_COLUMNS,
    PLAN_COLUMNS,
    CrossSite,
    coached_by,
    cross_site,
    visible_sites,
)


@login_required
def network_home(request: HttpRequest, network_slug: str) -> HttpResponse:
    access = get_network_for(request, network_slug)
    return _home(request, access, coach_form=CoachForm())


def _home(request: HttpRequest, access: NetworkAccess, *, coach_form: CoachForm) -> HttpResponse:
    network = access.network
    sites = visible_sites(access, request.user)
    coaches = (
        NetworkRole.objects.filter(network=network, role=NetworkRoleKind.COACH)
        .select_related("user")
        .prefetch_related("assignments__site__coalition")
        if access.is_admin
        else []
    )
    return render(
        request,
        "network/home.html",
        {
            "access": access,
            "network": network,
            "sites": sites,
            "coaches": coaches,
            "coach_form": coach_form,
        },
    )


@login_required
@post_only
def coach_add(request: HttpRequest, network_slug: str) -> HttpResponse:
    access = get_network_for(request, network_slug, manage=True)
    form = CoachForm(request.POST)
    if form.is_valid():
        try:
            services.coach_add(network=access.network, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                f"{form.cleaned_data['email']} is a coach. "
                "New accounts get an email to set a password.",
            )
            return redirect("network:home", network_slug=network_slug)
    # The page again with what was typed and each problem beside its field.
    return _home(request, access, coach_form=form)


def _coach_in(access_network: object, role_id: int) -> NetworkRole:
    coach = NetworkRole.objects.filter(
        pk=role_id, network=access_network, role=NetworkRoleKind.COACH
    ).first()
    if coach is None:
        raise Http404("No such coach")
    return coach


def _site_in(access_network: object, site_id: int) -> NetworkSite:
    site = NetworkSite.objects.filter(pk=site_id, network=access_network).first()
    if site is None:
        raise Http404("No such site")
    return site


@login_required
@post_only
def coach_remove(request: HttpRequest, network_slug: str, role_id: int) -> HttpResponse:
    access = get_network_for(request, network_slug, manage=True)
    coach = _coach_in(access.network, role_id)
    services.network_role_revoke(network_role=coach)
    messages.success(request, f"{coach.user.display_name} is no longer a coach in this network.")
    return redirect("network:home", network_slug=network_slug)


@login_required
@post_only
def coach_assignment(request: HttpRequest, network_slug: str, role_id: int) -> HttpResponse:
    """Set which sites a coach works with (checkboxes of site ids)."""
    access = get_network_for(request, network_slug, manage=True)
    coach = _coach_in(access.network, role_id)
    sites = {str(site.pk): site for site in NetworkSite.objects.filter(network=access.network)}
    chosen = request.POST.getlist("site")
    unknown = [value for value in chosen if value not in sites]
    if unknown:
        # A stale form (a site that has since left) or a hand-made request: saving the
        # rest would quietly drop the coach's other sites.
        messages.error(
            request,
            f"Nothing was changed: “{unknown[0][:40]}” is not a site of this network. "
            "Reload the page and choose again.",
        )
        return redirect("network:home", network_slug=network_slug)
    with transaction.atomic():
        for key, site in sites.items():
            assignment = CoachAssignment.objects.filter(coach=coach, site=site).first()
            if key in chosen and assignment is None:
                services.coach_assign(coach=coach, site=site)
            elif key not in chosen and assignment is not None:
                services.coach_unassign(assignment=assignment)
    messages.success(request, f"Saved the sites {coach.user.display_name} coaches.")
    return redirect("network:home", network_slug=network_slug)


@login_required
@post_only
def site_remove(request: HttpRequest, network_slug: str, site_id: int) -> HttpResponse:
    access = get_network_for(request, network_slug, manage=True)
    site = _site_in(access.network, site_id)
    services.network_remove_site(site=site)
    messages.success(request, f"{site.coalition.name} left the network.")
    return redirect("network:home", network_slug=network_slug)


@login_required
@post_only
def join_code_reset(request: HttpRequest, network_slug: str) -> HttpResponse:
    access = get_network_for(request, network_slug, manage=True)
    services.network_join_code_reset(network=access.network)
    messages.success(request, "A new network code was made; the old one no longer works.")
    return redirect("network:home", network_slug=network_slug)


@login_required
def coalition_networks(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    """A coalition's networks and coaches; coordinators join with a network code."""
    access = get_coalition_for(request, coalition_slug)
    form = JoinNetworkForm(request.POST or None)
    if request.method == "POST":
        access = get_coalition_for(request, coalition_slug, need=Capability.MANAGE)
        if form.is_valid():
            try:
                site = services.network_join(coalition=access.coalition, **form.cleaned_data)
            except ValidationError as error:
                form.add_error("join_code", error.message_dict.get("join_code", error.messages))
            else:
                messages.success(request, f"{access.coalition.name} joined {site.network.name}.")
                return redirect("coalition_network:networks", coalition_slug=coalition_slug)
    sites = (
        NetworkSite.objects.filter(coalition=access.coalition)
        .select_related("network")
        .prefetch_related("coach_assignments__coach__user")
    )
    if not access.roles:
        # A coach who is not in the coalition sees the networks they coach it in alone.
        sites = coached_by(sites, request.user)
    # The other sites of each network: names, and the pages each publishes, no more.
    peers = {
        site.network_id: list(
            NetworkSite.objects.filter(network_id=site.network_id)
            .exclude(coalition=access.coalition)
            .select_related("coalition")
            .order_by("coalition__name")
        )
        for site in sites
    }
    return render(
        request,
        "network/coalition_networks.html",
        {
            "access": access,
            "sites": [(site, peers[site.network_id]) for site in sites],
            "form": form,
            "can_manage": access.can(Capability.MANAGE),
        },
    )


@login_required
def compare(request: HttpRequest, network_slug: str) -> HttpResponse:
    """The cross-site dashboard: assessment scores and one-year measures per site."""
    access = get_network_for(request, network_slug)
    board = cross_site(access, request.user)
    rates = [
        {**card["row"], "group": entry.coalition.name}
        for entry in board.measures
        if (card := entry.card("rearrest")) is not None
    ]
    context = {
        "access": access,
        "network": access.network,
        "board": board,
        "score_rows": board.score_rows(),
        "plan_rows": board.plan_rows(),
        "headline_measures": HEADLINE_MEASURES,
        "national": NATIONAL_ONE_YEAR["rearrest"],
        "score_chart": _score_chart(board, "the scores table that follows has the same numbers"),
        "rate_chart": accessible_svg(
            rate_bars(
                rates,
                title="Rearrested within a year, latest complete cohort",
                reference=NATIONAL_ONE_YEAR["rearrest"],
            ),
            title="One-year rearrest by site",
            description="Bar chart of each site's one-year rearrest rate with its 95% interval; "
            "the dashed line is the national reference. Hidden rates are left out; the "
            "measures table that follows has every figure.",
        ),
    }
    return render(request, "network/compare.html", context)


def _score_chart(board: CrossSite, alternative: str) -> str:
    """The sites' first and latest assessment scores; ``alternative`` says where the
    same numbers are in words."""
    return accessible_svg(
        charts.score_dots(
            charts.score_frame(board), title="Assessment scores, first and latest round"
        ),
        title="Assessment scores by site",
        description="Dot chart of each site's first and latest assessment score, overall "
        f"and per section; {alternative}.",
    )


COMPARE_TABLES = ("scores", "measures", "plans")


@login_required
@download_formats("csv", "xlsx")
def compare_export(request: HttpRequest, network_slug: str, file_format: str) -> HttpResponse:
    """A cross-site table as CSV or XLSX, suppressed as on the page."""
    access = get_network_for(request, network_slug)
    board = cross_site(access, request.user)
    name = request.GET.get("table")
    if name not in COMPARE_TABLES:
        name = "scores"
    if name == "scores":
        header = ["site", "round", "name", "overall", *(key for key, _ in board.sections)]
        rows = board.score_rows()
    elif name == "plans":
        header = ["site", *PLAN_COLUMNS]
        rows = board.plan_rows()
    else:
        header = [
            "site",
            "cohort_year",
            "data_through",
            *(f"{m}_{c}" for m in HEADLINE_MEASURES for c in MEASURE_COLUMNS),
        ]
        rows = board.measure_rows()
    return table_download(
        name=name,
        filename=f"{access.network.slug}-{name}",
        header=header,
        rows=[[row.get(column) for column in header] for row in rows],
        xlsx=file_format == "xlsx",
    )


def _synthesis_context(request: HttpRequest, network_slug: str) -> dict:
    from django.utils import timezone

    from reentrykit.network.synthesis import synthesis

    access = get_network_for(request, network_slug)
    report = synthesis(access, request.user)
    return {
        "access": access,
        "network": access.network,
        "report": report,
        "rows": report.site_rows(),
        "generated": timezone.localdate(),
        "score_chart": _score_chart(report.board, "the progress table has the overall scores"),
    }


@login_required
def synthesis_page(request: HttpRequest, network_slug: str) -> HttpResponse:
    """What the network's sites learned: progress, common priorities, practices, lessons."""
    return render(request, "network/synthesis.html", _synthesis_context(request, network_slug))


@login_required
def synthesis_pdf(request: HttpRequest, network_slug: str) -> HttpResponse:
    """The synthesis report as a PDF, with the same figures and suppression as the page."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    context = _synthesis_context(request, network_slug)
    html = render_to_string("network/synthesis_pdf.html", context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{network_slug}-synthesis.pdf"'
    return response
