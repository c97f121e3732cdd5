"""Scores of an assessment round: pure functions over answers and consensus ratings.

The rules (issue 3, "Results"):

- An item's rating is the consensus rating when one was recorded; otherwise the
  median of its numeric responses, taking the lower middle value when their number
  is even (so a split room never rounds itself up), marked as ``median``.
- Don't know answers are left out. An item with no numeric response and no
  consensus is not scored and counts as a *knowledge gap*.
- A score is the sum of the scored items' ratings as a percent of their maximum
  (3 per item), rounded half up to one decimal.
- Section and overall scores pool their items, rather than averaging component
  scores: every item weighs the same whatever the size of its component, and a
  component with knowledge gaps does not distort the others.
- Bands on the rounded score: 65 and over strong, 55 to 64.9 solid, 46 to 54.9
  developing, 45.9 and under needs focus.
- An item is a disagreement when its numeric responses are two or more levels apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from reentrykit.assessment.instrument import Component, Instrument

MAX_RATING = 3
DISAGREEMENT_SPREAD = 2

# An answer is a rating 0–3, or None for Don't know.
Answer = int | None


class Band(StrEnum):
    STRONG = "strong"
    SOLID = "solid"
    DEVELOPING = "developing"
    NEEDS_FOCUS = "needs_focus"

    @property
    def label(self) -> str:
        return {
            "strong": "Strong",
            "solid": "Solid",
            "developing": "Developing",
            "needs_focus": "Needs focus",
        }[self.value]

    @property
    def is_weak(self) -> bool:
        """The two lowest bands, for which the results recommend activities."""
        return self in (Band.DEVELOPING, Band.NEEDS_FOCUS)


BAND_FLOORS: tuple[tuple[Decimal, Band], ...] = (
    (Decimal("65"), Band.STRONG),
    (Decimal("55"), Band.SOLID),
    (Decimal("46"), Band.DEVELOPING),
)


def band_for(score: float | None) -> Band | None:
    if score is None:
        return None
    value = Decimal(str(score))
    for floor, band in BAND_FLOORS:
        if value >= floor:
            return band
    return Band.NEEDS_FOCUS


def median_rating(ratings: Sequence[int]) -> int | None:
    """The median; with an even count, the lower of the two middle values."""
    if not ratings:
        return None
    ordered = sorted(ratings)
    return ordered[(len(ordered) - 1) // 2]


def exact_percent(ratings: Sequence[int]) -> Decimal | None:
    """The percent of the maximum, unrounded."""
    if not ratings:
        return None
    return Decimal(sum(ratings) * 100) / Decimal(MAX_RATING * len(ratings))


def _one_decimal(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def percent_of_max(ratings: Sequence[int]) -> float | None:
    exact = exact_percent(ratings)
    return None if exact is None else _one_decimal(exact)


def is_disagreement(ratings: Sequence[int]) -> bool:
    return bool(ratings) and max(ratings) - min(ratings) >= DISAGREEMENT_SPREAD


@dataclass(frozen=True)
class ItemScore:
    key: str
    rating: int | None
    source: str | None  # "consensus", "median", or None when not scored
    ratings: tuple[int, ...]  # the numeric responses, sorted
    dont_know: int
    disagreement: bool

    @property
    def knowledge_gap(self) -> bool:
        return self.rating is None

    @property
    def responses(self) -> int:
        return len(self.ratings) + self.dont_know


def item_score(key: str, answers: Sequence[Answer], consensus: int | None = None) -> ItemScore:
    numeric = tuple(sorted(answer for answer in answers if answer is not None))
    dont_know = len(answers) - len(numeric)
    if consensus is not None:
        rating, source = consensus, "consensus"
    else:
        rating = median_rating(numeric)
        source = None if rating is None else "median"
    return ItemScore(
        key=key,
        rating=rating,
        source=source,
        ratings=numeric,
        dont_know=dont_know,
        disagreement=is_disagreement(numeric),
    )


@dataclass(frozen=True)
class Score:
    score: float | None
    band: Band | None
    # The unrounded percent, so that a change between rounds is not a change of roundings.
    exact: Decimal | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, items: Iterable[ItemScore]) -> Score:
        exact = exact_percent([item.rating for item in items if item.rating is not None])
        score = None if exact is None else _one_decimal(exact)
        return cls(score, band_for(score), exact)

    def change_since(self, before: Score | None) -> float | None:
        """Points gained since ``before``, from the unrounded percents, to one decimal."""
        if before is None or self.score is None or before.score is None:
            return None
        if self.exact is None or before.exact is None:
            return round(self.score - before.score, 1)
        return _one_decimal(self.exact - before.exact)


@dataclass(frozen=True)
class ComponentScore:
    key: str
    title: str
    score: Score
    items: tuple[ItemScore, ...]

    @property
    def knowledge_gaps(self) -> int:
        return sum(1 for item in self.items if item.knowledge_gap)


@dataclass(frozen=True)
class SectionScore:
    key: str
    title: str
    score: Score
    components: tuple[ComponentScore, ...]

    @property
    def items(self) -> list[ItemScore]:
        return [item for component in self.components for item in component.items]


@dataclass(frozen=True)
class RoundScore:
    overall: Score
    sections: tuple[SectionScore, ...]

    @property
    def items(self) -> list[ItemScore]:
        return [item for section in self.sections for item in section.items]

    @property
    def disagreements(self) -> list[str]:
        return [item.key for item in self.items if item.disagreement]

    @property
    def knowledge_gaps(self) -> list[str]:
        return [item.key for item in self.items if item.knowledge_gap]

    def component(self, key: str) -> ComponentScore | None:
        return next(
            (
                component
                for section in self.sections
                for component in section.components
                if component.key == key
            ),
            None,
        )

    def as_json(self) -> dict[str, object]:
        """The shape of ``reentrykit assessment results --format json`` (a stable contract)."""
        return {
            "overall": _score_json(self.overall),
            "sections": [
                {
                    "key": section.key,
                    **_score_json(section.score),
                    "components": [
                        {
                            "key": component.key,
                            **_score_json(component.score),
                            "knowledge_gaps": component.knowledge_gaps,
                        }
                        for component in section.components
                    ],
                }
                for section in self.sections
            ],
            "disagreements": self.disagreements,
        }


def _score_json(score: Score) -> dict[str, object]:
    return {"score": score.score, "band": score.band.value if score.band else None}


def score_component(
    component: Component,
    answers: Mapping[str, Sequence[Answer]],
    consensus: Mapping[str, int],
) -> ComponentScore:
    items = tuple(
        item_score(item.key, list(answers.get(item.key, ())), consensus.get(item.key))
        for item in component.items
    )
    return ComponentScore(component.key, component.title, Score.of(items), items)


def score_round(
    instrument: Instrument,
    answers: Mapping[str, Sequence[Answer]],
    consensus: Mapping[str, int],
) -> RoundScore:
    """Score every item of ``instrument`` from ``answers`` (by item key) and ``consensus``."""
    sections = []
    for section in instrument.sections:
        components = tuple(
            score_component(component, answers, consensus) for component in section.components
        )
        items = [item for component in components for item in component.items]
        sections.append(SectionScore(section.key, section.title, Score.of(items), components))
    all_items = [item for section in sections for item in section.items]
    return RoundScore(Score.of(all_items), tuple(sections))


def score_items(
    keys: Sequence[str],
    answers: Mapping[str, Sequence[Answer]],
    consensus: Mapping[str, int],
) -> tuple[Score, tuple[ItemScore, ...]]:
    """Score a loose list of items, such as a round's local items, on their own."""
    items = tuple(item_score(key, list(answers.get(key, ())), consensus.get(key)) for key in keys)
    return Score.of(items), items
