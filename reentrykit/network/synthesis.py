"""The synthesis report: what a network's sites learned, for the end of a pilot.

Progress per site (assessment scores, the one-year rearrest rate suppressed as on every
network page, plan action steps done, coaching and action items, practices shared),
the priorities sites have in common, the practices they shared, and their lessons
learned grouped by the assessment section they concern.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from reentrykit.assessment.instrument import load_instrument
from reentrykit.assessment.models import CandidatePriority
from reentrykit.core.access import NetworkAccess
from reentrykit.data.schema import NEED_LABELS
from reentrykit.library.models import Practice, PracticeTag
from reentrykit.library.selectors import COMPONENT, component_choices
from reentrykit.network.models import Network, NetworkSite
from reentrykit.network.selectors import CrossSite, cross_site, visible_sites
from reentrykit.resources.reentry_map import gap_label

OTHER_THEME = "Other lessons"


@dataclass(frozen=True)
class SiteWork:
    """A site's coaching and sharing: sessions, action items (done, all), practices."""

    sessions: int
    items_done: int
    items: int
    practices: int


@dataclass(frozen=True)
class Synthesis:
    network: Network
    board: CrossSite
    work: dict[int, SiteWork]  # by coalition id
    priorities: list[tuple[str, list[str]]]  # (component label, site names), most shared first
    practice_areas: list[tuple[str, int]]  # (component label, practices), most first
    featured: list[Practice]
    lessons: list[tuple[str, list[Practice]]]  # (section label, lessons)

    def site_rows(self) -> list[dict[str, Any]]:
        """One row per site: its name, scores, headline measures and work."""
        rows = []
        board = self.board
        for scores, measures, plan in zip(board.scores, board.measures, board.plans, strict=True):
            rows.append(
                {
                    "site": scores.coalition.name,
                    "scores": scores,
                    "rearrest": measures.card("rearrest"),
                    "cohort_year": measures.cohort_year,
                    "plan": plan,
                    "work": self.work[scores.coalition.pk],
                }
            )
        return rows


def synthesis(access: NetworkAccess, user: Any) -> Synthesis:
    sites = list(visible_sites(access, user))
    coalitions = [site.coalition for site in sites]
    practices = Practice.objects.filter(site__in=sites).select_related("site__coalition")
    return Synthesis(
        network=access.network,
        board=cross_site(access, user),
        work=_work(sites),
        priorities=_priorities(coalitions),
        practice_areas=_practice_areas(practices),
        featured=list(practices.filter(featured=True)),
        lessons=_lessons(practices.filter(kind=Practice.Kind.LESSON).prefetch_related("tags")),
    )


def _work(sites: list[Any]) -> dict[int, SiteWork]:
    """Each site's coaching and sharing, counted in one query."""
    counted = NetworkSite.objects.filter(pk__in=[site.pk for site in sites]).annotate(
        sessions=Count("coaching_sessions", distinct=True),
        items_done=Count(
            "coaching_sessions__action_items",
            filter=Q(coaching_sessions__action_items__done_on__isnull=False),
            distinct=True,
        ),
        items=Count("coaching_sessions__action_items", distinct=True),
        shared=Count("practices", distinct=True),
    )
    return {
        site.coalition_id: SiteWork(site.sessions, site.items_done, site.items, site.shared)
        for site in counted
    }


def _priorities(coalitions: list[Any]) -> list[tuple[str, list[str]]]:
    """What sites marked as candidate priorities (assessment components, and gaps in
    services for a need), shared ones first."""
    labels = dict(component_choices())
    by_component: dict[str, set[str]] = defaultdict(set)
    for source, key, name in CandidatePriority.objects.filter(coalition__in=coalitions).values_list(
        "source", "component_key", "coalition__name"
    ):
        if source == "resources":
            label = f"Services for {NEED_LABELS.get(key, key).lower()} needs"
        elif source == "map":
            label = f"Reentry map: {gap_label(key).lower()}"
        else:
            label = labels.get(key, key)
        by_component[label].add(name)
    ranked = sorted(by_component.items(), key=lambda pair: (-len(pair[1]), pair[0]))
    return [(label, sorted(names)) for label, names in ranked]


def _practice_areas(practices: Any) -> list[tuple[str, int]]:
    labels = dict(component_choices())
    counts = Counter(
        PracticeTag.objects.filter(practice__in=practices, tag__startswith=COMPONENT)
        .values_list("tag", flat=True)
        .iterator()
    )
    ranked = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    return [(labels.get(tag.removeprefix(COMPONENT), tag), count) for tag, count in ranked]


def _lessons(lessons: Any) -> list[tuple[str, list[Practice]]]:
    """Lessons under the first assessment section they are tagged with, in section order."""
    sections = load_instrument().sections
    section_of = {c.key: s.label for s in sections for c in s.components}
    themes: dict[str, list[Practice]] = defaultdict(list)
    for lesson in lessons:
        keys = sorted(
            t.tag.removeprefix(COMPONENT) for t in lesson.tags.all() if t.tag.startswith(COMPONENT)
        )
        theme = next((section_of[key] for key in keys if key in section_of), OTHER_THEME)
        themes[theme].append(lesson)
    order = [s.label for s in sections] + [OTHER_THEME]
    return [(theme, themes[theme]) for theme in order if theme in themes]
