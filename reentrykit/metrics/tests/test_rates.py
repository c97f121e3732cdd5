"""Fixed-window rates against a cohort whose answers were worked out by hand."""

from __future__ import annotations

import datetime as dt
import math

import duckdb
import ibis
import pandas as pd
import pytest

from reentrykit.data.store import StoreError
from reentrykit.metrics.breakdowns import PROGRAM_BREAKDOWNS
from reentrykit.metrics.cohorts import (
    MEASURES,
    Period,
    epoch_day,
    latest_complete_year,
    person_outcomes,
)
from reentrykit.metrics.engine import Tables, duckdb_tables, materialized
from reentrykit.metrics.rates import (
    RATE_COLUMNS,
    TABLE_COLUMNS,
    aggregate_pass,
    outcome_code,
    rate_table,
    recidivism_rates,
    wilson_interval,
    window_outcome,
    with_pass_columns,
)
from reentrykit.metrics.survival import survival_counts
from reentrykit.metrics.tests.builders import (
    event,
    fill_store,
    memory_tables,
    program,
    release,
)

THROUGH = dt.date(2025, 12, 31)
YEAR_2024 = Period.calendar_year(2024)

# Everyone is released on 2024-03-01 unless said otherwise; 2024 is a leap year, so
# 2024-03-01 + 365 days = 2025-03-01 (the last day of the one-year window).
#   p1  arrest on the release day only (same day: not counted)          -> not
#   p2  arrest on day 365 (2025-03-01, inside)                           -> recidivist
#   p3  arrest on day 366 (2025-03-02, outside)                          -> not
#   p4  prison release 2024-12-31 (window ends 2025-12-31), arrest 2025-06-01 -> recidivist
#   p5  dies 2024-06-01, no event                                        -> leaves
#   p6  arrest 2024-05-01, dies 2024-06-01 (event earlier than death)    -> recidivist
#   p7  dies 2025-06-01, after the window                                -> not
#   p8  arrest and death on the same day 2024-06-01 (not earlier)        -> leaves
#   p9  transfer 2024-02-01 (excluded kind), arrest 2024-03-01, first
#       qualifying release 2024-04-01, another 2024-08-01, arrest 2024-09-01 -> recidivist, once
#   p10 only excluded kinds (death, escape, temporary)                   -> not in the cohort
#   p11 conviction 2024-05-01 only                                       -> not (rearrest)
# Rearrest within 365 days, data through 2025-12-31: cohort 10 people, denominator 8
# (p1 p2 p3 p4 p6 p7 p9 p11), recidivists 4 (p2 p4 p6 p9).
RELEASES = [
    release("p1", "2024-03-01", admission_date="2024-01-01", age_at_release=17),
    release("p2", "2024-03-01", sex="female", age_at_release=20, risk_level="high"),
    release("p3", "2024-03-01", sex="female"),
    release("p4", "2024-12-31", facility_type="prison", age_at_release=45, risk_level="very_high"),
    release("p5", "2024-03-01"),
    release("p6", "2024-03-01", risk_level="high"),
    release("p7", "2024-03-01"),
    release("p8", "2024-03-01"),
    release("p9", "2024-02-01", release_type="transfer"),
    release("p9", "2024-04-01"),
    release("p9", "2024-08-01"),
    release("p10", "2024-03-01", release_type="death"),
    release("p10", "2024-04-01", release_type="escape"),
    release("p10", "2024-05-01", release_type="temporary"),
    release("p11", "2024-03-01"),
]
EVENTS = [
    event("p1", "2024-03-01", "arrest"),
    event("p2", "2025-03-01", "booking"),
    event("p3", "2025-03-02", "arrest"),
    event("p4", "2025-06-01", "arrest"),
    event("p5", "2024-06-01", "death"),
    event("p6", "2024-05-01", "arrest"),
    event("p6", "2024-06-01", "death"),
    event("p7", "2025-06-01", "death"),
    event("p8", "2024-06-01", "arrest"),
    event("p8", "2024-06-01", "death"),
    event("p9", "2024-03-01", "arrest"),
    event("p9", "2024-09-01", "arrest"),
    event("p10", "2024-06-01", "arrest"),
    event("p11", "2024-05-01", "conviction"),
]
# Participation: start between admission (release - 365 days when unknown) and 90 days
# after release, status enrolled or completed.
#   p1  housing enrolled 2023-12-31, admission 2024-01-01 (before admission)   -> no
#   p2  housing completed 2024-05-30 (release + 90, the last day)             -> yes, completed
#   p3  housing enrolled 2024-05-31 (release + 91)                            -> no
#   p6  housing enrolled 2023-03-02 (no admission: release - 365, first day)   -> yes
#   p7  housing referred 2024-04-01 (status)                                  -> no
#   p9  employment enrolled 2024-05-01                                        -> employment only
#   p11 housing dropped 2024-04-01 (status)                                   -> no
PROGRAMS = [
    program("p1", "housing", "enrolled", start_date="2023-12-31"),
    program("p2", "housing", "completed", start_date="2024-05-30", end_date="2024-07-01"),
    program("p3", "housing", "enrolled", start_date="2024-05-31"),
    program("p6", "housing", "enrolled", start_date="2023-03-02"),
    program("p7", "housing", "referred", referral_date="2024-04-01"),
    program("p9", "employment", "enrolled", start_date="2024-05-01"),
    program("p11", "housing", "dropped", start_date="2024-04-01", end_date="2024-04-20"),
]


