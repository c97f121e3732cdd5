"""The impact projection's inputs have sensible upper limits: a figure too big to be
meant would make the projection show "inf" (or a number nobody could read)."""

from __future__ import annotations

import re

import pytest

from reentrykit.metrics.tests.builders import rearrest_indicator
from reentrykit.planning.models import Improvement
from reentrykit.planning.tests.test_improvements import PLAN, _baseline, _fields, _goal, _text
from reentrykit.testing import World


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("bed_days_per_event", "1e308", "Jail bed-days per event: "),
        ("people_per_year", "99999999999", "People it reaches each year: "),
        ("cost_per_bed_day", "9999999", "Cost of a jail bed-day ($): "),
    ],
)
def test_it_refuses_projection_figures_too_big_to_be_meant(
    world: World, signed_in, field: str, value: str, problem: str
) -> None:  # type: ignore[no-untyped-def]
    goal = _goal(world)
    indicator = rearrest_indicator(world.coalition)
    _baseline(indicator, 200, 90)
    client = signed_in(world.member)
    response = client.post(
        f"{PLAN}goals/{goal.pk}/improvements/new/", _fields(indicator, **{field: value})
    )
    assert response.status_code == 200
    assert response.context["form"].has_error(field)
    # The summary names the field, and says the most it takes.
    assert problem in _text(response)
    assert "at most" in _text(response)
    assert not Improvement.objects.exists()
    # A whole word: the page's random CSRF token may hold the letters "inf".
    shown = _text(client.get(PLAN)).split("Jobs within 90 days")[-1]
    assert not re.search(r"\binf(inity)?\b", shown, re.IGNORECASE)
