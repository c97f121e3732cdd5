"""The six intermediate measures and the population flow, on a cohort worked by hand."""

from __future__ import annotations

import datetime as dt
import json
import math

import pandas as pd
import pytest

from reentrykit.data.models import Source
from reentrykit.metrics.cohorts import Period, person_outcomes
from reentrykit.metrics.engine import Tables, coalition_tables, stacked
from reentrykit.metrics.flows import FLOW_COLUMNS, PATH_COLUMNS, flow_paths, population_flow
from reentrykit.metrics.intermediate import (
    INTERMEDIATE_COLUMNS,
    INTERMEDIATE_MEASURES,
    intermediate_json,
    intermediate_measures,
)
from reentrykit.metrics.models import MetricSnapshot
from reentrykit.metrics.refresh import latest_year_queries, refresh_coalition
from reentrykit.metrics.survival import kaplan_meier, survival_analysis
from reentrykit.metrics.tests.builders import event, memory_tables, program, release, write_store
from reentrykit.testing import World

THROUGH = dt.date(2025, 12, 31)
YEAR_2024 = Period.calendar_year(2024)

# The 2024 cohort is q1..q5 (q6 was released in 2023, q7's release is a transfer).
#   q1 high, to parole; assessed 2024-02-01 in the stay; pre-release program completed
#      (started 2024-02-10); post-release program referred 2024-03-20 (day 19)
#   q2 very high, no supervision; assessed 2024-01-15, before admission (not in the
#      stay); program without phase completed, started before release (pre-release);
#      post-release referral on day 45 (too late), still only referred
#   q3 high, supervision unknown, sentence served (left out of measure 6); assessed on
#      the release day (no admission date: the stay is the year before); post-release
#      program without referral date started day 30, completed 2024-06-30, employed
#      2024-09-28 (day 90 after completion)
#   q4 low, to probation; post-release programs: dropped, still enrolled (left out),
#      completed 2024-08-01 with a job only on day 106 after completion
#   q5 high, released 2024-12-15 to parole with supervision unknown (supervised by
#      release type); 30 days of follow-up by 2025-01-14; no referral
RELEASES = [
    release(
        "q1",
        "2024-03-01",
        admission_date="2024-01-01",
        risk_level="high",
        supervision_type="parole",
        release_type="to_parole",
    ),
    release("q2", "2024-03-01", admission_date="2024-02-01", risk_level="very_high"),
    release("q3", "2024-03-01", risk_level="high", supervision_type="unknown"),
    release(
        "q4",
        "2024-03-01",
        supervision_type="probation",
        release_type="to_probation",
    ),
    release(
        "q5", "2024-12-15", risk_level="high", supervision_type="unknown", release_type="to_parole"
    ),
    release("q6", "2023-05-01", risk_level="high"),
    release("q7", "2024-06-01", release_type="transfer", risk_level="high"),
]
ASSESSMENTS = [
    {"person_key": "q1", "assessment_date": "2024-02-01"},
    {"person_key": "q2", "assessment_date": "2024-01-15"},
    {"person_key": "q3", "assessment_date": "2024-03-01"},
    {"person_key": "q6", "assessment_date": "2023-04-01"},
]
PROGRAMS = [
    program(
        "q1",
        "cognitive_behavioral",
        "completed",
        phase="pre_release",
        start_date="2024-02-10",
        end_date="2024-02-28",
    ),
    program("q1", "housing", "referred", phase="post_release", referral_date="2024-03-20"),
    program("q2", "education", "completed", start_date="2024-02-15", end_date="2024-02-27"),
    program("q2", "housing", "referred", phase="post_release", referral_date="2024-04-15"),
    program(
        "q3",
        "employment",
        "completed",
        phase="post_release",
        start_date="2024-03-31",
        end_date="2024-06-30",
    ),
    program(
        "q4",
        "housing",
        "dropped",
        phase="post_release",
        start_date="2024-04-10",
        end_date="2024-04-20",
    ),
    program("q4", "mentoring", "enrolled", phase="post_release", start_date="2024-05-01"),
    program(
        "q4",
        "employment",
        "completed",
        phase="post_release",
        start_date="2024-05-01",
        end_date="2024-08-01",
    ),
    program(
        "q6",
        "employment",
        "completed",
        phase="post_release",
        start_date="2023-06-01",
        end_date="2023-07-01",
    ),
]
OUTCOMES = [
    {"person_key": "q3", "outcome_date": "2024-09-28", "outcome_type": "employed"},
    {"person_key": "q4", "outcome_date": "2024-08-10", "outcome_type": "housed"},
    {"person_key": "q4", "outcome_date": "2024-11-15", "outcome_type": "employed"},
    {"person_key": "q6", "outcome_date": "2023-07-10", "outcome_type": "employed"},
]
EVENTS = [
    event("q1", "2024-06-01", "arrest"),
    event("q1", "2024-01-01", "booking"),
    event("q2", "2024-02-01", "booking"),
    event("q6", "2023-01-01", "booking"),
]


