"""How far people are followed: one date for the recidivism measures on every surface,
and the intermediate measures' own sources' date (DATA.md: each source declares the
date its data is complete through)."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

from django.core.management import call_command

from reentrykit.core.access import coalition_access
from reentrykit.data.models import Source
from reentrykit.metrics.management.commands.metrics import Command
from reentrykit.metrics.refresh import refresh_coalition
from reentrykit.metrics.selectors import intermediate_answer, latest_snapshot, recidivism_answer
from reentrykit.metrics.tests.builders import event, program, release, write_store
from reentrykit.testing import World


def _cli(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command(
        Command(),
        *args,
        "--coalition",
        "riverton",
        "--format",
        "json",
        "--unsuppressed",
        stdout=out,
        stderr=StringIO(),
    )
    return json.loads(out.getvalue())


def _sources(world: World, **throughs: dt.date) -> None:
    for name, through in throughs.items():
        Source.objects.create(
            coalition=world.coalition, name=name.replace("_", " "), declared_data_through=through
        )


def _page_payload(world: World) -> dict[str, Any]:
    refresh_coalition(world.coalition)
    return latest_snapshot(world.coalition).payload


def test_a_lagging_court_holds_every_measure_back_alike_on_pages_and_command_line(
    world: World,
) -> None:
    """20 people released 2023-06-01 and 20 on 2024-06-01; half of each arrested three
    months later. Jail and police data run through 2025-12-31, the court's convictions
    only through 2025-03-31: every measure follows people to 2025-03-31, so 2024's
    releases have no full year yet and the latest year with one is 2023 (10 of 20),
    for rearrest as for reconviction, on the page and the API as on the command line."""
    early = [f"a{i}" for i in range(20)]
    late = [f"b{i}" for i in range(20)]
    write_store(
        world.coalition.pk,
        releases=[release(p, "2023-06-01") for p in early]
        + [release(p, "2024-06-01") for p in late],
        events=[event(p, "2023-09-01", "arrest") for p in early[:10]]
        + [event(p, "2024-09-01", "arrest") for p in late[:10]]
        + [event("a19", "2022-01-10", "conviction", source="District Court")],
    )
    _sources(
        world,
        County_Jail=dt.date(2025, 12, 31),
        City_Police=dt.date(2025, 12, 31),
        District_Court=dt.date(2025, 3, 31),
    )

    cli = _cli("recidivism", "--measure", "rearrest", "--window", "365")
    page = recidivism_answer(
        coalition_access(world.steward, world.coalition),
        _page_payload(world),
        measure="rearrest",
        window=365,
        breakdown="all",
    )

    assert cli["data_through"] == page["data_through"] == "2025-03-31"
    assert page["cohort_year"] == 2023
    [cli_row] = cli["rows"]
    [page_row] = page["rows"]
    assert (cli_row["cohort"], cli_row["recidivists"]) == (20, 10)
    assert (page_row["cohort"], page_row["recidivists"]) == (20, 10)


def test_referral_within_30_days_waits_for_the_program_records(world: World) -> None:
    """High-risk h0..h5 released 2024-06-01 and referred 2024-06-15; h6..h11 released
    2024-12-28. The program provider's records run only through 2025-01-15, before
    h6..h11's 30 days end (2025-01-27): whether they were referred is not known yet,
    so the measure is 6 referred of the 6 followed, not 6 of 12."""
    high = [f"h{i}" for i in range(12)]
    write_store(
        world.coalition.pk,
        releases=[release(p, "2024-06-01", risk_level="high") for p in high[:6]]
        + [release(p, "2024-12-28", risk_level="high") for p in high[6:]],
        events=[event("h0", "2024-08-01", "arrest")],
        programs=[
            program(p, "housing", "referred", phase="post_release", referral_date="2024-06-15")
            for p in high[:6]
        ],
    )
    _sources(
        world,
        County_Jail=dt.date(2025, 12, 31),
        City_Police=dt.date(2025, 12, 31),
        Second_Chance_Works=dt.date(2025, 1, 15),
    )

    cli = {row["key"]: row for row in _cli("intermediate")["rows"]}
    steward = coalition_access(world.steward, world.coalition)
    page = {row["key"]: row for row in intermediate_answer(steward, _page_payload(world))["rows"]}

    for answer in (cli, page):
        referred = answer["high_risk_referred_30_days"]
        assert (referred["numerator"], referred["denominator"]) == (6, 6)


def test_the_command_line_draws_the_pages_survival_curves_by_default(world: World) -> None:
    """Data through 2025-06-30: the pages' curves are of 2024's releases (the last full
    calendar year), not of 2023's (the latest with a full year of follow-up); so are
    the command line's when no dates are given: 30 people, 10 rearrested."""
    early = [f"a{i}" for i in range(20)]
    late = [f"b{i}" for i in range(30)]
    write_store(
        world.coalition.pk,
        releases=[release(p, "2023-06-01") for p in early]
        + [release(p, "2024-06-01") for p in late],
        events=[event(p, "2024-09-01", "arrest") for p in late[:10]],
    )
    _sources(world, County_Jail=dt.date(2025, 6, 30), City_Police=dt.date(2025, 6, 30))

    [curve] = _cli("survival", "--measure", "rearrest")["curves"]

    assert _page_payload(world)["survival_year"] == 2024
    assert (curve["n"], curve["events"]) == (30, 10)
