from __future__ import annotations

import bisect
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from reentrykit.core.access import Capability, get_coalition_for, get_object_in, post_only
from reentrykit.core.charts import accessible_svg
from reentrykit.core.exports import download_formats
from reentrykit.core.forms import add_errors
from reentrykit.core.suppression import UNSTABLE_EVENTS
from reentrykit.data import selectors as data_selectors
from reentrykit.metrics import charts, selectors, services
from reentrykit.metrics.breakdowns import ALL_BREAKDOWNS, is_program_breakdown
from reentrykit.metrics.cohorts import MEASURE_LABELS, MEASURES, WINDOWS, unmeasured_reason
from reentrykit.metrics.definitions import measure_definitions
from reentrykit.metrics.labels import breakdown_label, breakdown_phrase, group_label
from reentrykit.metrics.models import Indicator

WINDOW_LABELS = {180: "6 months", 365: "1 year", 730: "2 years", 1095: "3 years", 1825: "5 years"}
# The days the table beside the survival chart reads the curves at.
MILESTONE_DAYS = (0, 90, 180, 365, 730, 1095, 1825)
# The breakdowns whose survival curves the refresh caches (others show everyone's).
CURVE_BREAKDOWNS = ("sex", "age_group", "risk_level")


def _labelled(rows: list[dict], breakdown: str) -> list[dict]:
    """``rows`` with each ``group`` code replaced by its readable name, for the page's
    tables and charts (exports and the API keep the codes)."""
    return [{**row, "group": group_label(breakdown, row["group"])} for row in rows]


def _choice(value: str | None, allowed: list[str] | tuple[str, ...], default: str) -> str:
    return value if value in allowed else default


@login_required
def dashboard(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug)
    return render(request, "metrics/dashboard.html", _dashboard_context(request, access))


def _dashboard_context(request: HttpRequest, access: Any) -> dict[str, Any]:
    snapshot = selectors.latest_snapshot(access.coalition)
    context: dict = {"access": access, "snapshot": snapshot, "raw": selectors.sees_raw(access)}
    if snapshot is None or snapshot.payload.get("empty"):
        return context | data_selectors.who_brings_data(access)
    payload = snapshot.payload
    measure = _choice(request.GET.get("measure"), MEASURES, "rearrest")
    window = int(_choice(request.GET.get("window"), [str(w) for w in WINDOWS], "365"))
    breakdown = _choice(request.GET.get("by"), ALL_BREAKDOWNS, "sex")
    year = selectors.shown_year(payload, window)
    table = selectors.rates(
        access, payload, measure=measure, window=window, year=year, breakdown=breakdown
    )
    trend = selectors.trend(access, payload, measure=measure, window=window)
    curve_breakdown = breakdown if breakdown in CURVE_BREAKDOWNS else "all"
    points, withheld, logrank = selectors.survival(
        access, payload, measure=measure, breakdown=curve_breakdown
    )
    points = _labelled(points, curve_breakdown)
    table_rows = _labelled(table.rows, breakdown)
    by = breakdown_phrase(breakdown)
    intermediate = selectors.intermediate(access, payload)
    flow = selectors.flow(access, payload)
    label = MEASURE_LABELS.get(measure, measure)
    missing = payload.get("unmeasured", [])
    national = selectors.NATIONAL.get((measure, window))
    reference_note = (
        f" The dashed line is the national reference, {national:.1%}." if national else ""
    )
    incidence = [
        {**point, "group": "Everyone", "survival": point["cumulative_incidence"]}
        for point in selectors.incidence(access, payload, measure=measure)
    ]
    context.update(
        {
            "payload": payload,
            "measure": measure,
            "measure_label": label,
            "unmeasured_reason": unmeasured_reason(measure) if measure in missing else None,
            "window": window,
            "window_label": WINDOW_LABELS[window],
            "breakdown": breakdown,
            "breakdown_phrase": by,
            "year": year,
            "measures": [(m, MEASURE_LABELS.get(m, m)) for m in MEASURES],
            "windows": list(WINDOW_LABELS.items()),
            "breakdowns": [(name, breakdown_label(name)) for name in ALL_BREAKDOWNS],
            "headline": selectors.headline(access, payload),
            "table": table,
            "table_rows": list(zip(table_rows, range(len(table_rows)), strict=True)),
            "national": national,
            "table_chart": accessible_svg(
                charts.rate_bars(
                    table_rows,
                    title=f"{label} within {WINDOW_LABELS[window]}, {year}, by {by}",
                    reference=national,
                ),
                title=f"{label} rate by {by}",
                description="Bar chart of the rates in the table that follows; "
                f"hidden rates are left out.{reference_note}",
            ),
            "trend": trend,
            "trend_chart": accessible_svg(
                charts.trend_line(
                    trend.rows,
                    title=f"{label} within {WINDOW_LABELS[window]}, by release year",
                    reference=national,
                ),
                title=f"{label} by release year",
                description="Line chart of the yearly rates in the table that follows."
                + reference_note,
            ),
            "curve_points": points,
            "curve_withheld": [group_label(curve_breakdown, group) for group in withheld],
            "logrank_p": logrank,
            "survival_chart": accessible_svg(
                charts.survival_steps(
                    points,
                    title=f"No {label.lower()} yet, people released in {payload['survival_year']}",
                    y_title=f"Share with no {label.lower()} yet",
                ),
                title="Survival curves",
                description=f"Kaplan–Meier curves: the share of people with no {label.lower()} "
                "yet, by days since release.",
            ),
            "incidence_table": _milestone_points(incidence),
            "incidence_chart": accessible_svg(
                charts.survival_steps(
                    incidence,
                    title=f"{label} by each day, deaths counted apart, "
                    f"people released in {payload['survival_year']}",
                    y_title=f"Share with a {label.lower()}",
                ),
                title="Cumulative incidence",
                description=f"Step chart of the share of everyone released with a "
                f"{label.lower()} by each day since release, with deaths as a competing risk.",
            )
            if incidence
            else "",
            "intermediate": intermediate,
            "flow": flow,
            "flow_chart": accessible_svg(
                charts.flow_bars(
                    flow.rows,
                    title=f"Bookings, releases and people at each decision point, "
                    f"{payload['latest_complete_year']}",
                ),
                title="Population flow",
                description="Bar chart of the counts in the flow table that follows.",
            ),
            "program_breakdown": is_program_breakdown(breakdown),
            "adjusted": None
            if measure in missing
            else _adjusted(access, snapshot, measure=measure, breakdown=breakdown, year=year),
            "curve_table": _milestone_points(points),
            "query": request.GET.urlencode(),
            "unstable_events": UNSTABLE_EVENTS,
            "definitions": measure_definitions(k=access.coalition.suppression_k),
        }
    )
    return context


