"""Survival curves against lifelines fitted directly on the same person-level data."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from lifelines import AalenJohansenFitter, KaplanMeierFitter
from lifelines.statistics import logrank_test, multivariate_logrank_test

from reentrykit.core.suppression import common_steps
from reentrykit.metrics.cohorts import Period
from reentrykit.metrics.engine import Tables
from reentrykit.metrics.survival import (
    CURVE_COLUMNS,
    INCIDENCE_COLUMNS,
    cumulative_incidence,
    kaplan_meier,
    logrank_p,
    survival_analysis,
    survival_counts,
    survival_json,
)
from reentrykit.metrics.tests.builders import event, memory_tables, release

THROUGH = dt.date(2025, 12, 31)
COHORT = Period.calendar_year(2023)


def _random_people(n: int = 120, seed: int = 7) -> tuple[list, list, pd.DataFrame]:
    """Releases in 2023 with an arrest on an even day after release (sometimes on the
    release day, which does not count, or after data_through) and a death on an odd
    day, so events and deaths never share a day. Returns the rows and the expected
    (sex, time, outcome) per person, worked out here independently of the engine."""
    rng = np.random.default_rng(seed)
    releases, events, expected = [], [], []
    for i in range(n):
        person = f"s{i:03d}"
        released = dt.date(2023, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365)))
        sex = "female" if rng.random() < 0.4 else "male"
        releases.append(release(person, released.isoformat(), sex=sex))
        arrest = 2 * int(rng.integers(0, 550)) if rng.random() < 0.75 else None
        death = 2 * int(rng.integers(0, 550)) + 1 if rng.random() < 0.2 else None
        for day, kind in ((arrest, "arrest"), (death, "death"), (-10, "arrest")):
            if day is not None:
                on = released + dt.timedelta(days=day)
                events.append(event(person, on.isoformat(), kind))
        follow_up = (THROUGH - released).days
        first = arrest if arrest else None  # day 0 (the release day) does not count
        if first is not None and (death is None or first < death) and first <= follow_up:
            expected.append((sex, first, 1))
        elif death is not None and death <= follow_up:
            expected.append((sex, death, 2))
        else:
            expected.append((sex, follow_up, 0))
    return releases, events, pd.DataFrame(expected, columns=["sex", "time", "outcome"])


@pytest.fixture(scope="module")
def cohort() -> tuple[Tables, pd.DataFrame]:
    releases, events, expected = _random_people()
    return memory_tables(releases=releases, events=events), expected


def test_it_matches_lifelines_kaplan_meier_per_group(cohort: tuple[Tables, pd.DataFrame]) -> None:
    tables, expected = cohort
    counts = survival_counts(
        tables=tables, measure="rearrest", data_through=THROUGH, period=COHORT, by="sex"
    )
    curves = kaplan_meier(counts, by="sex")
    assert list(curves.columns) == list(CURVE_COLUMNS)
    assert list(curves["group"].unique()) == ["female", "male", "all"]
    for group in ("female", "male", "all"):
        people = expected if group == "all" else expected[expected["sex"] == group]
        fitter = KaplanMeierFitter().fit(people["time"], people["outcome"] == 1)
        table = fitter.event_table
        event_days = [t for t in table.index if table.at[t, "observed"] > 0]
        curve = curves[curves["group"] == group].set_index("day")
        assert list(curve.index) == [0, *event_days]
        assert curve.loc[0, "at_risk"] == len(people)
        assert curve.loc[0, "survival"] == 1.0
        band = fitter.confidence_interval_
        for day in event_days:
            assert curve.loc[day, "at_risk"] == table.at[day, "at_risk"]
            assert curve.loc[day, "events"] == table.at[day, "observed"]
            assert curve.loc[day, "survival"] == pytest.approx(
                fitter.survival_function_.loc[day].iloc[0], abs=1e-6
            )
            assert curve.loc[day, "ci_low"] == pytest.approx(band.loc[day].iloc[0], abs=1e-6)
            assert curve.loc[day, "ci_high"] == pytest.approx(band.loc[day].iloc[1], abs=1e-6)


def test_it_matches_lifelines_to_the_last_event_and_with_censoring_at_day_zero() -> None:
    # Everyone left has an event on day 9, so survival reaches zero; one person is
    # censored on day 0 (released on the day the data ends).
    times = [0, 3, 3, 5, 9, 9]
    outcomes = [0, 1, 0, 1, 1, 1]
    counts = pd.DataFrame(
        {"group": "all", "time": times, "outcome": outcomes, "count": [1, 2, 1, 1, 2, 1]}
    )
    people = counts.loc[counts.index.repeat(counts["count"])]
    fitter = KaplanMeierFitter().fit(people["time"], people["outcome"] == 1)
    curve = kaplan_meier(counts).set_index("day")
    assert list(curve.index) == [0, 3, 5, 9]
    assert list(curve["at_risk"]) == [8, 7, 4, 3]
    for day in (3, 5, 9):
        expected = fitter.survival_function_.loc[day].iloc[0]
        assert curve.loc[day, "survival"] == pytest.approx(expected, abs=1e-9)
        band = fitter.confidence_interval_.loc[day]
        assert curve.loc[day, "ci_low"] == pytest.approx(band.iloc[0], abs=1e-9)
        assert curve.loc[day, "ci_high"] == pytest.approx(band.iloc[1], abs=1e-9)
    assert curve.loc[9, "survival"] == 0.0


def test_it_matches_lifelines_log_rank(cohort: tuple[Tables, pd.DataFrame]) -> None:
    tables, expected = cohort
    counts = survival_counts(
        tables=tables, measure="rearrest", data_through=THROUGH, period=COHORT, by="sex"
    )
    female, male = expected[expected.sex == "female"], expected[expected.sex == "male"]
    direct = logrank_test(
        female["time"], male["time"], female["outcome"] == 1, male["outcome"] == 1
    )
    assert logrank_p(counts) == pytest.approx(direct.p_value, abs=1e-6)


def test_it_matches_lifelines_log_rank_across_three_groups() -> None:
    # Three groups, one of them down to a single person at risk at its last time.
    rng = np.random.default_rng(3)
    people = pd.DataFrame(
        {
            "group": rng.choice(["a", "b", "c"], 300, p=[0.5, 0.3, 0.2]),
            "time": rng.integers(1, 60, 300),
            "outcome": rng.choice([0, 1], 300, p=[0.4, 0.6]),
        }
    )
    people.loc[len(people)] = ["c", 500, 1]
    counts = people.value_counts().rename("count").reset_index()
    direct = multivariate_logrank_test(people["time"], people["group"], people["outcome"])
    assert logrank_p(counts, groups=["a", "b", "c"]) == pytest.approx(direct.p_value, abs=1e-9)
    assert 0 < direct.p_value < 1


def test_it_matches_lifelines_aalen_johansen(cohort: tuple[Tables, pd.DataFrame]) -> None:
    tables, expected = cohort
    counts = survival_counts(tables=tables, measure="rearrest", data_through=THROUGH, period=COHORT)
    incidence = cumulative_incidence(counts)
    assert list(incidence.columns) == list(INCIDENCE_COLUMNS)
    direct = AalenJohansenFitter(seed=0).fit(
        expected["time"], expected["outcome"], event_of_interest=1
    )
    curve = incidence.set_index("day")
    days = list(curve.index[1:])
    assert days == sorted(set(expected.loc[expected.outcome > 0, "time"]))
    for day in days:
        assert curve.loc[day, "cumulative_incidence"] == pytest.approx(
            direct.cumulative_density_.loc[day].iloc[0], abs=1e-6
        )
        band = direct.confidence_interval_.loc[day]
        assert curve.loc[day, "ci_low"] == pytest.approx(band.iloc[0], abs=1e-6)
        assert curve.loc[day, "ci_high"] == pytest.approx(band.iloc[1], abs=1e-6)
    assert curve["competing"].sum() == (expected.outcome == 2).sum()


def test_it_censors_at_death_and_at_data_through() -> None:
    # a: same-day arrest ignored, arrest on day 10           -> (10, event)
    # b: dies on day 31                                       -> (31, death)
    # c: released 2025-12-01, nothing                         -> (30, censored)
    # d: released 2025-12-01, arrest after data_through       -> (30, censored)
    # e: released after data_through                          -> left out
    # f: arrest and death on day 59 (the event is not earlier) -> (59, death)
    tables = memory_tables(
        releases=[
            release("a", "2025-01-01"),
            release("b", "2025-01-01"),
            release("c", "2025-12-01"),
            release("d", "2025-12-01"),
            release("e", "2026-01-02"),
            release("f", "2025-01-01"),
        ],
        events=[
            event("a", "2025-01-01", "arrest"),
            event("a", "2025-01-11", "arrest"),
            event("b", "2025-02-01", "death"),
            event("d", "2026-01-05", "booking"),
            event("f", "2025-03-01", "arrest"),
            event("f", "2025-03-01", "death"),
        ],
    )
    counts = survival_counts(
        tables=tables,
        measure="rearrest",
        data_through=THROUGH,
        period=Period(dt.date(2025, 1, 1), dt.date(2026, 12, 31)),
    )
    rows = {(r.time, r.outcome): r.count for r in counts.itertuples()}
    assert rows == {(10, 1): 1, (31, 2): 1, (30, 0): 2, (59, 2): 1}


def test_it_withholds_small_groups_and_pools_steps_for_members() -> None:
    # 40 men, one arrest a day from day 1 to day 20 (twenty censored at data_through);
    # 3 women, each arrested: their curve must not be shown to a member.
    releases = [release(f"m{i}", "2024-01-01") for i in range(40)]
    releases += [release(f"w{i}", "2024-01-01", sex="female") for i in range(3)]
    events = [event(f"m{i}", f"2024-01-{i + 2:02d}", "arrest") for i in range(20)]
    events += [event(f"w{i}", "2024-02-01", "arrest") for i in range(3)]
    tables = memory_tables(releases=releases, events=events)
    result = survival_analysis(
        tables=tables,
        measure="rearrest",
        data_through=THROUGH,
        period=Period.calendar_year(2024),
        by="sex",
    )
    member = survival_json(result, k=11, unsuppressed=False)
    assert list(member) == ["measure", "data_through", "logrank_p", "curves"]
    curves = {curve["group"]: curve for curve in member["curves"]}
    assert list(curves["female"]) == ["group", "n", "events", "points"]
    assert (curves["female"]["n"], curves["female"]["events"], curves["female"]["points"]) == (
        None,
        None,
        [],
    )
    # Complementary suppression hides the men's counts too (n 40 would give 43 - 40).
    assert curves["male"]["points"] == []
    # The "all" curve: 43 people, events on days 1..20 (1 each) and 31 (3): the first
    # reported step is day 11 (11 events), then day 31 (9 + 3 = 12). Each is at risk
    # at the start of its stretch: 43 on day 1, 32 on day 12 (33 on day 11 beside the
    # 43 would tell that 10 of the step's 11 came before day 11).
    assert [(p["day"], p["events"], p["at_risk"]) for p in curves["all"]["points"]] == [
        (0, 0, 43),
        (11, 11, 43),
        (31, 12, 32),
    ]
    assert member["logrank_p"] is None
    steward = survival_json(result, k=11, unsuppressed=True)
    curves = {curve["group"]: curve for curve in steward["curves"]}
    assert (curves["female"]["n"], curves["female"]["events"]) == (3, 3)
    assert len(curves["male"]["points"]) == 21
    assert steward["logrank_p"] == pytest.approx(result.logrank_p)


def test_it_stops_a_pooled_curve_where_fewer_than_k_are_at_risk() -> None:
    curve = pd.DataFrame(
        {
            "group": "all",
            "day": [0, 5, 9, 12],
            "at_risk": [30, 30, 12, 10],
            "events": [0, 6, 6, 6],
            "survival": [1.0, 0.8, 0.4, 0.16],
            "ci_low": [1.0, 0.6, 0.2, 0.05],
            "ci_high": [1.0, 0.9, 0.6, 0.3],
        }
    )
    points = common_steps({"all": curve.to_dict("records")}, k=11)["all"]
    assert [(p["day"], p["events"], p["survival"]) for p in points] == [(0, 0, 1.0), (9, 12, 0.4)]


def test_a_curve_read_on_another_group_s_event_days_keeps_its_own_numbers() -> None:
    """Group a: events on days 2 and 7, censored on days 5 and 9. Read on days 3, 6 and 8
    too (events of another group): none of its own events there, the people whose time is
    that day or later at risk, and the survival of its last step before (as lifelines')."""
    counts = pd.DataFrame(
        {"group": "a", "time": [2, 5, 7, 9], "outcome": [1, 0, 1, 0], "count": [1, 1, 1, 1]}
    )
    curve = kaplan_meier(counts, by="sex", at_days=np.array([2, 3, 6, 7, 8])).set_index("day")
    assert list(curve.index) == [0, 2, 3, 6, 7, 8]
    assert list(curve["at_risk"]) == [4, 4, 3, 2, 2, 1]
    assert list(curve["events"]) == [0, 1, 0, 0, 1, 0]
    fitter = KaplanMeierFitter().fit([2, 5, 7, 9], [True, False, True, False])
    for day in (2, 3, 6, 7, 8):
        expected = fitter.survival_function_at_times(day).iloc[0]
        assert curve.loc[day, "survival"] == pytest.approx(expected, abs=1e-9)
    # Past its last time nobody is at risk.
    late = kaplan_meier(counts, by="sex", at_days=np.array([12])).set_index("day")
    assert late.loc[12, "at_risk"] == 0
    assert late.loc[12, "survival"] == pytest.approx(0.375)


def test_cumulative_incidence_counts_deaths_on_the_day_of_release() -> None:
    # Two of ten die on the day of release: the day-0 row says so, and they leave the
    # risk set before the first event (8 at risk on day 4). The incidence is 1 in 10:
    # everyone's survival before day 4 (8/10) times the day's hazard (1/8).
    counts = pd.DataFrame(
        {"group": "all", "time": [0, 4, 9], "outcome": [2, 1, 0], "count": [2, 1, 7]}
    )
    curve = cumulative_incidence(counts).set_index("day")
    assert list(curve.index) == [0, 4]
    assert curve.loc[0, "at_risk"] == 10
    assert curve.loc[0, "competing"] == 2
    assert curve.loc[0, "cumulative_incidence"] == 0.0
    assert curve.loc[4, "at_risk"] == 8
    assert curve.loc[4, "cumulative_incidence"] == pytest.approx(1 / 10)
    assert curve["competing"].sum() == 2


def _one_death_among_eleven(death_after: int) -> dict:
    """30 released on 2024-01-01; eleven are arrested on days 1 to 12, one a day, and
    one dies on the day after the ``death_after``-th arrest (so no arrest falls that
    day); the rest are followed to data_through. The curves a member and a steward see."""
    releases = [release(f"p{i}", "2024-01-01") for i in range(30)]
    start = dt.date(2024, 1, 1)
    days = [day for day in range(1, 13) if day != death_after + 1]
    events = [
        event(f"p{i}", (start + dt.timedelta(days=day)).isoformat(), "arrest")
        for i, day in enumerate(days)
    ]
    events.append(event("p29", (start + dt.timedelta(days=death_after + 1)).isoformat(), "death"))
    result = survival_analysis(
        tables=memory_tables(releases=releases, events=events),
        measure="rearrest",
        data_through=THROUGH,
        period=Period.calendar_year(2024),
    )
    return {
        "member": survival_json(result, k=11, unsuppressed=False)["curves"][0]["points"],
        "steward": survival_json(result, k=11, unsuppressed=True)["curves"][0]["points"],
    }


def test_a_member_s_pooled_curve_does_not_tell_when_a_death_fell_among_its_events() -> None:
    """One step pools all eleven arrests, 30 at risk at its start and 18 after it.
    The Kaplan–Meier value on day 12 tells whether the death came after the 1st arrest
    (29/30 x 18/28) or after the 10th (20/30 x 18/19), a count the pooling hides: a
    member's step shows the life table's 1 - 11/30, whichever it was."""
    early, late = _one_death_among_eleven(1), _one_death_among_eleven(10)
    assert early["steward"][-1]["survival"] == pytest.approx(29 / 30 * 18 / 28)
    assert late["steward"][-1]["survival"] == pytest.approx(20 / 30 * 18 / 19)
    for member in (early["member"], late["member"]):
        assert [(p["day"], p["at_risk"], p["events"]) for p in member] == [(0, 30, 0), (12, 30, 11)]
        assert member[1]["survival"] == pytest.approx(19 / 30)
    assert early["member"] == late["member"]
    # The band is the life table's too: lifelines on 30 people, 11 events, no censoring.
    fitter = KaplanMeierFitter().fit([12] * 11 + [400] * 19, [1] * 11 + [0] * 19)
    band = fitter.confidence_interval_survival_function_.loc[12.0]
    assert (early["member"][1]["ci_low"], early["member"][1]["ci_high"]) == pytest.approx(
        (band.iloc[0], band.iloc[1]), abs=1e-9
    )


def _daily_incidence(death_day: int) -> list[dict]:
    """30 people: arrests on days 1-6 and 8-12 (one each), two censored on day 5, one
    death on ``death_day`` (2 or 7), the rest followed to day 400. The exact
    Aalen–Johansen rows."""
    rows = [(day, 1, 1) for day in (*range(1, 7), *range(8, 13))]
    rows += [(5, 0, 2), (death_day, 2, 1), (400, 0, 16)]
    counts = pd.DataFrame(rows, columns=["time", "outcome", "count"]).assign(group="all")
    return cumulative_incidence(counts).to_dict("records")


def test_a_member_s_cumulative_incidence_does_not_tell_when_a_death_fell() -> None:
    """A member's one pooled step: day 12, 30 at risk at its start, 11 arrests. Whether
    the death came before or after the two censored on day 5 moves the exact estimate;
    the member's is the life table's 11/30 either way, with no one else at risk to die
    before the stretch. A second step on day 30 (15 at risk at its start, 11 arrests)
    whose stretch begins on day 25 after a death on day 20: that death leaves first,
    from 15 + 1 at risk, so F = 11/30 + (1 - 12/30)(15/16)(11/15)."""
    from reentrykit.core.suppression import life_table_incidence

    early, late = _daily_incidence(2), _daily_incidence(7)
    exact = [
        next(row["cumulative_incidence"] for row in daily if row["day"] == 12)
        for daily in (early, late)
    ]
    assert exact[0] != pytest.approx(exact[1])
    steps = [
        {"day": 0, "at_risk": 30, "events": 0},
        {"day": 12, "at_risk": 30, "events": 11},
    ]
    member = [life_table_incidence(steps, daily) for daily in (early, late)]
    assert member[0] == member[1]
    assert [(p["day"], p["cumulative_incidence"]) for p in member[0]] == [
        (0, 0.0),
        (12, pytest.approx(11 / 30)),
    ]
    later = [
        {"day": 20, "events": 0, "competing": 1},
        {"day": 25, "events": 5, "competing": 0},
        {"day": 30, "events": 6, "competing": 0},
    ]
    two = life_table_incidence([*steps, {"day": 30, "at_risk": 15, "events": 11}], [*early, *later])
    assert two[-1]["cumulative_incidence"] == pytest.approx(11 / 30 + 18 / 30 * 15 / 16 * 11 / 15)
    assert 0 < two[-1]["ci_low"] < two[-1]["cumulative_incidence"] < two[-1]["ci_high"] < 1