@pytest.fixture(scope="module")
def tables() -> Tables:
    return memory_tables(releases=RELEASES, events=EVENTS, programs=PROGRAMS)


def _rates(tables: Tables, **kwargs: object) -> pd.DataFrame:
    options = {"measure": "rearrest", "window": 365, "data_through": THROUGH, "period": YEAR_2024}
    options.update(kwargs)
    return recidivism_rates(tables=tables, **options)  # type: ignore[arg-type]


def _counts(frame: pd.DataFrame) -> dict[str, tuple[int, int]]:
    return {row.group: (row.cohort, row.recidivists) for row in frame.itertuples()}


def test_it_counts_events_inside_the_window_but_not_on_the_release_day(tables: Tables) -> None:
    frame = _rates(tables)
    assert list(frame.columns) == list(RATE_COLUMNS)
    assert _counts(frame) == {"all": (8, 4)}
    assert frame.loc[0, "rate"] == 0.5


def test_it_keeps_only_people_with_full_follow_up(tables: Tables) -> None:
    # Through 2025-06-30, p4 (window ends 2025-12-31) lacks follow-up; p7's death on
    # 2025-06-01 is after p7's window (ends 2025-03-01), so p7 stays: 7 people, 3 (p2 p6 p9).
    assert _counts(_rates(tables, data_through=dt.date(2025, 6, 30))) == {"all": (7, 3)}


def test_it_uses_each_measures_event_types(tables: Tables) -> None:
    # Reconviction: only p11's conviction counts. p6 now dies with no earlier qualifying
    # event and leaves too: 10 - p5 - p6 - p8 = 7 people, 1 recidivist.
    assert _counts(_rates(tables, measure="reconviction")) == {"all": (7, 1)}


def test_it_filters_one_facility_type(tables: Tables) -> None:
    assert _counts(_rates(tables, facility="prison")) == {"all": (1, 1)}
    assert _counts(_rates(tables, facility="jail")) == {"all": (7, 3)}


def test_a_facility_cohort_is_the_facility_breakdowns_group() -> None:
    """x left jail in January and prison in June; y left jail in February, z prison in
    March. Everyone is counted at their first release of the year: x under jail. The
    prison cohort is z alone, as the breakdown's prison group: were it x's June release
    too, the two figures side by side would tell that one person left both."""
    two_kinds = memory_tables(
        releases=[
            release("x", "2024-01-01", facility_type="jail"),
            release("x", "2024-06-01", facility_type="prison"),
            release("y", "2024-02-01", facility_type="jail"),
            release("z", "2024-03-01", facility_type="prison"),
        ],
        events=[event("x", "2024-07-01", "arrest")],
    )
    by_facility = {"all": (3, 1), "jail": (2, 1), "prison": (1, 0)}
    assert _counts(_rates(two_kinds, by="facility_type")) == by_facility
    assert _counts(_rates(two_kinds, facility="prison")) == {"all": by_facility["prison"]}
    assert _counts(_rates(two_kinds, facility="jail")) == {"all": by_facility["jail"]}


