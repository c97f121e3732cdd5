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
from dataclasses import dataclass
from typing import Any

import ibis
import numpy as np
import pandas as pd
from ibis.expr.types import BooleanValue, IntegerValue, Table

from reentrykit.core.estimators import Z95
from reentrykit.core.suppression import Disclosed, RateSpec, disclose
from reentrykit.metrics.breakdowns import (
    ALL,
    PROGRAM_MASK,
    group_value,
    is_program_breakdown,
    ordered_groups,
    parse_breakdown,
)
from reentrykit.metrics.cohorts import (
    MEASURES,
    WINDOWS,
    Period,
    epoch_day,
    measure_events,
    person_outcomes,
)
from reentrykit.metrics.engine import Tables, compute_together, materialized
from reentrykit.metrics.survival import NOT_FOLLOWED, time_and_outcome

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
        # With no successes the lower bound is exactly 0, with all of them the upper
        # bound exactly 1; the subtraction leaves rounding noise there (5.6e-17 or
        # 0.9999999999999999 in an export), so those ends are set outright.
        low = np.where(x > 0, np.clip(centre - half, 0.0, 1.0), 0.0)
        high = np.where(x < n, np.clip(centre + half, 0.0, 1.0), 1.0)
        low = np.where(n > 0, low, np.nan)
        high = np.where(n > 0, high, np.nan)
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


def outcome_code(
    people: Table, *, measure: str, windows: Sequence[int], through_day: int
) -> IntegerValue:
    """One small integer per person that encodes a measure's outcome in every window.

    Being in the denominator can only stop as the window grows (follow-up runs out,
    or a death comes first), and having recidivated can only start, so a person's
    outcome over the sorted windows is two numbers: how many windows they are in the
    denominator of (``followed``) and how many windows pass before they recidivate
    (``before``). The code is ``followed * 16 + before``; a person counts as a
    recidivist in window j when ``before <= j < followed``. Aggregating one code per
    person is much cheaper than one pair of sums per window.

    Both numbers are counts of windows below a limit, which is what
    :func:`window_outcome` says window by window: with days counted from release to
    the first event (``to_event``), to death (``to_death``) and to the end of the data
    (``to_end``), window W is followed when ``W <= to_end`` and not (``to_death <= W``
    and ``to_death <= to_event``), and recidivated when ``to_event <= W`` and
    ``to_event < to_death``.
    """
    measure_events(measure)
    to_event = people[f"first_{measure}_day"] - people.release_day
    to_death = people.death_day - people.release_day
    to_end = through_day - people.release_day
    # The death ends follow-up only when it comes first (or on the event's day).
    followed_until = ibis.ifelse(to_death > to_event, to_end, ibis.least(to_end, to_death - 1))
    followed = _windows_through(followed_until, windows)
    before = ibis.ifelse(to_event < to_death, _windows_through(to_event - 1, windows), len(windows))
    return (followed * 16 + before).cast("int16")


def _windows_through(days: IntegerValue, windows: Sequence[int]) -> IntegerValue:
    """How many of ``windows`` (sorted) are at most ``days`` long: one ladder of
    comparisons that reads ``days`` once (a sum of one comparison per window repeats
    the expression behind ``days`` in the query once per window)."""
    steps = [(days >= window, len(windows) - index) for index, window in enumerate(windows[::-1])]
    return ibis.cases(*steps, else_=0).cast("int8")


@dataclass
class MeasurePass:
    """What :func:`aggregate_pass` computes: ``rates`` (:data:`TABLE_COLUMNS`) and
    ``survival`` (:data:`SURVIVAL_PASS_COLUMNS`: people per measure, cohort year,
    breakdown, group, time and outcome, ready for ``survival.kaplan_meier`` once one
    measure, breakdown and the wanted cohort years are picked and summed)."""

    rates: pd.DataFrame
    survival: pd.DataFrame


SURVIVAL_PASS_COLUMNS = (
    "measure",
    "cohort_year",
    "breakdown",
    "group",
    "time",
    "outcome",
    "count",
)


def aggregate_pass(
    table: Table,
    *,
    breakdowns: Sequence[str] = (),
    measures: Sequence[str] | None = None,
    windows: Sequence[int] = WINDOWS,
    by_year: bool = True,
    survival_measures: Sequence[str] = (),
    survival_breakdowns: Sequence[str] = (),
    survival_year: int | None = None,
    through_day: int | None = None,
    breakdown_years: Sequence[int] | None = None,
) -> MeasurePass:
    """The rates and survival counts of a materialized person table that has the pass
    columns of the same ``measures`` and ``windows``; survival counts (of
    ``survival_measures``) need ``through_day``, the day data runs through.

    Each breakdown is a count per (year, group, packed outcome codes), which is cheap.
    For a cohort year without full follow-up for a window, only its people with full
    follow-up are counted; the caller decides which years to show. ``cohort_year`` is
    None when ``by_year`` is false. With ``survival_year``, survival counts are made
    for that cohort year only; with ``breakdown_years`` (and ``by_year``), the rates of
    the breakdowns other than ``all`` are made for those cohort years only.
    """
    parts = pass_parts(
        table,
        breakdowns=breakdowns,
        by_year=by_year,
        survival_measures=survival_measures,
        survival_breakdowns=survival_breakdowns,
        survival_year=survival_year,
        through_day=through_day,
        breakdown_years=breakdown_years,
    )
    return pass_result(compute_together(parts), measures=measures, windows=windows)


