"""The refresh's measures written the straightforward way, with pandas and lifelines.

The baseline of ``bench_metrics.py``: the same definitions (DATA.md, "Measures") and the
same outputs as ``reentrykit.metrics.refresh`` — every rate of 4 measures x 5 windows
(overall for every cohort year, every breakdown for the year each window shows), the
Kaplan–Meier curves and log-rank tests of the survival year, the six intermediate
measures and the population flow — computed on person-level pandas frames: merges,
group-bys and one lifelines fit per curve. It uses no code of the measure engine, only
the names of measures, windows, descriptors and breakdowns, so the benchmark can check that both
give the same numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test

from reentrykit.data.schema import EXCLUDED_RELEASE_TYPES
from reentrykit.metrics.breakdowns import BREAKDOWNS, PROGRAM_BREAKDOWNS
from reentrykit.metrics.cohorts import DESCRIPTORS, MEASURE_EVENTS, WINDOWS

SURVIVAL_BREAKDOWNS = ("sex", "age_group", "risk_level")
EPOCH = pd.Timestamp("1970-01-01")
NEVER = 1_000_000_000
Z = 1.959963984540054


@dataclass
class Baseline:
    rates: pd.DataFrame  # measure, window_days, cohort_year, breakdown, group, cohort, ...
    survival: dict[tuple[str, str], dict[str, Any]]  # (measure, breakdown) -> curves, p
    intermediate: dict[str, tuple[int, int]]  # key -> (numerator, denominator)
    flow: dict[str, int]  # key -> count


def _days(dates: pd.Series) -> pd.Series:
    return (pd.to_datetime(dates) - EPOCH).dt.days


def _latest_complete_year(through: dt.date, window: int) -> int:
    year = through.year
    while dt.date(year, 12, 31) + dt.timedelta(days=window) > through:
        year -= 1
    return year


def load(con: Any) -> dict[str, pd.DataFrame]:
    return {
        kind: con.execute(f"SELECT * FROM store.a_{kind}").df()  # noqa: S608 - fixed names
        for kind in ("releases", "events", "programs", "assessments", "outcomes")
    }


def person_table(frames: dict[str, pd.DataFrame], start: dt.date, end: dt.date) -> pd.DataFrame:
    """Each person's first qualifying release of each calendar year, with descriptors,
    age groups, program flags and first event days."""
    releases = frames["releases"].copy()
    releases["release_type"] = releases["release_type"].fillna("unknown")
    dates = pd.to_datetime(releases["release_date"])
    kept = releases[
        (dates >= pd.Timestamp(start))
        & (dates <= pd.Timestamp(end))
        & ~releases["release_type"].isin(EXCLUDED_RELEASE_TYPES)
    ].copy()
    kept["cohort_year"] = pd.to_datetime(kept["release_date"]).dt.year
    kept = kept.sort_values("release_seq").groupby(["person_key", "cohort_year"]).head(1)
    people = kept.reset_index(drop=True)
    people["release_day"] = _days(people["release_date"])
    admission = _days(people["admission_date"])
    people["admission_day"] = admission.fillna(people["release_day"] - 365).astype("int64")
    people["on_supervision"] = people["supervision_type"].isin(
        ["probation", "parole", "other"]
    ) | people["release_type"].isin(["to_parole", "to_probation", "to_other_supervision"])
    for name in DESCRIPTORS:
        people[name] = people[name].fillna("unknown")
    age = people["age_at_release"]
    people["age_group"] = np.select(
        [age.isna(), age < 18, age <= 24, age <= 39],
        ["unknown", "under_18", "18-24", "25-39"],
        "40+",
    )
    people["age_band"] = np.select(
        [age.isna(), age < 20, age < 30, age < 40, age < 50, age < 60],
        ["unknown", "under_20", "20-29", "30-39", "40-49", "50-59"],
        "60+",
    )
    people = _with_program_flags(people, frames["programs"])
    return _with_first_events(people, frames["events"])


def _with_program_flags(people: pd.DataFrame, programs: pd.DataFrame) -> pd.DataFrame:
    records = programs[
        programs["status"].isin(["enrolled", "completed"]) & programs["start_date"].notna()
    ][["person_key", "program_type", "status", "start_date"]].copy()
    records["start_day"] = _days(records["start_date"])
    merged = people[["person_key", "release_day", "admission_day"]].merge(records, on="person_key")
    merged = merged[
        (merged["start_day"] >= merged["admission_day"])
        & (merged["start_day"] <= merged["release_day"] + 90)
    ]
    keys = ["person_key", "release_day"]
    for name in PROGRAM_BREAKDOWNS:
        prefix, _, choice = name.partition(":")
        match = merged if choice == "any" else merged[merged["program_type"] == choice]
        if prefix == "program_completed":
            match = match[match["status"] == "completed"]
        found = match[keys].drop_duplicates().assign(**{name: True})
        people = people.merge(found, on=keys, how="left")
        people[name] = people[name].eq(True)
    return people


def _with_first_events(people: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    events = events[events["event_date"].notna()][["person_key", "event_date", "event_type"]]
    events = events.assign(event_day=_days(events["event_date"]))
    merged = people[["person_key", "release_day"]].merge(events, on="person_key")
    merged = merged[merged["event_day"] >= merged["release_day"]]
    keys = ["person_key", "release_day"]
    after = merged[merged["event_day"] > merged["release_day"]]
    columns = {
        f"first_{measure}_day": after[after["event_type"].isin(types)]
        for measure, types in MEASURE_EVENTS.items()
    }
    columns["death_day"] = merged[merged["event_type"] == "death"]
    for name, rows in columns.items():
        firsts = rows.groupby(keys)["event_day"].min().rename(name)
        people = people.join(firsts, on=keys)
        people[name] = people[name].fillna(NEVER).astype("int64")
    return people


def _wilson(x: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        denominator = 1 + Z**2 / n
        centre = (p + Z**2 / (2 * n)) / denominator
        half = Z * np.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2)) / denominator
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def rates(people: pd.DataFrame, through: dt.date) -> pd.DataFrame:
    through_day = (pd.Timestamp(through) - EPOCH).days
    pieces = []
    for measure in MEASURE_EVENTS:
        first = people[f"first_{measure}_day"]
        death = people["death_day"]
        for window in WINDOWS:
            end = people["release_day"] + window
            died_first = (death <= end) & (death <= first)
            followed = (end <= through_day) & ~died_first
            hit = followed & (first <= end) & (first < death)
            frame = pd.DataFrame({"cohort_year": people["cohort_year"], "n": followed, "r": hit})
            shown = people["cohort_year"] == _latest_complete_year(through, window)
            overall = frame.groupby("cohort_year")[["n", "r"]].sum().reset_index()
            overall["breakdown"], overall["group"] = "all", "all"
            parts = [overall]
            for name in (*BREAKDOWNS, *PROGRAM_BREAKDOWNS):
                values = people.loc[shown, name]
                if values.dtype == bool:
                    values = values.map({True: "participant", False: "non_participant"})
                part = frame[shown].assign(group=values.astype(str))
                part = part.groupby(["cohort_year", "group"])[["n", "r"]].sum().reset_index()
                part["breakdown"] = name
                parts.append(part)
            table = pd.concat(parts, ignore_index=True)
            table["measure"], table["window_days"] = measure, window
            pieces.append(table)
    out = pd.concat(pieces, ignore_index=True).rename(columns={"n": "cohort", "r": "recidivists"})
    out["rate"] = out["recidivists"] / out["cohort"].where(out["cohort"] > 0)
    out["ci_low"], out["ci_high"] = _wilson(
        out["recidivists"].to_numpy(float), out["cohort"].to_numpy(float)
    )
    return out


def survival(people: pd.DataFrame, through: dt.date, year: int) -> dict:
    through_day = (pd.Timestamp(through) - EPOCH).days
    cohort = people[(people["cohort_year"] == year) & (people["release_day"] <= through_day)]
    curves: dict[tuple[str, str], dict[str, Any]] = {}
    for measure in MEASURE_EVENTS:
        first = cohort[f"first_{measure}_day"]
        death = cohort["death_day"]
        event_seen = (first < death) & (first <= through_day)
        death_seen = (death <= first) & (death <= through_day)
        time = np.select(
            [event_seen, death_seen],
            [first - cohort["release_day"], death - cohort["release_day"]],
            through_day - cohort["release_day"],
        )
        for breakdown in ("all", *SURVIVAL_BREAKDOWNS):
            groups = cohort[breakdown] if breakdown != "all" else pd.Series("all", cohort.index)
            fitted = {}
            for group in sorted(groups.unique()):
                chosen = (groups == group).to_numpy()
                fitter = KaplanMeierFitter().fit(time[chosen], event_seen.to_numpy()[chosen])
                fitted[group] = fitter.survival_function_.iloc[-1, 0]
            p_value = None
            if breakdown != "all" and groups.nunique() > 1:
                p_value = multivariate_logrank_test(time, groups, event_seen).p_value
            curves[(measure, breakdown)] = {"last_survival": fitted, "logrank_p": p_value}
    return curves


def assessed(cohort: pd.DataFrame, frames: dict[str, pd.DataFrame]) -> np.ndarray:
    """Whether each cohort release had an assessment between admission and release."""
    keys = ["person_key", "release_day"]
    assessments = frames["assessments"]
    dated = assessments.assign(a_day=_days(assessments["assessment_date"]))
    merged = cohort[[*keys, "admission_day"]].merge(dated[["person_key", "a_day"]], on="person_key")
    found = merged[
        (merged["a_day"] >= merged["admission_day"]) & (merged["a_day"] <= merged["release_day"])
    ][keys].drop_duplicates()
    return _marked(cohort, found)


def _marked(cohort: pd.DataFrame, found: pd.DataFrame) -> np.ndarray:
    """Whether each cohort release is among the (person_key, release_day) of ``found``."""
    keys = ["person_key", "release_day"]
    marked = cohort[keys].merge(found.assign(_hit=True), on=keys, how="left")
    return marked["_hit"].eq(True).to_numpy()


def intermediate(
    frames: dict[str, pd.DataFrame], cohort: pd.DataFrame, through: dt.date
) -> dict[str, tuple[int, int]]:
    through_day = (pd.Timestamp(through) - EPOCH).days
    keys = ["person_key", "release_day"]
    people = cohort[[*keys, "admission_day", "risk_level", "supervision_type", "on_supervision"]]
    programs = frames["programs"].copy()
    for column in ("referral", "start", "end"):
        programs[f"{column}_day"] = _days(programs[f"{column}_date"])
    records = people[[*keys, "admission_day"]].merge(programs, on="person_key")
    began = records["start_day"].fillna(records["referral_day"])
    post = (records["phase"] == "post_release") | (
        records["phase"].isna() & (began >= records["release_day"])
    )
    records["post"] = post.fillna(False).astype(bool)
    completed_pre = records[
        ~records["post"]
        & (records["status"] == "completed")
        & (records["start_day"] >= records["admission_day"])
        & (records["start_day"] <= records["release_day"])
    ][keys].drop_duplicates()
    referred_on = records["referral_day"].fillna(records["start_day"])
    referred = records[
        records["post"]
        & (referred_on >= records["admission_day"])
        & (referred_on <= records["release_day"] + 30)
    ][keys].drop_duplicates()

    high = people["risk_level"].isin(["high", "very_high"]).to_numpy()
    followed = (people["release_day"] + 30 <= through_day).to_numpy()
    supervised = people["on_supervision"].to_numpy()
    known = supervised | (people["supervision_type"] != "unknown").to_numpy()
    enrolments = records[
        records["post"]
        & records["status"].isin(["completed", "dropped", "terminated"])
        & (records["start_day"] >= records["release_day"])
        & (records["start_day"] <= records["release_day"] + 365)
    ]
    completions = enrolments[(enrolments["status"] == "completed") & enrolments["end_day"].notna()]
    first_end = completions.groupby("person_key")["end_day"].min()
    first_end = first_end[first_end + 90 <= through_day].rename("end_day").reset_index()
    outcomes = frames["outcomes"]
    employed = outcomes[outcomes["outcome_type"] == "employed"].assign(
        o_day=lambda f: _days(f["outcome_date"])
    )
    matched = first_end.merge(employed[["person_key", "o_day"]], on="person_key")
    matched = matched[
        (matched["o_day"] >= matched["end_day"]) & (matched["o_day"] <= matched["end_day"] + 90)
    ]
    return {
        "assessed_before_release": (int(assessed(cohort, frames).sum()), len(people)),
        "high_risk_completed_pre_release": (
            int((high & _marked(people, completed_pre)).sum()),
            int(high.sum()),
        ),
        "high_risk_referred_30_days": (
            int((high & followed & _marked(people, referred)).sum()),
            int((high & followed).sum()),
        ),
        "post_release_completion": (
            int((enrolments["status"] == "completed").sum()),
            len(enrolments),
        ),
        "employed_90_days_after_completion": (
            int(matched["person_key"].nunique()),
            len(first_end),
        ),
        "high_risk_on_supervision": (int((high & supervised).sum()), int((high & known).sum())),
    }


def flow(
    frames: dict[str, pd.DataFrame], cohort: pd.DataFrame, year: int, through: dt.date
) -> dict[str, int]:
    through_day = (pd.Timestamp(through) - EPOCH).days
    events = frames["events"]
    of_year = events[pd.to_datetime(events["event_date"]).dt.year == year]
    releases = frames["releases"]
    in_year = releases[pd.to_datetime(releases["release_date"]).dt.year == year]
    end = cohort["release_day"] + 365
    died_first = (cohort["death_day"] <= end) & (
        cohort["death_day"] <= cohort["first_rearrest_day"]
    )
    followed = (end <= through_day) & ~died_first
    first = cohort["first_rearrest_day"]
    return {
        "arrests": int((of_year["event_type"] == "arrest").sum()),
        "bookings": int((of_year["event_type"] == "booking").sum()),
        "releases": len(in_year),
        "cohort": len(cohort),
        "on_supervision": int(cohort["on_supervision"].sum()),
        "assessed": int(assessed(cohort, frames).sum()),
        "in_program": int(cohort["program:any"].sum()),
        "followed_one_year": int(followed.sum()),
        "rearrested_one_year": int(
            (followed & (first <= end) & (first < cohort["death_day"])).sum()
        ),
    }


def compute(con: Any, *, through: dt.date, first_year: int, last_year: int) -> Baseline:
    """Everything the refresh computes, from the store's analytic tables."""
    frames = load(con)
    end = min(through, dt.date(last_year, 12, 31))
    people = person_table(frames, dt.date(first_year, 1, 1), end)
    latest = _latest_complete_year(through, 365)
    of_latest = people[people["cohort_year"] == latest]
    return Baseline(
        rates=rates(people, through),
        # The last calendar year of releases whose December 31 the data reaches.
        survival=survival(people, through, min(_latest_complete_year(through, 0), last_year)),
        intermediate=intermediate(frames, of_latest, through),
        flow=flow(frames, of_latest, latest, through),
    )
