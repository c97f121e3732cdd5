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


def release(person: str, date: str, **extra: Any) -> dict[str, Any]:
    return {"person_key": person, "release_date": date, **extra}


def event(person: str, date: str, event_type: str, **extra: Any) -> dict[str, Any]:
    return {"person_key": person, "event_date": date, "event_type": event_type, **extra}


def program(person: str, program_type: str, status: str, **extra: Any) -> dict[str, Any]:
    return {"person_key": person, "program_type": program_type, "status": status, **extra}
