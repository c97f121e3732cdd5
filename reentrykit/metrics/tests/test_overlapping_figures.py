"""Two breakdowns of the same cohort whose groups overlap give small counts
away by subtraction (DATA.md, "Disclosure control": counts 1..k-1 hidden; "so no
hidden cell can be recovered by subtraction").

The hand-worked cohort (released 2023-03-01, one-year rearrest, data through 2025-06-30,
k = 11), 155 people:

  age 20: 40 people, 20 rearrested   -> age_group 18-24, age_band 20-29
  age 27:  5 people,  2 rearrested   -> age_group 25-39, age_band 20-29
  age 35: 60 people, 30 rearrested   -> age_group 25-39, age_band 30-39
  age 45: 50 people, 20 rearrested   -> age_group 40+,   age_band 40-49

  by age_group: 18-24 40/20, 25-39 65/32, 40+ 50/20       (every count >= 11, every
  by age_band:  20-29 45/22, 30-39 60/30, 40-49 50/20      complement >= 11: all shown)

  25-39 less 30-39 = people aged 25-29:  65 - 60 = 5 people, 32 - 30 = 2 rearrested.

Both tables are what a member reads on the measures page (?by=age_group, ?by=age_band),
so the member learns that 2 of the 5 people aged 25-29 were rearrested: two counts
from 1 to 10. The same holds for program:TYPE against program_completed:TYPE
(participants less completers = those who enrolled and did not complete).
"""

from __future__ import annotations

import datetime as dt

from reentrykit.core.access import coalition_access
from reentrykit.metrics import selectors
from reentrykit.metrics.cohorts import Period
from reentrykit.metrics.rates import recidivism_rates
from reentrykit.metrics.tests.builders import (
    event,
    memory_tables,
    program,
    release,
    write_store,
)
from reentrykit.testing import World

THROUGH = dt.date(2025, 6, 30)


def _people(spec: list[tuple[str, int, int, dict]]) -> tuple[list, list, list]:
    releases, events, programs = [], [], []
    for prefix, count, rearrested, extra in spec:
        for n in range(count):
            key = f"{prefix}{n}"
            releases.append(release(key, "2023-03-01", **extra.get("release", {})))
            if n < rearrested:
                events.append(event(key, "2023-06-01", "arrest"))
            if "program" in extra:
                program_type, status = extra["program"]
                programs.append(program(key, program_type, status, start_date="2023-03-15"))
    return releases, events, programs


def _rate_rows(tables, by: str, *, window: int = 365) -> list[dict]:  # type: ignore[no-untyped-def]
    """The cached rate rows of one-year (or ``window``) rearrest by ``by``, 2023."""
    frame = recidivism_rates(
        tables=tables,
        measure="rearrest",
        window=window,
        data_through=THROUGH,
        period=Period.calendar_year(2023),
        by=by,
    )
    return [
        {
            "measure": "rearrest",
            "window_days": window,
            "cohort_year": 2023,
            "breakdown": "all" if str(record["group"]) == "all" else by,
            "group": str(record["group"]),
            "cohort": int(record["cohort"]),
            "recidivists": int(record["recidivists"]),
            "rate": float(record["rate"]),
            "ci_low": float(record["ci_low"]),
            "ci_high": float(record["ci_high"]),
        }
        for record in frame.to_dict("records")
    ]


def _payload(tables, breakdowns: list[str]) -> dict:  # type: ignore[no-untyped-def]
    first, *others = breakdowns
    rows = _rate_rows(tables, first)  # with the overall row, once
    rows += [row for by in others for row in _rate_rows(tables, by) if row["group"] != "all"]
    return {"rates": rows}


def _shown(access, payload: dict, breakdown: str) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    table = selectors.rates(
        access, payload, measure="rearrest", window=365, year=2023, breakdown=breakdown
    )
    return {row["group"]: row for row in table.rows}


