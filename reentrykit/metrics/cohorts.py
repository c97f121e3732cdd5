"""Cohorts of releases and what happened to them afterwards (DATA.md, "Measures").

A cohort is the people released in a period (a calendar year by default, or a date
range), each counted once at their *first qualifying release* in the period, and
optionally only those whose first release was from one facility type; releases of
the excluded kinds (death, transfer, escape, temporary) never qualify. With
``by_year`` the period is split into calendar years and a person is in each year's
cohort at their first qualifying release of that year (the trend by cohort year).

Dates become whole day numbers since 1970-01-01 (``*_day`` columns) so that every
comparison is integer arithmetic that DuckDB and Spark compute identically.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import ibis
import pandas as pd
from ibis.expr.types import Table

from reentrykit.data.analytic import RELEASE_SEQ
from reentrykit.data.schema import EXCLUDED_RELEASE_TYPES
from reentrykit.metrics.breakdowns import (
    ADMISSION_LOOKBACK_DAYS,
    PROGRAM_BREAKDOWNS,
    PROGRAM_MASK,
    UNKNOWN,
    program_masks,
    with_age_groups,
    with_program_mask,
)
from reentrykit.metrics.engine import Tables, data_through

MEASURE_EVENTS: dict[str, tuple[str, ...]] = {
    "rearrest": ("arrest", "booking"),
    "reconviction": ("conviction",),
    "reincarceration": ("incarceration", "revocation"),
    "revocation": ("revocation",),
}
MEASURES: tuple[str, ...] = tuple(MEASURE_EVENTS)
# Every event type that some recidivism measure counts.
RECIDIVISM_EVENT_TYPES: tuple[str, ...] = tuple(
    sorted({t for types in MEASURE_EVENTS.values() for t in types})
)
MEASURE_LABELS = {
    "rearrest": "Rearrest",
    "reconviction": "Reconviction",
    "reincarceration": "Reincarceration",
    "revocation": "Revocation",
}
WINDOWS: tuple[int, ...] = (180, 365, 730, 1095, 1825)
DEATH = "death"
# Stands in for "no such event": a day number later than any real date.
NEVER = 1_000_000_000
EPOCH = dt.date(1970, 1, 1)
# The start of a cohort period open at its start (every release up to its end).
EARLIEST = dt.date(1900, 1, 1)
ON_SUPERVISION_TYPES = ("probation", "parole", "other")
SUPERVISED_RELEASE_TYPES = ("to_parole", "to_probation", "to_other_supervision")

DESCRIPTORS = (
    "facility_type",
    "release_type",
    "supervision_type",
    "risk_level",
    "offense_category",
    "race",
    "ethnicity",
    "residence_zip",
    "sex",
)
# Columns of :func:`cohort`. ``admission_day`` is the admission date, or release
# minus 365 days when it is unknown (the start of the program participation window);
# ``on_supervision`` is true when the release put the person on probation, parole or
# other supervision (by supervision type or by release type); ``release_seq`` (unique
# per release) is the integer key the person table's parts are joined on.
COHORT_COLUMNS: tuple[str, ...] = (
    "person_key",
    "source",
    "cohort_year",
    "release_date",
    "release_day",
    "admission_day",
    *DESCRIPTORS,
    "age_at_release",
    "on_supervision",
    RELEASE_SEQ,
)
# Day numbers of the first event of each measure strictly after the release day, and
# of the first death on or after it; NEVER when there is none.
OUTCOME_COLUMNS: tuple[str, ...] = (*(f"first_{m}_day" for m in MEASURES), "death_day")
# Columns of :func:`person_outcomes` (``program_mask`` only when a program breakdown
# is asked for).
PERSON_COLUMNS: tuple[str, ...] = (
    *COHORT_COLUMNS,
    "age_group",
    "age_band",
    PROGRAM_MASK,
    *OUTCOME_COLUMNS,
)


@dataclass(frozen=True)
class Period:
    """A closed range of release dates."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError("A cohort period must start on or before its end.")

    @classmethod
    def calendar_year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @property
    def start_day(self) -> int:
        return epoch_day(self.start)

    @property
    def end_day(self) -> int:
        return epoch_day(self.end)

    def __str__(self) -> str:
        if self == Period.calendar_year(self.start.year):
            return str(self.start.year)
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


