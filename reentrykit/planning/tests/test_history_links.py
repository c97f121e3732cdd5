"""The plan's history records every change, also to what a goal is measured by and
which public safety objectives it serves (many-to-many links, which a plain save of
the goal does not touch)."""

from __future__ import annotations

from reentrykit.metrics.tests.builders import rearrest_indicator
from reentrykit.planning.models import Goal, Priority
from reentrykit.testing import World, page_words

PLAN = "/c/riverton/plan/"


def test_changing_a_goals_indicators_is_in_the_history(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    first = rearrest_indicator(world.coalition, "One-year rearrest")
    second = rearrest_indicator(world.coalition, "Two-year rearrest")
    priority = Priority.objects.create(coalition=world.coalition, title="Jobs")
    goal = Goal.objects.create(priority=priority, statement="Jobs within 90 days")
    goal.indicators.add(first)
    member = signed_in(world.member)
    response = member.post(
        f"{PLAN}goals/{goal.pk}/",
        {"statement": "Jobs within 90 days", "indicators": [str(second.pk)]},
    )
    assert response.status_code == 302
    assert list(goal.indicators.all()) == [second]
    words = page_words(signed_in(world.viewer).get(f"{PLAN}history/"))
    assert "Morgan Member Changed: Goal “Jobs within 90 days”" in words
    # set() unlinks, then links: two changes, each saying what the goal was measured by.
    assert "Measured by: One-year rearrest → —" in words
    assert "Measured by: — → Two-year rearrest" in words
