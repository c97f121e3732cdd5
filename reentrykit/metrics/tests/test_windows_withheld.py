"""Two follow-up windows of one cohort give a small count away by subtraction
(DATA.md, "Disclosure control": counts 1..k-1 hidden, "so no hidden cell can be
recovered by subtraction").

The hand-worked cohort: 160 people released in 2020, every window followed in full,
nobody died (k = 11). Its rearrests within each window, and which a member sees, the
windows taken in the order 365, 1095, 1825, 180, 730 (the headline's year first, then
the national references'):

  365 days:  50  kept
  1095 days: 56  withheld: 56 - 50 = 6 people first rearrested in their second or third year
  1825 days: 64  kept (64 - 50 = 14)
  180 days:  30  kept (50 - 30 = 20, 64 - 30 = 34)
  730 days:  62  withheld: 64 - 62 = 2 people first rearrested in their fourth or fifth year

Each window is on a page of its own (the trend by release year of ?window=...), so
without the rule a member reads 50 and 56 on two pages and learns the 6.
"""

from __future__ import annotations

import json

import pytest

from reentrykit.core.access import coalition_access
from reentrykit.metrics import selectors
from reentrykit.metrics.models import Indicator, MetricSnapshot
from reentrykit.metrics.rates import RATE_COLUMNS
from reentrykit.metrics.tests.builders import dashboard_payload, rate_row
from reentrykit.testing import World

RECIDIVISTS = {365: 50, 1095: 56, 1825: 64, 180: 30, 730: 62}
WITHHELD = {1095, 730}


def _row(window: int, recidivists: int, *, group: str = "all", breakdown: str = "all") -> dict:
    return {**rate_row(group, breakdown, 160, recidivists, year=2020), "window_days": window}


def _indicator_row(window: int, recidivists: int, **group: str) -> dict:
    """A row as an indicator's cached values hold it (:data:`rates.RATE_COLUMNS`)."""
    return {key: _row(window, recidivists, **group)[key] for key in RATE_COLUMNS}


def _payload() -> dict:
    payload = dashboard_payload()
    payload["rates"] = [_row(window, count) for window, count in RECIDIVISTS.items()]
    payload["data_through"] = "2026-06-30"
    payload.pop("headline", None)
    return payload


def test_a_member_reads_no_window_whose_recidivists_differ_by_a_small_count(
    world: World,
) -> None:
    payload = _payload()
    member = coalition_access(world.member, world.coalition)
    steward = coalition_access(world.steward, world.coalition)
    for window, count in RECIDIVISTS.items():
        seen = selectors.trend(member, payload, measure="rearrest", window=window).rows[0]
        raw = selectors.trend(steward, payload, measure="rearrest", window=window).rows[0]
        assert raw["recidivists"] == count and raw["rate"] == count / 160
        if window in WITHHELD:
            # The count, and the rate that would give it back with the people shown.
            assert seen["recidivists"] is None and seen["rate"] is None, window
            assert seen["ci_low"] is None and seen["cohort"] == 160, window
        else:
            assert seen["recidivists"] == count and seen["rate"] == count / 160, window
    shown = [
        selectors.trend(member, payload, measure="rearrest", window=w).rows[0]["recidivists"]
        for w in RECIDIVISTS
    ]
    counts = [count for count in shown if count is not None]
    assert all(abs(a - b) == 0 or abs(a - b) >= 11 for a in counts for b in counts)


def test_a_withheld_group_is_hidden_with_the_next_smallest_in_its_breakdown(
    world: World,
) -> None:
    """The 365-day and 180-day breakdowns of the same year: women's rearrests differ by
    4 between the windows, so the 180-day table withholds them, and the next smallest
    group beside them, as for any hidden cell of a breakdown with a total."""
    payload = _payload()
    payload["rates"] = [
        _row(365, 50),
        {**_row(365, 20, group="female", breakdown="sex"), "cohort": 60},
        {**_row(365, 30, group="male", breakdown="sex"), "cohort": 100},
        _row(180, 30),
        {**_row(180, 16, group="female", breakdown="sex"), "cohort": 60},
        {**_row(180, 14, group="male", breakdown="sex"), "cohort": 100},
    ]
    member = coalition_access(world.member, world.coalition)
    table = selectors.rates(
        member, payload, measure="rearrest", window=180, year=2020, breakdown="sex"
    )
    by_group = {row["group"]: row for row in table.rows}
    assert by_group["female"]["recidivists"] is None
    assert by_group["male"]["recidivists"] is None  # else 30 - 14 gives 16 back
    assert by_group["all"]["recidivists"] == 30
    year = selectors.rates(
        member, payload, measure="rearrest", window=365, year=2020, breakdown="sex"
    )
    assert [row["recidivists"] for row in year.rows] == [20, 30, 50]


def test_a_withheld_total_is_not_given_back_by_its_groups(world: World) -> None:
    """The 180-day breakdown by race of a year whose breakdowns over a year are not
    shown: its total's 45 is withheld (the year's 50 less it is 5), and its groups' 20
    and 25 would add up to it."""
    payload = _payload()
    payload["rates"] = [
        _row(365, 50),
        _row(180, 45),
        {**_row(180, 20, group="black", breakdown="race"), "cohort": 60},
        {**_row(180, 25, group="white", breakdown="race"), "cohort": 100},
        {**_row(180, 45, group="all", breakdown="race"), "cohort": 160},
    ]
    member = coalition_access(world.member, world.coalition)
    table = selectors.rates(
        member, payload, measure="rearrest", window=180, year=2020, breakdown="race"
    )
    by_group = {row["group"]: row["recidivists"] for row in table.rows}
    assert by_group == {"all": None, "black": None, "white": 25}