def epoch_day(value: dt.date) -> int:
    return (value - EPOCH).days


def day_to_date(day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(day))


def latest_complete_year(*, data_through: dt.date, window: int) -> Period:
    """The latest calendar year whose every release has ``window`` days of follow-up
    by ``data_through``: the default cohort of a fixed-window rate."""
    year = data_through.year
    while dt.date(year, 12, 31) + dt.timedelta(days=window) > data_through:
        year -= 1
    return Period.calendar_year(year)


def measures_through(*, coalition_id: int, tables: Tables) -> dt.date | None:
    """The date every recidivism measure follows people to: the earliest
    ``data_through`` of the sources of releases and of any measure's events.

    One date for the four measures, so that a page's measures share their release
    years and the pages, the API and the command line give one answer to a question;
    a source that lags (a court's convictions, say) holds every measure back.
    """
    return data_through(
        coalition_id=coalition_id, tables=tables, event_types=RECIDIVISM_EVENT_TYPES
    )


def release_years(tables: Tables) -> tuple[int, int] | None:
    """The calendar years of the first and the last release; None without releases."""
    releases = tables.releases
    dates = releases.aggregate(
        first=releases.release_date.min(), last=releases.release_date.max()
    ).to_pandas()
    first, last = dates.iloc[0]["first"], dates.iloc[0]["last"]
    if pd.isna(first):
        return None
    return pd.Timestamp(first).year, pd.Timestamp(last).year


def survival_cohort(*, data_through: dt.date, last_release_year: int) -> Period:
    """The cohort whose survival curves the pages show: the last full calendar year of
    releases (its people followed for different lengths of time, which the curves take
    in their stride). A year is full once ``data_through`` reaches its December 31."""
    full = latest_complete_year(data_through=data_through, window=0).start.year
    return Period.calendar_year(min(full, last_release_year))


# The records a measure counts, in words, for saying that none are linked yet.
EVENT_RECORDS = {
    "rearrest": "arrest or booking",
    "reconviction": "conviction",
    "reincarceration": "incarceration or revocation",
    "revocation": "revocation",
}


def unmeasured(tables: Tables) -> tuple[str, ...]:
    """The measures of which no event of any of their types is linked at all (say no
    court has uploaded convictions yet). Their rates would read 0%, a finding the data
    cannot support, so they are not computed; the intermediate measures likewise have
    no rate without their records."""
    events = tables.events
    present = set(events.select("event_type").distinct().to_pyarrow().column(0).to_pylist())
    return tuple(measure for measure, types in MEASURE_EVENTS.items() if not present & set(types))


def no_records(measure: str) -> str:
    """Why ``measure`` has no figures (:func:`unmeasured`), in one short sentence."""
    return f"No {EVENT_RECORDS[measure]} records have been linked yet."


def unmeasured_reason(measure: str) -> str:
    """:func:`no_records`, and what to do about it."""
    return (
        f"{no_records(measure)[:-1]}, so {MEASURE_LABELS[measure].lower()} cannot be "
        "measured: a data steward imports and links a source that has them first."
    )


def measure_events(measure: str) -> tuple[str, ...]:
    try:
        return MEASURE_EVENTS[measure]
    except KeyError:
        raise ValueError(
            f"Unknown measure {measure!r}; use one of {', '.join(MEASURES)}."
        ) from None


def _qualifying(releases: Table, *, period: Period, facility: str | None) -> Table:
    """The rows of ``releases`` (the releases table, or a selection of its columns) in
    ``period`` and from ``facility`` that can open a cohort spell."""
    # Filtering on the stored dates lets the engine skip data by its min/max statistics.
    kept = releases.filter(
        releases.release_date >= ibis.literal(period.start),
        releases.release_date <= ibis.literal(period.end),
        releases.release_type.fill_null(UNKNOWN).notin(list(EXCLUDED_RELEASE_TYPES)),
    )
    if facility:
        kept = kept.filter(kept.facility_type == facility)
    return kept


