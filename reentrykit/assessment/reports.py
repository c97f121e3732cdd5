"""What a round's results say, gathered once for the results page and the PDF report."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.staticfiles import finders
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from reentrykit.assessment import charts, selectors
from reentrykit.assessment.instrument import Component
from reentrykit.assessment.models import CandidatePriority, Round
from reentrykit.assessment.scoring import Band, ComponentScore, RoundScore, Score
from reentrykit.library.selectors import recommended_practices


@dataclass
class ComponentRow:
    key: str
    title: str
    score: Score
    before: Score | None
    knowledge_gaps: int
    previous: float | None = None
    change: float | None = None

    def __post_init__(self) -> None:
        self.previous = self.before.score if self.before else None
        self.change = self.score.change_since(self.before)


@dataclass
class SectionResult:
    key: str
    title: str
    score: Score
    before: Score | None
    rows: list[ComponentRow]
    chart_svg: str = ""
    chart_uri: str = ""
    previous: float | None = None
    change: float | None = None

    def __post_init__(self) -> None:
        self.previous = self.before.score if self.before else None
        self.change = self.score.change_since(self.before)

    @property
    def label(self) -> str:
        return f"{self.key}. {self.title}"


@dataclass
class Recommendation:
    component: Component
    score: ComponentScore
    candidate: CandidatePriority | None
    # The network library's practices tagged with the component (library.selectors).
    practices: list[Any] = field(default_factory=list)


@dataclass
class Results:
    round: Round
    score: RoundScore
    previous_round: Round | None
    previous_score: RoundScore | None
    sections: list[SectionResult]
    knowledge_gaps: list[dict[str, Any]]
    disagreements: list[dict[str, Any]]
    recommendations: list[Recommendation]
    history: list[dict[str, Any]]
    history_svg: str = ""
    history_uri: str = ""
    local_score: Score = field(default_factory=lambda: Score(None, None))
    local_items: list[Any] = field(default_factory=list)

    @property
    def overall_change(self) -> float | None:
        previous = self.previous_score.overall if self.previous_score else None
        return self.score.overall.change_since(previous)

    @property
    def bands(self) -> list[Band]:
        return list(Band)


def round_results(
    round_: Round, *, with_charts: bool = True, networks: Iterable[Any] = ()
) -> Results:
    """The round's results; each weak component with the practices of ``networks``'
    libraries that address it (the networks the reader reads the library of)."""
    instrument = round_.instrument
    score = selectors.round_score(round_=round_)
    previous_round = selectors.previous_round(round_=round_)
    previous_score = selectors.round_score(round_=previous_round) if previous_round else None
    sections = []
    for section in score.sections:
        before = previous_score and next(
            (entry for entry in previous_score.sections if entry.key == section.key), None
        )
        rows = []
        for component in section.components:
            earlier = previous_score.component(component.key) if previous_score else None
            rows.append(
                ComponentRow(
                    key=component.key,
                    title=component.title,
                    score=component.score,
                    before=earlier.score if earlier else None,
                    knowledge_gaps=component.knowledge_gaps,
                )
            )
        result = SectionResult(
            key=section.key,
            title=section.title,
            score=section.score,
            before=before.score if before else None,
            rows=rows,
        )
        if with_charts:
            result.chart_svg = charts.section_svg(
                charts.section_frame(section, previous_score), title=result.label
            )
            result.chart_uri = charts.svg_data_uri(result.chart_svg)
        sections.append(result)

    consensus = selectors.round_consensus(round_=round_)
    knowledge_gaps = []
    disagreements = []
    for item_score in score.items:
        item = instrument.item(item_score.key)
        assert item is not None  # the scores come from this same instrument
        entry = {"key": item.key, "statement": item.statement, "score": item_score}
        if item_score.knowledge_gap:
            knowledge_gaps.append({**entry, "sectors": item.sector_labels})
        if item_score.disagreement:
            disagreements.append({**entry, "consensus": consensus.get(item.key)})

    candidates = selectors.round_candidates(round_=round_)
    recommendations = [
        Recommendation(component, component_score, candidates.get(component.key))
        for component, component_score in selectors.weak_components(round_=round_, score=score)
    ]
    practices = recommended_practices(networks, [rec.component.key for rec in recommendations])
    for rec in recommendations:
        rec.practices = practices[rec.component.key]

    history_pairs = selectors.round_history(round_=round_)
    history = [
        {"round": entry, "overall": entry_score.overall, "sections": entry_score.sections}
        for entry, entry_score in history_pairs
    ]
    results = Results(
        round=round_,
        score=score,
        previous_round=previous_round,
        previous_score=previous_score,
        sections=sections,
        knowledge_gaps=knowledge_gaps,
        disagreements=disagreements,
        recommendations=recommendations,
        history=history,
    )
    if with_charts and len(history_pairs) >= 2:
        results.history_svg = charts.history_svg(
            charts.history_frame(history_pairs), title="Scores across rounds"
        )
        results.history_uri = charts.svg_data_uri(results.history_svg)
    results.local_score, results.local_items = selectors.local_results(round_=round_)
    return results


def report_pdf(results: Results) -> bytes:
    """The results as a printable PDF, with the section charts as vector graphics."""
    from weasyprint import CSS, HTML

    html = render_to_string(
        "assessment/report.html",
        {
            "results": results,
            "round": results.round,
            "coalition": results.round.coalition,
            "generated": timezone.localtime(),
            "invited": results.round.respondents.count(),
            # Someone answered who gave at least one rating or Don't know (a note alone
            # is a draft).
            "answered": results.round.respondents.filter(
                Q(responses__rating__isnull=False) | Q(responses__dont_know=True)
            )
            .distinct()
            .count(),
        },
    )
    stylesheet = finders.find("assessment/report.css")
    stylesheets = [CSS(filename=stylesheet)] if stylesheet else []
    return HTML(string=html).write_pdf(stylesheets=stylesheets)
