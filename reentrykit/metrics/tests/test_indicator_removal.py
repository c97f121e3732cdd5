"""An indicator saved by mistake, or a target no longer wanted, can be removed; an
indicator the plan measures by cannot, and says what uses it."""

from __future__ import annotations

from reentrykit.metrics.models import Indicator, IndicatorTarget
from reentrykit.metrics.services import indicator_target_add
from reentrykit.metrics.tests.builders import rearrest_indicator
from reentrykit.planning.models import Goal, Improvement, Priority
from reentrykit.testing import World

BASE = "/c/riverton/measures/indicators/"


def test_a_member_removes_an_indicator_and_its_targets(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    indicator = rearrest_indicator(world.coalition)
    indicator_target_add(indicator=indicator, label="Short term", cohort_year=2026, target_rate=0.4)
    client = signed_in(world.member)
    page = client.get(BASE).content.decode()
    assert f'action="{BASE}{indicator.pk}/remove/"' in page
    response = client.post(f"{BASE}{indicator.pk}/remove/", follow=True)
    assert "Removed “One-year rearrest” and its targets." in response.content.decode()
    assert not Indicator.objects.exists() and not IndicatorTarget.objects.exists()


def test_an_indicator_the_plan_measures_by_is_kept(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    indicator = rearrest_indicator(world.coalition)
    priority = Priority.objects.create(coalition=world.coalition, title="Fewer rearrests")
    goal = Goal.objects.create(priority=priority, statement="Cut rearrest to 40%")
    goal.indicators.add(indicator)
    Improvement.objects.create(
        goal=goal, description="Jail-door mentors", mechanism="practice", indicator=indicator
    )
    response = signed_in(world.member).post(f"{BASE}{indicator.pk}/remove/", follow=True)
    assert (
        "“One-year rearrest” is not removed: the plan measures 1 goal and 1 improvement "
        "by it. Choose another indicator there first."
    ) in response.content.decode()
    assert Indicator.objects.filter(pk=indicator.pk).exists()


def test_a_member_removes_one_target(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    indicator = rearrest_indicator(world.coalition)
    short = indicator_target_add(
        indicator=indicator, label="Short term", cohort_year=2026, target_rate=0.4
    )
    indicator_target_add(indicator=indicator, label="Long term", cohort_year=2028, target_rate=0.3)
    client = signed_in(world.member)
    response = client.post(f"{BASE}{indicator.pk}/targets/{short.pk}/remove/", follow=True)
    assert "Removed the target for 2026" in response.content.decode()
    assert list(indicator.targets.values_list("label", flat=True)) == ["Long term"]


def test_viewers_remove_nothing_and_a_target_goes_only_with_its_indicator(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    indicator = rearrest_indicator(world.coalition)
    target = indicator_target_add(
        indicator=indicator, label="Short term", cohort_year=2026, target_rate=0.4
    )
    other = rearrest_indicator(world.coalition, name="Another")
    viewer = signed_in(world.viewer)
    assert 'remove/"' not in viewer.get(BASE).content.decode()
    assert viewer.post(f"{BASE}{indicator.pk}/remove/").status_code == 403
    assert viewer.post(f"{BASE}{indicator.pk}/targets/{target.pk}/remove/").status_code == 403
    member = signed_in(world.member)
    assert member.post(f"{BASE}{other.pk}/targets/{target.pk}/remove/").status_code == 404
    assert member.get(f"{BASE}{indicator.pk}/remove/").status_code == 405
    assert Indicator.objects.count() == 2 and IndicatorTarget.objects.count() == 1