def _days(kept: Table) -> dict[str, Any]:
    """The cohort year and the day numbers of a release and of its admission."""
    release_day = kept.release_date.epoch_days()
    return {
        "cohort_year": kept.release_date.year().cast("int32"),
        "release_date": kept.release_date,
        "release_day": release_day,
        "admission_day": kept.admission_date.epoch_days().fill_null(
            release_day - ADMISSION_LOOKBACK_DAYS
        ),
    }


def qualifying_releases(tables: Tables, *, period: Period, facility: str | None = None) -> Table:
    """Releases in ``period`` (and from ``facility``) that can open a cohort spell."""
    kept = _qualifying(tables.releases, period=period, facility=facility)
    supervised = kept.supervision_type.isin(list(ON_SUPERVISION_TYPES)) | kept.release_type.isin(
        list(SUPERVISED_RELEASE_TYPES)
    )
    return kept.select(
        person_key=kept.person_key,
        source=kept.source,
        **_days(kept),
        **{name: kept[name].fill_null(UNKNOWN) for name in DESCRIPTORS},
        age_at_release=kept.age_at_release,
        on_supervision=supervised.fill_null(False),
        release_seq=kept[RELEASE_SEQ],
    )


# The columns of a cohort's releases that its joins to other records read.
KEY_COLUMNS = ("person_key", "cohort_year", "release_date", "release_day", "admission_day")


def _release_keys(tables: Tables, *, period: Period) -> Table:
    """:data:`KEY_COLUMNS` and ``release_seq`` of the qualifying releases.

    An expression of its own, not a selection of :func:`qualifying_releases`: a table
    that two parts of a query read is computed once and kept whole, so the joins read
    these few columns and the descriptors (a dozen text columns) are read only once,
    at the end (a sixth less work for the engine at a million releases).
    """
    r = tables.releases
    narrow = r.select("person_key", "release_date", "admission_date", "release_type", RELEASE_SEQ)
    kept = _qualifying(narrow, period=period, facility=None)
    return kept.select(person_key=kept.person_key, **_days(kept), release_seq=kept[RELEASE_SEQ])


def _first_seqs(keys: Table, *, by_year: bool) -> Table:
    """The ``release_seq`` (``first_seq``) of each person's first release of ``keys``
    (per calendar year with ``by_year``).

    The earliest release is the lowest release_seq (same-day ties broken on every
    column when the analytic tables were built): an integer minimum per person, rather
    than an ordered choice over every column. Callers keep the releases with these
    numbers by a filter, not a semi-join: Ibis merges a join into every join made on the
    cohort later, so DuckDB would compute it again in each.
    """
    group = ["person_key", "cohort_year"] if by_year else ["person_key"]
    firsts = keys.group_by(group).aggregate(first_seq=keys[RELEASE_SEQ].min())
    return firsts.select("first_seq")


def cohort(
    tables: Tables, *, period: Period, facility: str | None = None, by_year: bool = False
) -> Table:
    """Each person's first qualifying release in ``period`` (per calendar year with
    ``by_year``), with :data:`COHORT_COLUMNS`."""
    firsts = _first_seqs(_release_keys(tables, period=period), by_year=by_year)
    return _chosen(tables, period=period, facility=facility, firsts=firsts)


def _chosen(tables: Tables, *, period: Period, facility: str | None, firsts: Table) -> Table:
    """The qualifying releases whose numbers are in ``firsts`` (:func:`_first_seqs`),
    with :data:`COHORT_COLUMNS`; with a ``facility``, those from it.

    A person's first release is chosen among all their releases of the period and
    only then kept or not by its facility, so the cohort from a facility is exactly the
    facility breakdown's group. Choosing among that facility's releases alone would
    add the people whose first release was from the other one, and the two figures
    side by side would tell how many had both (often a small count).
    """
    releases = qualifying_releases(tables, period=period, facility=facility)
    chosen = releases.filter(releases[RELEASE_SEQ].isin(firsts.first_seq))
    return chosen.select(*COHORT_COLUMNS)


