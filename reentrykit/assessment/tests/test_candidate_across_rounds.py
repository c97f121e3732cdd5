"""A component weak in two rounds stays one candidate priority: the members' scores of
it from the first round stay on the plan, and the second round's page says it is one."""

from __future__ import annotations

from pathlib import Path

from reentrykit.assessment.models import CandidatePriority
from reentrykit.assessment.testing import closed_round
from reentrykit.planning.models import CandidateScore
from reentrykit.planning.selectors import open_candidates
from reentrykit.testing import World, page_words

BASE = "/c/riverton/assess/"


def test_a_component_weak_again_keeps_its_candidate_and_scores(
    world: World, test_instrument: Path, signed_in
) -> None:  # type: ignore[no-untyped-def]
    ratings = {"1": 0, "2": 0}
    first = closed_round(world, "Baseline", ratings)
    second = closed_round(world, "A year on", ratings)
    client = signed_in(world.coordinator)
    client.post(f"{BASE}rounds/{first.pk}/results/candidates/", {"component_key": "2.1"})
    candidate = CandidatePriority.objects.get()
    CandidateScore.objects.create(candidate=candidate, scorer=world.member, impact=5, feasibility=4)

    answer = client.post(
        f"{BASE}rounds/{second.pk}/results/candidates/", {"component_key": "2.1"}, follow=True
    )
    assert "is a candidate priority already, from the round “Baseline”" in page_words(answer)
    assert CandidatePriority.objects.get() == candidate
    (shown,) = [c for c in open_candidates(world.coalition) if c.candidate.component_key == "2.1"]
    assert (shown.candidate, shown.scores, shown.impact) == (candidate, 1, 5)
    # The second round's results say the component is a candidate, with no button.
    page = client.get(f"{BASE}rounds/{second.pk}/results/").content.decode()
    recommendation = page[page.index('id="recommend-2.1"') :]
    recommendation = recommendation[: recommendation.index("</section>")]
    assert "Candidate priority" in recommendation
    assert 'name="component_key" value="2.1"' not in recommendation
