"""A round held before (on paper, say) and entered later is compared in the order held."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from reentrykit.assessment import reports, selectors, services
from reentrykit.assessment.models import Round
from reentrykit.assessment.testing import closed_round
from reentrykit.testing import World


def _close_as_rated(world: World, round_: Round, rating: int) -> Round:
    respondent = services.respondent_add(round_=round_, user=world.member)
    for section in round_.instrument.sections:
        for item in section.items:
            services.response_save(
                round_=round_, respondent=respondent, item_key=item.key, answer=rating
            )
    return services.round_close(round_=round_, closed_by=world.coordinator)


def test_a_back_dated_round_comes_before_the_rounds_entered_earlier(
    world: World, test_instrument: Path, signed_in
) -> None:  # type: ignore[no-untyped-def]
    follow_up = closed_round(world, "Follow-up 2026", {"1": 2, "2": 2})
    # The baseline, held on paper in 2024, is entered after the follow-up.
    client = signed_in(world.coordinator)
    response = client.post(
        "/c/riverton/assess/",
        {"name": "Baseline 2024", "version": "t1", "opened_on": "2024-03-15"},
    )
    assert response.status_code == 302, response.content.decode()
    baseline = _close_as_rated(world, Round.objects.get(name="Baseline 2024"), 1)

    assert baseline.opened_at.date() == dt.date(2024, 3, 15)
    assert selectors.previous_round(round_=follow_up) == baseline
    assert selectors.previous_round(round_=baseline) is None
    results = reports.round_results(follow_up, with_charts=False)
    assert results.overall_change == 33.3


def test_a_round_cannot_open_after_today_nor_end_before_it_opened(
    world: World, test_instrument: Path, signed_in
) -> None:  # type: ignore[no-untyped-def]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="cannot have opened after today"):
        services.round_open(coalition=world.coalition, name="Later", opened_on=tomorrow)
    with pytest.raises(ValidationError, match="deadline is before the round opened"):
        services.round_open(
            coalition=world.coalition,
            name="Paper",
            opened_on=dt.date(2024, 3, 15),
            deadline=dt.date(2024, 3, 1),
        )
    # A back-dated round may have had a deadline that has passed; a new round may not.
    client = signed_in(world.coordinator)
    page = client.post(
        "/c/riverton/assess/",
        {"name": "New", "version": "t1", "deadline": "2024-04-01"},
    ).content.decode()
    assert "The deadline has passed already" in page
    client.post(
        "/c/riverton/assess/",
        {"name": "Paper", "version": "t1", "opened_on": "2024-03-15", "deadline": "2024-04-01"},
    )
    assert Round.objects.get(name="Paper").deadline == dt.date(2024, 4, 1)
    assert not Round.objects.filter(name__in=["Later", "New"]).exists()


def test_the_command_line_back_dates_a_round(world: World, test_instrument: Path) -> None:
    call_command(
        "assessment", "open-round", "--coalition", "riverton", "--name", "Paper",
        "--opened", "2024-03-15",
    )  # fmt: skip
    assert Round.objects.get(name="Paper").opened_at.date() == dt.date(2024, 3, 15)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    with pytest.raises(CommandError, match="--opened: A round cannot have opened after today"):
        call_command(
            "assessment", "open-round", "--coalition", "riverton", "--name", "Later",
            "--opened", tomorrow,
        )  # fmt: skip
