"""`reentrykit metrics`: what the command line prints "as for a member" gives no small
count away by subtracting two of its outputs for the same cohort, as on the pages; and
a refresh without data says so in one line, as the other actions do."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reentrykit.data.models import Source
from reentrykit.metrics.management.commands.metrics import Command
from reentrykit.metrics.tests.builders import event, program, release, write_store
from reentrykit.testing import World

THROUGH = dt.date(2025, 6, 30)
# The hand-worked cohort of test_overlapping_figures (released 2023-03-01):
# by age_group 18-24 40/20, 25-39 65/32, 40+ 50/20; by age_band 20-29 45/22,
# 30-39 60/30, 40-49 50/20; 25-39 less 30-39 = 5 people aged 25-29, 2 rearrested.
AGED = [("a", 40, 20, 20), ("b", 5, 2, 27), ("c", 60, 30, 35), ("d", 50, 20, 45)]


def _run(*args: str) -> str:
    out, err = StringIO(), StringIO()
    call_command(Command(), *args, "--coalition", "riverton", stdout=out, stderr=err)
    return out.getvalue()


@pytest.fixture
def aged(world: World) -> World:
    releases, events = [], []
    for prefix, count, rearrested, age in AGED:
        for n in range(count):
            releases.append(release(f"{prefix}{n}", "2023-03-01", age_at_release=age))
            if n < rearrested:
                events.append(event(f"{prefix}{n}", "2023-06-01", "arrest"))
    write_store(world.coalition.pk, releases=releases, events=events)
    for name in ("County Jail", "City Police"):
        Source.objects.create(coalition=world.coalition, name=name, declared_data_through=THROUGH)
    return world


def test_age_bands_less_age_groups_give_no_small_count_away(aged: World) -> None:
    def rows(by: str, fmt: str = "json") -> dict[str, dict]:
        out = _run("recidivism", "--measure", "rearrest", "--by", by, "--format", fmt)
        return {row["group"]: row for row in json.loads(out)["rows"]}

    groups = rows("age_group")
    assert (groups["25-39"]["cohort"], groups["25-39"]["recidivists"]) == (65, 32)
    bands = rows("age_band")
    # 65 - 60 = 5 people aged 25-29, 32 - 30 = 2 of them rearrested: the bands are
    # withheld (every group but the total), as on the measures page and in the API.
    assert all(
        row["cohort"] is None and row["recidivists"] is None and row["suppressed"]
        for group, row in bands.items()
        if group != "all"
    ), bands
    assert bands["all"]["cohort"] == 155
    table = _run("recidivism", "--measure", "rearrest", "--by", "age_band", "--format", "csv")
    assert "30-39,60," not in table
    # A data steward's raw figures are unchanged.
    raw = json.loads(
        _run(
            "recidivism",
            "--measure",
            "rearrest",
            "--by",
            "age_band",
            "--format",
            "json",
            "--unsuppressed",
        )
    )
    assert {r["group"]: r["cohort"] for r in raw["rows"]}["30-39"] == 60


def test_refresh_without_data_is_a_one_line_error(world: World) -> None:
    with pytest.raises(CommandError, match="No data has been imported"):
        _run("refresh", "--format", "json")


# test_high_risk_total's cohort (released 2023-03-01): by risk level, cohort and rearrested.
RISK = [("low", 120, 50), ("moderate", 90, 40), ("high", 50, 25), ("very_high", 4, 2)]
RISK += [("unknown", 36, 15)]


@pytest.fixture
def risky(world: World) -> World:
    releases, events, programs = [], [], []
    for level, count, rearrested in RISK:
        for n in range(count):
            key = f"{level}{n}"
            releases.append(release(key, "2023-03-01", risk_level=level))
            if n < rearrested:
                events.append(event(key, "2023-06-01", "arrest"))
            if level in ("high", "very_high") and n < 20:
                programs.append(program(key, "housing", "enrolled", start_date="2023-03-10"))
    write_store(world.coalition.pk, releases=releases, events=events, programs=programs)
    for name in ("County Jail", "City Police", "Second Chance Works"):
        Source.objects.create(coalition=world.coalition, name=name, declared_data_through=THROUGH)
    return world


def test_risk_levels_less_the_high_risk_denominator_give_no_small_count_away(
    risky: World,
) -> None:
    """The intermediate measures' high-risk denominator (54 = 50 high + 4 very high) of
    the same cohort gives the hidden very high risk cohort away beside the high one."""
    shares = json.loads(_run("intermediate", "--format", "json"))["rows"]
    denominators = {row["denominator"] for row in shares if row["key"].startswith("high_risk")}
    out = _run("recidivism", "--measure", "rearrest", "--by", "risk_level", "--format", "json")
    levels = {row["group"]: row["cohort"] for row in json.loads(out)["rows"]}
    assert levels["very_high"] is None
    shown_high = levels["high"]
    assert not (54 in denominators and shown_high == 50), (denominators, levels)


def test_survival_by_age_band_gives_no_small_count_away(aged: World) -> None:
    """The same cohort's curves: 65 people aged 25-39 less 60 aged 30-39 gives the 5
    aged 25-29 (and their 2 events); the bands' curves are withheld, everyone's stays.
    The cohort is 2023's (explicit dates; the pages' default would be 2024)."""
    dates = ("--cohort-start", "2023-01-01", "--cohort-end", "2023-12-31")

    def curves(by: str, *extra: str) -> dict[str, dict]:
        out = _run(
            "survival", "--measure", "rearrest", "--by", by, "--format", "json", *dates, *extra
        )
        return {curve["group"]: curve for curve in json.loads(out)["curves"]}

    assert (curves("age_group")["25-39"]["n"], curves("age_group")["25-39"]["events"]) == (
        65,
        32,
    )
    bands = curves("age_band")
    assert bands["all"]["n"] == 155 and bands["all"]["points"]
    assert all(
        curve["n"] is None and curve["events"] is None and curve["points"] == []
        for group, curve in bands.items()
        if group != "all"
    )
    raw = curves("age_band", "--unsuppressed")
    assert raw["30-39"]["n"] == 60  # a steward (or the operator) sees every curve
