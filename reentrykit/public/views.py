"""The pages a coalition publishes for anyone, without signing in: its service
directory and its scorecard. Each answers 404 until the coalition's coordinators
publish it, the same 404 as for a coalition that does not exist. Every figure is read
as the coalition's viewers read it (``as_viewer``): suppressed, whoever is reading."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from reentrykit.api.directory import hsds_service
from reentrykit.coalitions.models import Coalition
from reentrykit.core.access import as_viewer
from reentrykit.core.charts import accessible_svg
from reentrykit.core.suppression import to_whole_percents
from reentrykit.metrics import charts
from reentrykit.metrics import selectors as measures
from reentrykit.planning import selectors as plans
from reentrykit.resources.models import Service

TREND_MEASURE, TREND_WINDOW = "rearrest", 365
# What the published directory's HSDS feed keeps of ReentryKit's own fields: never the
# spending, the evidence rating or the yearly figures, which the coalition keeps to itself.
PUBLIC_FIELDS = ("need", "setting", "record_restrictions", "address")


def _published(slug: str, page: str) -> Coalition:
    """The coalition, when it publishes ``page`` ("directory", "scorecard" or "any")."""
    coalition = Coalition.objects.filter(slug=slug).first()
    if coalition is None:
        raise Http404("Not published")
    shown = {"directory": coalition.publish_directory, "scorecard": coalition.publish_scorecard}
    if not (any(shown.values()) if page == "any" else shown[page]):
        raise Http404("Not published")
    return coalition


def home(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    coalition = _published(coalition_slug, "any")
    return render(request, "public/home.html", {"coalition": coalition})


def directory(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    coalition = _published(coalition_slug, "directory")
    return render(
        request,
        "public/directory.html",
        {"coalition": coalition, "services": Service.objects.filter(coalition=coalition)},
    )


def directory_feed(request: HttpRequest, coalition_slug: str) -> JsonResponse:
    """The published directory in Open Referral HSDS 3.0 shape, for referral tools."""
    coalition = _published(coalition_slug, "directory")
    feed = []
    for service in Service.objects.filter(coalition=coalition).select_related("coalition"):
        entry = hsds_service(service)
        entry["reentrykit"] = {key: entry["reentrykit"][key] for key in PUBLIC_FIELDS}
        # A capacity's "available" comes from how many the service served last year: how
        # full a partner's programme runs is the coalition's planning figure, not news,
        # and read by a referral line it would pass for places open now.
        entry["capacities"] = []
        feed.append(entry)
    return JsonResponse(feed, safe=False)


def scorecard(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    coalition = _published(coalition_slug, "scorecard")
    access = as_viewer(coalition)
    # Rates without their counts, to a whole percent: each table's denominator differs
    # a little from the others' (deaths leave a window's denominator), and side by side,
    # on a page for anyone, the counts (or rates to one decimal with their intervals)
    # would show the differences, small counts.
    context = {
        "coalition": coalition,
        "goals": plans.goal_statuses(coalition),
        "rates_only": True,
        "rate_digits": 0,
    }
    payload = measures.latest_payload(
        coalition, "rates", "intermediate", "latest_complete_year", "data_through", "unmeasured"
    )
    if payload and "rates" in payload:
        trend = to_whole_percents(
            measures.trend(access, payload, measure=TREND_MEASURE, window=TREND_WINDOW)
        )
        headline = measures.headline(access, payload)
        for card in headline:
            to_whole_percents(card["table"])
        context.update(
            {
                "payload": payload,
                "headline": headline,
                "trend": trend,
                "trend_chart": accessible_svg(
                    charts.trend_line(trend.rows, title="Rearrest within a year, by release year"),
                    title="Rearrest within a year by release year",
                    description="Line chart of the yearly rates in the table that follows.",
                ),
                "intermediate": to_whole_percents(measures.intermediate(access, payload)),
            }
        )
    return render(request, "public/scorecard.html", context)
