"""Messages quote live figures as documents do: flagged when unstable, worded to fit the
sentence before there are measures, and refused when a merge field lacks a bracket."""

from __future__ import annotations

import html

from reentrykit.metrics.models import MetricSnapshot
from reentrykit.metrics.tests.builders import dashboard_payload, rate_row
from reentrykit.support.models import Message
from reentrykit.testing import World, page_words

BASE = "/c/riverton/support/"
POINT = "Of the people released in [[rearrest_cohort_year]], [[one_year_rearrest]] were rearrested."


def test_it_flags_an_unstable_rate_in_a_talking_point(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    Message.objects.create(
        coalition=world.coalition, audience="voters", problem="P.", talking_points=POINT
    )
    payload = dashboard_payload()
    payload["rates"] = [rate_row("all", "all", 100, 15)]
    payload.pop("headline", None)
    MetricSnapshot.objects.create(coalition=world.coalition, payload=payload)
    words = page_words(signed_in(world.viewer).get(BASE))
    assert "released in 2023, 15% (unstable: fewer than 20 rearrests) were rearrested" in words
    assert "Some figures are not measured yet" not in words


def test_it_words_a_talking_point_sensibly_before_any_measures(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    Message.objects.create(
        coalition=world.coalition, audience="voters", problem="P.", talking_points=POINT
    )
    words = page_words(signed_in(world.viewer).get(BASE))
    assert "the latest year, a share not yet measured were rearrested." in words
    assert "Some figures are not measured yet" in words


def test_it_refuses_a_message_with_a_merge_field_missing_a_bracket(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(world.member).post(
        f"{BASE}message/new/",
        {"audience": "voters", "problem": "P.", "talking_points": "[[one_year_rearrest] return."},
    )
    assert response.status_code == 200
    assert "[[one_year_rearrest] is missing a bracket" in html.unescape(response.content.decode())
    assert not Message.objects.exists()
