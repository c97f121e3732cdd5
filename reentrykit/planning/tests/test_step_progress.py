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


def test_a_step_done_must_be_100_percent_complete_as_the_field_says(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    """Done with 20% is refused at the percent, as "Not started" with 80% is, rather
    than saved as 100% without a word."""
    goal = _goal(world)
    client = signed_in(world.coordinator)
    url = f"/c/riverton/plan/goals/{goal.pk}/steps/new/"
    page = client.get(url).content.decode()
    assert "100 for a step done" in page
    step = {
        "description": "Sign the data agreement",
        "owner_organization": str(world.jail.pk),
        "starts_on": "2026-01-01",
        "due_on": "2026-02-01",
        "status": "done",
        "percent_complete": "20",
    }
    response = client.post(url, step)
    assert response.status_code == 200, "a step 'done' but 20% complete was saved"
    assert response.context["form"].errors == {
        "percent_complete": [
            "A step that is done is 100% complete: enter 100, or choose “In progress” "
            "for a step 20% complete."
        ]
    }
    assert not ActionStep.objects.filter(goal=goal).exists()
    assert client.post(url, {**step, "percent_complete": "100"}).status_code == 302
    assert ActionStep.objects.get(goal=goal).percent_complete == 100


def test_a_percent_out_of_range_is_told_only_that(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    goal = _goal(world)
    response = signed_in(world.coordinator).post(
        f"/c/riverton/plan/goals/{goal.pk}/steps/new/",
        {
            "description": "Sign the data agreement",
            "owner_organization": str(world.jail.pk),
            "starts_on": "2026-01-01",
            "due_on": "2026-02-01",
            "status": "done",
            "percent_complete": "99999",
        },
    )
    assert response.context["form"].errors == {"percent_complete": ["Enter 100 or less."]}
    assert not ActionStep.objects.filter(goal=goal).exists()