def _adjusted(
    access: Any, snapshot: Any, *, measure: str, breakdown: str, year: int
) -> dict | None:
    """The adjusted comparison beside a program breakdown, for the cohort year its table
    shows (started on first view). One year's cohort also bounds the fit's work."""
    if not is_program_breakdown(breakdown):
        return None
    prefix, program_type = breakdown.split(":", 1)
    comparison = services.adjusted_comparison_for(
        snapshot=snapshot,
        measure=measure,
        program_type=program_type,
        completed_only=prefix == "program_completed",
        cohort_year=year,
    )
    return selectors.adjusted(access, comparison)


def _milestone_points(points: list[dict]) -> list[dict]:
    """Each group's last point on or before each milestone day: the short table beside
    the chart (points are grouped, each group's days ascending)."""
    groups: dict[str, list[dict]] = {}
    for point in points:
        groups.setdefault(point["group"], []).append(point)
    rows = []
    for of_group in groups.values():
        days = [point["day"] for point in of_group]
        chosen = dict.fromkeys(bisect.bisect_right(days, day) - 1 for day in MILESTONE_DAYS)
        rows += [of_group[index] for index in chosen if index >= 0]
    return rows


@login_required
def indicators(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    """Saved measure definitions with their baseline and targets."""
    from django.contrib import messages
    from django.core.exceptions import ValidationError
    from django.shortcuts import redirect

    from reentrykit.core.access import Capability
    from reentrykit.metrics.forms import IndicatorForm

    access = get_coalition_for(request, coalition_slug)
    form = IndicatorForm(request.POST or None, coalition=access.coalition)
    if request.method == "POST":
        access = get_coalition_for(request, coalition_slug, need=Capability.CONTRIBUTE)
        if form.is_valid():
            try:
                services.indicator_create(
                    coalition=access.coalition, created_by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request,
                    "Indicator saved. Its baseline is being computed: reload this page in a minute."
                    if selectors.measures_computed(access.coalition)
                    else "Indicator saved. Its baseline appears once the coalition's data "
                    "steward has imported and linked the partners' data.",
                )
                return redirect("metrics:indicators", coalition_slug=coalition_slug)
    return render(
        request,
        "metrics/indicators.html",
        {
            "access": access,
            "form": form,
            "rows": selectors.indicator_rows(access),
            "can_edit": access.can(Capability.CONTRIBUTE),
        },
    )


@login_required
def indicator_target(request: HttpRequest, coalition_slug: str, indicator_id: int) -> HttpResponse:
    from django.contrib import messages
    from django.shortcuts import redirect

    from reentrykit.core.access import Capability, get_object_in
    from reentrykit.metrics.forms import TargetForm
    from reentrykit.metrics.models import Indicator

    access = get_coalition_for(request, coalition_slug, need=Capability.CONTRIBUTE)
    indicator = get_object_in(access, Indicator.objects, pk=indicator_id)
    form = TargetForm(request.POST or None, indicator=indicator)
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["cohort_year"]
        before = indicator.targets.filter(cohort_year=year).first()
        target = services.indicator_target_add(
            indicator=indicator,
            label=form.cleaned_data["label"],
            cohort_year=year,
            target_rate=form.cleaned_data["target_percent"] / 100,
        )
        if before is None:
            messages.success(request, f"Target added to {indicator.name}.")
        else:
            messages.success(
                request,
                f"The target of {indicator.name} for people released in {year} is now "
                f"{target.target_rate:.1%} (it was {before.target_rate:.1%}).",
            )
        return redirect("metrics:indicators", coalition_slug=coalition_slug)
    return render(
        request,
        "metrics/indicator_target.html",
        {"access": access, "form": form, "indicator": indicator},
    )


@login_required
@post_only
def indicator_remove(request: HttpRequest, coalition_slug: str, indicator_id: int) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug, need=Capability.CONTRIBUTE)
    indicator = get_object_in(access, Indicator.objects, pk=indicator_id)
    try:
        services.indicator_delete(indicator=indicator)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Removed “{indicator.name}” and its targets.")
    return redirect("metrics:indicators", coalition_slug=coalition_slug)


