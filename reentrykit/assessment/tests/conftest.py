"""A hand-worked round on the small test instrument (fixtures/instruments/rpca-t1.yaml).

Four respondents A–D (the world's coordinator, member, steward and viewer) answer
the nine items below; ``None`` is Don't know, a missing letter is no answer. The
scores these give are worked out by hand in test_scoring.py, and the command-line
and page tests expect the same numbers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reentrykit.assessment import services
from reentrykit.assessment.models import Round
from reentrykit.testing import World

FIXTURE_INSTRUMENTS = Path(__file__).parent / "fixtures" / "instruments"

# item key -> {respondent letter: answer}
HAND_WORKED: dict[str, dict[str, int | None]] = {
    "1.1.a": {"A": 3, "B": 2, "C": 2, "D": 3},
    "1.1.b": {"A": 0, "B": 2, "C": None, "D": 1},
    "1.1.c": {"A": None, "B": None, "C": None, "D": None},
    "1.2.a": {"A": 1, "B": 3},
    "1.2.b": {"A": 2, "B": 2, "C": 2},
    "1.2.c": {"A": 3, "B": 1, "C": 2, "D": 0},
    "2.1.a": {"A": 3, "B": 3},
    "2.1.b": {"A": 2, "B": None},
    "2.1.c": {},
}
HAND_WORKED_CONSENSUS = {"1.2.a": 2}

# The results JSON for the hand-worked round, as worked out in test_scoring.py.
HAND_WORKED_RESULTS: dict[str, Any] = {
    "overall": {"score": 61.9, "band": "solid"},
    "sections": [
        {
            "key": "1",
            "score": 53.3,
            "band": "developing",
            "components": [
                {"key": "1.1", "score": 50.0, "band": "developing", "knowledge_gaps": 1},
                {"key": "1.2", "score": 55.6, "band": "solid", "knowledge_gaps": 0},
            ],
        },
        {
            "key": "2",
            "score": 83.3,
            "band": "strong",
            "components": [
                {"key": "2.1", "score": 83.3, "band": "strong", "knowledge_gaps": 1},
            ],
        },
    ],
    "disagreements": ["1.1.b", "1.2.a", "1.2.c"],
}


def respondents_of(world: World) -> dict[str, Any]:
    return {"A": world.coordinator, "B": world.member, "C": world.steward, "D": world.viewer}


def hand_worked_csv(world: World) -> str:
    people = respondents_of(world)
    lines = ["respondent_email,item_key,rating,note"]
    for item_key, answers in HAND_WORKED.items():
        for letter, answer in answers.items():
            rating = "dont_know" if answer is None else str(answer)
            lines.append(f"{people[letter].email},{item_key},{rating},")
    return "\n".join(lines) + "\n"


@pytest.fixture
def test_instrument(settings: Any) -> Path:
    settings.ASSESSMENT_INSTRUMENT_DIR = FIXTURE_INSTRUMENTS
    return FIXTURE_INSTRUMENTS


@pytest.fixture
def hand_worked_round(world: World, test_instrument: Path) -> Round:
    """The hand-worked round, open, with its consensus rating recorded."""
    round_ = services.round_open(coalition=world.coalition, name="Baseline")
    people = respondents_of(world)
    for item_key, answers in HAND_WORKED.items():
        for letter, answer in answers.items():
            respondent = services.respondent_add(round_=round_, user=people[letter])
            services.response_save(
                round_=round_,
                respondent=respondent,
                item_key=item_key,
                answer="dont_know" if answer is None else answer,
                note="",
            )
    for item_key, rating in HAND_WORKED_CONSENSUS.items():
        services.consensus_record(round_=round_, item_key=item_key, rating=rating)
    return round_