# The parts of :func:`pass_parts`.
CODE_COUNTS, SURVIVAL_COUNTS = "code_counts", "survival_counts"


def pass_parts(
    table: Table,
    *,
    breakdowns: Sequence[str] = (),
    by_year: bool = True,
    survival_measures: Sequence[str] = (),
    survival_breakdowns: Sequence[str] = (),
    survival_year: int | None = None,
    through_day: int | None = None,
    breakdown_years: Sequence[int] | None = None,
) -> dict[str, Table]:
    """The queries of :func:`aggregate_pass` (same arguments), to run with others in
    one (``engine.compute_together``) and read with :func:`pass_result`."""
    rate_names = list(dict.fromkeys(parse_breakdown(name) for name in breakdowns))
    parts = {
        CODE_COUNTS: _code_counts(table, names=rate_names, by_year=by_year, years=breakdown_years)
    }
    if survival_measures:
        if through_day is None:
            raise ValueError("Survival counts need through_day.")
        parts[SURVIVAL_COUNTS] = _survival_counts(
            table,
            measures=survival_measures,
            names=list(dict.fromkeys(parse_breakdown(name) for name in survival_breakdowns)),
            by_year=by_year,
            year=survival_year,
            through_day=through_day,
        )
    return parts


def pass_result(
    frames: dict[str, pd.DataFrame],
    *,
    measures: Sequence[str] | None = None,
    windows: Sequence[int] = WINDOWS,
) -> MeasurePass:
    """:func:`aggregate_pass`'s result from the frames of :func:`pass_parts`."""
    rates = _rates_from_codes(
        frames[CODE_COUNTS], measures=list(measures or MEASURES), windows=sorted(windows)
    )
    survival = pd.DataFrame(columns=list(SURVIVAL_PASS_COLUMNS))
    if SURVIVAL_COUNTS in frames:
        survival = frames[SURVIVAL_COUNTS].astype(
            {"time": "int64", "outcome": "int64", "count": "int64"}
        )[list(SURVIVAL_PASS_COLUMNS)]
    return MeasurePass(rates=rates, survival=survival)


def with_pass_columns(
    people: Table,
    *,
    through_day: int,
    measures: Sequence[str] | None = None,
    windows: Sequence[int] = WINDOWS,
) -> Table:
    """``people`` with what a measure pass aggregates: ``_codes``, every measure's
    :func:`outcome_code` packed into one integer (each code is below 256; grouping on
    one key is cheaper than on four)."""
    windows = sorted(windows)
    if len(windows) > 15:
        raise ValueError("At most 15 windows fit in an outcome code.")
    packed: Any = ibis.literal(0, type="int64")
    for index, measure in enumerate(measures or MEASURES):
        code = outcome_code(people, measure=measure, windows=windows, through_day=through_day)
        packed = packed + code.cast("int64") * (256**index)
    return people.mutate(_codes=packed)


def _group_of(table: Table, name: str) -> Any:
    return ibis.literal(ALL) if name == ALL else group_value(table, name)


def _year_of(table: Table, *, by_year: bool) -> Any:
    return table.cohort_year if by_year else ibis.literal(None, type="int32")


def _code_counts(
    table: Table, *, names: Sequence[str], by_year: bool, years: Sequence[int] | None = None
) -> Table:
    """People per (breakdown, cohort year, group, packed codes): an expression. With
    ``years`` (and ``by_year``), breakdowns other than ``all`` count those years only."""
    of_years = table.filter(table.cohort_year.isin(list(years))) if years and by_year else table
    programs = [name for name in names if is_program_breakdown(name)]
    parts = [
        _counts_by(table if name == ALL else of_years, name, by_year=by_year)
        for name in [ALL, *names]
        if name not in programs
    ]
    if programs:
        # One count per (year, participation mask, codes): a few thousand rows that
        # every program breakdown then sums, instead of a pass over people for each.
        masks = of_years.group_by(
            cohort_year=_year_of(of_years, by_year=by_year),
            program_mask=of_years[PROGRAM_MASK],
            codes=of_years._codes,
        ).aggregate(people=of_years.count())
        parts += [
            masks.group_by(
                cohort_year=masks.cohort_year, group=group_value(masks, name), codes=masks.codes
            )
            .aggregate(count=_whole(masks.people.sum()))
            .mutate(breakdown=ibis.literal(name))
            for name in programs
        ]
    return ibis.union(*parts)


