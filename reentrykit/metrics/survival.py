"""Time to the first qualifying event: Kaplan–Meier, log-rank and Aalen–Johansen.

Days from release to the first qualifying event, censored at ``data_through`` or at
death (DATA.md, "Survival"). A death on or before the first event day censors the
person at the death day (the same reading of "earlier" as the fixed-window rates),
and people released after ``data_through`` are left out. The engine aggregates the
person table to (group, time, outcome, count) rows; the Kaplan–Meier estimates from
those counts equal lifelines' fit on one row per person (tested), as do the log-rank
test and Aalen–Johansen computed from them with numpy.

Disclosure for anyone but a data steward (``reentrykit.core.suppression.disclose_curves``,
as on the pages): the per-group ``n`` and ``events`` pass through ``disclose`` (with
complementary suppression against the ``all`` curve); a group whose n or events is
hidden gets no points at all. The shown curves step together (``common_steps``): on
days the overall curve also steps on its own, each step resting on at least k events
in every curve and in what the hidden groups hold together (the survival at each
reported day is exact; the days in between are left out); a curve stops where fewer
than k people remain at risk, with the smallest others until what is left over is
none or at least k. The log-rank p-value is then computed among the shown groups only.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import ibis
import numpy as np
import pandas as pd
from ibis.expr.types import IntegerValue, Table
from scipy.special import chdtrc

from reentrykit.core.estimators import aalen_johansen, product_limit
from reentrykit.core.suppression import disclose_curves
from reentrykit.metrics.breakdowns import ALL, group_value, ordered_groups, parse_breakdown
from reentrykit.metrics.cohorts import Period, epoch_day, measure_events, person_outcomes
from reentrykit.metrics.engine import Tables

CENSORED, EVENT, DEATH = 0, 1, 2
NOT_FOLLOWED = -1
# survival_counts: people per (group, time in days, outcome); outcome 0 censored,
# 1 the qualifying event, 2 death (censored for Kaplan–Meier, competing for A–J).
COUNT_COLUMNS = ("group", "time", "outcome", "count")
# kaplan_meier: day 0 and every day with an event, per group.
CURVE_COLUMNS = ("group", "day", "at_risk", "events", "survival", "ci_low", "ci_high")
# The contract's keys of a curve point (``reentrykit metrics survival``).
POINT_KEYS = CURVE_COLUMNS[1:]
SUMMARY_COLUMNS = ("group", "n", "events")
# cumulative_incidence: day 0 and every day with an event or a death, per group.
INCIDENCE_COLUMNS = (
    "group",
    "day",
    "at_risk",
    "events",
    "competing",
    "cumulative_incidence",
    "ci_low",
    "ci_high",
)


def time_and_outcome(
    people: Table, *, measure: str, through_day: int
) -> tuple[IntegerValue, IntegerValue]:
    """Days to the first event, death or ``through_day`` (``time``) and which of them
    it was (``outcome`` 1, 2 or 0) for each row of a person table; outcome is
    :data:`NOT_FOLLOWED` for people released after ``through_day``."""
    measure_events(measure)
    first = people[f"first_{measure}_day"]
    death = people.death_day
    release = people.release_day
    event_seen = (first < death) & (first <= through_day)
    death_seen = (death <= first) & (death <= through_day)
    time = ibis.cases(
        (event_seen, first - release),
        (death_seen, death - release),
        else_=through_day - release,
    ).cast("int64")
    outcome = ibis.cases(
        (release > through_day, NOT_FOLLOWED),
        (event_seen, EVENT),
        (death_seen, DEATH),
        else_=CENSORED,
    ).cast("int64")
    return time, outcome


def survival_times(people: Table, *, measure: str, through_day: int) -> Table:
    """Adds ``time`` (days) and ``outcome`` (0/1/2) to a person table and drops the
    people released after ``through_day``."""
    followed = people.filter(people.release_day <= through_day)
    time, outcome = time_and_outcome(followed, measure=measure, through_day=through_day)
    return followed.mutate(time=time, outcome=outcome)


def survival_counts(
    *,
    tables: Tables,
    measure: str,
    data_through: dt.date,
    period: Period,
    facility: str | None = None,
    by: str | None = None,
) -> pd.DataFrame:
    """People per (group, time, outcome) for the cohort of ``period``: group ``all``,
    and with ``by`` also each group of that breakdown (:data:`COUNT_COLUMNS`)."""
    by = parse_breakdown(by) if by else None
    people = person_outcomes(tables, period=period, facility=facility, programs=[by] if by else ())
    timed = survival_times(people, measure=measure, through_day=epoch_day(data_through))
    parts = [
        timed.group_by(group=ibis.literal(ALL), time=timed.time, outcome=timed.outcome).aggregate(
            count=timed.count()
        )
    ]
    if by:
        parts.append(
            timed.group_by(
                group=group_value(timed, by), time=timed.time, outcome=timed.outcome
            ).aggregate(count=timed.count())
        )
    frame = ibis.union(*parts).to_pandas()
    frame = frame.astype({"time": "int64", "outcome": "int64", "count": "int64"})
    return frame.sort_values(["group", "time", "outcome"]).reset_index(drop=True)[
        list(COUNT_COLUMNS)
    ]


def _groups(counts: pd.DataFrame, by: str | None) -> list[str]:
    present = list(counts["group"].unique())
    return ordered_groups(by, present) if by else [g for g in present if g == ALL]


def group_summary(counts: pd.DataFrame, *, by: str | None = None) -> pd.DataFrame:
    """People and events per group (:data:`SUMMARY_COLUMNS`)."""
    rows = []
    for group in _groups(counts, by):
        part = counts[counts["group"] == group]
        rows.append(
            {
                "group": group,
                "n": int(part["count"].sum()),
                "events": int(part.loc[part["outcome"] == EVENT, "count"].sum()),
            }
        )
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


@dataclass
class _KaplanMeierTable:
    """Kaplan–Meier at every distinct time (``time``, ascending), as numpy arrays."""

    time: np.ndarray
    at_risk: np.ndarray
    observed: np.ndarray
    survival: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray


def _per_time(part: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(distinct times, events at each, people leaving the risk set at each)."""
    times, position = np.unique(part["time"].to_numpy(dtype="int64"), return_inverse=True)
    people = part["count"].to_numpy(dtype=float)
    events = np.where(part["outcome"].to_numpy() == EVENT, people, 0.0)
    return (
        times,
        np.bincount(position, weights=events, minlength=len(times)),
        np.bincount(position, weights=people, minlength=len(times)),
    )