AGED = [
    ("a", 40, 20, {"release": {"age_at_release": 20}}),
    ("b", 5, 2, {"release": {"age_at_release": 27}}),
    ("c", 60, 30, {"release": {"age_at_release": 35}}),
    ("d", 50, 20, {"release": {"age_at_release": 45}}),
]


def _aged_tables():  # type: ignore[no-untyped-def]
    """The module's hand-worked cohort by age (20, 27, 35 and 45)."""
    releases, events, _ = _people(AGED)
    return memory_tables(releases=releases, events=events)


def test_age_group_less_age_band_gives_no_small_count_away(world: World) -> None:
    tables = _aged_tables()
    payload = _payload(tables, ["age_group", "age_band"])
    member = coalition_access(world.member, world.coalition)
    assert member is not None
    groups = _shown(member, payload, "age_group")
    bands = _shown(member, payload, "age_band")
    wide = groups["25-39"]
    # 65 - 60 = 5 people aged 25-29 and 32 - 30 = 2 rearrested: the age bands are
    # withheld (every group but the total), the age groups shown.
    assert (wide["cohort"], wide["recidivists"]) == (65, 32)
    assert all(row["cohort"] is None for group, row in bands.items() if group != "all")
    assert bands["all"]["cohort"] == 155


def test_program_less_program_completed_gives_no_small_count_away(world: World) -> None:
    """Hand-worked: 40 completed housing (15 rearrested), 5 enrolled and did not
    complete (2 rearrested), 60 took no program (25 rearrested).
    program:housing participant 45/17; program_completed:housing participant 40/15;
    45 - 40 = 5 people, 17 - 15 = 2 rearrested: both from 1 to 10."""
    releases, events, programs = _people(
        [
            ("p", 40, 15, {"program": ("housing", "completed")}),
            ("q", 5, 2, {"program": ("housing", "enrolled")}),
            ("r", 60, 25, {}),
        ]
    )
    tables = memory_tables(releases=releases, events=events, programs=programs)
    payload = _payload(tables, ["program:housing", "program_completed:housing"])
    member = coalition_access(world.member, world.coalition)
    assert member is not None
    took_part = _shown(member, payload, "program:housing")["participant"]
    completed = _shown(member, payload, "program_completed:housing")["participant"]
    # 45 - 40 = 5 non-completers: the completers' table is withheld.
    assert took_part["cohort"] == 45
    assert completed["cohort"] is None


def _intermediate_frame():  # type: ignore[no-untyped-def]
    """The intermediate measures of 36 high-risk releases (see the test below)."""
    from reentrykit.metrics.intermediate import intermediate_measures

    releases, programs = [], []
    for n in range(36):
        supervision = "probation" if n < 30 else ("none" if n < 33 else "unknown")
        releases.append(
            release(
                f"h{n}",
                "2023-03-01",
                risk_level="high",
                supervision_type=supervision,
                admission_date="2023-01-01",
            )
        )
        if n < 12:
            programs.append(
                program(
                    f"h{n}",
                    "housing",
                    "completed",
                    phase="pre_release",
                    start_date="2023-01-15",
                    end_date="2023-02-15",
                )
            )
    for n in range(40):
        releases.append(
            release(
                f"l{n}",
                "2023-03-01",
                risk_level="low",
                supervision_type="probation" if n < 15 else "none",
            )
        )
    tables = memory_tables(releases=releases, programs=programs)
    return intermediate_measures(
        tables=tables, period=Period.calendar_year(2023), data_through=THROUGH
    )


