"""A public safety objective that goals serve is not removed from under them: the
crosswalk would lose their links without a word. One no goal serves is removed."""

from __future__ import annotations

from reentrykit.planning.models import Goal, Priority, SafetyObjective
from reentrykit.testing import World, page_words

SAFETY = "/c/riverton/plan/public-safety/"


def _objective(world: World) -> SafetyObjective:
    return SafetyObjective.objects.create(
        coalition=world.coalition,
        plan_name="Riverton Public Safety Plan",
        objective="Cut repeat violent offending",
    )


def test_it_keeps_an_objective_that_goals_serve_and_names_them(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    objective = _objective(world)
    priority = Priority.objects.create(coalition=world.coalition, title="Jobs")
    for statement in ("Jobs within 90 days", "Housing at release"):
        Goal.objects.create(priority=priority, statement=statement).objectives.add(objective)
    response = signed_in(world.member).post(f"{SAFETY}{objective.pk}/", {"delete": "yes"})
    assert response["Location"] == f"{SAFETY}#objective-{objective.pk}"
    words = page_words(signed_in(world.member).get(SAFETY))
    assert (
        "“Cut repeat violent offending” is not removed: 2 goals serve it (“Jobs within 90 "
        "days” and “Housing at release”). Untick it on each goal's form first."
    ) in words
    assert SafetyObjective.objects.filter(pk=objective.pk).exists()
    assert all(goal.objectives.filter(pk=objective.pk).exists() for goal in Goal.objects.all())


def test_it_removes_an_objective_no_goal_serves(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    objective = _objective(world)
    client = signed_in(world.member)
    response = client.post(f"{SAFETY}{objective.pk}/", {"delete": "yes"})
    assert response["Location"] == f"{SAFETY}#main-content"
    assert "The public safety objective is removed." in page_words(client.get(SAFETY))
    assert not SafetyObjective.objects.exists()
