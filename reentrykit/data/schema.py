"""The canonical record types of DATA.md: columns, types and codes.

Everything inside the platform uses these names and codes; uploads with other
headers or codes come in through a column mapping.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    RELEASES = "releases"
    EVENTS = "events"
    PROGRAMS = "programs"
    ASSESSMENTS = "assessments"
    OUTCOMES = "outcomes"


class ColumnType(StrEnum):
    TEXT = "text"
    DATE = "date"
    CODE = "code"
    BOOL = "bool"
    ZIP = "zip"


SEX = ("female", "male", "other", "unknown")
FACILITY_TYPE = ("jail", "prison")
EXCLUDED_RELEASE_TYPES = ("death", "transfer", "escape", "temporary")
RELEASE_TYPE = (
    "sentence_served",
    "to_parole",
    "to_probation",
    "to_other_supervision",
    "pretrial_release",
    "bond",
    "dismissed",
    "other",
    "unknown",
    *EXCLUDED_RELEASE_TYPES,
)
SUPERVISION_TYPE = ("none", "probation", "parole", "other", "unknown")
RISK_LEVEL = ("low", "moderate", "high", "very_high", "unknown")
OFFENSE_CATEGORY = ("person", "property", "drug", "public_order", "other", "unknown")
RACE = ("aian", "asian", "black", "nhpi", "white", "other", "unknown")
ETHNICITY = ("hispanic", "not_hispanic", "unknown")
EVENT_TYPE = ("arrest", "booking", "conviction", "incarceration", "revocation", "death")
PROGRAM_TYPE = (
    "housing",
    "employment",
    "education",
    "behavioral_health",
    "substance_use",
    "cognitive_behavioral",
    "mentoring",
    "family",
    "legal",
    "id_documents",
    "other",
)
PROGRAM_STATUS = ("referred", "enrolled", "completed", "dropped", "terminated")
PROGRAM_PHASE = ("pre_release", "post_release")
OUTCOME_TYPE = ("employed", "housed", "enrolled_education", "benefits_enrolled", "other")
# The need domains a risk/needs assessment records, one flag column each; the
# measures, the resources' estimates and the practice library's tags use the same.
NEED_LABELS = {
    "housing": "Housing",
    "employment": "Employment",
    "education": "Education",
    "substance_use": "Substance use",
    "mental_health": "Mental health",
    "family": "Family",
}
NEED_FLAGS = tuple(f"need_{key}" for key in NEED_LABELS)
# What a code means where its name does not say (the measures' pages name groups so).
CODE_WORDS: dict[str, dict[str, str]] = {
    "race": {
        "aian": "American Indian or Alaska Native",
        "black": "Black or African American",
        "nhpi": "Native Hawaiian or Other Pacific Islander",
    },
}
# How a page names a column where its name with spaces would not read well.
COLUMN_WORDS = {
    "source_person_id": "Person id in this source's records",
    "state_id": "State id number",
    "fbi_number": "FBI number",
    "residence_zip": "ZIP code of residence",
    "event_id": "Event id",
    "source_agency": "Agency that recorded the event",
    "status": "Program status",
    "phase": "Before or after release",
    "tool": "Assessment tool",
    **{f"need_{key}": f"Need: {label.lower()}" for key, label in NEED_LABELS.items()},
}


def column_label(name: str) -> str:
    """Words for a canonical column: ``release_date`` is "Release date"."""
    return COLUMN_WORDS.get(name) or name.replace("_", " ").capitalize()


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType = ColumnType.TEXT
    codes: tuple[str, ...] = ()
    # An optional code column whose value is empty or unrecognisable becomes "unknown"
    # only when "unknown" is one of its codes; otherwise an empty value stays empty.
    identity: bool = False


IDENTITY_COLUMNS: tuple[Column, ...] = (
    Column("first_name", identity=True),
    Column("last_name", identity=True),
    Column("middle_name", identity=True),
    Column("date_of_birth", ColumnType.DATE, identity=True),
    Column("sex", ColumnType.CODE, SEX, identity=True),
    Column("state_id", identity=True),
    Column("fbi_number", identity=True),
)


@dataclass(frozen=True)
class RecordType:
    kind: Kind
    date_column: str
    required: tuple[Column, ...]
    optional: tuple[Column, ...] = field(default_factory=tuple)
    # Columns whose values tell nearly every row apart (default: the required ones).
    # Rows that differ there differ, so only a file where they repeat pays for the
    # duplicate-row check over every column.
    distinct_hint: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[Column, ...]:
        return self.required + self.optional + IDENTITY_COLUMNS

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def required_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.required)

    @property
    def analytic_columns(self) -> tuple[Column, ...]:
        """Columns kept in the analytic tables: everything but identity."""
        return tuple(c for c in self.required + self.optional if c.name != "source_person_id")

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)


SOURCE_PERSON_ID = Column("source_person_id")

RECORD_TYPES: dict[Kind, RecordType] = {
    Kind.RELEASES: RecordType(
        Kind.RELEASES,
        date_column="release_date",
        required=(
            SOURCE_PERSON_ID,
            Column("release_date", ColumnType.DATE),
            Column("facility_type", ColumnType.CODE, FACILITY_TYPE),
        ),
        optional=(
            Column("admission_date", ColumnType.DATE),
            Column("release_type", ColumnType.CODE, RELEASE_TYPE),
            Column("supervision_type", ColumnType.CODE, SUPERVISION_TYPE),
            Column("risk_level", ColumnType.CODE, RISK_LEVEL),
            Column("offense_category", ColumnType.CODE, OFFENSE_CATEGORY),
            Column("race", ColumnType.CODE, RACE),
            Column("ethnicity", ColumnType.CODE, ETHNICITY),
            Column("residence_zip", ColumnType.ZIP),
        ),
    ),
    Kind.EVENTS: RecordType(
        Kind.EVENTS,
        date_column="event_date",
        required=(
            SOURCE_PERSON_ID,
            Column("event_date", ColumnType.DATE),
            Column("event_type", ColumnType.CODE, EVENT_TYPE),
        ),
        distinct_hint=("event_id",),
        optional=(
            Column("event_id"),
            Column("offense_category", ColumnType.CODE, OFFENSE_CATEGORY),
            Column("source_agency"),
        ),
    ),
    Kind.PROGRAMS: RecordType(
        Kind.PROGRAMS,
        date_column="start_date",
        required=(
            SOURCE_PERSON_ID,
            Column("program_type", ColumnType.CODE, PROGRAM_TYPE),
            Column("status", ColumnType.CODE, PROGRAM_STATUS),
        ),
        optional=(
            Column("program_name"),
            Column("phase", ColumnType.CODE, PROGRAM_PHASE),
            Column("referral_date", ColumnType.DATE),
            Column("start_date", ColumnType.DATE),
            Column("end_date", ColumnType.DATE),
        ),
    ),
    Kind.ASSESSMENTS: RecordType(
        Kind.ASSESSMENTS,
        date_column="assessment_date",
        required=(
            SOURCE_PERSON_ID,
            Column("assessment_date", ColumnType.DATE),
            Column("risk_level", ColumnType.CODE, RISK_LEVEL),
        ),
        optional=(
            Column("tool"),
            *(Column(flag, ColumnType.BOOL) for flag in NEED_FLAGS),
        ),
    ),
    Kind.OUTCOMES: RecordType(
        Kind.OUTCOMES,
        date_column="outcome_date",
        required=(
            SOURCE_PERSON_ID,
            Column("outcome_date", ColumnType.DATE),
            Column("outcome_type", ColumnType.CODE, OUTCOME_TYPE),
        ),
    ),
}

# Pairs of date columns that must be in order within one row.
DATE_ORDER_RULES: dict[Kind, tuple[tuple[str, str], ...]] = {
    Kind.RELEASES: (("admission_date", "release_date"),),
    Kind.PROGRAMS: (("start_date", "end_date"),),
}
