"""Tiny analytic tables for hand-worked measure tests.

Rows are dicts with only the columns a test cares about; the rest take the defaults
below. :func:`memory_tables` builds them in an in-memory DuckDB database attached as
``store``, exactly as the measures see a coalition's store; :func:`write_store` puts
them into a coalition's real (encrypted) store for command-line tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import duckdb
import pandas as pd

from reentrykit.data.analytic import RELEASE_SEQ, release_seq_sql
from reentrykit.data.schema import RECORD_TYPES, ColumnType, Kind
from reentrykit.metrics.engine import Tables, duckdb_tables

DEFAULTS: dict[str, dict[str, Any]] = {
    "releases": {
        "source": "County Jail",
        "facility_type": "jail",
        "release_type": "sentence_served",
        "supervision_type": "none",
        "risk_level": "low",
        "offense_category": "drug",
        "race": "white",
        "ethnicity": "not_hispanic",
        "residence_zip": "45000",
        "age_at_release": 30,
        "sex": "male",
    },
    "events": {"source": "City Police"},
    "programs": {"source": "Second Chance Works"},
    "assessments": {"source": "Adult Probation", "risk_level": "high"},
    "outcomes": {"source": "Workforce Board"},
}


def _columns(kind: str) -> list[tuple[str, str]]:
    sql = {ColumnType.DATE: "DATE", ColumnType.BOOL: "BOOLEAN"}
    columns = [("person_key", "VARCHAR"), ("source", "VARCHAR")]
    columns += [
        (column.name, sql.get(column.type, "VARCHAR"))
        for column in RECORD_TYPES[Kind(kind)].analytic_columns
    ]
    if kind == "releases":
        columns += [("age_at_release", "INTEGER"), ("sex", "VARCHAR")]
    return columns


def _create(con: duckdb.DuckDBPyConnection, kind: str, rows: Iterable[Mapping[str, Any]]) -> None:
    columns = _columns(kind)
    names = [name for name, _ in columns]
    records = [{**DEFAULTS[kind], **row} for row in rows]
    for record in records:
        for key, value in record.items():
            if isinstance(value, str) and key.endswith("_date"):
                record[key] = dt.date.fromisoformat(value)
    frame = pd.DataFrame(records, columns=names).astype(object)
    frame = frame.where(frame.notna(), None)
    table = f"a_{kind}"
    definition = ", ".join(f"{name} {kind_}" for name, kind_ in columns)
    select = "*"
    if kind == "releases":
        # Numbered as the analytic build numbers them.
        definition += f", {RELEASE_SEQ} BIGINT"
        select = f"*, {release_seq_sql(names)}"
    con.execute(f"CREATE OR REPLACE TABLE store.{table} ({definition})")
    if records:
        con.register("incoming", frame)
        try:
            con.execute(f"INSERT INTO store.{table} SELECT {select} FROM incoming")  # noqa: S608
        finally:
            con.unregister("incoming")


def fill_store(con: duckdb.DuckDBPyConnection, **rows: Iterable[Mapping[str, Any]]) -> None:
    for kind in ("releases", "events", "programs", "assessments", "outcomes"):
        _create(con, kind, rows.get(kind, ()))


def memory_tables(**rows: Iterable[Mapping[str, Any]]) -> Tables:
    con = duckdb.connect(":memory:")
    con.execute("ATTACH ':memory:' AS store")
    fill_store(con, **rows)
    return duckdb_tables(con)


def write_store(coalition_id: int, **rows: Iterable[Mapping[str, Any]]) -> None:
    from reentrykit.data.store import open_store

    with open_store(coalition_id, write=True) as con:
        fill_store(con, **rows)


# The adjusted comparison's covariates, the same for everyone: a person table's columns
# where a test varies only the program and the outcome (``cox.fit_program_effect``).
SAME_COVARIATES = {
    "sex": "male",
    "race": "white",
    "risk_level": "low",
    "on_supervision": 0,
    "offense_category": "drug",
    "prior_arrests": 0,
}


def release(person: str, date: str, **extra: Any) -> dict[str, Any]:
    return {"person_key": person, "release_date": date, **extra}


def event(person: str, date: str, event_type: str, **extra: Any) -> dict[str, Any]:
    return {"person_key": person, "event_date": date, "event_type": event_type, **extra}


def program(person: str, program_type: str, status: str, **extra: Any) -> dict[str, Any]:
    return {"person_key": person, "program_type": program_type, "status": status, **extra}


def rate_row(group: str, breakdown: str, cohort: int, recidivists: int, year: int = 2023) -> dict:
    rate = recidivists / cohort
    return {
        "measure": "rearrest",
        "window_days": 365,
        "cohort_year": year,
        "breakdown": breakdown,
        "group": group,
        "cohort": cohort,
        "recidivists": recidivists,
        "rate": rate,
        "ci_low": rate - 0.05,
        "ci_high": rate + 0.05,
    }


def dashboard_payload() -> dict:
    rates = [
        rate_row("all", "all", 200, 90),
        # A small cell (7 people, 3 recidivists) and its complement.
        rate_row("female", "sex", 7, 3),
        rate_row("male", "sex", 160, 70),
        rate_row("unknown", "sex", 33, 17),
        rate_row("all", "all", 180, 80, year=2022),
    ]
    points = [
        {
            "group": "all",
            "day": 0,
            "at_risk": 200,
            "events": 0,
            "survival": 1.0,
            "ci_low": 1.0,
            "ci_high": 1.0,
        },
        {
            "group": "all",
            "day": 30,
            "at_risk": 190,
            "events": 12,
            "survival": 0.94,
            "ci_low": 0.9,
            "ci_high": 0.97,
        },
        {
            "group": "female",
            "day": 0,
            "at_risk": 7,
            "events": 0,
            "survival": 1.0,
            "ci_low": 1.0,
            "ci_high": 1.0,
        },
        {
            "group": "female",
            "day": 40,
            "at_risk": 7,
            "events": 3,
            "survival": 0.57,
            "ci_low": 0.2,
            "ci_high": 0.8,
        },
    ]
    return {
        "data_through": "2025-06-30",
        "latest_complete_year": 2023,
        "survival_year": 2024,
        "rates": rates,
        "survival": {
            "rearrest": {
                "all": {
                    "logrank_p": None,
                    "points": points[:2],
                    # Two deaths before day 30: the share rearrested with death competing.
                    "incidence": {
                        "day": [0, 30],
                        "at_risk": [200, 190],
                        "events": [0, 12],
                        "competing": [0, 2],
                        "cumulative_incidence": [0.0, 0.06],
                        "ci_low": [0.0, 0.03],
                        "ci_high": [0.0, 0.1],
                    },
                },
                "sex": {"logrank_p": 0.2, "points": points},
            }
        },
        "intermediate": [
            {
                "key": "assessed_before_release",
                "label": "Assessed before release",
                "numerator": 4,
                "denominator": 120,
                "rate": 4 / 120,
            },
            # 30 of 36 beside each other would give away the 6 who were not.
            {
                "key": "high_risk_on_supervision",
                "label": "High-risk releases on supervision",
                "numerator": 30,
                "denominator": 36,
                "rate": 30 / 36,
            },
        ],
        "flow": [
            {"key": "releases", "label": "Releases", "parent": None, "unit": "people", "count": 200}
        ],
    }


def rearrest_indicator(coalition: Any, name: str = "One-year rearrest") -> Any:
    """A saved one-year rearrest indicator of ``coalition`` with a 2022 baseline."""
    from reentrykit.metrics.models import Indicator

    return Indicator.objects.create(
        coalition=coalition,
        name=name,
        measure="rearrest",
        baseline_first_year=2022,
        baseline_last_year=2022,
    )
