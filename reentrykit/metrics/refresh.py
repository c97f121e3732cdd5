"""Recomputing a coalition's measures and caching them as aggregates.

Runs in a task after each linkage (and from ``reentrykit metrics refresh``). The
person table is built once. One pass over it gives every fixed-window rate (4
measures x 5 windows; overall for every cohort year, every breakdown for the year
each window shows) and the survival counts; Kaplan–Meier curves follow, and the
intermediate measures, the population flow and the needs of the people released take
the latest complete year's part of the same table. Only aggregates are stored; pages
suppress them at read time by role.
"""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pandas as pd
from ibis.expr.types import Table

from reentrykit.coalitions.models import Coalition
from reentrykit.data.analytic import RELEASE_SEQ
from reentrykit.data.progress import Progress, no_progress
from reentrykit.metrics.breakdowns import ALL, ALL_BREAKDOWNS
from reentrykit.metrics.cohorts import (
    MEASURES,
    WINDOWS,
    Period,
    epoch_day,
    latest_complete_year,
    measures_through,
    person_outcomes,
    release_years,
    survival_cohort,
    unmeasured,
)
from reentrykit.metrics.engine import Compiled, Tables, coalition_tables, materializing
from reentrykit.metrics.flows import REARRESTED, flow_frame, flow_queries
from reentrykit.metrics.intermediate import (
    intermediate_frame,
    intermediate_query,
    intermediate_through,
)
from reentrykit.metrics.models import MetricSnapshot
from reentrykit.metrics.needs import need_frame, need_query
from reentrykit.metrics.rates import pass_parts, pass_result, with_pass_columns
from reentrykit.metrics.selectors import (
    headline_rows,
    overlapping_breakdowns,
    rows_from_columns,
)
from reentrykit.metrics.survival import cumulative_incidence, kaplan_meier, logrank_p

SURVIVAL_BREAKDOWNS = ("sex", "age_group", "risk_level")
# The parts of the latest year's query besides the flow's (``flows.flow_queries``).
INTERMEDIATE, NEEDS = "intermediate", "needs"
# Pages read only the latest snapshot; a few earlier ones are kept to compare after a
# new upload, and older ones (megabytes each for a large coalition) are deleted.
KEPT_SNAPSHOTS = 3
UNREAD_COLUMNS = ("release_date", "age_at_release", RELEASE_SEQ)


def _columns(frame: pd.DataFrame) -> dict[str, list[Any]]:
    """JSON-ready columns: NaN and NA become None, numpy numbers Python numbers."""
    # tolist() makes Python scalars in C: several times faster than
    # to_dict(orient="records") on tens of thousands of curve points.
    columns = {}
    for name in frame.columns:
        values = frame[name].tolist()
        missing = frame[name].isna().tolist()
        if any(missing):
            values = [None if gone else value for value, gone in zip(values, missing, strict=True)]
        columns[str(name)] = values
    return columns


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready rows (see :func:`_columns`)."""
    return rows_from_columns(_columns(frame))


def _shown_rates(rates: pd.DataFrame, shown_years: dict[int, int]) -> pd.DataFrame:
    """Overall rates of every cohort year, and each window's breakdowns of its year."""
    shown = rates["window_days"].map(shown_years)
    return rates[(rates["breakdown"] == ALL) | (rates["cohort_year"] == shown)]


def _survival_curves(counts: pd.DataFrame, year: int) -> dict[str, Any]:
    """Kaplan–Meier per measure for one cohort year: overall and by a few breakdowns,
    and the cumulative incidence overall where deaths are recorded.

    Each breakdown's entry holds its groups' curves and the overall one (fitted once
    per measure), as a page shows them together.
    """
    of_year = counts[counts["cohort_year"] == year]
    parts = dict(tuple(of_year.groupby(["measure", "breakdown"], sort=False)))
    curves: dict[str, Any] = {}
    for measure in MEASURES:
        overall = parts.get((measure, ALL))
        by_measure: dict[str, Any] = {}
        if overall is not None:
            overall_curve = kaplan_meier(overall)
            # By column: the curves are most of the payload, and a column form does
            # not repeat every key at each of their many points.
            by_measure[ALL] = {"logrank_p": None, "columns": _columns(overall_curve)}
            # Where deaths are recorded, the share with the event by each day with death
            # as a competing risk (Aalen–Johansen), for everyone released that year.
            incidence = cumulative_incidence(overall)
            if not incidence.empty:
                by_measure[ALL]["incidence"] = _columns(incidence.drop(columns="group"))
            # Each group's curve is read on every day with an event in any group (the
            # overall curve's): suppression steps the curves together on such days.
            event_days = overall_curve["day"].to_numpy()
            for breakdown in SURVIVAL_BREAKDOWNS:
                part = parts.get((measure, breakdown))
                columns = (
                    _columns(kaplan_meier(part, by=breakdown, at_days=event_days))
                    if part is not None
                    else {}
                )
                for name, values in by_measure[ALL]["columns"].items():
                    columns[name] = columns.get(name, []) + values
                p_value = logrank_p(part) if part is not None else None
                by_measure[breakdown] = {"logrank_p": p_value, "columns": columns}
        curves[measure] = by_measure
    return curves