@pytest.fixture(scope="module")
def tables() -> Tables:
    return memory_tables(
        releases=RELEASES,
        events=EVENTS,
        programs=PROGRAMS,
        assessments=ASSESSMENTS,
        outcomes=OUTCOMES,
    )


def test_it_computes_the_six_measures(tables: Tables) -> None:
    frame = intermediate_measures(tables=tables, period=YEAR_2024, data_through=THROUGH)
    assert list(frame.columns) == list(INTERMEDIATE_COLUMNS)
    assert list(frame["key"]) == list(INTERMEDIATE_MEASURES)
    got = {row.key: (row.numerator, row.denominator) for row in frame.itertuples()}
    assert got == {
        "assessed_before_release": (2, 5),  # q1 q3 of q1..q5
        "high_risk_completed_pre_release": (2, 4),  # q1 q2 of q1 q2 q3 q5
        "high_risk_referred_30_days": (2, 4),  # q1 (day 19) q3 (start day 30)
        "post_release_completion": (2, 3),  # q3, q4's completed; q4's dropped
        "employed_90_days_after_completion": (1, 2),  # q3 (day 90); q4 (day 106) no
        "high_risk_on_supervision": (2, 3),  # q1 q5 of q1 q2 q5 (q3 unknown)
    }
    assert frame.loc[0, "rate"] == pytest.approx(0.4)


def test_it_leaves_follow_up_measures_to_people_followed_long_enough(tables: Tables) -> None:
    # Through 2025-01-10, q5 (released 2024-12-15) has had only 26 days.
    frame = intermediate_measures(
        tables=tables, period=YEAR_2024, data_through=dt.date(2025, 1, 10)
    ).set_index("key")
    assert frame.loc["high_risk_referred_30_days", "denominator"] == 3
    # Through 2024-10-15: q4's completion (2024-08-01) has 75 days, q3's has 107.
    frame = intermediate_measures(
        tables=tables, period=YEAR_2024, data_through=dt.date(2024, 10, 15)
    ).set_index("key")
    row = frame.loc["employed_90_days_after_completion"]
    assert (row["numerator"], row["denominator"]) == (1, 1)


def test_it_has_no_figure_where_the_data_is_absent() -> None:
    tables = memory_tables(releases=RELEASES)
    frame = intermediate_measures(tables=tables, period=YEAR_2024, data_through=THROUGH)
    row = frame.set_index("key").loc["assessed_before_release"]
    assert pd.isna(row["numerator"]) and math.isnan(row["rate"])
    payload = intermediate_json(frame, k=11, unsuppressed=True)
    assert payload["rows"][0] == {
        "key": "assessed_before_release",
        "label": INTERMEDIATE_MEASURES["assessed_before_release"],
        "numerator": None,
        "denominator": None,
        "rate": None,
        "suppressed": False,
    }
    supervision = payload["rows"][-1]
    assert (supervision["numerator"], supervision["denominator"]) == (2, 3)


def test_it_hides_small_intermediate_counts_for_members(tables: Tables) -> None:
    frame = intermediate_measures(tables=tables, period=YEAR_2024, data_through=THROUGH)
    payload = intermediate_json(frame, k=11, unsuppressed=False)
    assert all(list(row) == [*INTERMEDIATE_COLUMNS, "suppressed"] for row in payload["rows"])
    first = payload["rows"][0]
    assert (first["numerator"], first["denominator"], first["rate"], first["suppressed"]) == (
        None,
        None,
        None,
        True,
    )


