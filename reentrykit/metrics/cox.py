"""The adjusted program comparison: a Cox model with participation as a time-varying
covariate (DATA.md, "Adjusted program comparison").

Time is days from release to the first qualifying event, censored at death or at
``data_through`` as in ``survival``; people with no time at risk (censored on the
day of release) are left out, and so are people whose age at release is unknown
(complete cases). Participation follows the rule of the ``program:TYPE`` breakdown
(``--completed-only``: status completed) and switches on at the earliest such
program's start date, or at release for a program that started before release, so
that the time before enrolment is not credited to the program. Completion is not
known when a program starts, so the completed-only comparison still leans towards
completers; the note says so.

Covariates: age at release (years), sex, race, risk level, supervision at release
(yes/no), offense category, and prior arrests in the 3 years before release (days
with an arrest or booking, so that an arrest and its booking count once). Covariates
constant in the data are dropped; categorical ones are one-hot with the most common
level as reference (ties: alphabetical).

The fit is statsmodels' ``PHReg`` (Efron's ties) on counting-process rows, each at risk
on (start, stop]. It maximizes the same partial likelihood as lifelines'
``CoxTimeVaryingFitter`` and gives the same estimates (the tests compare them), but it
runs tens of times faster on a large cohort: lifelines' fitter passes over every row at
each distinct event day, statsmodels keeps running risk-set sums.

The proportional-hazards check is the Grambsch–Therneau test on the scaled
Schoenfeld residuals of the time-varying model itself, with the rank of event times
as the time transform (as lifelines' ``proportional_hazard_test``, which only takes
models without delayed entry); ``ph_assumption_ok`` is true when no term's p-value
is below 0.05 after a Bonferroni correction over the terms, and None (unknown) when
none is but some term's test cannot be computed.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from dataclasses import dataclass
from typing import Any

import ibis
import numpy as np
import pandas as pd
from ibis.expr.types import Table
from scipy.special import chdtrc
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from reentrykit.core.estimators import Z95
from reentrykit.data.schema import PROGRAM_TYPE
from reentrykit.metrics.breakdowns import (
    PARTICIPATION_STATUSES,
    participation_records,
)
from reentrykit.metrics.cohorts import MEASURE_EVENTS, Period, epoch_day, person_outcomes
from reentrykit.metrics.engine import Tables
from reentrykit.metrics.selectors import PROGRAM_EFFECT_KEYS, disclose_program_effect
from reentrykit.metrics.survival import EVENT, survival_times

PROGRAM_TERM = "program"
# statsmodels counts a row as at risk at its entry time too (Stata's convention); every
# time here is a whole day, so entering half a day later gives the (start, stop] of the
# counting process exactly.
ENTRY_SHIFT = 0.5
# Newton's method takes under ten steps on these models when they can be estimated;
# convergence is checked every STEPS steps.
MAX_ITERATIONS = 40
STEPS = 5
LIKELIHOOD_TOLERANCE = 1e-6
NOT_CONVERGED = "the model did not converge."
SEPARATED = (
    "every event was among the participants, or none was, so the hazard ratio has no "
    "finite estimate."
)
COLLINEAR = "some covariates move together in these data, so their effects cannot be told apart."
PRIOR_ARREST_DAYS = 1095
CATEGORICAL = ("sex", "race", "risk_level", "offense_category")
NUMERIC = ("age_at_release", "on_supervision", "prior_arrests")
COVARIATES = (
    "age_at_release",
    "sex",
    "race",
    "risk_level",
    "on_supervision",
    "offense_category",
    "prior_arrests",
)
# Columns of cox_people: one row per person of the cohort; program_day is days from
# release to the switch-on (0 for programs that started before release; NaN: none).
PEOPLE_COLUMNS = ("id", "time", "event", "program_day", *COVARIATES)
# ProgramEffect.summary, one row: the contract's keys, then what disclosing them needs.
EFFECT_COLUMNS = (*PROGRAM_EFFECT_KEYS, "participants", "participant_events", "note")
# ProgramEffect.terms: every term of the fitted model.
TERM_COLUMNS = ("term", "hazard_ratio", "ci_low", "ci_high", "p_value", "ph_p_value")
OBSERVATIONAL_NOTE = (
    "Observational comparison, adjusted for the listed covariates only: people who take "
    "part in programs may differ in ways the data do not show, so this is not a causal "
    "effect. Participation counts from the program's start, so time before enrolment "
    "is not credited to the program."
)
COMPLETED_NOTE = (
    " Completed-only: completion is known only afterwards, so completers, who had to "
    "stay in the program to complete it, may still look better than they are."
)


@dataclass
class ProgramEffect:
    summary: pd.DataFrame
    terms: pd.DataFrame

    def as_dict(self) -> dict[str, Any]:
        return {column: _plain(self.summary.iloc[0][column]) for column in EFFECT_COLUMNS}


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    # NaN, and an unbounded interval's end: JSON has neither.
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _switch_days(
    people: Table, programs: Table, *, program_type: str, completed_only: bool
) -> Table:
    keys = people.select("person_key", "release_day", "admission_day")
    statuses = ("completed",) if completed_only else PARTICIPATION_STATUSES
    records = participation_records(keys, programs, statuses=statuses)
    if program_type != "any":
        records = records.filter(records.program_type == program_type)
    return records.group_by(s_person=records.person_key, s_day=records.release_day).aggregate(
        first_start=records.start_day.min()
    )


def _prior_arrests(people: Table, events: Table) -> Table:
    keys = people.select("person_key", "release_day")
    arrests = events.filter(events.event_type.isin(list(MEASURE_EVENTS["rearrest"])))
    arrests = arrests.select(a_person=arrests.person_key, a_day=arrests.event_date.epoch_days())
    joined = keys.join(
        arrests,
        [
            keys.person_key == arrests.a_person,
            arrests.a_day >= keys.release_day - PRIOR_ARREST_DAYS,
            arrests.a_day < keys.release_day,
        ],
    )
    return joined.group_by(p_person=joined.person_key, p_day=joined.release_day).aggregate(
        prior_arrests=joined.a_day.nunique()
    )


def cox_people(
    *,
    tables: Tables,
    measure: str,
    program_type: str,
    data_through: dt.date,
    period: Period,
    facility: str | None = None,
    completed_only: bool = False,
) -> pd.DataFrame:
    """One row per person of the cohort with time, event, switch-on day and the
    covariates (:data:`PEOPLE_COLUMNS`)."""
    if program_type not in (*PROGRAM_TYPE, "any"):
        raise ValueError(f"Unknown program type {program_type!r}.")
    people = person_outcomes(tables, period=period, facility=facility, programs=())
    timed = survival_times(people, measure=measure, through_day=epoch_day(data_through))
    switch = _switch_days(
        timed, tables.programs, program_type=program_type, completed_only=completed_only
    )
    prior = _prior_arrests(timed, tables.events)
    joined = timed.left_join(
        switch, [timed.person_key == switch.s_person, timed.release_day == switch.s_day]
    )
    joined = joined.left_join(
        prior, [joined.person_key == prior.p_person, joined.release_day == prior.p_day]
    )
    program_day = joined.first_start - joined.release_day
    selected = joined.select(
        id=joined.person_key + ibis.literal("|") + joined.release_day.cast("string"),
        time=joined.time,
        event=(joined.outcome == EVENT).cast("int64"),
        program_day=ibis.ifelse(program_day < 0, 0, program_day),
        age_at_release=joined.age_at_release,
        sex=joined.sex,
        race=joined.race,
        risk_level=joined.risk_level,
        on_supervision=joined.on_supervision.cast("int64"),
        offense_category=joined.offense_category,
        prior_arrests=joined.prior_arrests.fill_null(0).cast("int64"),
    )
    frame = selected.to_pandas()
    return frame.sort_values("id").reset_index(drop=True)[list(PEOPLE_COLUMNS)]


def episodes(people: pd.DataFrame) -> pd.DataFrame:
    """Counting-process rows (id, start, stop, event, program, covariates): a person
    whose participation switches on during follow-up gets two rows."""
    at_risk = people[(people["time"] > 0) & people["age_at_release"].notna()].copy()
    switch = at_risk["program_day"]
    on_from_start = switch.notna() & (switch <= 0)
    splits = switch.notna() & (switch > 0) & (switch < at_risk["time"])
    # Columns are assigned from arrays: an empty frame would take a Series' index.
    whole = at_risk[~splits].assign(
        start=0,
        stop=at_risk.loc[~splits, "time"].to_numpy(),
        program=on_from_start[~splits].astype(int).to_numpy(),
    )
    switch_days = switch[splits].to_numpy()
    before = at_risk[splits].assign(start=0, stop=switch_days, event=0, program=0)
    after = at_risk[splits].assign(
        start=switch_days, stop=at_risk.loc[splits, "time"].to_numpy(), program=1
    )
    rows = pd.concat([whole, before, after], ignore_index=True)
    rows = rows.astype({"start": float, "stop": float, "event": int, "program": int})
    columns = ["id", "start", "stop", "event", "program", *COVARIATES]
    return rows.sort_values(["id", "start"]).reset_index(drop=True)[columns]


def design(rows: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The model frame: numeric covariates as they are, categorical ones one-hot
    against their most common level (counted over people), constant ones dropped.
    Returns the frame and the names of the covariates kept."""
    people = rows.drop_duplicates("id")
    frame = rows[["id", "start", "stop", "event", PROGRAM_TERM]].copy()
    kept: list[str] = []
    for name in COVARIATES:
        if name in CATEGORICAL:
            counts = people[name].value_counts()
            if len(counts) < 2:
                continue
            reference = sorted(counts.index, key=lambda level: (-counts[level], level))[0]
            for level in sorted(counts.index):
                if level != reference:
                    frame[f"{name}:{level}"] = (rows[name] == level).astype(float)
        else:
            if people[name].nunique() < 2:
                continue
            frame[name] = rows[name].astype(float)
        kept.append(name)
    return frame, kept