def test_no_page_or_export_gives_a_member_the_withheld_windows(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    """The trend table on the measures page and its CSV, for each
    window: the withheld recidivists appear nowhere."""
    MetricSnapshot.objects.create(coalition=world.coalition, payload=_payload())
    client = signed_in(world.member)
    base = "/c/riverton/measures/"
    for window in RECIDIVISTS:
        query = f"?measure=rearrest&window={window}"
        page = client.get(f"{base}{query}").content.decode()
        export = client.get(f"{base}export/{query}&table=trend").content.decode()
        for text in (page, export):
            for hidden in (f"{RECIDIVISTS[w]}" for w in WITHHELD if w == window):
                assert f">{hidden}<" not in text and f",{hidden}," not in text, window
            if window not in WITHHELD:
                assert str(RECIDIVISTS[window]) in text, window


@pytest.mark.parametrize("window", sorted(WITHHELD))
def test_an_indicator_of_a_withheld_window_is_hidden_and_one_of_a_kept_window_shown(
    window: int, world: World
) -> None:
    """An indicator is the same cohort as the measures pages' for its year and window,
    so it withholds what they withhold; one of another window is left as it was."""
    payload = _payload()
    withheld = Indicator.objects.create(
        coalition=world.coalition,
        name="Withheld",
        measure="rearrest",
        window_days=window,
        baseline_first_year=2020,
        baseline_last_year=2020,
    )
    kept = Indicator.objects.create(
        coalition=world.coalition,
        name="Kept",
        measure="rearrest",
        window_days=365,
        baseline_first_year=2020,
        baseline_last_year=2020,
    )
    payload["indicators"] = {
        str(indicator.pk): {
            "group": "all",
            "breakdown": "",
            "rows": [_indicator_row(indicator.window_days, RECIDIVISTS[indicator.window_days])],
            "latest": {
                "year": 2020,
                "rows": [_indicator_row(indicator.window_days, RECIDIVISTS[indicator.window_days])],
            },
        }
        for indicator in (withheld, kept)
    }
    MetricSnapshot.objects.create(
        coalition=world.coalition, payload=json.loads(json.dumps(payload))
    )
    rows = {
        row["indicator"].name: row
        for row in selectors.indicator_rows(coalition_access(world.member, world.coalition))
    }
    assert rows["Withheld"]["baseline"]["recidivists"] is None
    assert rows["Withheld"]["baseline"]["rate"] is None
    assert rows["Withheld"]["latest"]["rate"] is None
    assert rows["Kept"]["baseline"]["rate"] == 50 / 160
    steward = {
        row["indicator"].name: row
        for row in selectors.indicator_rows(coalition_access(world.steward, world.coalition))
    }
    assert steward["Withheld"]["baseline"]["recidivists"] == RECIDIVISTS[window]


def test_two_indicators_that_differ_only_in_their_window_are_a_pair(world: World) -> None:
    """Indicators of one jail cohort (the measures pages do not show it) over two
    windows: the second's recidivists differ from the first's by 6."""
    payload = _payload()
    payload["rates"] = []
    indicators = [
        Indicator.objects.create(
            coalition=world.coalition,
            name=f"Jail {window}",
            measure="rearrest",
            window_days=window,
            facility_type="jail",
            baseline_first_year=2020,
            baseline_last_year=2020,
        )
        for window in (365, 1095)
    ]
    payload["indicators"] = {
        str(indicator.pk): {
            "group": "all",
            "breakdown": "",
            "rows": [_indicator_row(indicator.window_days, RECIDIVISTS[indicator.window_days])],
            # Every facility's cohort: the prisons' part is far from small.
            "unfiltered": [
                {**_indicator_row(indicator.window_days, 150), "cohort": 400},
            ],
        }
        for indicator in indicators
    }
    MetricSnapshot.objects.create(coalition=world.coalition, payload=payload)
    rows = {
        row["indicator"].name: row
        for row in selectors.indicator_rows(coalition_access(world.member, world.coalition))
    }
    assert rows["Jail 365"]["baseline"]["recidivists"] == 50
    assert rows["Jail 1095"]["baseline"]["recidivists"] is None


def test_an_indicator_of_a_group_is_paired_with_the_pages_breakdown(world: World) -> None:
    """An indicator of women released in 2020 over 180 days: 16 rearrested, and the
    measures page's 365-day breakdown of the same year shows 20, so the 4 between
    them is withheld from the indicator."""
    payload = _payload()
    payload["rates"] = [
        _row(365, 50),
        {**_row(365, 20, group="female", breakdown="sex"), "cohort": 60},
        {**_row(365, 30, group="male", breakdown="sex"), "cohort": 100},
    ]
    indicator = Indicator.objects.create(
        coalition=world.coalition,
        name="Women 180",
        measure="rearrest",
        window_days=180,
        breakdown="sex",
        breakdown_group="female",
        baseline_first_year=2020,
        baseline_last_year=2020,
    )
    rows = [
        {**_indicator_row(180, 16, group="female", breakdown="sex"), "cohort": 60},
        {**_indicator_row(180, 14, group="male", breakdown="sex"), "cohort": 100},
        _indicator_row(180, 30),
    ]
    payload["indicators"] = {
        str(indicator.pk): {"group": "female", "breakdown": "sex", "rows": rows}
    }
    MetricSnapshot.objects.create(coalition=world.coalition, payload=payload)
    [member] = selectors.indicator_rows(coalition_access(world.member, world.coalition))
    assert member["baseline"]["recidivists"] is None and member["baseline"]["rate"] is None
    [steward] = selectors.indicator_rows(coalition_access(world.steward, world.coalition))
    assert steward["baseline"]["recidivists"] == 16
