"""Reads for network pages: the sites a reader may see and the cross-site dashboard.

The dashboard sets each site's assessment scores (first and latest closed round) beside
its one-year measures and its plan's progress. Measures are read through the metrics
selectors as a viewer of the site would read them (:func:`as_viewer`), so every figure
is suppressed with the site's own threshold, even for a reader who is that site's data
steward. Plan progress counts priorities, goals and action steps, never people.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, QuerySet
from django.utils import timezone

from reentrykit.assessment.models import Round, RoundStatus
from reentrykit.assessment.scoring import RoundScore
from reentrykit.assessment.selectors import round_score
from reentrykit.coalitions.models import Coalition
from reentrykit.core.access import NetworkAccess, as_viewer
from reentrykit.core.suppression import to_whole_percents
from reentrykit.metrics import selectors as measures
from reentrykit.network.models import (
    ActionItem,
    AssistanceRequest,
    CoachingSession,
    NetworkRoleKind,
    NetworkSite,
)
from reentrykit.planning.selectors import Progress, progress_of


def visible_sites(access: NetworkAccess, user: Any) -> QuerySet[NetworkSite]:
    """Every site for a network admin; a coach's assigned sites otherwise."""
    sites = NetworkSite.objects.filter(network=access.network).select_related("coalition")
    return sites if access.is_admin else coached_by(sites, user)


def coached_by(sites: QuerySet[NetworkSite], user: Any) -> QuerySet[NetworkSite]:
    """Those of ``sites`` that ``user`` coaches."""
    return sites.filter(
        coach_assignments__coach__user=user,
        coach_assignments__coach__role=NetworkRoleKind.COACH,
    ).distinct()


@dataclass(frozen=True)
class RoundResult:
    name: str
    score: RoundScore


@dataclass(frozen=True)
class SiteScores:
    """A site's first and latest closed assessment rounds (the same round when it has
    closed only one; both None when it has closed none)."""

    coalition: Coalition
    baseline: RoundResult | None
    latest: RoundResult | None

    @property
    def has_follow_up(self) -> bool:
        return self.baseline is not None and self.latest is not self.baseline


def site_scores(coalition: Coalition) -> SiteScores:
    closed = list(
        Round.objects.filter(coalition=coalition, status=RoundStatus.CLOSED)
        .select_related("instrument_version")
        .order_by("opened_at", "id")
    )
    if not closed:
        return SiteScores(coalition, None, None)
    baseline = RoundResult(closed[0].name, round_score(round_=closed[0]))
    if len(closed) == 1:
        return SiteScores(coalition, baseline, baseline)
    latest = RoundResult(closed[-1].name, round_score(round_=closed[-1]))
    return SiteScores(coalition, baseline, latest)


@dataclass(frozen=True)
class SiteMeasures:
    """A site's headline measures (one-year rates of its latest complete cohort), as a
    viewer of the site sees them; ``cards`` is empty when it has no measures yet."""

    coalition: Coalition
    cohort_year: int | None
    data_through: str | None
    cards: list[dict[str, Any]]

    def card(self, measure: str) -> dict[str, Any] | None:
        return next((card for card in self.cards if card["measure"] == measure), None)


def site_measures(coalition: Coalition) -> SiteMeasures:
    payload = measures.latest_headline(coalition)
    if payload is None:
        return SiteMeasures(coalition, None, None, [])
    cards = measures.headline(as_viewer(coalition), payload)
    for card in cards:  # read outside the site: to a whole percent
        to_whole_percents(card["table"])
    return SiteMeasures(coalition, payload["latest_complete_year"], payload["data_through"], cards)


# The plan progress columns of the dashboard's plans table and its CSV.
PLAN_COLUMNS = (
    "priorities",
    "goals",
    "at_risk",
    "off_track",
    "steps",
    "done",
    "overdue",
    "percent",
    "checks_due",
)
# The columns of each measure in the dashboard's measures table and its CSV: rates to
# a whole percent without counts, as on the published scorecard. Outside the coalition
# the three measures' counts side by side would give away the few people who died
# (each measure's denominator leaves out those who died before its own event), and so
# would rates to one decimal with their intervals (``core.suppression.to_whole_percents``).
MEASURE_COLUMNS = ("rate", "ci_low", "ci_high", "unstable")


