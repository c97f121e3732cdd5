"""A Parquet file's typed columns read as what they hold: its date columns are dates
whatever a mapping's date format (for dates typed as text) says, and whole numbers in
a floating-point column are numbers, not '12345.0'."""

from __future__ import annotations

from pathlib import Path

import duckdb

from reentrykit.data import store
from reentrykit.data.imports import import_file
from reentrykit.data.validation import Mapping
from reentrykit.testing import World


def _stored(
    world: World, tmp_path: Path, rows_sql: str, columns: str, mapping: Mapping | None = None
) -> list[tuple]:
    """Import the events ``rows_sql`` selects, as a Parquet file; the stored ``columns``."""
    path = tmp_path / "events.parquet"
    duckdb.sql(rows_sql).write_parquet(str(path))
    result = import_file(
        coalition=world.coalition,
        kind="events",
        source_name="City Police",
        path=path,
        mapping=mapping,
    )
    assert result.ok, result.report.as_text()
    with store.open_store(world.coalition.pk) as con:
        return con.execute(
            f"SELECT {columns} FROM store.raw_events ORDER BY row_number"  # noqa: S608
        ).fetchall()


def test_parquet_dates_are_read_whatever_the_mapping_s_date_format(
    world: World, tmp_path: Path
) -> None:
    rows = (
        "SELECT * FROM (VALUES ('P1', DATE '2024-01-05', 'arrest'), "
        "('P2', DATE '2024-02-29', 'booking')) t(source_person_id, event_date, event_type)"
    )
    dates = _stored(
        world, tmp_path, rows, "CAST(event_date AS VARCHAR)", Mapping(date_format="%m/%d/%Y")
    )
    assert dates == [("2024-01-05",), ("2024-02-29",)]


def test_whole_numbers_in_a_parquet_float_column_read_as_numbers(
    world: World, tmp_path: Path
) -> None:
    # pandas writes an integer column with a gap as floating point: 12345.0, NaN.
    rows = (
        "SELECT * FROM (VALUES (12345.0::DOUBLE, DATE '2024-01-05', 'arrest', 7.0::DOUBLE), "
        "(12346.0::DOUBLE, DATE '2024-01-06', 'arrest', 7.5::DOUBLE), "
        "(123.0::DOUBLE, DATE '2024-01-07', 'arrest', NULL)) "
        "t(source_person_id, event_date, event_type, event_id)"
    )
    stored = _stored(world, tmp_path, rows, "source_person_id, event_id")
    assert stored == [("12345", "7"), ("12346", "7.5"), ("123", None)]


def test_whole_numbers_in_a_parquet_decimal_column_read_as_numbers(
    world: World, tmp_path: Path
) -> None:
    rows = (
        "SELECT * FROM (VALUES (123.00::DECIMAL(8, 2), DATE '2024-01-07', 'arrest', "
        "4.50::DECIMAL(8, 2))) t(source_person_id, event_date, event_type, event_id)"
    )
    assert _stored(world, tmp_path, rows, "source_person_id, event_id") == [("123", "4.50")]


def test_a_parquet_time_with_a_time_zone_is_read_as_its_day_where_the_server_is(
    world: World, tmp_path: Path, settings
) -> None:  # type: ignore[no-untyped-def]
    # 11 pm in Chicago is 5 am the next day in UTC; the server keeps the coalition's zone.
    settings.TIME_ZONE = "America/Chicago"
    rows = (
        "SELECT 'P1' AS source_person_id, TIMESTAMPTZ '2024-01-05 23:00:00-06' AS event_date, "
        "'arrest' AS event_type"
    )
    assert _stored(world, tmp_path, rows, "CAST(event_date AS VARCHAR)") == [("2024-01-05",)]
