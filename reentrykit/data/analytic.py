"""The analytic tables: person_key and descriptors, never names or birth dates."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from reentrykit.data import store
from reentrykit.data.schema import RECORD_TYPES, Kind

# Columns of each analytic table beyond its record type's descriptors.
EXTRA_COLUMNS = {Kind.RELEASES: ("age_at_release", "sex")}
# Numbers each release in one fixed order: by person, then date, then every other
# column. A cohort takes each person's release with the lowest number in its period,
# which is their earliest, with same-day ties broken the same way on every engine, by
# an integer minimum instead of an ordered choice over every column at each refresh.
RELEASE_SEQ = "release_seq"


def release_seq_sql(columns: Sequence[str]) -> str:
    """The ``release_seq`` window over a releases query with ``columns``."""
    first = ["person_key", "release_date"]
    order = first + [column for column in columns if column not in first]
    return f"row_number() OVER (ORDER BY {', '.join(order)}) AS {RELEASE_SEQ}"


def build_analytic_tables(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rebuild every a_<kind> table from the imported rows and the person map.

    Only rows of batches listed in the temp table ``batch_ids`` (imported batches)
    are used, so rows of an interrupted import never reach the measures.
    """
    counts: dict[str, int] = {}
    for kind, record_type in RECORD_TYPES.items():
        columns = ", ".join(f"raw.{c.name}" for c in record_type.analytic_columns)
        extra = ""
        joins = ""
        if kind == Kind.RELEASES:
            extra = (
                ", CAST(date_sub('year', pm.age_reference_dob, raw.release_date) AS INTEGER) "
                "AS age_at_release, COALESCE(ps.sex, 'unknown') AS sex"
            )
            joins = "LEFT JOIN person_sex ps ON ps.person_key = pm.person_key"
        table = store.analytic_table(kind)
        query = (
            f"SELECT pm.person_key, raw.source, {columns}{extra} "  # noqa: S608 - fixed names
            f"FROM store.{store.raw_table(kind)} raw "
            "JOIN store.person_map pm USING (source, source_person_id) "
            f"{joins} WHERE raw.batch_id IN (SELECT batch_id FROM batch_ids)"
        )
        if kind == Kind.RELEASES:
            names = [c.name for c in record_type.analytic_columns]
            names = ["person_key", "source", *names, *EXTRA_COLUMNS[kind]]
            query = f"SELECT *, {release_seq_sql(names)} FROM ({query})"  # noqa: S608
        con.execute(f"CREATE OR REPLACE TABLE store.{table} AS {query}")
        counts[kind.value] = store.table_count(con, table)
    return counts


def ensure_person_sex(con: duckdb.DuckDBPyConnection) -> None:
    """Sex per person from the identity records (when linkage did not leave it behind)."""
    sex = store.identity_mode("NULLIF(i.sex, 'unknown')")
    con.execute(
        "CREATE TEMP TABLE IF NOT EXISTS person_sex AS "  # noqa: S608 - fixed names
        f"SELECT pm.person_key, {sex} AS sex "
        "FROM store.person_map pm "
        f"JOIN {store.IDENTITY_ROWS} i USING (source, source_person_id) GROUP BY pm.person_key"
    )
