"""A new goal is reached by a date still to come; a goal whose date has passed since
it was set still saves when edited."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from reentrykit.planning.models import Goal, Priority
from reentrykit.testing import World

PLAN = "/c/riverton/plan/"


def test_a_new_goal_reached_by_a_date_passed_already_is_refused_at_the_date(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    priority = Priority.objects.create(coalition=world.coalition, title="Jobs")
    client = signed_in(world.member)
    url = f"{PLAN}priorities/{priority.pk}/goals/new/"
    goal = {"statement": "Jobs within 90 days of release", "milestone_on": "2020-01-01"}
    response = client.post(url, goal)
    assert response.status_code == 200
    today = timezone.localdate()
    assert response.context["form"].errors == {
        "milestone_on": [
            f"A goal is reached by a date still to come: choose {today:%B %-d, %Y} or later, "
            "or leave it empty."
        ]
    }
    assert not Goal.objects.exists()
    assert client.post(url, {**goal, "milestone_on": today.isoformat()}).status_code == 302
    assert Goal.objects.get().milestone_on == today


def test_a_goal_whose_date_has_passed_still_saves_but_takes_no_other_past_date(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    priority = Priority.objects.create(coalition=world.coalition, title="Jobs")
    goal = Goal.objects.create(
        priority=priority, statement="Jobs within 90 days", milestone_on=dt.date(2024, 6, 30)
    )
    client = signed_in(world.member)
    url = f"{PLAN}goals/{goal.pk}/"
    edit = {"statement": "Jobs within 60 days", "milestone_on": "2024-06-30"}
    assert client.post(url, edit).status_code == 302
    goal.refresh_from_db()
    assert (goal.statement, goal.milestone_on) == ("Jobs within 60 days", dt.date(2024, 6, 30))
    response = client.post(url, {**edit, "milestone_on": "2024-01-31"})
    assert "milestone_on" in response.context["form"].errors
    goal.refresh_from_db()
    assert goal.milestone_on == dt.date(2024, 6, 30)
