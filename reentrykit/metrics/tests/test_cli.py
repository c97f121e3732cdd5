"""`reentrykit metrics ...`: the JSON shapes are a contract, and members see no small counts."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import types
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

import reentrykit.metrics
from reentrykit.data.models import Source
from reentrykit.metrics.management.commands.metrics import Command
from reentrykit.metrics.tests.builders import event, program, release, write_store
from reentrykit.testing import World

THROUGH = dt.date(2025, 12, 31)


@pytest.fixture
def store(world: World) -> World:
    """27 men and 3 women released on 2024-02-01. Men m0..m13 and woman f0 are arrested
    within the year (30 people, 15 recidivists; women 3 and 1). Men m0..m9 and f0
    start a housing program ten days after release."""
    men = [f"m{i}" for i in range(27)]
    women = ["f0", "f1", "f2"]
    releases = [release(p, "2024-02-01") for p in men]
    releases += [release(p, "2024-02-01", sex="female") for p in women]
    events = [event(p, f"2024-{3 + i % 9:02d}-15", "arrest") for i, p in enumerate(men[:14])]
    events.append(event("f0", "2024-05-20", "arrest"))
    programs = [
        program(p, "housing", "enrolled", start_date="2024-02-11") for p in [*men[:10], "f0"]
    ]
    write_store(world.coalition.pk, releases=releases, events=events, programs=programs)
    for name in ("County Jail", "City Police", "Second Chance Works"):
        Source.objects.create(coalition=world.coalition, name=name, declared_data_through=THROUGH)
    return world


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(Command(), *args, "--coalition", "riverton", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _json(*args: str) -> dict:
    out, _ = _run(*args, "--format", "json")
    return json.loads(out)


def test_it_prints_the_recidivism_contract(store: World) -> None:
    result = _json("recidivism", "--measure", "rearrest", "--window", "365")
    assert list(result) == ["measure", "window_days", "data_through", "suppression_k", "rows"]
    assert result["measure"] == "rearrest"
    assert result["window_days"] == 365
    assert result["data_through"] == "2025-12-31"
    assert result["suppression_k"] == 11
    [row] = result["rows"]
    assert list(row) == [
        "group",
        "cohort",
        "recidivists",
        "rate",
        "ci_low",
        "ci_high",
        "suppressed",
        "unstable",
    ]
    assert (row["group"], row["cohort"], row["recidivists"], row["rate"]) == ("all", 30, 15, 0.5)
    assert (row["suppressed"], row["unstable"]) == (False, True)


def test_it_hides_a_group_of_three_from_members(store: World) -> None:
    result = _json("recidivism", "--measure", "rearrest", "--window", "365", "--by", "sex")
    rows = {row["group"]: row for row in result["rows"]}
    assert list(rows) == ["female", "male", "all"]
    female = rows["female"]
    assert [female[key] for key in ("cohort", "recidivists", "rate", "ci_low", "ci_high")] == [
        None
    ] * 5
    assert female["suppressed"] is True
    # The men's cohort would give the women's back by subtraction from the total.
    assert rows["male"]["cohort"] is None and rows["male"]["suppressed"] is True
    assert (rows["all"]["cohort"], rows["all"]["recidivists"]) == (30, 15)
    raw = _json(
        "recidivism", "--measure", "rearrest", "--window", "365", "--by", "sex", "--unsuppressed"
    )
    rows = {row["group"]: row for row in raw["rows"]}
    assert (rows["female"]["cohort"], rows["female"]["recidivists"]) == (3, 1)
    assert rows["female"]["suppressed"] is False


def test_it_prints_tables_and_csv_without_small_counts(store: World) -> None:
    table, err = _run("recidivism", "--measure", "rearrest", "--window", "365", "--by", "sex")
    female = next(line for line in table.splitlines() if line.startswith("female"))
    assert "<11" in female and " 3 " not in female
    assert "data through 2025-12-31" in err
    csv_text, _ = _run(
        "recidivism", "--measure", "rearrest", "--window", "365", "--by", "sex", "--format", "csv"
    )
    lines = csv_text.splitlines()
    assert lines[0] == "group,cohort,recidivists,rate,ci_low,ci_high,suppressed,unstable"
    assert lines[1].startswith("female,,,,,,True,")


def test_it_notes_immortal_time_beside_program_breakdowns(store: World) -> None:
    result, err = _run(
        "recidivism",
        "--measure",
        "rearrest",
        "--window",
        "365",
        "--by",
        "program:housing",
        "--format",
        "json",
    )
    groups = [row["group"] for row in json.loads(result)["rows"]]
    assert groups == ["participant", "non_participant", "all"]
    assert "immortal time" in err


def test_it_prints_the_survival_contract(store: World) -> None:
    result = _json("survival", "--measure", "rearrest", "--by", "sex")
    assert list(result) == ["measure", "data_through", "logrank_p", "curves"]
    curves = {curve["group"]: curve for curve in result["curves"]}
    assert list(curves["all"]) == ["group", "n", "events", "points"]
    assert list(curves["all"]["points"][0]) == [
        "day",
        "at_risk",
        "events",
        "survival",
        "ci_low",
        "ci_high",
    ]
    assert curves["female"] == {"group": "female", "n": None, "events": None, "points": []}
    raw = _json("survival", "--measure", "rearrest", "--by", "sex", "--unsuppressed")
    female = next(curve for curve in raw["curves"] if curve["group"] == "female")
    assert (female["n"], female["events"]) == (3, 1)
    assert raw["logrank_p"] is not None


def test_it_prints_the_program_effect_contract(store: World) -> None:
    args = ("program-effect", "--measure", "rearrest", "--program-type", "housing")
    result = _json(*args)
    assert list(result) == [
        "hazard_ratio",
        "ci_low",
        "ci_high",
        "p_value",
        "n",
        "events",
        "covariates",
        "ph_assumption_ok",
    ]
    # Non-participants had 4 events: fewer than k, so members see no estimate.
    assert result["hazard_ratio"] is None
    assert (result["n"], result["events"]) == (30, 15)
    _, said = _run(*args)
    assert "The estimates are hidden: a group has fewer than 11 people or events" in said
    raw = _json(*args, "--unsuppressed")
    assert raw["hazard_ratio"] > 0
    assert raw["covariates"] == ["sex"]
    assert "estimates are hidden" not in _run(*args, "--unsuppressed")[1]


def test_it_prints_the_intermediate_contract(store: World) -> None:
    result = _json("intermediate")
    assert list(result) == ["rows"]
    assert [list(row) for row in result["rows"]] == [
        ["key", "label", "numerator", "denominator", "rate", "suppressed"]
    ] * 6


def test_it_refuses_an_unknown_breakdown(store: World) -> None:
    with pytest.raises(CommandError):
        _run("recidivism", "--measure", "rearrest", "--window", "365", "--by", "shoe_size")


@pytest.mark.parametrize("window", ["0", "-5", "a year", "99999999"])
def test_it_refuses_a_window_that_is_not_a_plausible_number_of_days(
    store: World, window: str
) -> None:
    with pytest.raises(CommandError, match="whole number of days from 1 to 7305"):
        _run("recidivism", "--measure", "rearrest", "--window", window)


def test_it_hands_refresh_to_the_refresh_module(
    store: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    fake = types.ModuleType("reentrykit.metrics.refresh")

    def refresh_coalition(*, coalition: object) -> dict:
        calls.append(coalition)
        return {"measures": 3}

    fake.refresh_coalition = refresh_coalition  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "reentrykit.metrics.refresh", fake)
    monkeypatch.setattr(reentrykit.metrics, "refresh", fake, raising=False)
    out, _ = _run("refresh", "--format", "json")
    assert json.loads(out) == {"coalition": "riverton", "measures": 3}
    assert calls == [store.coalition]


def test_it_says_when_refresh_is_not_available(
    store: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "reentrykit.metrics.refresh", None)
    monkeypatch.delattr(reentrykit.metrics, "refresh", raising=False)
    with pytest.raises(CommandError, match="not available"):
        _run("refresh")


def test_the_commands_and_the_refresh_start_without_the_cox_model_libraries() -> None:
    """statsmodels and scipy.stats take seconds to import (lifelines too, which the tests
    use as the reference); only program-effect needs them.
    A page that shows a fitted comparison only discloses it, so it does not load them."""
    fit = {"n": 40, "events": 20, "participants": 20, "participant_events": 12}
    check = (
        "import sys, django; django.setup(); "
        "import reentrykit.metrics.refresh, reentrykit.metrics.management.commands.metrics; "
        "import reentrykit.metrics.views; from reentrykit.metrics import selectors; "
        f"result = dict.fromkeys(selectors.PROGRAM_EFFECT_KEYS) | {fit!r}; "
        "shown = selectors.disclose_program_effect(result, k=11, unsuppressed=False); "
        "assert shown['n'] == 40, shown; "
        "print(sorted({'lifelines', 'statsmodels', 'scipy.stats'} & set(sys.modules)))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings"}
    done = subprocess.run(  # noqa: S603 - a fixed command
        [sys.executable, "-c", check], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip() == "[]"
