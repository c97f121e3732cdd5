"""Population flow through the decision points of the reentry map (DATA.md).

:func:`population_flow` counts, for a period: arrests and bookings (events of those
types dated in the period), releases (every release in the period, and by release
type, excluded kinds included, so the map shows where people went), then the cohort
(people with a qualifying release, as in the rates) and, among them, those on supervision at
release, assessed before release, in a program (the ``program:any`` participation
rule), followed for a full year (the one-year rearrest denominator) and rearrested
within that year. :func:`flow_paths` gives the cohort's counts along every path of
supervision -> assessment -> program -> one-year outcome, for a Sankey chart.
"""

from __future__ import annotations

import datetime as dt

import ibis
import pandas as pd
from ibis.expr.types import Table

from reentrykit.metrics.breakdowns import PARTICIPANT, participated
from reentrykit.metrics.cohorts import Period, epoch_day, person_outcomes
from reentrykit.metrics.engine import Tables, compute_together
from reentrykit.metrics.intermediate import count_or_zero, with_assessment_flag
from reentrykit.metrics.rates import window_outcome

# key, label, parent key ("" for a top-level step), unit (bookings, releases, people).
FLOW_COLUMNS = ("key", "label", "parent", "unit", "count")
PATH_COLUMNS = ("supervision", "assessment", "program", "outcome", "count")
ONE_YEAR = 365
NO_FOLLOW_UP = "no_full_follow_up"
# The flow's last step, which only rearrest records can count.
REARRESTED = "rearrested_one_year"


def _flow_people(
    tables: Tables,
    *,
    period: Period,
    data_through: dt.date,
    facility: str | None,
    people: Table | None,
) -> Table:
    if people is None:
        people = person_outcomes(tables, period=period, facility=facility, programs=["program:any"])
    people = with_assessment_flag(people, tables.assessments)
    followed, rearrested = window_outcome(
        people, measure="rearrest", window=ONE_YEAR, through_day=epoch_day(data_through)
    )
    return people.mutate(
        followed=followed,
        rearrested=rearrested,
        in_program=participated(people, "program:any"),
    )


def population_flow(
    *,
    tables: Tables,
    period: Period,
    data_through: dt.date,
    facility: str | None = None,
    people: Table | None = None,
) -> pd.DataFrame:
    """Counts at each decision point (:data:`FLOW_COLUMNS`). A caller that has the
    person table of ``period`` already (from :func:`person_outcomes`, with the
    ``program:any`` flag) passes it as ``people``, and it is not built again."""
    queries = flow_queries(
        tables=tables, period=period, data_through=data_through, facility=facility, people=people
    )
    return flow_frame(compute_together(queries))


# The parts of :func:`flow_queries`.
FLOW_ENTRIES, FLOW_RELEASES, FLOW_PEOPLE = "flow_entries", "flow_releases", "flow_people"


def flow_queries(
    *,
    tables: Tables,
    period: Period,
    data_through: dt.date,
    facility: str | None = None,
    people: Table | None = None,
) -> dict[str, Table]:
    """:func:`population_flow`'s counts as expressions (same arguments), to run in one
    query (``engine.compute_together``) and read with :func:`flow_frame`."""
    # Dates compared as stored, so the engine can skip data by its min/max statistics.
    events = tables.events
    entries = events.filter(
        events.event_type.isin(["arrest", "booking"]),
        events.event_date >= ibis.literal(period.start),
        events.event_date <= ibis.literal(period.end),
    )
    releases = tables.releases
    in_period = releases.filter(
        releases.release_date >= ibis.literal(period.start),
        releases.release_date <= ibis.literal(period.end),
    )
    if facility:
        in_period = in_period.filter(in_period.facility_type == facility)
    people = _flow_people(
        tables, period=period, data_through=data_through, facility=facility, people=people
    )
    return {
        FLOW_ENTRIES: entries.aggregate(
            arrests=(entries.event_type == "arrest").sum(),
            bookings=(entries.event_type == "booking").sum(),
        ),
        FLOW_RELEASES: in_period.group_by(
            release_type=in_period.release_type.fill_null("unknown")
        ).aggregate(count=in_period.count()),
        FLOW_PEOPLE: people.aggregate(
            cohort=people.count(),
            on_supervision=people.on_supervision.sum(),
            assessed=people.assessed.sum(),
            in_program=people.in_program.sum(),
            followed_one_year=people.followed.sum(),
            rearrested_one_year=people.rearrested.sum(),
        ),
    }


def flow_frame(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The rows of :func:`population_flow` from the frames of :func:`flow_queries`."""
    by_type = frames[FLOW_RELEASES].sort_values("release_type")
    totals = frames[FLOW_PEOPLE]
    counts = {name: count_or_zero(totals.iloc[0][name]) for name in totals.columns}
    entries = frames[FLOW_ENTRIES].iloc[0]
    rows = [
        ("arrests", "Arrests", "", "arrests", count_or_zero(entries["arrests"])),
        ("bookings", "Bookings", "", "bookings", count_or_zero(entries["bookings"])),
        ("releases", "Releases", "", "releases", int(by_type["count"].sum())),
    ]
    rows += [
        (
            f"releases:{row.release_type}",
            _label(row.release_type),
            "releases",
            "releases",
            row.count,
        )
        for row in by_type.itertuples()
    ]
    rows += [
        (
            "cohort",
            "People released (first qualifying release)",
            "releases",
            "people",
            counts["cohort"],
        ),
        (
            "on_supervision",
            "On supervision at release",
            "cohort",
            "people",
            counts["on_supervision"],
        ),
        ("assessed", "Assessed before release", "cohort", "people", counts["assessed"]),
        ("in_program", "In a program", "cohort", "people", counts["in_program"]),
        (
            "followed_one_year",
            "Followed for a full year",
            "cohort",
            "people",
            counts["followed_one_year"],
        ),
        (
            REARRESTED,
            "Rearrested within a year",
            "followed_one_year",
            "people",
            counts["rearrested_one_year"],
        ),
    ]
    frame = pd.DataFrame(rows, columns=list(FLOW_COLUMNS))
    frame["count"] = frame["count"].astype("int64")
    return frame


def _label(code: str) -> str:
    return "Released: " + code.replace("_", " ")


def flow_paths(
    *, tables: Tables, period: Period, data_through: dt.date, facility: str | None = None
) -> pd.DataFrame:
    """People of the cohort along each path of supervision -> assessment -> program ->
    one-year rearrest (:data:`PATH_COLUMNS`); ``outcome`` is ``no_full_follow_up`` for
    people without a full year of follow-up (or who died within it)."""
    people = _flow_people(
        tables, period=period, data_through=data_through, facility=facility, people=None
    )
    grouped = people.group_by(
        supervision=ibis.ifelse(people.on_supervision, "supervised", "not_supervised"),
        assessment=ibis.ifelse(people.assessed, "assessed", "not_assessed"),
        program=ibis.ifelse(people.in_program, PARTICIPANT, "non_participant"),
        outcome=ibis.cases(
            (~people.followed, NO_FOLLOW_UP),
            (people.rearrested, "rearrested"),
            else_="not_rearrested",
        ),
    ).aggregate(count=people.count())
    frame = grouped.to_pandas()
    if frame.empty:
        return pd.DataFrame(columns=list(PATH_COLUMNS))
    frame["count"] = frame["count"].astype("int64")
    return frame.sort_values(list(PATH_COLUMNS[:-1])).reset_index(drop=True)[list(PATH_COLUMNS)]