def _counts_by(table: Table, name: str, *, by_year: bool) -> Table:
    return (
        table.group_by(
            cohort_year=_year_of(table, by_year=by_year),
            group=_group_of(table, name),
            codes=table._codes,
        )
        .aggregate(count=table.count())
        .mutate(breakdown=ibis.literal(name))
    )


def _whole(total: Any) -> Any:
    """A sum of counts as a 64-bit integer, 0 when nothing was summed. DuckDB sums
    integers into 128 bits, which would come back as decimals converted one at a time."""
    return total.fill_null(0).cast("int64")


def _rates_from_codes(
    combos: pd.DataFrame, *, measures: Sequence[str], windows: Sequence[int]
) -> pd.DataFrame:
    """Every rate (:data:`TABLE_COLUMNS`) from the packed code counts.

    Decodes the codes (see :func:`outcome_code`) and sums the people per
    (cohort year, breakdown, group): a person is in window j's cohort when
    ``followed > j`` and a recidivist when also ``before <= j``. The counts are a
    hundred thousand rows or so; numpy sums them faster than a query over them.
    """
    keys = ["cohort_year", "breakdown", "group"]
    grouped = combos.groupby(keys, sort=False, dropna=False)
    group_of = grouped.ngroup().to_numpy()
    groups = grouped.size().index.to_frame(index=False)
    if groups.empty:
        return pd.DataFrame(columns=list(TABLE_COLUMNS))
    people = combos["count"].to_numpy(dtype="int64")
    codes = combos["codes"].to_numpy(dtype="int64")
    pieces = []
    for m_index, measure in enumerate(measures):
        code = (codes >> (8 * m_index)) & 255
        followed, before = code >> 4, code & 15
        for w_index, window in enumerate(windows):
            in_cohort = followed > w_index
            recidivated = in_cohort & (before <= w_index)
            piece = groups.copy()
            piece["measure"] = measure
            piece["window_days"] = window
            piece["cohort"] = _sums(group_of, np.where(in_cohort, people, 0), len(groups))
            piece["recidivists"] = _sums(group_of, np.where(recidivated, people, 0), len(groups))
            pieces.append(piece)
    frame = with_rates(pd.concat(pieces, ignore_index=True))
    frame["measure"] = pd.Categorical(frame["measure"], categories=list(measures))
    frame = frame.sort_values(
        ["measure", "window_days", "cohort_year", "breakdown", "group"], kind="stable"
    )
    frame["measure"] = frame["measure"].astype(str)
    return frame[list(TABLE_COLUMNS)].reset_index(drop=True)


def _sums(group_of: np.ndarray, values: np.ndarray, groups: int) -> np.ndarray:
    """Integer sums of ``values`` per group number."""
    return np.bincount(group_of, weights=values, minlength=groups).round().astype("int64")


def _survival_counts(
    table: Table,
    *,
    measures: Sequence[str],
    names: Sequence[str],
    by_year: bool,
    year: int | None,
    through_day: int,
) -> Table:
    """People per (measure, cohort year, breakdown, group, time, outcome), counted per
    measure and breakdown among one cohort year's people: an expression."""
    if year is not None and by_year:
        table = table.filter(table.cohort_year == year)
    columns: dict[str, Any] = {"cohort_year": _year_of(table, by_year=by_year)}
    for index, name in enumerate(names):
        columns[f"g_{index}"] = group_value(table, name)
    for index, measure in enumerate(measures):
        time, outcome = time_and_outcome(table, measure=measure, through_day=through_day)
        columns[f"t_{index}"], columns[f"o_{index}"] = time, outcome
    people = table.select(**columns)
    parts = []
    for m_index, measure in enumerate(measures):
        followed = people.filter(people[f"o_{m_index}"] != NOT_FOLLOWED)
        for name, group in [(ALL, None), *((n, f"g_{i}") for i, n in enumerate(names))]:
            parts.append(
                followed.group_by(
                    measure=ibis.literal(measure),
                    cohort_year=followed.cohort_year,
                    breakdown=ibis.literal(name),
                    group=followed[group] if group else ibis.literal(ALL),
                    time=followed[f"t_{m_index}"],
                    outcome=followed[f"o_{m_index}"],
                ).aggregate(count=followed.count())
            )
    return ibis.union(*parts)


def rate_table(
    people: Table,
    *,
    through_day: int,
    breakdowns: Sequence[str] = (),
    measures: Sequence[str] | None = None,
    windows: Sequence[int] = WINDOWS,
    by_year: bool = True,
) -> pd.DataFrame:
    """Every rate of ``measures`` x ``windows`` x (overall and ``breakdowns``)
    (:data:`TABLE_COLUMNS`) of a person table from ``cohorts.person_outcomes``:
    materialized once with :func:`with_pass_columns`, then :func:`aggregate_pass`.
    The refresh does the same two steps and keeps the table for more."""
    table = with_pass_columns(people, through_day=through_day, measures=measures, windows=windows)
    with materialized(table) as prepared:
        return aggregate_pass(
            prepared, breakdowns=breakdowns, measures=measures, windows=windows, by_year=by_year
        ).rates


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