def test_it_counts_the_first_qualifying_release_once_and_never_an_excluded_kind(
    tables: Tables,
) -> None:
    people = person_outcomes(tables, period=YEAR_2024).to_pandas().set_index("person_key")
    assert sorted(people.index) == sorted(f"p{i}" for i in (1, 2, 3, 4, 5, 6, 7, 8, 9, 11))
    assert people.loc["p9", "release_date"] == pd.Timestamp("2024-04-01")
    # Only the arrest after the qualifying release counts (2024-09-01 = day 153).
    assert people.loc["p9", "first_rearrest_day"] - people.loc["p9", "release_day"] == 153


def test_a_same_day_tie_is_broken_the_same_way_whatever_the_row_order() -> None:
    # Two releases of q1 on the same day differ only in risk level: the cohort takes
    # the same one (by release_seq, numbered in a fixed column order) both times.
    rows = [
        release("q1", "2024-03-01", risk_level="low", source="Jail A"),
        release("q1", "2024-03-01", risk_level="high", source="Jail A"),
        release("q2", "2024-05-01"),
    ]
    chosen = []
    for ordering in (rows, rows[::-1]):
        people = person_outcomes(memory_tables(releases=ordering), period=YEAR_2024)
        frame = people.to_pandas().set_index("person_key")
        chosen.append(frame.loc["q1", "risk_level"])
        assert sorted(frame.index) == ["q1", "q2"]
    assert chosen == ["high", "high"]


def test_it_gives_the_wilson_interval(tables: Tables) -> None:
    # 4 of 8, z = 1.959964: centre = (0.5 + z^2/16) / (1 + z^2/8) = 0.5;
    # half-width = z * sqrt(0.25/8 + z^2/256) / (1 + z^2/8) = 0.421532 / 1.480182 = 0.284784.
    frame = _rates(tables)
    assert frame.loc[0, "ci_low"] == pytest.approx(0.215216, abs=1e-6)
    assert frame.loc[0, "ci_high"] == pytest.approx(0.784784, abs=1e-6)
    # 0 of 5: centre = (z^2/10) / (1 + z^2/5) = 0.384146 / 1.768292 = 0.217241 = half-width.
    low, high = wilson_interval([0], [5])
    assert (low[0], high[0]) == (0.0, pytest.approx(0.434482, abs=1e-6))
    assert math.isnan(wilson_interval([0], [0])[0][0])


def test_it_breaks_down_by_sex(tables: Tables) -> None:
    # female p2 p3 (p2 recidivated); male p1 p4 p6 p7 p9 p11 (p4 p6 p9).
    assert _counts(_rates(tables, by="sex")) == {"female": (2, 1), "male": (6, 3), "all": (8, 4)}


def test_it_breaks_down_by_age_group_in_order(tables: Tables) -> None:
    # p1 is 17, p2 20, p4 45, the rest 30.
    frame = _rates(tables, by="age_group")
    assert list(frame["group"]) == ["under_18", "18-24", "25-39", "40+", "all"]
    assert _counts(frame) == {
        "under_18": (1, 0),
        "18-24": (1, 1),
        "25-39": (5, 2),
        "40+": (1, 1),
        "all": (8, 4),
    }


def test_it_breaks_down_by_risk_level(tables: Tables) -> None:
    assert _counts(_rates(tables, by="risk_level")) == {
        "low": (5, 1),
        "high": (2, 2),
        "very_high": (1, 1),
        "all": (8, 4),
    }


def test_it_splits_program_participants_by_the_participation_window(tables: Tables) -> None:
    # housing participants p2 p6 (both recidivated); the other six, p4 and p9 did.
    assert _counts(_rates(tables, by="program:housing")) == {
        "participant": (2, 2),
        "non_participant": (6, 2),
        "all": (8, 4),
    }
    assert _counts(_rates(tables, by="program_completed:housing")) == {
        "participant": (1, 1),
        "non_participant": (7, 3),
        "all": (8, 4),
    }
    # Any program: p2 p6 p9.
    assert _counts(_rates(tables, by="program:any")) == {
        "participant": (3, 3),
        "non_participant": (5, 1),
        "all": (8, 4),
    }


