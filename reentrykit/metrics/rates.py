"""Fixed-window recidivism rates with 95% Wilson intervals (DATA.md, "Measures").

A person recidivated within W days if a qualifying event has
``release_date < event_date <= release_date + W``. Only people with
``release_date + W <= data_through`` are in the denominator (full follow-up), and
people who died inside the window with no earlier qualifying event leave it. A death
on the day of release counts as inside the window (the person had no time at risk);
a qualifying event on the same day as the death is not "earlier", so that person
leaves the denominator too, exactly as the rule reads.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

import ibis
import numpy as np
import pandas as pd
from ibis.expr.types import BooleanValue, Table

from reentrykit.core.suppression import Disclosed, RateSpec, disclose
from reentrykit.metrics.breakdowns import ALL, group_value, ordered_groups, parse_breakdown
from reentrykit.metrics.cohorts import (
    Period,
    epoch_day,
    measure_events,
    person_outcomes,
)
from reentrykit.metrics.engine import Tables, materialized

Z95 = 1.959963984540054
# recidivism_rates: one row per group (``all`` last), counts as ints, NaN rates when
# the cohort is empty.
RATE_COLUMNS = ("group", "cohort", "recidivists", "rate", "ci_low", "ci_high")
# rate_table: every measure x window x breakdown x group (x cohort year), long.
TABLE_COLUMNS = (
    "measure",
    "window_days",
    "cohort_year",
    "breakdown",
    "group",
    "cohort",
    "recidivists",
    "rate",
    "ci_low",
    "ci_high",
)


# The contract's row keys (``reentrykit metrics recidivism --format json``).
JSON_ROW_KEYS = (
    "group",
    "cohort",
    "recidivists",
    "rate",
    "ci_low",
    "ci_high",
    "suppressed",
    "unstable",
)


def wilson_interval(
    successes: np.ndarray | Sequence[float] | float,
    trials: np.ndarray | Sequence[float] | float,
    *,
    z: float = Z95,
) -> tuple[np.ndarray, np.ndarray]:
    """The Wilson score interval; NaN where there are no trials."""
    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        denominator = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denominator
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denominator
        low = np.where(n > 0, np.clip(centre - half, 0.0, 1.0), np.nan)
        high = np.where(n > 0, np.clip(centre + half, 0.0, 1.0), np.nan)
    return low, high


def with_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Adds ``rate``, ``ci_low`` and ``ci_high`` to a frame of cohort/recidivists."""
    out = frame.copy()
    for column in ("cohort", "recidivists"):
        out[column] = pd.to_numeric(out[column]).fillna(0).astype("int64")
    cohort = out["cohort"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["rate"] = np.where(cohort > 0, out["recidivists"] / cohort, np.nan)
    out["ci_low"], out["ci_high"] = wilson_interval(out["recidivists"], cohort)
    return out


def window_outcome(
    people: Table, *, measure: str, window: int, through_day: int
) -> tuple[BooleanValue, BooleanValue]:
    """(in the denominator, recidivated) for each row of a person table."""
    measure_events(measure)
    first = people[f"first_{measure}_day"]
    death = people.death_day
    end = people.release_day + window
    recidivated = (first <= end) & (first < death)
    died_first = (death <= end) & (death <= first)
    followed = ((end <= through_day) & ~died_first).fill_null(False)
    return followed, followed & recidivated


def recidivism_rates(
    *,
    tables: Tables,
    measure: str,
    window: int,
    data_through: dt.date,
    period: Period,
    facility: str | None = None,
    by: str | None = None,
) -> pd.DataFrame:
    """The fixed-window rate of ``measure`` for the cohort of ``period``, overall
    (group ``all``) and, with ``by``, per group of that breakdown (:data:`RATE_COLUMNS`)."""
    by = parse_breakdown(by) if by else None
    people = person_outcomes(tables, period=period, facility=facility, programs=[by] if by else ())
    followed, recidivated = window_outcome(
        people, measure=measure, window=window, through_day=epoch_day(data_through)
    )
    people = people.mutate(_followed=followed, _recidivated=recidivated)
    counts = {"cohort": people._followed.sum(), "recidivists": people._recidivated.sum()}
    overall = people.aggregate(**counts).mutate(group=ibis.literal(ALL))
    parts = [overall.select("group", "cohort", "recidivists")]
    if by:
        grouped = people.group_by(group=group_value(people, by)).aggregate(**counts)
        parts.insert(0, grouped.select("group", "cohort", "recidivists"))
    frame = ibis.union(*parts).to_pandas()
    frame = with_rates(frame)
    order = ordered_groups(by, frame["group"]) if by else [ALL]
    frame = frame.set_index("group").loc[order].reset_index()
    return frame[list(RATE_COLUMNS)]


def rate_table(
    people: Table,
    *,
    through_day: int,
    breakdowns: Sequence[str] = (),
    measures: Sequence[str] | None = None,
    windows: Sequence[int] = (180, 365, 730, 1095, 1825),
    by_year: bool = True,
) -> pd.DataFrame:
    """Every rate of ``measures`` x ``windows`` x (overall and ``breakdowns``) from a
    person table (:func:`~reentrykit.metrics.cohorts.person_outcomes`, usually with
    ``by_year=True``), in one query over the materialized person table
    (:data:`TABLE_COLUMNS`; ``cohort_year`` is None when ``by_year`` is false). For a
    cohort year without full follow-up for a window, only its people with full
    follow-up are counted; the caller decides which years to show."""
    from reentrykit.metrics.cohorts import MEASURES

    measures = list(measures or MEASURES)
    names = [parse_breakdown(name) for name in breakdowns]
    counts = {}
    with materialized(people) as table:
        for measure in measures:
            for window in windows:
                followed, recidivated = window_outcome(
                    table, measure=measure, window=window, through_day=through_day
                )
                counts[f"c__{measure}__{window}"] = followed.sum()
                counts[f"r__{measure}__{window}"] = recidivated.sum()
        year = table.cohort_year if by_year else ibis.literal(None, type="int32")
        parts = [
            table.group_by(cohort_year=year, group=ibis.literal(ALL))
            .aggregate(**counts)
            .mutate(breakdown=ibis.literal(ALL))
        ]
        for name in names:
            parts.append(
                table.group_by(cohort_year=year, group=group_value(table, name))
                .aggregate(**counts)
                .mutate(breakdown=ibis.literal(name))
            )
        wide = ibis.union(*parts).to_pandas()
    return _long_rates(wide, measures=measures, windows=windows)


def _long_rates(
    wide: pd.DataFrame, *, measures: Sequence[str], windows: Sequence[int]
) -> pd.DataFrame:
    pieces = []
    for measure in measures:
        for window in windows:
            piece = wide[["cohort_year", "breakdown", "group"]].copy()
            piece["measure"] = measure
            piece["window_days"] = window
            piece["cohort"] = wide[f"c__{measure}__{window}"]
            piece["recidivists"] = wide[f"r__{measure}__{window}"]
            pieces.append(piece)
    if not pieces:
        return pd.DataFrame(columns=list(TABLE_COLUMNS))
    frame = with_rates(pd.concat(pieces, ignore_index=True))
    frame = frame.sort_values(
        ["measure", "window_days", "cohort_year", "breakdown", "group"], kind="stable"
    )
    return frame[list(TABLE_COLUMNS)].reset_index(drop=True)


def _number(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (int, np.integer)):
        return int(value)
    value = float(value)
    return None if math.isnan(value) else value


def disclose_rates(frame: pd.DataFrame, *, k: int, unsuppressed: bool) -> Disclosed:
    """Rows of :func:`recidivism_rates` made fit to show: through
    ``reentrykit.core.suppression.disclose`` (raw for a data steward), with plain
    Python numbers (None for NaN) and the contract's keys in order."""
    rows = [
        {
            column: _number(row[column]) if column != "group" else str(row[column])
            for column in RATE_COLUMNS
        }
        for row in frame.to_dict("records")
    ]
    disclosed = disclose(
        rows,
        unsuppressed=unsuppressed,
        k=k,
        counts=["cohort", "recidivists"],
        rates=[RateSpec("rate", "recidivists", "cohort", also_hide=("ci_low", "ci_high"))],
        total_column="group",
        total_value=ALL,
        unstable_events="recidivists",
    )
    disclosed.rows = [{key: row[key] for key in JSON_ROW_KEYS} for row in disclosed.rows]
    return disclosed


def recidivism_json(
    frame: pd.DataFrame,
    *,
    measure: str,
    window: int,
    data_through: dt.date,
    k: int,
    unsuppressed: bool,
) -> dict[str, Any]:
    """The contract's JSON object for ``reentrykit metrics recidivism``."""
    return {
        "measure": measure,
        "window_days": int(window),
        "data_through": data_through.isoformat(),
        "suppression_k": int(k),
        "rows": disclose_rates(frame, k=k, unsuppressed=unsuppressed).rows,
    }
