"""An indicator's baseline is of years the data can have, and its name is its own:
either mistake is refused at its field, in plain words, and nothing is saved."""

from __future__ import annotations

import html

from django.utils import timezone

from reentrykit.metrics.models import Indicator, MetricSnapshot
from reentrykit.metrics.tests.builders import dashboard_payload, rearrest_indicator
from reentrykit.testing import World

URL = "/c/riverton/measures/indicators/"


def _indicator(**fields: str) -> dict[str, str]:
    return {
        "name": "One-year rearrest, jail",
        "measure": "rearrest",
        "window_days": "365",
        "facility_type": "",
        "baseline_first_year": "2022",
        "baseline_last_year": "2022",
        "breakdown": "",
        "breakdown_group": "",
        **fields,
    }


def test_it_refuses_a_baseline_year_before_1990_or_after_this_year_without_data(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.member)
    this_year = timezone.localdate().year
    response = client.post(
        URL, _indicator(baseline_first_year="1900", baseline_last_year=str(this_year + 1))
    )
    errors = response.context["form"].errors
    assert errors["baseline_first_year"] == [f"Choose a year from 1990 to {this_year}."]
    assert errors["baseline_last_year"] == [f"Choose a year from 1990 to {this_year}."]
    assert "__all__" not in errors
    assert not Indicator.objects.exists()


def test_it_refuses_a_baseline_year_before_the_datas_first_release_and_says_which_years(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    # The measures' overall rates are of the people released in 2022 and 2023.
    MetricSnapshot.objects.create(coalition=world.coalition, payload=dashboard_payload())
    client = signed_in(world.member)
    this_year = timezone.localdate().year
    response = client.post(URL, _indicator(baseline_first_year="1900"))
    errors = response.context["form"].errors
    assert errors["baseline_first_year"] == [
        f"Choose a year from 2022 to {this_year}. "
        "The coalition's linked data has releases from 2022 to 2023."
    ]
    assert "baseline_last_year" not in errors
    page = html.unescape(response.content.decode())
    assert "linked data has releases from 2022 to 2023" in page
    assert not Indicator.objects.exists()
    assert client.post(URL, _indicator(baseline_first_year="2021")).status_code == 200
    assert client.post(URL, _indicator()).status_code == 302
    assert Indicator.objects.get().baseline_years == range(2022, 2023)


def test_it_refuses_a_name_the_coalition_has_at_the_name_field(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    rearrest_indicator(world.coalition, name="One-year rearrest")
    client = signed_in(world.member)
    response = client.post(URL, _indicator(name="one-year REARREST"))
    errors = response.context["form"].errors
    assert errors["name"] == [
        "This coalition already has an indicator named “One-year rearrest”; choose another name."
    ]
    assert "__all__" not in errors
    assert "already exists" not in html.unescape(response.content.decode())
    assert Indicator.objects.count() == 1


def test_a_saved_indicator_gets_its_baseline_without_waiting_for_a_linkage(
    world: World, signed_in, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    """The measures were computed once (2024: 2 released, 1 rearrested); an indicator
    saved afterwards is computed by a refresh the save starts, not the next linkage."""
    import datetime as dt

    from reentrykit.data.models import Source
    from reentrykit.metrics.refresh import refresh_coalition
    from reentrykit.metrics.tests.builders import event, release, write_store

    client = signed_in(world.member)
    response = client.post(URL, _indicator(baseline_first_year="2024", baseline_last_year="2024"))
    assert "once the coalition's data steward has imported and linked" in html.unescape(
        client.get(response["Location"]).content.decode()
    )
    Indicator.objects.all().delete()

    write_store(
        world.coalition.pk,
        releases=[release("a", "2024-02-01"), release("b", "2024-03-01")],
        events=[event("a", "2024-05-01", "arrest")],
    )
    Source.objects.create(
        coalition=world.coalition, name="County Jail", declared_data_through=dt.date(2025, 12, 31)
    )
    refresh_coalition(world.coalition)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL, _indicator(baseline_first_year="2024", baseline_last_year="2024")
        )
    page = html.unescape(client.get(response["Location"]).content.decode())
    assert "Its baseline is being computed" in page
    steward = signed_in(world.steward).get(URL).content.decode()
    assert "50.0% of 2 (unstable)" in html.unescape(steward)
