"""Demo assessment rounds: a closed baseline for every demo coalition, progress for two.

Answers are drawn from a seeded random generator around a profile per coalition,
so the seed gives the same rounds every time. Rounds are found by name before they
are made, so seeding twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.utils import timezone

from reentrykit.assessment import selectors, services
from reentrykit.assessment.instrument import load_instrument
from reentrykit.assessment.models import Round
from reentrykit.coalitions.models import Coalition
from reentrykit.core.demo import DEMO_COALITIONS, DemoWorld, register_demo_seeder

DEMO_VERSION = "1"
COMPONENTS = ("1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "2.5", "3.1", "3.2", "3.3", "3.4")


@dataclass(frozen=True)
class DemoRound:
    name: str
    opened: dt.date
    closed: dt.date | None
    # The typical rating of each component (in COMPONENTS order), before each person's view.
    levels: tuple[float, ...]
    respondents: tuple[str, ...] = ("coordinator", "member1", "member2")
    # For an open round: how many items each respondent has answered so far.
    answered: dict[str, int] | None = None


BASELINE_OPENED = dt.date(2025, 9, 8)
BASELINE_CLOSED = dt.date(2025, 10, 17)
FOLLOW_UP_OPENED = dt.date(2026, 4, 6)
FOLLOW_UP_CLOSED = dt.date(2026, 5, 15)

DEMO_ROUNDS: dict[str, tuple[DemoRound, ...]] = {
    "harlow-county": (
        DemoRound(
            "Baseline 2025",
            BASELINE_OPENED,
            BASELINE_CLOSED,
            (2.3, 1.4, 1.2, 1.5, 0.8, 1.6, 1.2, 0.6, 1.1, 1.7, 1.4, 1.8),
        ),
        DemoRound(
            "Spring 2026 follow-up",
            FOLLOW_UP_OPENED,
            FOLLOW_UP_CLOSED,
            (2.5, 2.0, 1.8, 2.0, 1.6, 1.9, 1.4, 1.3, 1.4, 1.9, 1.8, 2.0),
        ),
    ),
    "river-bend": (
        DemoRound(
            "Baseline 2025",
            BASELINE_OPENED,
            BASELINE_CLOSED,
            (1.8, 1.2, 1.0, 1.3, 1.0, 1.1, 0.9, 0.7, 2.0, 1.6, 2.2, 1.3),
            respondents=("coordinator", "member1", "member2", "coordinator@harlow.demo.test"),
        ),
    ),
    "calder-valley": (
        DemoRound(
            "Baseline 2025",
            BASELINE_OPENED,
            BASELINE_CLOSED,
            (1.6, 0.9, 0.8, 1.0, 0.5, 1.4, 1.0, 0.4, 0.9, 1.2, 1.9, 1.5),
        ),
        DemoRound(
            "Spring 2026 follow-up",
            FOLLOW_UP_OPENED,
            FOLLOW_UP_CLOSED,
            (2.0, 1.6, 1.5, 1.6, 1.2, 1.8, 1.3, 1.2, 1.2, 1.5, 2.2, 1.7),
        ),
    ),
    "port-alder": (
        DemoRound(
            "Baseline 2025",
            BASELINE_OPENED,
            BASELINE_CLOSED,
            (2.0, 1.5, 1.4, 0.9, 0.6, 0.8, 0.7, 0.5, 1.9, 1.5, 1.7, 2.4),
        ),
        # An open round, part-answered, so the demo can show answering and consensus.
        DemoRound(
            "Fall 2026 check-in",
            dt.date(2026, 10, 5),
            None,
            (2.1, 1.7, 1.5, 1.1, 0.9, 1.0, 0.9, 0.8, 2.0, 1.6, 1.8, 2.4),
            answered={"coordinator": 49, "member1": 20, "member2": 13},
        ),
    ),
    "granite-ridge": (
        DemoRound(
            "Baseline 2025",
            BASELINE_OPENED,
            BASELINE_CLOSED,
            (1.2, 0.4, 0.3, 0.5, 0.2, 0.7, 0.6, 0.2, 0.8, 1.0, 0.9, 1.9),
        ),
    ),
}

# Each person's leaning (some rate generously, some strictly) and how often they are unsure.
LEANINGS = {"coordinator": 0.2, "member1": -0.3, "member2": 0.4}
UNSURE = {"coordinator": 0.04, "member1": 0.12, "member2": 0.1}
CONSENSUS_NOTES = (
    "Agreed after discussion: true for people leaving the jail, not yet for those leaving prison.",
    "The providers see gaps the agencies do not; we settled on the lower rating.",
    "Written policy exists but is not followed everywhere.",
)


def seed_assessment(world: DemoWorld) -> None:
    for slug, rounds in DEMO_ROUNDS.items():
        coalition = world.coalitions.get(slug)
        if coalition is None:
            continue
        for spec in rounds:
            if not Round.objects.filter(coalition=coalition, name=spec.name).exists():
                _seed_round(world, coalition, spec)
        _seed_candidates(world, coalition)


# Each demo coalition marks this many of its weakest components as candidate priorities.
DEMO_CANDIDATES = 2


def _seed_candidates(world: DemoWorld, coalition: Coalition) -> None:
    """The weakest components of the latest closed round, as a coordinator would mark
    them; nothing when the coalition has marked some already."""
    if coalition.candidate_priorities.exists():
        return
    latest = (
        Round.objects.filter(coalition=coalition, status="closed")
        .order_by("-opened_at", "-id")
        .first()
    )
    if latest is None:
        return
    score = selectors.round_score(round_=latest)
    coordinator = world.users[_email(coalition.slug, "coordinator")]
    for component, _result in selectors.weak_components(round_=latest, score=score)[
        :DEMO_CANDIDATES
    ]:
        services.candidate_priority_create(
            round_=latest, component_key=component.key, created_by=coordinator
        )


def _email(coalition_slug: str, person: str) -> str:
    """A demo person's email: a local part of this coalition, or a full address."""
    if "@" in person:
        return person
    spec = next(entry for entry in DEMO_COALITIONS if entry.slug == coalition_slug)
    return spec.email(person)


