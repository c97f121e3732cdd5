"""A measure without a single linked record of its events has no figures, not 0%.

Say the jail's releases and the police's arrests are linked but no court has uploaded
convictions yet: a reconviction rate of 0% would be a finding the data cannot support.
"""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from reentrykit.data.models import Source
from reentrykit.metrics.management.commands.metrics import Command
from reentrykit.metrics.refresh import refresh_coalition
from reentrykit.metrics.selectors import latest_snapshot
from reentrykit.metrics.tests.builders import event, release, write_store
from reentrykit.testing import World, api_headers

THROUGH = dt.date(2025, 12, 31)
# 30 people released on 2024-02-01; the first 15 have an event of the given type on
# 2024-05-01, within a year.
PEOPLE = [f"p{i}" for i in range(30)]


def _store(world: World, event_type: str) -> None:
    write_store(
        world.coalition.pk,
        releases=[release(p, "2024-02-01") for p in PEOPLE],
        events=[event(p, "2024-05-01", event_type) for p in PEOPLE[:15]],
    )
    for name in ("County Jail", "City Police"):
        Source.objects.create(coalition=world.coalition, name=name, declared_data_through=THROUGH)


def test_the_refresh_leaves_out_the_measures_with_no_records(world: World) -> None:
    _store(world, "arrest")
    refresh_coalition(world.coalition)
    payload = latest_snapshot(world.coalition).payload
    assert payload["unmeasured"] == ["reconviction", "reincarceration", "revocation"]
    assert {row["measure"] for row in payload["rates"]} == {"rearrest"}
    assert {row["measure"] for row in payload["headline"]} == {"rearrest"}
    assert payload["survival"]["reconviction"] == {}
    assert payload["survival"]["rearrest"]["all"]["columns"]["day"]
    flow = {row["key"]: row["count"] for row in payload["flow"]}
    assert flow["rearrested_one_year"] == 15


def test_without_rearrest_records_the_flow_has_no_rearrested_step(world: World) -> None:
    _store(world, "conviction")
    refresh_coalition(world.coalition)
    payload = latest_snapshot(world.coalition).payload
    assert payload["unmeasured"] == ["rearrest", "reincarceration", "revocation"]
    keys = [row["key"] for row in payload["flow"]]
    assert "followed_one_year" in keys and "rearrested_one_year" not in keys
    assert {row["measure"] for row in payload["rates"]} == {"reconviction"}


def test_the_page_says_the_measure_is_not_measured_yet(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    _store(world, "arrest")
    refresh_coalition(world.coalition)
    for user in (world.member, world.steward):
        page = signed_in(user).get("/c/riverton/measures/?measure=reconviction").content.decode()
        assert "Reconviction is not measured yet" in page
        assert "No conviction records have been linked yet" in page
        assert 'id="breakdown-table"' not in page and 'id="survival-table"' not in page
        headline = page[
            page.index('id="headline"') : page.index("</ul>", page.index('id="headline"'))
        ]
        assert headline.count("Not measured yet") == 2  # reconviction and reincarceration
        assert ">0.0%<" not in headline
        assert "50.0%" in headline  # rearrest: 15 of 30
    rearrest = signed_in(world.member).get("/c/riverton/measures/").content.decode()
    assert "is not measured yet" not in rearrest and 'id="breakdown-table"' in rearrest


def test_the_api_answers_not_found_with_the_reason(world: World, client: Client) -> None:
    _store(world, "arrest")
    refresh_coalition(world.coalition)
    url = "/api/v1/coalitions/riverton/measures/recidivism"
    answer = client.get(url, {"measure": "reconviction"}, headers=api_headers(world.member))
    assert answer.status_code == 404
    assert "No conviction records have been linked yet" in answer.json()["detail"]
    assert (
        client.get(url, {"measure": "rearrest"}, headers=api_headers(world.member)).status_code
        == 200
    )


@pytest.mark.parametrize(
    "args",
    [
        ("recidivism", "--measure", "reconviction", "--window", "365"),
        ("survival", "--measure", "reincarceration"),
        ("program-effect", "--measure", "revocation", "--program-type", "housing"),
    ],
)
def test_the_command_line_refuses_a_measure_with_no_records(world: World, args) -> None:  # type: ignore[no-untyped-def]
    _store(world, "arrest")
    with pytest.raises(CommandError, match="records have been linked yet"):
        call_command(Command(), *args, "--coalition", "riverton", stdout=StringIO())
    out = StringIO()
    call_command(
        Command(),
        *("recidivism", "--measure", "rearrest", "--window", "365", "--format", "json"),
        *("--coalition", "riverton"),
        stdout=out,
    )
    assert json.loads(out.getvalue())["rows"][0]["recidivists"] == 15


def _reconviction_indicator(world: World) -> Any:
    from reentrykit.metrics.services import indicator_create

    return indicator_create(
        coalition=world.coalition,
        created_by=world.coordinator,
        name="One-year reconviction",
        measure="reconviction",
        window_days=365,
        baseline_first_year=2024,
        baseline_last_year=2024,
    )


def test_an_indicator_of_a_measure_with_no_records_says_so(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    _store(world, "arrest")
    refresh_coalition(world.coalition)
    _reconviction_indicator(world)
    refresh_coalition(world.coalition)
    assert latest_snapshot(world.coalition).payload["indicators"]
    page = signed_in(world.member).get("/c/riverton/measures/indicators/").content.decode()
    row = page[page.index("One-year reconviction") :]
    row = row[: row.index("</tr>")]
    assert row.count("not measured yet (no conviction records)") == 2  # baseline and latest
    assert "%" not in row


def test_an_improvement_measured_by_it_projects_nothing_yet(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.planning.models import Goal, Improvement, Priority

    _store(world, "arrest")
    indicator = _reconviction_indicator(world)
    refresh_coalition(world.coalition)
    priority = Priority.objects.create(coalition=world.coalition, title="Jobs")
    Improvement.objects.create(
        goal=Goal.objects.create(priority=priority, statement="Fewer reconvictions"),
        description="Peer mentors",
        mechanism="practice",
        indicator=indicator,
        people_per_year=100,
        effect_percent=10,
    )
    for user in (world.member, world.steward):
        page = signed_in(user).get("/c/riverton/plan/").content.decode()
        assert "none of the records the indicator&#x27;s measure counts are linked" in page
        assert "too few people" not in page and "fewer reconvictions (" not in page