@dataclass(frozen=True)
class CrossSite:
    """What the cross-site dashboard shows: per site, scores and measures."""

    scores: list[SiteScores]
    measures: list[SiteMeasures]
    plans: list[Progress]

    @property
    def sections(self) -> list[tuple[str, str]]:
        """(key, title) of the assessment's sections, from the first scored round."""
        for entry in self.scores:
            if entry.baseline is not None:
                return [(section.key, section.title) for section in entry.baseline.score.sections]
        return []

    def score_rows(self) -> list[dict[str, Any]]:
        """One row per site and round shown: ``site``, ``round`` (which: "first",
        "latest" or "first and latest"), ``name``, ``overall`` and each section's key."""
        rows = []
        for entry in self.scores:
            site = entry.coalition.name
            if entry.baseline is None:
                rows.append({"site": site, "round": "", "name": "", "overall": None})
                continue
            shown = [("first and latest", entry.baseline)]
            if entry.has_follow_up and entry.latest is not None:
                shown = [("first", entry.baseline), ("latest", entry.latest)]
            for which, result in shown:
                row = {"site": site, "round": which, "name": result.name}
                row["overall"] = result.score.overall.score
                row.update({section.key: section.score.score for section in result.score.sections})
                rows.append(row)
        return rows

    def measure_rows(self) -> list[dict[str, Any]]:
        """One row per site: ``site``, ``cohort_year``, ``data_through``, and for each
        headline measure its :data:`MEASURE_COLUMNS` as ``<measure>_<column>``, a
        hidden figure written as the site's pages write it ("<11", "suppressed")."""
        rows = []
        for entry in self.measures:
            row: dict[str, Any] = {
                "site": entry.coalition.name,
                "cohort_year": entry.cohort_year,
                "data_through": entry.data_through,
            }
            for measure in measures.HEADLINE_MEASURES:
                card = entry.card(measure)
                for column in MEASURE_COLUMNS:
                    row[f"{measure}_{column}"] = _shown(card, column)
            rows.append(row)
        return rows

    def plan_rows(self) -> list[dict[str, Any]]:
        """One row per site: ``site`` and its plan's :class:`Progress` counts."""
        return [
            {
                "site": entry.coalition.name,
                **{column: getattr(plan, column) for column in PLAN_COLUMNS},
            }
            for entry, plan in zip(self.scores, self.plans, strict=True)
        ]


def _shown(card: dict[str, Any] | None, column: str) -> Any:
    if card is None or not card["table"].rows:
        return None
    hidden = card["table"].display(0, column)
    if hidden:
        return hidden
    # As the page has it: to a whole percent (``site_measures``).
    return card["row"].get(column)


def cross_site(access: NetworkAccess, user: Any) -> CrossSite:
    coalitions = [site.coalition for site in visible_sites(access, user)]
    today = timezone.localdate()
    return CrossSite(
        scores=[site_scores(coalition) for coalition in coalitions],
        measures=[site_measures(coalition) for coalition in coalitions],
        plans=[progress_of(coalition, today=today) for coalition in coalitions],
    )


# -- coaching ------------------------------------------------------------------------

# The coach's view lists open action items due within this many days besides the overdue.
DUE_SOON_DAYS = 14


def coached_sites(coalition: Coalition, user: Any) -> list[NetworkSite]:
    """The coalition's sites (one per network it joined) that ``user`` coaches."""
    sites = NetworkSite.objects.filter(coalition=coalition).select_related("network", "coalition")
    return list(coached_by(sites, user))


def coalition_sessions(coalition: Coalition) -> QuerySet[CoachingSession]:
    return (
        CoachingSession.objects.filter(site__coalition=coalition)
        .select_related("site__network", "coach")
        .prefetch_related("action_items")
    )


def coalition_requests(coalition: Coalition) -> QuerySet[AssistanceRequest]:
    return AssistanceRequest.objects.filter(site__coalition=coalition).select_related(
        "site__network", "requested_by", "answered_by"
    )


@dataclass(frozen=True)
class CoachingOverview:
    """A network reader's coaching work across the sites they see."""

    overdue: list[ActionItem]
    due_soon: list[ActionItem]
    open_requests: list[AssistanceRequest]
    last_session: dict[int, dt.date]  # site id -> the date of its latest session


def coaching_overview(access: NetworkAccess, user: Any, *, today: dt.date) -> CoachingOverview:
    sites = visible_sites(access, user)
    open_items = list(
        ActionItem.objects.filter(session__site__in=sites, done_on__isnull=True)
        .select_related("session__site__coalition")
        .order_by("due_on", "id")
    )
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    last = (
        CoachingSession.objects.filter(site__in=sites)
        .values("site")
        .annotate(latest=Max("held_on"))
        .values_list("site", "latest")
    )
    return CoachingOverview(
        overdue=[item for item in open_items if item.is_overdue(today)],
        due_soon=[item for item in open_items if today <= item.due_on <= soon],
        open_requests=list(
            AssistanceRequest.objects.filter(
                site__in=sites, status=AssistanceRequest.Status.OPEN
            ).select_related("site__coalition", "requested_by")
        ),
        last_session=dict(last),
    )
