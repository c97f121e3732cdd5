"""A Parquet file's date columns hold dates, not text: a mapping's date format (for the
dates a source types as text) does not make them invalid."""

from __future__ import annotations

from pathlib import Path

import duckdb

from reentrykit.data import store
from reentrykit.data.imports import import_file
from reentrykit.data.validation import Mapping
from reentrykit.testing import World


def test_parquet_dates_are_read_whatever_the_mapping_s_date_format(
    world: World, tmp_path: Path
) -> None:
    path = tmp_path / "events.parquet"
    duckdb.sql(
        "SELECT * FROM (VALUES ('P1', DATE '2024-01-05', 'arrest'), "
        "('P2', DATE '2024-02-29', 'booking')) t(source_person_id, event_date, event_type)"
    ).write_parquet(str(path))
    result = import_file(
        coalition=world.coalition,
        kind="events",
        source_name="City Police",
        path=path,
        mapping=Mapping(date_format="%m/%d/%Y"),
    )
    assert result.ok, result.report.as_text()
    with store.open_store(world.coalition.pk) as con:
        dates = con.execute(
            "SELECT CAST(event_date AS VARCHAR) FROM store.raw_events ORDER BY row_number"
        ).fetchall()
    assert dates == [("2024-01-05",), ("2024-02-29",)]
