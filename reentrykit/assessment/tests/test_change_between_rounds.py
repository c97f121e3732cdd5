"""Change since the previous round is the change in the scores, not in their roundings."""

from __future__ import annotations

from pathlib import Path

from reentrykit.assessment import reports
from reentrykit.assessment.testing import closed_round
from reentrykit.testing import World


def test_the_change_since_the_previous_round_is_worked_from_the_exact_scores(
    world: World, test_instrument: Path, signed_in
) -> None:  # type: ignore[no-untyped-def]
    # Every item rated 1, then every item rated 2: from 1/3 to 2/3 of the maximum, shown
    # as 33.3% and 66.7%. The change is a third of the maximum: 33.3 points, not the
    # 33.4 that subtracting the two rounded scores gives.
    closed_round(world, "Baseline", {"1": 1, "2": 1})
    follow_up = closed_round(world, "Follow-up", {"1": 2, "2": 2})

    results = reports.round_results(follow_up, with_charts=False)
    assert results.score.overall.score == 66.7 and results.previous_score is not None
    assert results.previous_score.overall.score == 33.3
    assert results.overall_change == 33.3
    assert [section.change for section in results.sections] == [33.3, 33.3]
    assert {row.change for section in results.sections for row in section.rows} == {33.3}

    page = signed_in(world.coordinator).get(f"/c/riverton/assess/rounds/{follow_up.pk}/results/")
    assert "+33.3 points since" in page.content.decode()
    assert "+33.4" not in page.content.decode()
    # Beside 66.7% and 33.3%, the page says why the change is not their difference.
    assert "worked out from the scores before rounding" in page.content.decode()