def _kaplan_meier_table(part: pd.DataFrame) -> _KaplanMeierTable:
    """Kaplan–Meier from counts per (time, outcome): at_risk, observed, survival and
    the 95% band at every distinct time.

    The same estimator and band as lifelines' KaplanMeierFitter fitted with these
    counts as weights (product limit; exponential Greenwood, that is the log(-log)
    transform), computed with numpy: the refresh fits dozens of curves, and each
    fitter call costs more than the arithmetic.
    """
    times, observed, removed = _per_time(part)
    at_risk = removed.sum() - (np.cumsum(removed) - removed)
    survival, low, high = product_limit(at_risk, observed)
    return _KaplanMeierTable(
        time=times,
        at_risk=at_risk,
        observed=observed,
        survival=survival,
        ci_low=low,
        ci_high=high,
    )


def _starting_with(first: float, values: np.ndarray) -> np.ndarray:
    return np.concatenate([[first], values])


def kaplan_meier(
    counts: pd.DataFrame, *, by: str | None = None, at_days: np.ndarray | None = None
) -> pd.DataFrame:
    """Kaplan–Meier per group with its 95% band (exponential Greenwood) and the number
    at risk, at day 0 and at every day with an event (:data:`CURVE_COLUMNS`); with
    ``at_days``, at those days too (a group's curve read on days with events in another
    group: no events of its own, its survival and number at risk that day)."""
    columns: dict[str, list[np.ndarray]] = {name: [] for name in CURVE_COLUMNS}
    parts = dict(tuple(counts[counts["count"] > 0].groupby("group", sort=False)))
    for group in _groups(counts, by):
        part = parts.get(group)
        if part is None:
            continue
        table = _kaplan_meier_table(part)
        at_zero = table.at_risk[0]  # everyone: nobody has left the risk set yet
        read = _read_at(table, at_days)
        values = {
            "day": _starting_with(0, read["day"]),
            "at_risk": _starting_with(at_zero, read["at_risk"]),
            "events": _starting_with(0, read["events"]),
            "survival": _starting_with(1.0, read["survival"]),
            "ci_low": _starting_with(1.0, read["ci_low"]),
            "ci_high": _starting_with(1.0, read["ci_high"]),
        }
        values["group"] = np.full(len(values["day"]), group, dtype=object)
        for name, value in values.items():
            columns[name].append(value)
    if not columns["group"]:
        return pd.DataFrame(columns=list(CURVE_COLUMNS))
    # Arrays joined once: concatenating a frame per group costs more than the fits.
    out = pd.DataFrame({name: np.concatenate(parts) for name, parts in columns.items()})
    out["day"] = out["day"].astype("int64")
    out["at_risk"] = out["at_risk"].round().astype("int64")
    out["events"] = out["events"].round().astype("int64")
    return out