def test_a_measure_with_nobody_in_its_denominator_is_not_called_suppressed(
    tables: Tables,
) -> None:
    # No high-risk release (0 of 0): shown as such to members, with no rate.
    frame = intermediate_measures(tables=tables, period=YEAR_2024, data_through=THROUGH)
    frame.loc[frame["key"] == "high_risk_on_supervision", ["numerator", "denominator"]] = 0
    frame.loc[frame["key"] == "high_risk_on_supervision", "rate"] = float("nan")
    rows = {row["key"]: row for row in intermediate_json(frame, k=11, unsuppressed=False)["rows"]}
    assert rows["high_risk_on_supervision"] == {
        "key": "high_risk_on_supervision",
        "label": INTERMEDIATE_MEASURES["high_risk_on_supervision"],
        "numerator": 0,
        "denominator": 0,
        "rate": None,
        "suppressed": False,
    }
    # A denominator from 1 to k-1 still hides its rate.
    assert rows["assessed_before_release"]["suppressed"] is True


def test_it_counts_the_population_flow(tables: Tables) -> None:
    frame = population_flow(tables=tables, period=YEAR_2024, data_through=THROUGH)
    assert list(frame.columns) == list(FLOW_COLUMNS)
    counts = dict(zip(frame["key"], frame["count"], strict=True))
    assert counts == {
        "arrests": 1,  # q1's rearrest
        "bookings": 2,  # q1's and q2's in 2024; q6's was in 2023
        "releases": 6,  # q1..q5 and q7's transfer
        "releases:sentence_served": 2,
        "releases:to_parole": 2,
        "releases:to_probation": 1,
        "releases:transfer": 1,
        "cohort": 5,
        "on_supervision": 3,  # q1 q4 q5
        "assessed": 2,  # q1 q3
        "in_program": 4,  # q1 q2 q3 q4 (q4's enrolled mentoring on day 61)
        "followed_one_year": 5,
        "rearrested_one_year": 1,  # q1
    }
    paths = flow_paths(tables=tables, period=YEAR_2024, data_through=THROUGH)
    assert list(paths.columns) == list(PATH_COLUMNS)
    assert paths["count"].sum() == 5
    q1 = paths[(paths.supervision == "supervised") & (paths.outcome == "rearrested")]
    assert q1[["assessment", "program", "count"]].values.tolist() == [
        ["assessed", "participant", 1]
    ]


def test_a_years_part_of_the_by_year_person_table_gives_the_same_figures(
    tables: Tables,
) -> None:
    # The refresh builds one person table for 2023-2025 by cohort year and hands each
    # measure 2024's part of it; the figures must be those of the 2024 cohort itself.
    by_year = person_outcomes(tables, period=Period(dt.date(2023, 1, 1), THROUGH), by_year=True)
    of_2024 = by_year.filter(by_year.cohort_year == 2024)
    pd.testing.assert_frame_equal(
        intermediate_measures(
            tables=tables, period=YEAR_2024, data_through=THROUGH, cohort_table=of_2024
        ),
        intermediate_measures(tables=tables, period=YEAR_2024, data_through=THROUGH),
    )
    pd.testing.assert_frame_equal(
        population_flow(tables=tables, period=YEAR_2024, data_through=THROUGH, people=of_2024),
        population_flow(tables=tables, period=YEAR_2024, data_through=THROUGH),
    )