@login_required
@post_only
def target_remove(
    request: HttpRequest, coalition_slug: str, indicator_id: int, target_id: int
) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug, need=Capability.CONTRIBUTE)
    indicator = get_object_in(access, Indicator.objects, pk=indicator_id)
    target = indicator.targets.filter(pk=target_id).first()
    if target is None:
        raise Http404("No such target")
    target.delete()
    messages.success(
        request, f"Removed the target for {target.cohort_year} from “{indicator.name}”."
    )
    return redirect("metrics:indicators", coalition_slug=coalition_slug)


EXPORT_TABLES = ("breakdown", "trend", "intermediate", "flow")


def _export_table(access, payload: dict, name: str, measure: str, window: int, breakdown: str):  # type: ignore[no-untyped-def]
    """(header, rows) of one dashboard table exactly as this viewer may see it."""
    if name == "intermediate":
        table = selectors.intermediate(access, payload)
        columns = ["key", "label", "numerator", "denominator", "rate", "unstable"]
    elif name == "flow":
        table = selectors.flow(access, payload)
        columns = ["key", "label", "count"]
    elif name == "trend":
        table = selectors.trend(access, payload, measure=measure, window=window)
        columns = ["cohort_year", "cohort", "recidivists", "rate", "ci_low", "ci_high", "unstable"]
    else:
        year = selectors.shown_year(payload, window)
        table = selectors.rates(
            access, payload, measure=measure, window=window, year=year, breakdown=breakdown
        )
        # The release year the page's heading names (each window has its own).
        columns = [
            *("group", "cohort", "recidivists", "rate", "ci_low", "ci_high", "unstable"),
            "cohort_year",
        ]
    rows = []
    for index, row in enumerate(table.rows):
        rows.append([table.display(index, c) or row.get(c) for c in columns])
    if table.confidential:
        columns = [*columns, "confidential"]
        rows = [[*row, "yes"] for row in rows]
    return columns, rows


@login_required
@download_formats("csv", "xlsx")
def export(request: HttpRequest, coalition_slug: str, file_format: str) -> HttpResponse:
    """A dashboard table as CSV or XLSX, suppressed as on the page."""
    from reentrykit.core.exports import table_download

    access = get_coalition_for(request, coalition_slug)
    snapshot = selectors.latest_snapshot(access.coalition)
    if snapshot is None or snapshot.payload.get("empty"):
        return HttpResponse("No measures yet.", status=404, content_type="text/plain")
    # A file is kept and passed on: one with other figures than asked for, and nothing
    # in it to say so, would be read as what was asked for.
    asked = {
        "table": EXPORT_TABLES,
        "measure": MEASURES,
        "window": [str(w) for w in WINDOWS],
        "by": ALL_BREAKDOWNS,
    }
    for key, allowed in asked.items():
        value = request.GET.get(key)
        if value is not None and value not in allowed:
            return HttpResponse(
                f"No export has {key}={value[:40]}: use one of {', '.join(allowed)}.",
                status=400,
                content_type="text/plain; charset=utf-8",
            )
    name = _choice(request.GET.get("table"), EXPORT_TABLES, "breakdown")
    measure = _choice(request.GET.get("measure"), MEASURES, "rearrest")
    window = int(_choice(request.GET.get("window"), [str(w) for w in WINDOWS], "365"))
    breakdown = _choice(request.GET.get("by"), ALL_BREAKDOWNS, "sex")
    header, rows = _export_table(access, snapshot.payload, name, measure, window, breakdown)
    return table_download(
        name=name,
        filename=f"{coalition_slug}-{name}-{measure}-{window}",
        header=header,
        rows=rows,
        xlsx=file_format == "xlsx",
    )


@login_required
def dashboard_pdf(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    """The dashboard as a PDF, with the same charts and suppression as the page."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    access = get_coalition_for(request, coalition_slug)
    context = _dashboard_context(request, access)
    if "payload" not in context:
        return HttpResponse("No measures yet.", status=404, content_type="text/plain")
    html = render_to_string("metrics/dashboard_pdf.html", context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{coalition_slug}-measures.pdf"'
    return response