def _read_at(table: _KaplanMeierTable, at_days: np.ndarray | None) -> dict[str, np.ndarray]:
    """The table at its days with events and at ``at_days`` (after day 0): there the
    number at risk is of those whose time is that day or later, the events that day's,
    and the survival and band the last ones on or before it."""
    own = table.time[(table.time > 0) & (table.observed > 0)]
    if at_days is None:
        days = own
    else:
        days = np.union1d(own, np.asarray(at_days, dtype=table.time.dtype))
        days = days[days > 0]
    last = len(table.time) - 1
    after = np.searchsorted(table.time, days, side="left")  # the first time on or after
    later = after <= last
    after = np.minimum(after, last)
    on_day = later & (table.time[after] == days)
    before = np.searchsorted(table.time, days, side="right") - 1  # the last on or before
    started = before >= 0
    before = np.maximum(before, 0)

    def carried(values: np.ndarray) -> np.ndarray:
        return np.where(started, values[before], 1.0)

    return {
        "day": days,
        "at_risk": np.where(later, table.at_risk[after], 0.0),
        "events": np.where(on_day, table.observed[after], 0.0),
        "survival": carried(table.survival),
        "ci_low": carried(table.ci_low),
        "ci_high": carried(table.ci_high),
    }


def logrank_p(counts: pd.DataFrame, *, groups: list[str] | None = None) -> float | None:
    """The log-rank test's p-value across the groups other than ``all`` (or across
    ``groups``); None with fewer than two groups."""
    if groups is None:
        groups = [g for g in counts["group"].unique() if g != ALL]
    part = counts[counts["group"].isin(groups) & (counts["count"] > 0)]
    if part["group"].nunique() < 2:
        return None
    # (time x group) arrays, times ascending and groups sorted by name.
    _, time_at = np.unique(part["time"].to_numpy(dtype="int64"), return_inverse=True)
    names, group_at = np.unique(part["group"].to_numpy(dtype=str), return_inverse=True)
    shape = (int(time_at.max()) + 1, len(names))
    people = part["count"].to_numpy(dtype=float)
    observed, removed = np.zeros(shape), np.zeros(shape)
    np.add.at(observed, (time_at, group_at), np.where(part["outcome"] == EVENT, people, 0.0))
    np.add.at(removed, (time_at, group_at), people)
    p = _logrank_p(observed, removed)
    return None if math.isnan(p) else p


def _logrank_p(observed: np.ndarray, removed: np.ndarray) -> float:
    """The log-rank test across groups from (time x group) arrays of events and of
    people leaving the risk set, sorted by time.

    Computed as lifelines' multivariate_logrank_test does (its variance factor
    (n - d) / (n - 1) taken as 1 where n = 1; a pseudo-inverse), from the counts.
    """
    at_risk = removed.sum(axis=0) - (np.cumsum(removed, axis=0) - removed)
    n = at_risk.sum(axis=1)
    d = observed.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(n > 0, d / n, 0.0)
        ratio = (n - d) / (n - 1)
        ratio[~np.isfinite(ratio)] = 1.0
        factor = np.where(n > 0, ratio * d / n**2, 0.0)
    difference = observed.sum(axis=0) - (at_risk * share[:, None]).sum(axis=0)
    weighted = at_risk * factor[:, None]
    variance = -(weighted.T @ at_risk)
    variance[np.diag_indices_from(variance)] += (weighted * n[:, None]).sum(axis=0)
    kept = difference[:-1]
    statistic = float(kept @ np.linalg.pinv(variance[:-1, :-1]) @ kept)
    # The chi-squared survival function; scipy.stats would cost a second to import.
    return float(chdtrc(observed.shape[1] - 1, statistic))


def cumulative_incidence(counts: pd.DataFrame, *, by: str | None = None) -> pd.DataFrame:
    """Cumulative incidence of the qualifying event with death as a competing risk
    (Aalen–Johansen, 95% band), per group, at day 0 and every day with an event or a
    death; empty when no death is recorded (:data:`INCIDENCE_COLUMNS`).

    The estimator and band of lifelines' AalenJohansenFitter fitted with these counts
    as weights, without its jitter of tied days (whole days tie often, and the
    discrete-time estimator handles ties exactly); computed with numpy, as the refresh
    computes it for every measure (tested against lifelines).
    """
    if not (counts["outcome"] == DEATH).any():
        return pd.DataFrame(columns=list(INCIDENCE_COLUMNS))
    parts = dict(tuple(counts[counts["count"] > 0].groupby("group", sort=False)))
    frames = [
        _aalen_johansen(parts[group], group) for group in _groups(counts, by) if group in parts
    ]
    if not frames:
        return pd.DataFrame(columns=list(INCIDENCE_COLUMNS))
    out = pd.concat(frames, ignore_index=True)
    for column in ("at_risk", "events", "competing"):
        out[column] = out[column].round().astype("int64")
    return out[list(INCIDENCE_COLUMNS)]