def test_two_intermediate_denominators_give_no_small_count_away(world: World) -> None:
    """Hand-worked: 36 high-risk people released 2023-03-01: 30 on probation, 3 with
    no supervision (supervision none), 3 whose supervision is unknown; 12 of the 36
    completed a pre-release program (started 2023-01-15, admitted 2023-01-01). Plus 40
    low-risk releases, 15 of them on probation.

    Measure 2 (high-risk completed pre-release): denominator = every high-risk
    release = 36; numerator 12.
    Measure 6 (high-risk on supervision): unknown supervision left out, so its
    denominator = 36 - 3 = 33, numerator 30 (30 of 33: complement 3 -> numerator
    hidden, but the denominator 33 is shown).

    36 - 33 = 3 high-risk people whose supervision is unknown: a count from 1 to 10,
    from two denominators the measures page shows side by side."""
    rows = [
        {k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()}
        for r in _intermediate_frame().to_dict("records")
    ]
    member = coalition_access(world.member, world.coalition)
    assert member is not None
    table = selectors.intermediate(member, {"intermediate": rows})
    by_key = {row["key"]: row for row in table.rows}
    completed = by_key["high_risk_completed_pre_release"]["denominator"]
    supervised = by_key["high_risk_on_supervision"]["denominator"]
    # 36 - 33 = 3 high-risk releases with unknown supervision: the smaller is hidden.
    assert completed == 36 and supervised is None


def test_the_command_line_hides_a_close_denominator_too() -> None:
    """`reentrykit metrics intermediate` without --unsuppressed: the same 36 and 33."""
    from reentrykit.metrics.intermediate import disclose_intermediate

    rows = disclose_intermediate(_intermediate_frame(), k=11, unsuppressed=False).rows
    by_key = {row["key"]: row for row in rows}
    completed = by_key["high_risk_completed_pre_release"]["denominator"]
    supervised = by_key["high_risk_on_supervision"]["denominator"]
    assert completed == 36 and supervised is None


def test_an_age_group_of_one_window_less_an_age_band_of_another(world: World) -> None:
    """Every window of a release year has (but for deaths) the same cohort: with both
    the 180-day and the 365-day windows showing 2023, 25-39 (180 days) less 30-39 (365
    days) would give the 5 people aged 25-29 away."""
    tables = _aged_tables()
    payload = {
        "rates": _rate_rows(tables, "age_group", window=180) + _rate_rows(tables, "age_band")
    }
    member = coalition_access(world.member, world.coalition)
    assert member is not None
    groups = selectors.rates(
        member, payload, measure="rearrest", window=180, year=2023, breakdown="age_group"
    )
    bands = selectors.rates(
        member, payload, measure="rearrest", window=365, year=2023, breakdown="age_band"
    )
    wide = next(r for r in groups.rows if r["group"] == "25-39")
    narrow = next(r for r in bands.rows if r["group"] == "30-39")
    assert wide["cohort"] == 65 and narrow["cohort"] is None


def test_an_age_band_indicator_gives_nothing_away_beside_an_age_group(world: World) -> None:
    """Saved indicators are figures too: 25-39 (65 people) beside 30-39 (60) would give
    the 5 people aged 25-29 away, so members read the age band's as suppressed."""
    from reentrykit.data.models import Source
    from reentrykit.metrics.models import Indicator
    from reentrykit.metrics.refresh import refresh_coalition

    releases, events, _ = _people(AGED)
    write_store(world.coalition.pk, releases=releases, events=events)
    for name in ("County Jail", "City Police"):
        Source.objects.create(coalition=world.coalition, name=name, declared_data_through=THROUGH)
    for breakdown, group in (("age_group", "25-39"), ("age_band", "30-39")):
        Indicator.objects.create(
            coalition=world.coalition,
            name=group,
            measure="rearrest",
            baseline_first_year=2023,
            baseline_last_year=2023,
            breakdown=breakdown,
            breakdown_group=group,
        )
    refresh_coalition(world.coalition)

    def shown(user) -> dict[str, object]:  # type: ignore[no-untyped-def]
        rows = selectors.indicator_rows(coalition_access(user, world.coalition))
        return {row["indicator"].name: row["display"] or row["baseline"]["cohort"] for row in rows}

    assert shown(world.member) == {"25-39": 65, "30-39": "suppressed"}
    assert shown(world.steward) == {"25-39": 65, "30-39": 60}
