"""Proposed improvements: mechanisms, stakeholders and the impact projection, worked by
hand and hidden wherever the baseline rate is hidden."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal
from typing import Any

import pytest

from reentrykit.metrics.models import MetricSnapshot
from reentrykit.metrics.tests.builders import rearrest_indicator
from reentrykit.planning.models import Goal, Improvement, Priority
from reentrykit.planning.tests.test_plan import _word_text
from reentrykit.testing import World

PLAN = "/c/riverton/plan/"


def _goal(world: World) -> Goal:
    priority = Priority.objects.create(coalition=world.coalition, title="Jobs")
    return Goal.objects.create(priority=priority, statement="Jobs within 90 days")


def _baseline(indicator: Any, cohort: int, recidivists: int) -> None:
    row = {
        "group": "all",
        "cohort": cohort,
        "recidivists": recidivists,
        "rate": recidivists / cohort,
        "ci_low": 0.3,
        "ci_high": 0.6,
    }
    MetricSnapshot.objects.create(
        coalition=indicator.coalition,
        data_through=dt.date(2025, 12, 31),
        payload={"indicators": {str(indicator.pk): {"group": "all", "rows": [row]}}},
    )


def _fields(indicator: Any = None, **changes: Any) -> dict[str, Any]:
    return {
        "description": "Pay for transitional jobs at release",
        "mechanism": "funding",
        "criteria": "The county's fund has money this year.",
        "stakeholders": "Workforce board, employers",
        "decision_makers": "County commissioners",
        "indicator": indicator.pk if indicator else "",
        "people_per_year": "200",
        "effect_percent": "10",
        "bed_days_per_event": "30",
        "cost_per_bed_day": "85.50",
        **changes,
    }


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def test_a_member_proposes_an_improvement_with_its_projection(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    goal = _goal(world)
    indicator = rearrest_indicator(world.coalition)
    _baseline(indicator, 200, 90)  # 45.0%
    client = signed_in(world.member)
    response = client.post(f"{PLAN}goals/{goal.pk}/improvements/new/", _fields(indicator))
    entry = Improvement.objects.get()
    assert response["Location"] == f"{PLAN}#improvement-{entry.pk}"
    assert (entry.goal, entry.mechanism, entry.cost_per_bed_day) == (
        goal,
        "funding",
        Decimal("85.50"),
    )
    page = _text(client.get(PLAN))
    # 200 people x 45% x 10% = 9.0 rearrests averted; x 30 = 270 bed-days; x $85.50.
    projected = (
        "About 9.0 fewer rearrests, 270 jail bed-days and $23,085 saved "
        "(200 people × 45.0% baseline × 10% reduction)"
    )
    assert projected in page
    for words in ("Funding", "Workforce board, employers", "Decided by County commissioners"):
        assert words in page
    word = _word_text(client.get(f"{PLAN}download/?format=docx").content)
    assert "Proposed improvement: Pay for transitional jobs at release (Funding)." in word
    assert f"Projected each year: {projected}." in word  # the sentence ends, with no space


def test_a_projection_without_costs_gives_the_events_alone(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    goal = _goal(world)
    indicator = rearrest_indicator(world.coalition)
    _baseline(indicator, 400, 100)  # 25.0%
    client = signed_in(world.member)
    client.post(
        f"{PLAN}goals/{goal.pk}/improvements/new/",
        _fields(
            indicator,
            people_per_year="60",
            effect_percent="20",
            bed_days_per_event="",
            cost_per_bed_day="",
        ),
    )
    # 60 x 25% x 20% = 3.0
    page = _text(client.get(PLAN))
    assert "About 3.0 fewer rearrests (60 people × 25.0% baseline × 20% reduction)" in page
    assert "bed-days" not in page.split("About 3.0")[1].split(")")[0]


def test_a_projection_groups_the_thousands_of_every_number(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    goal = _goal(world)
    indicator = rearrest_indicator(world.coalition)
    _baseline(indicator, 200, 90)  # 45.0%
    client = signed_in(world.member)
    client.post(
        f"{PLAN}goals/{goal.pk}/improvements/new/",
        _fields(indicator, people_per_year="25000", effect_percent="20", cost_per_bed_day="100"),
    )
    # 25,000 x 45% x 20% = 2,250 rearrests averted; x 30 = 67,500 bed-days; x $100.
    projected = (
        "About 2,250.0 fewer rearrests, 67,500 jail bed-days and $6,750,000 saved "
        "(25,000 people × 45.0% baseline × 20% reduction)"
    )
    assert projected in _text(client.get(PLAN))
    word = _word_text(client.get(f"{PLAN}download/?format=docx").content)
    assert f"Projected each year: {projected}." in word


def test_the_projection_is_hidden_where_the_baseline_rate_is(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    goal = _goal(world)
    indicator = rearrest_indicator(world.coalition)
    _baseline(indicator, 8, 3)  # fewer people than the threshold of 11
    Improvement.objects.create(
        goal=goal,
        description="Peer mentors",
        mechanism="practice",
        indicator=indicator,
        people_per_year=100,
        effect_percent=10,
    )
    member = _text(signed_in(world.member).get(PLAN))
    assert "Not shown: the baseline rate rests on too few people." in member
    # 100 x 37.5% x 10% = 3.75 would let the rate be worked back.
    assert "3.8 fewer" not in member and "37.5%" not in member
    steward = _text(signed_in(world.steward).get(PLAN))
    assert "About 3.8 fewer rearrests (100 people × 37.5% baseline × 10% reduction)" in steward


def test_the_word_export_ends_each_sentence_with_one_full_stop(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    goal = _goal(world)
    indicator = rearrest_indicator(world.coalition)
    _baseline(indicator, 8, 3)  # too few people: the reason is a sentence of its own
    Improvement.objects.create(
        goal=goal,
        description="Peer mentors",
        mechanism="practice",
        stakeholders="Workforce board",
        decision_makers="The county board!",
        indicator=indicator,
        people_per_year=100,
        effect_percent=10,
    )
    word = _word_text(signed_in(world.member).get(f"{PLAN}download/?format=docx").content)
    assert (
        "Stakeholders: Workforce board. Decided by The county board! Projected each year: "
        "Not shown: the baseline rate rests on too few people." in word
    )
    assert ".." not in word and "!." not in word


def test_no_projection_until_the_baseline_is_computed(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    goal = _goal(world)
    indicator = rearrest_indicator(world.coalition)
    Improvement.objects.create(
        goal=goal,
        description="Peer mentors",
        mechanism="practice",
        indicator=indicator,
        people_per_year=100,
        effect_percent=10,
    )
    Improvement.objects.create(goal=goal, description="Train officers", mechanism="training")
    page = _text(signed_in(world.member).get(PLAN))
    assert "Not yet: the indicator's baseline is not computed." in page
    assert "Train officers" in page


@pytest.mark.parametrize(
    ("changes", "field", "problem"),
    [
        ({"people_per_year": ""}, "people_per_year", "A projection needs this too."),
        ({"effect_percent": "150"}, "effect_percent", "Enter 100 or less."),
        ({"bed_days_per_event": ""}, "bed_days_per_event", "Dollars saved need the bed-days"),
        ({"mechanism": "magic"}, "mechanism", "Select a valid choice."),
        ({"description": ""}, "description", "This field is required."),
    ],
)
def test_bad_improvements_are_refused_and_change_nothing(
    world: World, signed_in, changes: dict[str, str], field: str, problem: str
) -> None:  # type: ignore[no-untyped-def]
    goal = _goal(world)
    indicator = rearrest_indicator(world.coalition)
    response = signed_in(world.member).post(
        f"{PLAN}goals/{goal.pk}/improvements/new/", _fields(indicator, **changes)
    )
    assert response.status_code == 200
    assert problem in _text(response)
    assert response.context["form"].has_error(field)
    assert not Improvement.objects.exists()


def test_a_projection_needs_the_coalitions_own_indicator(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    goal = _goal(world)
    client = signed_in(world.member)
    response = client.post(f"{PLAN}goals/{goal.pk}/improvements/new/", _fields(None))
    assert "A projection needs this too." in _text(response)
    theirs = rearrest_indicator(world.other, "Theirs")
    response = client.post(f"{PLAN}goals/{goal.pk}/improvements/new/", _fields(theirs))
    assert "is not one of the available choices" in _text(response)
    assert not Improvement.objects.exists()


def test_readers_and_outsiders_cannot_change_improvements(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    goal = _goal(world)
    entry = Improvement.objects.create(goal=goal, description="Mentors", mechanism="practice")
    viewer = signed_in(world.viewer)
    assert "Mentors" in _text(viewer.get(PLAN))
    assert viewer.post(f"{PLAN}improvements/{entry.pk}/", {"delete": "yes"}).status_code == 403
    outsider = signed_in(world.outsider)
    url = f"/c/elsewhere/plan/improvements/{entry.pk}/"
    assert outsider.post(url, {"delete": "yes"}).status_code == 404
    assert outsider.get(f"/c/elsewhere/plan/goals/{goal.pk}/improvements/new/").status_code == 404
    assert Improvement.objects.filter(pk=entry.pk).exists()
    coordinator = signed_in(world.coordinator)
    coordinator.post(f"{PLAN}improvements/{entry.pk}/", {"delete": "yes"})
    assert not Improvement.objects.exists()