def test_it_returns_the_documented_columns_for_an_empty_cohort(tables: Tables) -> None:
    frame = _rates(tables, period=Period.calendar_year(2010), by="sex")
    assert list(frame.columns) == list(RATE_COLUMNS)
    assert _counts(frame) == {"all": (0, 0)}
    assert math.isnan(frame.loc[0, "rate"])


def test_it_defaults_to_the_latest_year_with_full_follow_up() -> None:
    assert latest_complete_year(data_through=THROUGH, window=365) == YEAR_2024
    assert latest_complete_year(data_through=THROUGH, window=1825) == Period.calendar_year(2020)
    assert latest_complete_year(data_through=dt.date(2025, 12, 30), window=365) == (
        Period.calendar_year(2023)
    )


def test_it_tabulates_every_window_and_breakdown_by_cohort_year(tables: Tables) -> None:
    people = person_outcomes(tables, period=Period(dt.date(2023, 1, 1), THROUGH), by_year=True)
    table = rate_table(
        people,
        through_day=epoch_day(THROUGH),
        breakdowns=["sex", "program:housing"],
        measures=["rearrest", "reconviction"],
        windows=[180, 365],
    )
    assert list(table.columns) == list(TABLE_COLUMNS)
    year = table[
        (table.measure == "rearrest") & (table.window_days == 365) & (table.cohort_year == 2024)
    ]
    by_sex = year[year.breakdown.isin(["sex", "all"])]
    assert _counts(by_sex) == _counts(_rates(tables, by="sex"))
    housing = year[year.breakdown == "program:housing"]
    assert _counts(housing) == {"participant": (2, 2), "non_participant": (6, 2)}
    # 180 days: p6 (day 61), p4 (day 152) and p9 (day 153) but not p2 (day 365); p5
    # (death on day 92) and p8 still leave the denominator.
    half = table[
        (table.measure == "rearrest")
        & (table.window_days == 180)
        & (table.cohort_year == 2024)
        & (table.breakdown == "all")
    ]
    assert _counts(half) == {"all": (8, 3)}


def test_every_program_breakdown_of_the_table_matches_its_own_rate(tables: Tables) -> None:
    people = person_outcomes(tables, period=Period(dt.date(2023, 1, 1), THROUGH), by_year=True)
    table = rate_table(
        people,
        through_day=epoch_day(THROUGH),
        breakdowns=PROGRAM_BREAKDOWNS,
        measures=["rearrest"],
        windows=[365],
    )
    year = table[table.cohort_year == 2024]
    for name in PROGRAM_BREAKDOWNS:
        part = year[year.breakdown.isin([name, "all"])]
        assert _counts(part) == _counts(_rates(tables, by=name)), name
    completed = year[year.breakdown == "program_completed:any"]
    assert _counts(completed) == {"participant": (1, 1), "non_participant": (7, 3)}


def test_breakdowns_can_be_limited_to_the_cohort_years_shown() -> None:
    tables = memory_tables(
        releases=[
            release("a", "2023-03-01", sex="female"),
            release("b", "2023-04-01"),
            release("c", "2024-03-01", sex="female"),
            release("d", "2024-05-01"),
        ],
        events=[event("a", "2023-05-01", "arrest"), event("c", "2024-04-01", "arrest")],
    )
    people = person_outcomes(tables, period=Period(dt.date(2023, 1, 1), THROUGH), by_year=True)
    prepared = with_pass_columns(people, through_day=epoch_day(THROUGH), windows=[365])
    with materialized(prepared) as table:
        limited = aggregate_pass(
            table, breakdowns=["sex"], windows=[365], breakdown_years=[2024]
        ).rates
        every = aggregate_pass(table, breakdowns=["sex"], windows=[365]).rates
    rearrest = limited[limited.measure == "rearrest"]
    by_year = rearrest.groupby("breakdown")["cohort_year"].agg(lambda y: sorted(set(y)))
    assert by_year.to_dict() == {"all": [2023, 2024], "sex": [2024]}
    expected = every[(every.breakdown == "all") | (every.cohort_year == 2024)]
    pd.testing.assert_frame_equal(limited.reset_index(drop=True), expected.reset_index(drop=True))
    female_2024 = rearrest[(rearrest.breakdown == "sex") & (rearrest.group == "female")]
    assert female_2024[["cohort", "recidivists"]].values.tolist() == [[1, 1]]


