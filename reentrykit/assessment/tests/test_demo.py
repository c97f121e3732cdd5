"""The demo seed's assessment rounds."""

from __future__ import annotations

import pytest

from reentrykit.assessment import selectors
from reentrykit.assessment.demo import seed_assessment
from reentrykit.assessment.models import ConsensusRating, Respondent, Response, Round
from reentrykit.core.audit import audit_actor
from reentrykit.core.demo import DemoWorld, seed_foundation


def seed_demo() -> None:
    """The core seeder and ours only: the other modules' seeders are theirs to test."""
    world = DemoWorld()
    with audit_actor(None, "seed"):
        seed_foundation(world)
        seed_assessment(world)


@pytest.mark.django_db
def test_it_seeds_demo_rounds_once() -> None:
    seed_demo()
    counts = (Round.objects.count(), Respondent.objects.count(), Response.objects.count())
    closed = Round.objects.filter(status="closed")
    assert closed.filter(name="Baseline 2025").count() == 5
    assert set(
        closed.filter(name="Spring 2026 follow-up").values_list("coalition__slug", flat=True)
    ) == {
        "harlow-county",
        "calder-valley",
    }
    for round_ in closed:
        assert round_.respondents.count() >= 3
        score = selectors.round_score(round_=round_)
        assert score.overall.score is not None
    baseline = closed.get(coalition__slug="harlow-county", name="Baseline 2025")
    follow_up = closed.get(coalition__slug="harlow-county", name="Spring 2026 follow-up")
    assert selectors.previous_round(round_=follow_up) == baseline
    assert (
        selectors.round_score(round_=follow_up).overall.score
        > selectors.round_score(round_=baseline).overall.score
    )
    assert any(selectors.round_score(round_=entry).disagreements for entry in closed)
    assert Response.objects.filter(dont_know=True).exists()
    assert ConsensusRating.objects.exists()

    seed_demo()
    assert (Round.objects.count(), Respondent.objects.count(), Response.objects.count()) == counts


@pytest.mark.django_db
def test_each_demo_coalition_marks_its_weakest_components_as_candidates() -> None:
    from reentrykit.assessment.models import CandidatePriority

    seed_demo()
    seed_demo()  # a second run adds nothing
    for round_ in Round.objects.filter(name="Spring 2026 follow-up"):
        score = selectors.round_score(round_=round_)
        weakest = [c.key for c, _ in selectors.weak_components(round_=round_, score=score)][:2]
        marked = CandidatePriority.objects.filter(coalition=round_.coalition, round=round_)
        assert sorted(marked.values_list("component_key", flat=True)) == sorted(weakest)
        assert len(weakest) == 2
    assert CandidatePriority.objects.values("coalition").distinct().count() == 5