def _seed_round(world: DemoWorld, coalition: Coalition, spec: DemoRound) -> None:
    instrument = load_instrument(DEMO_VERSION)
    rng = random.Random(f"{coalition.slug}:{spec.name}")  # noqa: S311 - demo data, not security
    round_ = services.round_open(coalition=coalition, name=spec.name, version=DEMO_VERSION)
    items = instrument.items()
    answers_by_item: dict[str, list[int]] = {}
    for person in spec.respondents:
        user = world.users[_email(coalition.slug, person)]
        respondent = services.respondent_add(round_=round_, user=user)
        leaning = LEANINGS.get(person, 0.0)
        unsure = UNSURE.get(person, 0.08)
        limit = (spec.answered or {}).get(person, len(items))
        for item in items[:limit]:
            level = spec.levels[COMPONENTS.index(item.component_key)]
            if rng.random() < unsure:
                answer: int | str = "dont_know"
            else:
                answer = max(
                    0, min(3, round(level + leaning + rng.choice((-1, -0.5, 0, 0, 0.5, 1))))
                )
                answers_by_item.setdefault(item.key, []).append(int(answer))
            services.response_save(
                round_=round_, respondent=respondent, item_key=item.key, answer=answer
            )
    if spec.closed is None:
        _backdate(round_, spec.opened, None)
        return
    flagged = [key for key, ratings in answers_by_item.items() if max(ratings) - min(ratings) >= 2]
    for note, key in zip(CONSENSUS_NOTES, flagged, strict=False):
        ratings = sorted(answers_by_item[key])
        services.consensus_record(
            round_=round_,
            item_key=key,
            rating=ratings[(len(ratings) - 1) // 2],
            note=note,
            decided_by=world.users[_email(coalition.slug, "coordinator")],
        )
    services.round_close(
        round_=round_, closed_by=world.users[_email(coalition.slug, "coordinator")]
    )
    _backdate(round_, spec.opened, spec.closed)


def _backdate(round_: Round, opened: dt.date, closed: dt.date | None) -> None:
    def moment(day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))

    round_.refresh_from_db()
    round_.opened_at = moment(opened)
    if closed is not None:
        round_.closed_at = moment(closed)
    round_.save(update_fields=["opened_at", "closed_at"])


register_demo_seeder("assessment", 20, seed_assessment)