def test_the_pass_counts_the_same_survival_times_as_the_survival_module(tables: Tables) -> None:
    """The refresh's survival counts against ``survival_counts`` (checked against lifelines)
    for every measure, overall and by two breakdowns, in the 2024 cohort."""
    people = person_outcomes(tables, period=Period(dt.date(2023, 1, 1), THROUGH), by_year=True)
    prepared = with_pass_columns(people, through_day=epoch_day(THROUGH))
    breakdowns = ["sex", "program:housing"]
    with materialized(prepared) as table:
        counts = aggregate_pass(
            table,
            measures=[],
            survival_measures=MEASURES,
            survival_breakdowns=breakdowns,
            survival_year=2024,
            through_day=epoch_day(THROUGH),
        ).survival
    assert set(counts["cohort_year"]) == {2024}
    columns = ["group", "time", "outcome", "count"]
    for measure in MEASURES:
        for by in breakdowns:
            expected = survival_counts(
                tables=tables, measure=measure, data_through=THROUGH, period=YEAR_2024, by=by
            )
            for name in ("all", by):
                got = counts[(counts.measure == measure) & (counts.breakdown == name)][columns]
                part = expected[(expected.group == "all") == (name == "all")]
                assert _sorted(got) == _sorted(part), (measure, name)


def _sorted(frame: pd.DataFrame) -> list[tuple]:
    return sorted(frame.itertuples(index=False, name=None))


def test_tables_built_before_release_numbering_ask_for_linkage_again() -> None:
    con = duckdb.connect(":memory:")
    con.execute("ATTACH ':memory:' AS store")
    fill_store(con, releases=[release("a", "2024-03-01")])
    assert duckdb_tables(con).releases.count().execute() == 1
    con.execute("ALTER TABLE store.a_releases DROP COLUMN release_seq")
    with pytest.raises(StoreError, match="run linkage again"):
        duckdb_tables(con)


def test_the_packed_outcome_code_follows_the_window_rule_for_every_person() -> None:
    """The code's arithmetic against :func:`window_outcome`, window by window, on people
    whose events, deaths and end of data fall on and around each window's last day."""
    windows = [180, 365, 730]
    through_day = 2000
    near = sorted({0, 1, *(w + step for w in windows for step in (-1, 0, 1))})
    never = 1_000_000_000
    rows = [
        {"release_day": release_day, "first_rearrest_day": release_day + event, "death_day": death}
        for release_day in (through_day - 731, through_day - 366, through_day - 180, 100)
        for event in (*near, never)
        for death in (release_day, release_day + 180, release_day + 365, never)
    ]
    con = duckdb.connect(":memory:")
    con.register("rows", pd.DataFrame(rows))
    con.execute("CREATE TABLE people AS SELECT * FROM rows")
    people = ibis.duckdb.from_connection(con).table("people")
    code = outcome_code(people, measure="rearrest", windows=windows, through_day=through_day)
    columns = {"code": code}
    for window in windows:
        followed, recidivated = window_outcome(
            people, measure="rearrest", window=window, through_day=through_day
        )
        columns[f"followed_{window}"] = followed
        columns[f"recidivated_{window}"] = recidivated
    frame = people.select(**columns).to_pandas()
    for index, window in enumerate(windows):
        followed = frame["code"] // 16 > index
        recidivist = followed & (frame["code"] % 16 <= index)
        assert followed.tolist() == frame[f"followed_{window}"].tolist(), window
        assert recidivist.tolist() == frame[f"recidivated_{window}"].tolist(), window
    # The cases do reach every outcome.
    assert frame["recidivated_180"].any() and not frame["followed_730"].all()
