"""The adjusted program comparison against lifelines fitted directly on the same people."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from lifelines import CoxPHFitter, CoxTimeVaryingFitter
from lifelines.statistics import proportional_hazard_test

from reentrykit.metrics.cohorts import Period
from reentrykit.metrics.cox import (
    ProgramEffect,
    cox_people,
    design,
    episodes,
    fit_program_effect,
    program_effect,
    program_effect_json,
    schoenfeld_ph_pvalues,
)
from reentrykit.metrics.engine import Tables
from reentrykit.metrics.selectors import PROGRAM_EFFECT_KEYS
from reentrykit.metrics.tests.builders import (
    SAME_COVARIATES,
    event,
    memory_tables,
    program,
    release,
)

THROUGH = dt.date(2025, 12, 31)
PERIOD = Period(dt.date(2022, 1, 1), dt.date(2023, 12, 31))
LEVELS = {
    "sex": (["male", "female"], [0.7, 0.3]),
    "race": (["white", "black", "other"], [0.5, 0.35, 0.15]),
    "risk_level": (["moderate", "high", "low"], [0.45, 0.3, 0.25]),
    "offense_category": (["property", "drug", "person"], [0.5, 0.3, 0.2]),
}


def _day(start: dt.date, offset: int) -> str:
    return (start + dt.timedelta(days=offset)).isoformat()


def _random_cohort(n: int = 260, seed: int = 11) -> tuple[dict, pd.DataFrame]:
    """People released in 2022-23 with covariates, prior arrests, housing programs and
    a rearrest, and the person-level truth the test fits lifelines on directly."""
    rng = np.random.default_rng(seed)
    rows: dict[str, list] = {"releases": [], "events": [], "programs": []}
    truth = []
    for i in range(n):
        person = f"c{i:03d}"
        released = dt.date(2022, 1, 1) + dt.timedelta(days=int(rng.integers(0, 730)))
        values = {name: str(rng.choice(levels, p=p)) for name, (levels, p) in LEVELS.items()}
        age = int(rng.integers(18, 66))
        parole = bool(rng.random() < 0.3)
        rows["releases"].append(
            release(
                person,
                released.isoformat(),
                age_at_release=age,
                supervision_type="parole" if parole else "none",
                release_type="to_parole" if parole else "sentence_served",
                **values,
            )
        )
        # Prior arrests: distinct days within 3 years before release, each also booked
        # the same day (counted once), plus one arrest 4 years back (not counted).
        prior_days = sorted({int(d) for d in rng.integers(1, 1095, size=rng.integers(0, 4))})
        for d in prior_days:
            rows["events"].append(event(person, _day(released, -d), "arrest"))
            rows["events"].append(event(person, _day(released, -d), "booking"))
        rows["events"].append(event(person, _day(released, -1460), "arrest"))
        switch = None
        if rng.random() < 0.4:
            offset = int(rng.choice([-60, -20, 5, 30, 60, 90]))
            status = "completed" if offset < 0 else "enrolled"
            rows["programs"].append(
                program(person, "housing", status, start_date=_day(released, offset))
            )
            switch = max(offset, 0)
        elif rng.random() < 0.2:  # outside the window, or only referred: not participation
            rows["programs"].append(
                program(person, "housing", "enrolled", start_date=_day(released, 120))
            )
            rows["programs"].append(program(person, "housing", "referred"))
        hazard = 0.002 * (1.6 if values["risk_level"] == "high" else 1.0)
        hazard *= 0.6 if switch is not None else 1.0
        arrest = 1 + int(rng.exponential(1 / hazard))
        rows["events"].append(event(person, _day(released, arrest), "arrest"))
        follow_up = (THROUGH - released).days
        time, observed = (arrest, 1) if arrest <= follow_up else (follow_up, 0)
        truth.append(
            {
                "id": person,
                "time": time,
                "event": observed,
                "switch": switch,
                "age_at_release": age,
                "on_supervision": int(parole),
                "prior_arrests": len(prior_days),
                **values,
            }
        )
    return rows, pd.DataFrame(truth)


def _direct_fit(truth: pd.DataFrame) -> CoxTimeVaryingFitter:
    """Counting-process rows and one-hot covariates built by hand, fitted by lifelines."""
    long_rows = []
    for person in truth.itertuples():
        base = {"id": person.id}
        for name, (levels, _) in LEVELS.items():
            reference = truth[name].value_counts().idxmax()
            assert reference == levels[0]
            for level in levels[1:]:
                base[f"{name}:{level}"] = float(getattr(person, name) == level)
        base.update(
            age_at_release=float(person.age_at_release),
            on_supervision=float(person.on_supervision),
            prior_arrests=float(person.prior_arrests),
        )
        switch = person.switch
        if pd.notna(switch) and 0 < switch < person.time:
            long_rows.append({**base, "start": 0, "stop": switch, "event": 0, "program": 0})
            long_rows.append(
                {**base, "start": switch, "stop": person.time, "event": person.event, "program": 1}
            )
        else:
            on = int(pd.notna(switch) and switch <= 0)
            long_rows.append(
                {**base, "start": 0, "stop": person.time, "event": person.event, "program": on}
            )
    frame = pd.DataFrame(long_rows)
    return CoxTimeVaryingFitter().fit(
        frame, id_col="id", event_col="event", start_col="start", stop_col="stop"
    )


@pytest.fixture(scope="module")
def cohort() -> tuple[Tables, pd.DataFrame]:
    rows, truth = _random_cohort()
    return memory_tables(**rows), truth


def test_it_matches_a_time_varying_cox_fitted_directly(
    cohort: tuple[Tables, pd.DataFrame],
) -> None:
    tables, truth = cohort
    effect = program_effect(
        tables=tables,
        measure="rearrest",
        program_type="housing",
        data_through=THROUGH,
        period=PERIOD,
    )
    result = effect.as_dict()
    direct = _direct_fit(truth).summary.loc["program"]
    assert result["hazard_ratio"] == pytest.approx(direct["exp(coef)"], abs=1e-6)
    assert result["ci_low"] == pytest.approx(direct["exp(coef) lower 95%"], abs=1e-6)
    assert result["ci_high"] == pytest.approx(direct["exp(coef) upper 95%"], abs=1e-6)
    assert result["p_value"] == pytest.approx(direct["p"], abs=1e-6)
    assert (result["n"], result["events"]) == (len(truth), int(truth["event"].sum()))
    # Participants: people with time in the program (it started before their follow-up ended).
    assert result["participants"] == int((truth["switch"] < truth["time"]).sum())
    assert result["covariates"] == [
        "age_at_release",
        "sex",
        "race",
        "risk_level",
        "on_supervision",
        "offense_category",
        "prior_arrests",
    ]
    assert isinstance(result["ph_assumption_ok"], bool)
    assert "Observational" in result["note"]


def test_it_splits_follow_up_where_participation_switches_on() -> None:
    people = pd.DataFrame(
        {
            "id": ["pre", "post", "late", "none", "zero"],
            "time": [100, 100, 30, 50, 0],
            "event": [1, 1, 0, 1, 0],
            "program_day": [0, 40, 60, np.nan, np.nan],
            "age_at_release": [30, 30, 30, 30, 30],
            **SAME_COVARIATES,
        }
    )
    rows = episodes(people)
    got = [(r.id, r.start, r.stop, r.event, r.program) for r in rows.itertuples()]
    # pre: on from release; post: off for 40 days, then on until the event; late: the
    # program would start after follow-up ends; zero: no time at risk, left out.
    assert got == [
        ("late", 0, 30, 0, 0),
        ("none", 0, 50, 1, 0),
        ("post", 0, 40, 0, 0),
        ("post", 40, 100, 1, 1),
        ("pre", 0, 100, 1, 1),
    ]
    frame, kept = design(rows)
    # Every covariate is constant here except age... which is constant too: none kept.
    assert kept == []
    assert list(frame.columns) == ["id", "start", "stop", "event", "program"]


def test_it_computes_the_ph_test_as_lifelines_does_without_delayed_entry() -> None:
    rng = np.random.default_rng(5)
    n = 150
    frame = pd.DataFrame(
        {
            "x1": rng.normal(size=n),
            "x2": (rng.random(n) < 0.4).astype(float),
        }
    )
    frame["stop"] = rng.exponential(1 / np.exp(0.5 * frame.x1 - 0.3 * frame.x2)) + 0.01
    frame["event"] = (rng.random(n) < 0.8).astype(int)
    _assert_ph_as_lifelines(frame)


@pytest.mark.parametrize("seed", [5, 7])
def test_the_ph_check_matches_lifelines_when_events_share_a_day(seed: int) -> None:
    # Times in whole days, as every model here has them: many events share a day. The
    # model is fitted with Efron's ties, so the Schoenfeld residuals must subtract the
    # Efron means of the tied events (as lifelines and R do), not the Breslow mean.
    rng = np.random.default_rng(seed)
    n = 150
    frame = pd.DataFrame({"x1": rng.normal(size=n), "x2": (rng.random(n) < 0.4).astype(float)})
    frame["stop"] = np.ceil(rng.exponential(10 / np.exp(0.5 * frame.x1 - 0.3 * frame.x2)))
    frame["event"] = (rng.random(n) < 0.8).astype(int)
    # Sorted as lifelines sorts, so that tied events take their ranks in the same order.
    frame = frame.sort_values(["stop", "event"], kind="stable").reset_index(drop=True)
    assert frame.loc[frame.event == 1, "stop"].duplicated().sum() > 50
    _assert_ph_as_lifelines(frame)


def _assert_ph_as_lifelines(frame: pd.DataFrame) -> None:
    """The check's p-values of x1 and x2 (no delayed entry) are lifelines' to 1e-6."""
    columns = ["x1", "x2", "stop", "event"]
    cph = CoxPHFitter().fit(frame[columns], "stop", "event")
    expected = proportional_hazard_test(cph, frame[columns], time_transform="rank")
    got = schoenfeld_ph_pvalues(
        frame.assign(start=0.0),
        terms=["x1", "x2"],
        params=cph.params_.to_numpy(),
        variance=cph.variance_matrix_.to_numpy(),
    )
    np.testing.assert_allclose(got, expected.p_value, atol=1e-6)


def _effect(participants: int, participant_events: int) -> ProgramEffect:
    summary = pd.DataFrame(
        [
            {
                "hazard_ratio": 0.7,
                "ci_low": 0.5,
                "ci_high": 0.9,
                "p_value": 0.01,
                "n": 200,
                "events": 120,
                "covariates": ["age_at_release"],
                "ph_assumption_ok": True,
                "participants": participants,
                "participant_events": participant_events,
                "note": "Observational comparison.",
            }
        ]
    )
    return ProgramEffect(summary=summary, terms=pd.DataFrame())


def test_it_withholds_a_comparison_resting_on_few_participants() -> None:
    small = program_effect_json(_effect(3, 2), k=11, unsuppressed=False)
    assert list(small) == list(PROGRAM_EFFECT_KEYS)
    assert small["hazard_ratio"] is None and small["p_value"] is None
    assert (small["n"], small["events"]) == (200, 120)
    shown = program_effect_json(_effect(40, 25), k=11, unsuppressed=False)
    assert shown["hazard_ratio"] == 0.7
    raw = program_effect_json(_effect(3, 2), k=11, unsuppressed=True)
    assert raw["hazard_ratio"] == 0.7
    # 40 participants, 35 rearrested: the 5 who were not would show through.
    nearly_all = program_effect_json(_effect(40, 35), k=11, unsuppressed=False)
    assert nearly_all["hazard_ratio"] is None and nearly_all["ph_assumption_ok"] is None


def test_it_reports_no_estimate_without_participants() -> None:
    people = pd.DataFrame(
        {
            "id": ["a", "b"],
            "time": [10, 20],
            "event": [1, 0],
            "program_day": [np.nan, np.nan],
            "age_at_release": [30, 40],
            **SAME_COVARIATES,
        }
    )
    result = fit_program_effect(people).as_dict()
    assert result["hazard_ratio"] is None
    assert "Not estimable" in result["note"]


def test_it_says_why_when_participation_cannot_be_told_from_a_covariate() -> None:
    # Everyone supervised took part from release, and no one else did: the program's
    # effect and supervision's are the same column.
    people = pd.DataFrame(
        {
            "id": [f"p{i}" for i in range(40)],
            "time": [10 + 7 * i for i in range(40)],
            "event": [i % 3 != 0 for i in range(40)],
            "program_day": [0 if i % 2 else np.nan for i in range(40)],
            "age_at_release": 30,
            **SAME_COVARIATES,
            "on_supervision": [i % 2 for i in range(40)],
        }
    )
    people["event"] = people["event"].astype(int)
    result = fit_program_effect(people).as_dict()
    assert result["hazard_ratio"] is None
    assert result["note"].endswith(
        "Not estimable: some covariates move together in these data, so their effects "
        "cannot be told apart."
    )
    assert (result["n"], result["events"]) == (40, 26)


def test_a_level_with_one_person_and_no_event_does_not_stop_the_fit(
    cohort: tuple[Tables, pd.DataFrame],
) -> None:
    """That level's coefficient drifts towards minus infinity without end; the fit must
    still stop where the likelihood does, with the program's estimate lifelines finds."""
    tables, _ = cohort
    people = cox_people(
        tables=tables,
        measure="rearrest",
        program_type="housing",
        data_through=THROUGH,
        period=PERIOD,
    )
    people.loc[0, ["sex", "event"]] = ["unknown", 0]
    result = fit_program_effect(people).as_dict()
    frame, _ = design(episodes(people))
    assert "sex:unknown" in frame.columns
    direct = CoxTimeVaryingFitter().fit(
        frame, id_col="id", event_col="event", start_col="start", stop_col="stop"
    )
    assert direct.params_["sex:unknown"] < -5  # drifting, in lifelines too
    expected = direct.summary.loc["program"]
    assert result["hazard_ratio"] == pytest.approx(expected["exp(coef)"], abs=1e-6)
    assert result["ci_low"] == pytest.approx(expected["exp(coef) lower 95%"], abs=1e-6)
    assert result["ci_high"] == pytest.approx(expected["exp(coef) upper 95%"], abs=1e-6)
    assert result["p_value"] == pytest.approx(expected["p"], abs=1e-6)
