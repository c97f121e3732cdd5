"""The breakdowns of DATA.md: which groups a cohort is split into, and their order.

Plain breakdowns are columns of the person table built by
:func:`reentrykit.metrics.cohorts.person_outcomes`; age at release gives two
(``age_group``: 18-24, 25-39, 40+ as in the national studies, and ``age_band``:
10-year bands). People under 18 get a group of their own (``under_18``, or
``under_20`` among the bands) rather than being dropped, so that the groups always
add up to the cohort; a missing age is ``unknown``.

``program:TYPE`` and ``program_completed:TYPE`` (TYPE a program type or ``any``)
split the cohort into ``participant`` and ``non_participant``. A release's person
participated when they have a record of that type with status enrolled or completed
whose start date falls between the admission date (365 days before release when the
admission is unknown) and 90 days after release; ``program_completed`` also requires
status completed. Such fixed-window comparisons credit the program with the time
before enrolment (immortal time); the adjusted comparison in ``cox`` does not.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import ibis
from ibis.expr.types import BooleanValue, StringValue, Table

from reentrykit.data import schema
from reentrykit.data.analytic import RELEASE_SEQ

ALL = "all"
UNKNOWN = "unknown"
PARTICIPANT = "participant"
NON_PARTICIPANT = "non_participant"
PARTICIPATION_STATUSES = ("enrolled", "completed")
# The participation window, in days: admission (or release minus the lookback when
# the admission date is unknown) to release plus ``PARTICIPATION_AFTER_DAYS``.
ADMISSION_LOOKBACK_DAYS = 365
PARTICIPATION_AFTER_DAYS = 90

AGE_GROUPS = ("under_18", "18-24", "25-39", "40+", UNKNOWN)
AGE_BANDS = ("under_20", "20-29", "30-39", "40-49", "50-59", "60+", UNKNOWN)

# breakdown -> the order of its groups (others follow alphabetically, unknown last).
GROUP_ORDER: dict[str, tuple[str, ...]] = {
    "sex": schema.SEX,
    "race": schema.RACE,
    "ethnicity": schema.ETHNICITY,
    "age_group": AGE_GROUPS,
    "age_band": AGE_BANDS,
    "risk_level": schema.RISK_LEVEL,
    "offense_category": schema.OFFENSE_CATEGORY,
    "release_type": schema.RELEASE_TYPE,
    "supervision_type": schema.SUPERVISION_TYPE,
    "facility_type": schema.FACILITY_TYPE,
    "residence_zip": (),
    "source": (),
}
BREAKDOWNS: tuple[str, ...] = tuple(GROUP_ORDER)
PROGRAM_PREFIXES = ("program", "program_completed")
PROGRAM_CHOICES: tuple[str, ...] = (*schema.PROGRAM_TYPE, "any")
PROGRAM_BREAKDOWNS: tuple[str, ...] = tuple(
    f"{prefix}:{choice}" for prefix in PROGRAM_PREFIXES for choice in PROGRAM_CHOICES
)
ALL_BREAKDOWNS: tuple[str, ...] = BREAKDOWNS + PROGRAM_BREAKDOWNS
# One integer column holds every program breakdown, a bit each (see program_bit): one
# narrow column to carry, and one cheap grouping key for all of them at once.
PROGRAM_MASK = "program_mask"


def parse_breakdown(name: str) -> str:
    """``name`` checked against the breakdowns of DATA.md (ValueError otherwise)."""
    cleaned = name.strip().lower()
    if cleaned in ALL_BREAKDOWNS:
        return cleaned
    raise ValueError(
        f"Unknown breakdown {name!r}. Use one of {', '.join(BREAKDOWNS)}, or program:TYPE / "
        f"program_completed:TYPE with TYPE one of {', '.join(PROGRAM_CHOICES)}."
    )


def is_program_breakdown(name: str) -> bool:
    return name in PROGRAM_BREAKDOWNS


def program_bit(name: str) -> int:
    """The bit of ``program_mask`` that holds program breakdown ``name``."""
    return 1 << PROGRAM_BREAKDOWNS.index(name)


def participated(table: Table, name: str) -> BooleanValue:
    """Whether each row's person participated, in the sense of program breakdown ``name``."""
    return (table[PROGRAM_MASK] & program_bit(name)) != 0


def group_value(table: Table, name: str) -> StringValue:
    """The group label of each row of ``table`` for breakdown ``name``."""
    if is_program_breakdown(name):
        return ibis.ifelse(participated(table, name), PARTICIPANT, NON_PARTICIPANT)
    return table[name].cast("string")


