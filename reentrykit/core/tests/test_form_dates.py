"""Every date a form takes is between 1900 and 2100: a typo like 9999-12-31 is refused
where it is typed, not saved to break the pages that count from it."""

from __future__ import annotations

from typing import Any

import lxml.html
import pytest
from django import forms

from reentrykit.core.forms import UswdsForm
from reentrykit.network.forms import CoachingSessionForm
from reentrykit.planning.models import QualityCheck
from reentrykit.testing import World

MESSAGE = "Enter a date between 1900 and 2100."


class DatedForm(UswdsForm):
    on = forms.DateField()


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"])
def test_it_refuses_an_implausible_date_on_a_plain_form(day: str) -> None:
    assert DatedForm(data={"on": day}).errors["on"] == [MESSAGE]


@pytest.mark.parametrize("day", ["1900-01-01", "2100-12-31"])
def test_it_takes_the_first_and_last_plausible_days(day: str) -> None:
    assert DatedForm(data={"on": day}).is_valid()


def test_it_refuses_an_implausible_date_on_a_model_form(world: World) -> None:
    form = CoachingSessionForm(data={"held_on": "0001-01-01"}, sites=[world.site])
    assert form.errors["held_on"] == [MESSAGE]


def test_it_checks_a_date_field_added_after_the_form_is_set_up() -> None:
    class LateForm(UswdsForm):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.fields["on"] = forms.DateField()

    assert LateForm(data={"on": "9999-12-31"}).errors["on"] == [MESSAGE]


def test_the_monitoring_page_refuses_a_far_future_check_and_saves_nothing(
    world: World,
    signed_in,  # type: ignore[no-untyped-def]
) -> None:
    client = signed_in(world.coordinator)
    data = {"what": "Referral audit", "every_months": "3", "last_checked_on": "9999-12-31"}
    response = client.post("/c/riverton/plan/monitoring/check/new/", {**data, "result": "met"})
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.content)
    errors = doc.xpath("//*[@id='id_last_checked_on_error']/span/text()")
    assert errors[0] == MESSAGE
    assert doc.xpath("//input[@name='last_checked_on']/@value") == ["9999-12-31"]
    assert not QualityCheck.objects.exists()
    assert client.get("/c/riverton/plan/").status_code == 200
