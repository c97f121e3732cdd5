"""An action step's status and percent complete agree."""

from __future__ import annotations

from reentrykit.planning.models import ActionStep
from reentrykit.planning.tests.test_monitoring import _goal
from reentrykit.testing import World


def test_a_step_not_started_cannot_be_100_percent_complete(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    goal = _goal(world)
    client = signed_in(world.coordinator)
    response = client.post(
        f"/c/riverton/plan/goals/{goal.pk}/steps/new/",
        {
            "description": "Sign the data agreement",
            "owner_organization": str(world.jail.pk),
            "starts_on": "2026-01-01",
            "due_on": "2026-02-01",
            "status": "not_started",
            "percent_complete": "100",
        },
    )
    assert response.status_code == 200, "a step 'not started' but 100% complete was saved"
    assert not ActionStep.objects.filter(goal=goal).exists()


def test_the_step_form_says_that_done_means_100_percent(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    """Marking a step done replaces the percent typed with 100; the form must say so,
    or the change is silent."""
    goal = _goal(world)
    client = signed_in(world.coordinator)
    page = client.get(f"/c/riverton/plan/goals/{goal.pk}/steps/new/").content.decode()
    assert "counts as 100" in page, "nothing tells the user that Done overwrites the percent"