def test_the_refresh_caches_the_latest_complete_years_figures(world: World) -> None:
    # A conviction and an incarceration too: a measure without any record of its events
    # has no rates at all (test_unmeasured.py).
    court = [event("q1", "2025-01-15", "conviction"), event("q1", "2025-02-01", "incarceration")]
    write_store(
        world.coalition.pk,
        releases=RELEASES,
        events=[*EVENTS, *court],
        programs=PROGRAMS,
        assessments=ASSESSMENTS,
        outcomes=OUTCOMES,
    )
    for name in (
        "County Jail",
        "City Police",
        "Second Chance Works",
        "Adult Probation",
        "Workforce Board",
    ):
        Source.objects.create(coalition=world.coalition, name=name, latest_date=THROUGH)
    refresh_coalition(world.coalition)
    payload = MetricSnapshot.objects.get(coalition=world.coalition).payload
    # Through 2025-12-31 the latest year with a full year of follow-up is 2024.
    assert payload["latest_complete_year"] == 2024
    intermediate = {
        row["key"]: (row["numerator"], row["denominator"]) for row in payload["intermediate"]
    }
    assert intermediate["assessed_before_release"] == (2, 5)
    assert intermediate["employed_90_days_after_completion"] == (1, 2)
    flow = {row["key"]: row["count"] for row in payload["flow"]}
    assert (flow["cohort"], flow["assessed"], flow["in_program"]) == (5, 2, 4)
    assert flow["rearrested_one_year"] == 1
    # Breakdowns for each window's latest year with full follow-up (2024 for 180 and
    # 365 days, 2023 for 730; 2022 and 2020 have no releases); overall rates every year.
    rates = payload["rates"]
    assert {(r["window_days"], r["cohort_year"]) for r in rates if r["breakdown"] == "sex"} == {
        (180, 2024),
        (365, 2024),
        (730, 2023),
    }
    assert {r["cohort_year"] for r in rates if r["breakdown"] == "all"} == {2023, 2024}
    # The headline's rows are cached apart too: 2024, one year, overall, three measures.
    assert sorted(r["measure"] for r in payload["headline"]) == [
        "rearrest",
        "reconviction",
        "reincarceration",
    ]
    assert all(r in rates for r in payload["headline"])
    assert {(r["window_days"], r["cohort_year"], r["group"]) for r in payload["headline"]} == {
        (365, 2024, "all")
    }
    # The cached curves of the 2024 cohort are the survival module's (lifelines-checked).
    assert payload["survival_year"] == 2024
    with coalition_tables(coalition_id=world.coalition.pk) as tables:
        for measure, entries in payload["survival"].items():
            for breakdown, entry in entries.items():
                expected = survival_analysis(
                    tables=tables,
                    measure=measure,
                    data_through=THROUGH,
                    period=YEAR_2024,
                    by=None if breakdown == "all" else breakdown,
                )
                curves = expected.curves
                if breakdown != "all":
                    # Each group's curve read on every day with an event in any group.
                    days = curves.loc[curves["group"] == "all", "day"].to_numpy()
                    curves = kaplan_meier(expected.counts, by=breakdown, at_days=days)
                # PostgreSQL's jsonb keeps object keys in its own order.
                cached = pd.DataFrame(entry["columns"])[list(curves.columns)]
                pd.testing.assert_frame_equal(cached, curves, check_dtype=False)
                assert entry["logrank_p"] == expected.logrank_p


def test_the_latest_years_query_reads_the_assessments_once_for_all_its_parts(
    tables: Tables,
) -> None:
    # The flow, the intermediate measures and the needs each look for assessments before
    # release; in the refresh's one query the engine must join them once, not per part.
    by_year = person_outcomes(tables, period=Period(dt.date(2023, 1, 1), THROUGH), by_year=True)
    queries = latest_year_queries(
        tables,
        period=YEAR_2024,
        people=by_year.filter(by_year.cohort_year == 2024),
        data_through=THROUGH,
        followed_through=THROUGH,
    )
    backend = tables.assessments.get_backend()
    sql = backend.compile(stacked(queries))
    (_, plan), *_ = backend.con.execute("EXPLAIN (FORMAT JSON) " + sql).fetchall()
    assert len(_scans_of_dates(json.loads(plan), "a_assessments", "assessment_date")) == 1


def _scans_of_dates(nodes: list[dict], table: str, column: str) -> list[dict]:
    """The plan's scans of ``table`` that read ``column``."""
    found = []
    for node in nodes:
        info = node.get("extra_info", {})
        if info.get("Table") == table and column in str(info.get("Projections", "")):
            found.append(node)
        found += _scans_of_dates(node.get("children", []), table, column)
    return found