def latest_year_queries(
    tables: Tables,
    *,
    period: Period,
    people: Table,
    data_through: dt.date,
    followed_through: dt.date,
) -> dict[str, Table]:
    """The population flow, the intermediate measures and the needs of ``people`` (the
    cohort of ``period``), to run as one query: they read the same records of the same
    people. ``followed_through`` is the date the intermediate measures follow people to."""
    queries = flow_queries(tables=tables, period=period, data_through=data_through, people=people)
    queries[INTERMEDIATE] = intermediate_query(
        tables=tables, period=period, data_through=followed_through, cohort_table=people
    )
    queries[NEEDS] = need_query(tables=tables, cohort_table=people)
    return queries


def _indicator_values(
    coalition: Coalition, tables: Any, through: dt.date, missing: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Each saved indicator's rate over its baseline years and for its latest cohort
    with full follow-up (the calendar year :func:`latest_complete_year` gives for its
    window), with its own facility and breakdown: a plan's measures read both. The
    baseline's rows of each of its years are kept too: outside the data steward role a
    baseline of several years is shown only when each year's could be. An indicator of
    one facility keeps the rows of its cohort from every facility too. An indicator of a
    measure in ``missing`` (:func:`cohorts.unmeasured`) has no rows."""
    from reentrykit.metrics.models import Indicator
    from reentrykit.metrics.rates import recidivism_rates

    def rows(
        indicator: Indicator, period: Period, facility: str | None, by: str | None
    ) -> list[dict[str, Any]]:
        if indicator.measure in missing:
            return []
        frame = recidivism_rates(
            tables=tables,
            measure=indicator.measure,
            window=indicator.window_days,
            data_through=through,
            period=period,
            facility=facility,
            by=by,
        )
        return _records(frame)

    def of_period(indicator: Indicator, period: Period) -> dict[str, Any]:
        facility, by = indicator.facility_type or None, indicator.breakdown or None
        part: dict[str, Any] = {"rows": rows(indicator, period, facility, by)}
        wider = overlapping_breakdowns(by) if by else []
        if wider:
            # The same cohort by the breakdowns its groups overlap (age groups for an
            # age band): pages hide a figure whose difference from theirs is small.
            part["wider"] = {name: rows(indicator, period, facility, name) for name in wider}
        if indicator.facility_type:
            # The same cohort from every facility: pages hide a facility's figures where
            # the other facility's (the difference) would be small.
            part["unfiltered"] = rows(indicator, period, None, by)
        return part

    values: dict[str, Any] = {}
    for indicator in Indicator.objects.filter(coalition=coalition):
        latest = latest_complete_year(data_through=through, window=indicator.window_days)
        years = indicator.baseline_years
        entry: dict[str, Any] = {
            "group": indicator.breakdown_group if indicator.breakdown else ALL,
            "breakdown": indicator.breakdown,
            "latest": {"year": latest.start.year, **of_period(indicator, latest)},
        }
        followed_until = dt.date(years[-1], 12, 31) + dt.timedelta(days=indicator.window_days)
        if followed_until > through:
            # The baseline's last year is not followed for the window yet: its rate
            # would be of the people released early in the year, standing for all.
            entry["pending_until"] = followed_until.isoformat()
        else:
            baseline = Period(dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31))
            entry |= of_period(indicator, baseline)
            entry["years"] = [
                {"year": year, **of_period(indicator, Period.calendar_year(year))}
                for year in (years if len(years) > 1 else ())
            ]
        values[str(indicator.pk)] = entry
    return values


def _save_snapshot(coalition: Coalition, **fields: Any) -> MetricSnapshot:
    """A new snapshot of the coalition's measures; its snapshots beyond the latest
    :data:`KEPT_SNAPSHOTS` are deleted (with the adjusted comparisons fitted for them)."""
    snapshot = MetricSnapshot.objects.create(coalition=coalition, **fields)
    kept = MetricSnapshot.objects.filter(coalition=coalition).values_list("pk", flat=True)
    # Only their numbers are read: loading a payload to delete it took as long as
    # saving one.
    MetricSnapshot.objects.filter(coalition=coalition).exclude(
        pk__in=list(kept[:KEPT_SNAPSHOTS])
    ).only("pk").delete()
    return snapshot


def refresh_coalition(
    coalition: Coalition, *, engine: str = "duckdb", progress: Progress = no_progress
) -> dict[str, Any]:
    started = time.perf_counter()
    progress(0.05, "Reading the analytic tables")
    with coalition_tables(coalition_id=coalition.pk, engine=engine) as tables:
        through = measures_through(coalition_id=coalition.pk, tables=tables)
        years = release_years(tables)
        if through is None or years is None:
            snapshot = _save_snapshot(coalition, payload={"empty": True})
            return {"snapshot": snapshot.pk, "empty": True}
        if through < dt.date(years[0], 1, 1):
            # A source complete only to before the first releases: no one is followed.
            empty = {"empty": True, "data_through": through.isoformat(), "first_year": years[0]}
            snapshot = _save_snapshot(coalition, payload=empty)
            return {"snapshot": snapshot.pk, "empty": True}
        period = Period(dt.date(years[0], 1, 1), min(through, dt.date(years[1], 12, 31)))
        # Measures without a single linked event of their types get no figures.
        missing = unmeasured(tables)
        people = person_outcomes(tables, period=period, by_year=True)
        survival_year = survival_cohort(data_through=through, last_release_year=years[1]).start.year
        latest = latest_complete_year(data_through=through, window=365)
        # The dashboard shows each window's breakdowns for one cohort year, its latest
        # with full follow-up; only the overall rates are shown for every year (trend).
        shown_years = {
            window: latest_complete_year(data_through=through, window=window).start.year
            for window in WINDOWS
        }
        progress(0.2, "Computing every rate and survival count")
        # Built once: the rates, the intermediate measures and the flow all start from
        # it (a calendar year's cohort is that year's part of the by-year table).
        table = with_pass_columns(people, through_day=epoch_day(through))
        # Read first: nothing else may use the engine while the person table is written.
        followed_through = intermediate_through(coalition_id=coalition.pk, tables=tables) or through
        # Columns nothing downstream reads are not written (the write costs per value).
        with materializing(table.drop(*UNREAD_COLUMNS)) as person:
            # Both queries are compiled while the table is written.
            counts = Compiled(
                pass_parts(
                    person.table,
                    breakdowns=ALL_BREAKDOWNS,
                    survival_measures=MEASURES,
                    survival_breakdowns=SURVIVAL_BREAKDOWNS,
                    survival_year=survival_year,
                    through_day=epoch_day(through),
                    breakdown_years=sorted(set(shown_years.values())),
                ),
                after=person,
            )
            of_latest = person.table.filter(person.table.cohort_year == latest.start.year)
            latest_year = Compiled(
                latest_year_queries(
                    tables,
                    period=latest,
                    people=of_latest,
                    data_through=through,
                    followed_through=followed_through,
                ),
                after=person,
            )
            result = pass_result(counts.run())
            progress(0.7, "Intermediate measures, the population flow and survival curves")
            # The curves are numpy work on the survival counts: a second thread fits them
            # while the engine runs the last query (it releases the GIL meanwhile).
            with ThreadPoolExecutor(max_workers=1) as pool:
                curves = pool.submit(_survival_curves, result.survival, survival_year)
                frames = latest_year.run()
                intermediate = intermediate_frame(frames[INTERMEDIATE])
                needs = need_frame(frames[NEEDS])
                flow = flow_frame(frames)
                survival = curves.result()
        indicators = _indicator_values(coalition, tables, through, missing)
    if "rearrest" in missing:
        flow = flow[flow["key"] != REARRESTED]
    survival = {measure: {} if measure in missing else by for measure, by in survival.items()}
    progress(0.9, "Saving the measures")
    measured = result.rates[~result.rates["measure"].isin(missing)]
    rates = _records(_shown_rates(measured, shown_years))
    payload = {
        "data_through": through.isoformat(),
        "latest_complete_year": latest.start.year,
        "survival_year": survival_year,
        "rates": rates,
        # The headline's rows again, apart: network pages and documents read this key
        # alone rather than the whole snapshot (megabytes of curves for a large county).
        "headline": headline_rows(rates, year=latest.start.year),
        "survival": survival,
        "intermediate": _records(intermediate),
        "flow": _records(flow),
        "needs": _records(needs),
        "indicators": indicators,
        "unmeasured": list(missing),
    }
    snapshot = _save_snapshot(
        coalition,
        data_through=through,
        seconds=time.perf_counter() - started,
        payload=payload,
    )
    progress(1.0, "Measures updated")
    return {
        "snapshot": snapshot.pk,
        "data_through": through.isoformat(),
        "seconds": snapshot.seconds,
    }