def _aalen_johansen(part: pd.DataFrame, group: str) -> pd.DataFrame:
    times, position = np.unique(part["time"].to_numpy(dtype="int64"), return_inverse=True)
    people = part["count"].to_numpy(dtype=float)
    outcome = part["outcome"].to_numpy()

    def per_time(values: np.ndarray) -> np.ndarray:
        return np.bincount(position, weights=values, minlength=len(times))

    events = per_time(np.where(outcome == EVENT, people, 0.0))
    deaths = per_time(np.where(outcome == DEATH, people, 0.0))
    removed = per_time(people)
    at_risk = removed.sum() - (np.cumsum(removed) - removed)
    ended = events + deaths
    share, low, high = aalen_johansen(at_risk, events, deaths)
    kept = (times > 0) & (ended > 0)
    zero = np.array([0.0])
    # Deaths on the day of release are on the day-0 row (no event counts that day).
    released_dead = np.array([deaths[times == 0].sum()])
    return pd.DataFrame(
        {
            "group": group,
            "day": np.concatenate([[0], times[kept]]).astype("int64"),
            "at_risk": np.concatenate([[removed.sum()], at_risk[kept]]),
            "events": np.concatenate([zero, events[kept]]),
            "competing": np.concatenate([released_dead, deaths[kept]]),
            "cumulative_incidence": np.concatenate([zero, share[kept]]),
            "ci_low": np.concatenate([zero, low[kept]]),
            "ci_high": np.concatenate([zero, high[kept]]),
        }
    )


@dataclass
class SurvivalResult:
    measure: str
    data_through: dt.date
    period: Period
    by: str | None
    summary: pd.DataFrame
    curves: pd.DataFrame
    logrank_p: float | None
    incidence: pd.DataFrame = field(default_factory=lambda: pd.DataFrame())
    counts: pd.DataFrame = field(default_factory=lambda: pd.DataFrame())


def survival_analysis(
    *,
    tables: Tables,
    measure: str,
    data_through: dt.date,
    period: Period,
    facility: str | None = None,
    by: str | None = None,
) -> SurvivalResult:
    """Kaplan–Meier curves, the log-rank p-value and cumulative incidence for a cohort."""
    by = parse_breakdown(by) if by else None
    counts = survival_counts(
        tables=tables,
        measure=measure,
        data_through=data_through,
        period=period,
        facility=facility,
        by=by,
    )
    return SurvivalResult(
        measure=measure,
        data_through=data_through,
        period=period,
        by=by,
        summary=group_summary(counts, by=by),
        curves=kaplan_meier(counts, by=by),
        logrank_p=logrank_p(counts) if by else None,
        incidence=cumulative_incidence(counts, by=by),
        counts=counts,
    )


def _raw_points(curve: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {
            "group": str(row.group),
            "day": int(row.day),
            "at_risk": int(row.at_risk),
            "events": int(row.events),
            "survival": float(row.survival),
            "ci_low": _float(row.ci_low),
            "ci_high": _float(row.ci_high),
        }
        for row in curve.itertuples()
    ]


def _float(value: Any) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def survival_json(result: SurvivalResult, *, k: int, unsuppressed: bool) -> dict[str, Any]:
    """The contract's JSON object, disclosed for a member unless ``unsuppressed``."""
    frame = result.curves
    if result.by and not unsuppressed:
        # Suppression steps the curves together on days with an event in any group.
        event_days = frame.loc[frame["group"] == ALL, "day"].to_numpy()
        frame = kaplan_meier(result.counts, by=result.by, at_days=event_days)
    curves = disclose_curves(
        _raw_points(frame),
        unsuppressed=unsuppressed,
        k=k,
        total_group=ALL if result.by else None,
    )
    for curve in curves:
        curve["points"] = [{key: p[key] for key in POINT_KEYS} for p in curve["points"]]
    shown = [c["group"] for c in curves if c["points"] and c["group"] != ALL]
    if unsuppressed or not result.by:
        p_value = result.logrank_p
    else:
        p_value = logrank_p(result.counts, groups=shown) if len(shown) >= 2 else None
    return {
        "measure": result.measure,
        "data_through": result.data_through.isoformat(),
        "logrank_p": p_value,
        "curves": curves,
    }