def schoenfeld_ph_pvalues(
    frame: pd.DataFrame, *, terms: list[str], params: np.ndarray, variance: np.ndarray
) -> np.ndarray:
    """Grambsch–Therneau p-values per term for a counting-process Cox fit (rank time
    transform, Efron's ties): risk sets are the rows with start < t <= stop."""
    x = frame[terms].to_numpy(dtype=float)
    start = frame["start"].to_numpy(dtype=float)
    stop = frame["stop"].to_numpy(dtype=float)
    event = frame["event"].to_numpy() == 1
    weight = np.exp((x - x.mean(axis=0)) @ params)

    def tail_sums(times: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        order = np.argsort(times, kind="stable")
        w = np.concatenate([np.cumsum(weight[order][::-1])[::-1], [0.0]])
        wx = weight[order][:, None] * x[order]
        sums = np.vstack([np.cumsum(wx[::-1], axis=0)[::-1], np.zeros((1, x.shape[1]))])
        return times[order], w, sums

    stop_sorted, w_stop, wx_stop = tail_sums(stop)
    start_sorted, w_start, wx_start = tail_sums(start)
    rows = np.flatnonzero(event)
    rows = rows[np.argsort(stop[rows], kind="stable")]
    t = stop[rows]
    i_stop = np.searchsorted(stop_sorted, t, side="left")
    i_start = np.searchsorted(start_sorted, t, side="left")
    s0 = w_stop[i_stop] - w_start[i_start]
    s1 = wx_stop[i_stop] - wx_start[i_start]
    # Efron's ties, as in the fit: the d events of a day take the mean of the weighted
    # means with l/d of their own weight removed, l = 0 .. d-1 (as lifelines and R do).
    _, tie, ties = np.unique(t, return_inverse=True, return_counts=True)
    e0 = np.bincount(tie, weights=weight[rows])[tie]
    e1 = np.stack(
        [np.bincount(tie, weights=weight[rows] * column)[tie] for column in x[rows].T], axis=1
    )
    d = ties[tie]
    mean = np.zeros_like(s1)
    for step in range(int(d.max(initial=0))):
        at = np.flatnonzero(d > step)  # the days with more than ``step`` events
        share = step / d[at]
        term = (s1[at] - share[:, None] * e1[at]) / (s0[at] - share * e0[at])[:, None]
        mean[at] += term / d[at, None]
    residuals = x[rows] - mean
    deaths = len(rows)
    scaled = deaths * residuals @ variance
    ranks = np.arange(1, deaths + 1, dtype=float)
    ranks -= ranks.mean()
    statistic = (ranks @ scaled) ** 2 / (deaths * np.diag(variance) * (ranks**2).sum())
    return chdtrc(1, statistic)


def _empty_effect(n: int, events: int, participants: int, p_events: int, note: str) -> dict:
    return {
        "hazard_ratio": np.nan,
        "ci_low": np.nan,
        "ci_high": np.nan,
        "p_value": np.nan,
        "n": n,
        "events": events,
        "covariates": [],
        "ph_assumption_ok": None,
        "participants": participants,
        "participant_events": p_events,
        "note": note,
    }


def fit_program_effect(people: pd.DataFrame, *, completed_only: bool = False) -> ProgramEffect:
    """Fits the model on :func:`cox_people` rows (pure pandas and statsmodels)."""
    rows = episodes(people)
    ever = rows.groupby("id")["program"].max()
    n, events = int(rows["id"].nunique()), int(rows["event"].sum())
    participants = int(ever.sum())
    p_events = int(rows.loc[rows["program"] == 1, "event"].sum())
    note = OBSERVATIONAL_NOTE + (COMPLETED_NOTE if completed_only else "")
    empty_terms = pd.DataFrame(columns=list(TERM_COLUMNS))
    if events == 0 or participants in (0, n):
        reason = " Not estimable: no events, or nobody (or everybody) took part."
        summary = _empty_effect(n, events, participants, p_events, note + reason)
        return ProgramEffect(pd.DataFrame([summary], columns=list(EFFECT_COLUMNS)), empty_terms)
    if p_events in (0, events):
        # The partial likelihood then rises without end as the program's coefficient
        # goes to minus (or plus) infinity, whatever the other coefficients are.
        reason = f" Not estimable: {SEPARATED}"
        summary = _empty_effect(n, events, participants, p_events, note + reason)
        return ProgramEffect(pd.DataFrame([summary], columns=list(EFFECT_COLUMNS)), empty_terms)
    frame, kept = design(rows)
    terms = [column for column in frame.columns if column not in ("id", "start", "stop", "event")]
    try:
        params, variance = _cox_fit(frame, terms)
    except ValueError as error:
        summary = _empty_effect(n, events, participants, p_events, f"{note} Not estimable: {error}")
        return ProgramEffect(pd.DataFrame([summary], columns=list(EFFECT_COLUMNS)), empty_terms)
    ph = schoenfeld_ph_pvalues(frame, terms=terms, params=params, variance=variance)
    standard_error = np.sqrt(np.diag(variance))
    with np.errstate(over="ignore"):  # a drifting term's interval is (0, inf)
        term_frame = pd.DataFrame(
            {
                "term": terms,
                "hazard_ratio": np.exp(params),
                "ci_low": np.exp(params - Z95 * standard_error),
                "ci_high": np.exp(params + Z95 * standard_error),
                "p_value": chdtrc(1, (params / standard_error) ** 2),
                "ph_p_value": ph,
            }
        )
    program = term_frame.set_index("term").loc[PROGRAM_TERM]
    summary = {
        "hazard_ratio": float(program["hazard_ratio"]),
        "ci_low": float(program["ci_low"]),
        "ci_high": float(program["ci_high"]),
        "p_value": float(program["p_value"]),
        "n": n,
        "events": events,
        "covariates": kept,
        "ph_assumption_ok": _ph_ok(ph),
        "participants": participants,
        "participant_events": p_events,
        "note": note,
    }
    return ProgramEffect(pd.DataFrame([summary], columns=list(EFFECT_COLUMNS)), term_frame)


def _ph_ok(ph: np.ndarray) -> bool | None:
    """False when some term fails the check (Bonferroni over the terms); None when none
    fails but some term's test cannot be computed (a drifting coefficient); else True."""
    tested = ph[np.isfinite(ph)]
    if np.any(tested * len(ph) < 0.05):
        return False
    return None if len(tested) < len(ph) else True


def _cox_fit(frame: pd.DataFrame, terms: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients and their covariance matrix; raises ValueError when the model cannot
    be estimated (the fit does not converge, or the information matrix is singular).

    Newton's method runs a few steps at a time until one more step would barely raise
    the log-likelihood. statsmodels' own rule, that the coefficients stop moving, never
    holds for a level with no events (say, one person of unknown sex): its coefficient
    drifts towards minus infinity while the likelihood, and every other estimate, stay
    put.
    """
    model = PHReg(
        frame["stop"].to_numpy(dtype=float),
        frame[terms].to_numpy(dtype=float),
        status=frame["event"].to_numpy(dtype=float),
        entry=frame["start"].to_numpy(dtype=float) + ENTRY_SHIFT,
        ties="efron",
    )
    params = None
    for _ in range(MAX_ITERATIONS // STEPS):
        with warnings.catch_warnings():
            # Steps run out on purpose: convergence is judged here.
            warnings.simplefilter("ignore", ConvergenceWarning)
            try:
                result = model.fit(start_params=params, maxiter=STEPS, tol=1e-10)
            except np.linalg.LinAlgError:
                raise ValueError(COLLINEAR) from None
        params = np.asarray(result.params)
        if not np.all(np.isfinite(params)):
            raise ValueError(NOT_CONVERGED)
        score = model.score(params)
        gain = score @ np.linalg.lstsq(-model.hessian(params), score, rcond=None)[0]
        if gain < LIKELIHOOD_TOLERANCE:
            break
    else:
        raise ValueError(NOT_CONVERGED)
    variance = np.asarray(result.cov_params())
    if not np.all(np.isfinite(variance)):
        raise ValueError(COLLINEAR)
    return params, variance


def program_effect(
    *,
    tables: Tables,
    measure: str,
    program_type: str,
    data_through: dt.date,
    period: Period,
    facility: str | None = None,
    completed_only: bool = False,
) -> ProgramEffect:
    """The adjusted comparison of time to ``measure`` by participation in ``program_type``
    (``any`` for any program) for the cohort of ``period``."""
    people = cox_people(
        tables=tables,
        measure=measure,
        program_type=program_type,
        data_through=data_through,
        period=period,
        facility=facility,
        completed_only=completed_only,
    )
    return fit_program_effect(people, completed_only=completed_only)


def program_effect_json(effect: ProgramEffect, *, k: int, unsuppressed: bool) -> dict[str, Any]:
    """The contract's JSON object (``selectors.disclose_program_effect`` of the fit)."""
    return disclose_program_effect(effect.as_dict(), k=k, unsuppressed=unsuppressed)
