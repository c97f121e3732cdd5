"""Results of a round: the page, the PDF report, response exports, candidate priorities."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify

from reentrykit.assessment import exports, reports, services
from reentrykit.assessment.views.common import (
    error_text,
    get_round_export_for,
    get_round_for,
    get_round_results_for,
)
from reentrykit.core.access import Capability, CoalitionAccess, post_only
from reentrykit.core.exports import csv_attachment
from reentrykit.library.selectors import networks_read_by
from reentrykit.network.models import Network


def _networks(request: HttpRequest, access: CoalitionAccess) -> list[Network]:
    """The networks whose library the reader reads from this coalition."""
    return networks_read_by(access.coalition, request.user, in_coalition=bool(access.roles))


@login_required
def results(request: HttpRequest, coalition_slug: str, round_id: int) -> HttpResponse:
    access, round_ = get_round_results_for(request, coalition_slug, round_id)
    return render(
        request,
        "assessment/results.html",
        {
            "access": access,
            "round": round_,
            "results": reports.round_results(round_, networks=_networks(request, access)),
            "can_manage": access.can(Capability.MANAGE),
            "can_export": access.can(Capability.MANAGE) or access.can(Capability.COACH),
        },
    )


@login_required
@post_only
def candidate_create(request: HttpRequest, coalition_slug: str, round_id: int) -> HttpResponse:
    access, round_ = get_round_for(request, coalition_slug, round_id, need=Capability.MANAGE)
    component_key = request.POST.get("component_key", "")
    try:
        candidate = services.candidate_priority_create(
            round_=round_, component_key=component_key, created_by=request.user
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        if candidate.round_id not in (None, round_.pk):
            messages.info(
                request,
                f"“{candidate.title}” is a candidate priority already, from the round "
                f"“{candidate.round.name}”; its scores and ranks stay with it.",
            )
        else:
            messages.success(
                request,
                f"“{candidate.title}” is now a candidate priority. "
                "You will choose among the candidates when you set priorities.",
            )
    url = reverse(
        "assessment:results", kwargs={"coalition_slug": coalition_slug, "round_id": round_id}
    )
    return redirect(f"{url}#recommendations")


def _filename(round_: object, extension: str) -> str:
    return f"rpca-{slugify(str(round_)) or 'round'}.{extension}"


@login_required
def report_pdf(request: HttpRequest, coalition_slug: str, round_id: int) -> HttpResponse:
    access, round_ = get_round_results_for(request, coalition_slug, round_id)
    pdf = reports.report_pdf(reports.round_results(round_, networks=_networks(request, access)))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(round_, "pdf")}"'
    return response


@login_required
def responses_csv(request: HttpRequest, coalition_slug: str, round_id: int) -> HttpResponse:
    access, round_ = get_round_export_for(request, coalition_slug, round_id)
    return csv_attachment(exports.responses_csv(round_), _filename(round_, "csv"))


@login_required
def responses_xlsx(request: HttpRequest, coalition_slug: str, round_id: int) -> HttpResponse:
    access, round_ = get_round_export_for(request, coalition_slug, round_id)
    response = HttpResponse(
        exports.responses_xlsx(round_),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(round_, "xlsx")}"'
    return response