def first_event_days(keys: Table, events: Table, *, since: dt.date | None = None) -> Table:
    """Per release of ``keys`` (with ``person_key``, ``release_date`` and ``release_seq``,
    as ``k_seq``): the date of the first event of each measure after it and of the first
    death on or after it (named as :data:`OUTCOME_COLUMNS`; null when there is none).
    One pass over the events serves every measure.

    The join compares dates as they are stored and only the per-release minimums are
    turned into day numbers, so the (large) events table is never converted. With
    ``since`` (the earliest release date of the cohort), older events are skipped
    before the join; the engine can skip them by its min/max statistics.
    """
    keys = keys.select("person_key", "release_date", RELEASE_SEQ)
    wanted = sorted({*RECIDIVISM_EVENT_TYPES, DEATH})
    relevant = events.filter(events.event_type.isin(wanted), events.event_date.notnull())
    if since is not None:
        relevant = relevant.filter(relevant.event_date >= ibis.literal(since))
    # Event types as small integers: the join produces many rows, and each is tested
    # once per measure.
    code = {name: index for index, name in enumerate(wanted)}
    relevant = relevant.select(
        e_person=relevant.person_key,
        e_type=relevant.event_type.cases(*code.items()).cast("int8"),
        e_date=relevant.event_date,
    )
    joined = keys.join(
        relevant,
        [keys.person_key == relevant.e_person, relevant.e_date >= keys.release_date],
    )
    after_release = joined.e_date > joined.release_date
    firsts = {
        f"first_{measure}_day": joined.e_date.min(
            where=after_release & joined.e_type.isin([code[t] for t in types])
        )
        for measure, types in MEASURE_EVENTS.items()
    }
    firsts["death_day"] = joined.e_date.min(where=joined.e_type == code[DEATH])
    # Grouped and joined back on the release's number: one integer, cheaper to hash
    # than the person's key and a day.
    return joined.group_by(k_seq=joined[RELEASE_SEQ]).aggregate(**firsts)


def with_first_events(people: Table, per_release: Table) -> Table:
    """Adds :data:`OUTCOME_COLUMNS` (day numbers; :data:`NEVER` when there is no such
    event) from :func:`first_event_days` of the same releases."""
    combined = people.left_join(per_release, people[RELEASE_SEQ] == per_release.k_seq)
    return combined.select(
        *[combined[column] for column in people.columns],
        **{
            name: combined[name].epoch_days().fill_null(NEVER).cast("int64")
            for name in OUTCOME_COLUMNS
        },
    )


def person_outcomes(
    tables: Tables,
    *,
    period: Period,
    facility: str | None = None,
    by_year: bool = False,
    programs: Iterable[str] = PROGRAM_BREAKDOWNS,
) -> Table:
    """The person table every recidivism measure aggregates: the cohort with its age
    groups, the program participation mask when ``programs`` names any program
    breakdown (none makes a smaller query) and the first events (:data:`PERSON_COLUMNS`).

    The events and programs are joined to the cohort's :data:`KEY_COLUMNS` alone and
    grouped per release; the cohort's other columns join their results at the end.
    """
    keys = _release_keys(tables, period=period)
    firsts = _first_seqs(keys, by_year=by_year)
    # With a facility, the first releases from the other one are joined too (and left
    # out by the cohort's joins below): a filter costs more than it saves there.
    chosen = keys.filter(keys[RELEASE_SEQ].isin(firsts.first_seq))
    people = _chosen(tables, period=period, facility=facility, firsts=firsts)
    people = with_first_events(people, first_event_days(chosen, tables.events, since=period.start))
    people = with_age_groups(people)
    if set(programs) & set(PROGRAM_BREAKDOWNS):
        people = with_program_mask(people, program_masks(chosen, tables.programs))
    return people.select(*[column for column in PERSON_COLUMNS if column in people.columns])