def known_groups(name: str) -> tuple[str, ...] | None:
    """Every group breakdown ``name`` can have; None for those whose groups come from
    the data alone (ZIP codes, source names)."""
    if is_program_breakdown(name):
        return (PARTICIPANT, NON_PARTICIPANT)
    order = GROUP_ORDER[name]
    return tuple(dict.fromkeys((*order, UNKNOWN))) if order else None


def ordered_groups(name: str, groups: Iterable[str]) -> list[str]:
    """``groups`` in the breakdown's natural order; ``all`` last."""
    order = (PARTICIPANT, NON_PARTICIPANT) if is_program_breakdown(name) else GROUP_ORDER[name]
    rank = {group: index for index, group in enumerate(order)}

    def key(group: str) -> tuple[int, int, str]:
        if group == ALL:
            return (3, 0, group)
        if group == UNKNOWN:
            return (2, 0, group)
        if group in rank:
            return (0, rank[group], group)
        return (1, 0, group)

    return sorted(set(groups), key=key)


def with_age_groups(table: Table) -> Table:
    """Adds ``age_group`` and ``age_band`` from ``age_at_release``."""
    age = table.age_at_release
    age_group = ibis.cases(
        (age.isnull(), UNKNOWN),
        (age < 18, "under_18"),
        (age <= 24, "18-24"),
        (age <= 39, "25-39"),
        else_="40+",
    )
    age_band = ibis.cases(
        (age.isnull(), UNKNOWN),
        (age < 20, "under_20"),
        (age < 30, "20-29"),
        (age < 40, "30-39"),
        (age < 50, "40-49"),
        (age < 60, "50-59"),
        else_="60+",
    )
    return table.mutate(age_group=age_group, age_band=age_band)


def participation_records(
    keys: Table, programs: Table, *, statuses: Iterable[str] = PARTICIPATION_STATUSES
) -> Table:
    """Program records that count as participation for each row of ``keys`` (with
    ``person_key``, ``release_day`` and ``admission_day``): one row per record, with the
    columns of ``keys`` and ``program_type``, ``completed``, ``start_day`` and ``end_day``."""
    records = programs.filter(
        programs.status.isin(list(statuses)), programs.start_date.notnull()
    ).select(
        p_person=programs.person_key,
        program_type=programs.program_type,
        completed=programs.status == "completed",
        start_day=programs.start_date.epoch_days(),
        end_day=programs.end_date.epoch_days(),
    )
    joined = keys.join(
        records,
        [
            keys.person_key == records.p_person,
            records.start_day >= keys.admission_day,
            records.start_day <= keys.release_day + PARTICIPATION_AFTER_DAYS,
        ],
    )
    return joined.select(*keys.columns, "program_type", "completed", "start_day", "end_day")


def program_masks(keys: Table, programs: Table) -> Table:
    """Per release of ``keys`` (with ``person_key``, ``release_day``, ``admission_day``
    and ``release_seq``, as ``k_seq``) that has participation records: ``k_mask``, every
    program breakdown (see :func:`program_bit`)."""
    keys = keys.select("person_key", "release_day", "admission_day", RELEASE_SEQ)
    records = participation_records(keys, programs)
    flags: dict[str, BooleanValue] = {}
    for index, name in enumerate(PROGRAM_BREAKDOWNS):
        prefix, _, choice = name.partition(":")
        of_type = (
            records.program_type.notnull()
            if choice == "any"
            else records.program_type == ibis.literal(choice)
        )
        if prefix == "program_completed":
            of_type = of_type & records.completed
        flags[f"_flag_{index}"] = of_type.any()
    flagged = records.group_by(k_seq=records[RELEASE_SEQ]).aggregate(**flags)
    # Bit or of the flags, written as a sum because every engine can add, and made on
    # the releases with records (few) rather than on the whole cohort.
    mask: Any = ibis.literal(0, type="int64")
    for index, name in enumerate(PROGRAM_BREAKDOWNS):
        mask = mask + ibis.ifelse(flagged[f"_flag_{index}"], program_bit(name), 0)
    return flagged.select(k_seq=flagged.k_seq, k_mask=mask)


def with_program_mask(people: Table, per_release: Table) -> Table:
    """Adds ``program_mask`` from :func:`program_masks` of the same releases (0 for a
    release without participation records)."""
    joined = people.left_join(per_release, people[RELEASE_SEQ] == per_release.k_seq)
    return joined.select(
        *[joined[column] for column in people.columns],
        program_mask=joined.k_mask.fill_null(0),
    )
