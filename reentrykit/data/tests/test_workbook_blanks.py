"""A workbook's formatted but empty cells (Excel counts them in the sheet) are no data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from reentrykit.data import store
from reentrykit.data.imports import import_file
from reentrykit.testing import World


def _workbook(tmp_path: Path, *, styled: tuple[str, ...], extra: list[list] | None = None) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["source_person_id", "release_date", "facility_type"])
    sheet.append(["J1", dt.date(2023, 1, 2), "jail"])
    sheet.append(["J2", dt.date(2023, 1, 3), "jail"])
    for row in extra or []:
        sheet.append(row)
    for cell in styled:  # bold, no value: what a cleared or formatted cell leaves
        sheet[cell].font = Font(bold=True)
    path = tmp_path / "releases.xlsx"
    workbook.save(path)
    return path


def _import(world: World, path: Path):  # type: ignore[no-untyped-def]
    return import_file(coalition=world.coalition, kind="releases", source_name="Jail", path=path)


def test_formatted_empty_rows_and_columns_after_the_data_are_not_read(
    world: World, tmp_path: Path
) -> None:
    result = _import(world, _workbook(tmp_path, styled=("A9", "E2", "F12")))
    assert result.ok, result.report.as_text()
    assert result.report.rows == 2
    with store.open_store(world.coalition.pk) as con:
        rows = con.execute(
            "SELECT row_number, source_person_id FROM store.raw_releases ORDER BY row_number"
        ).fetchall()
    assert rows == [(2, "J1"), (3, "J2")]


def test_an_empty_row_between_rows_and_a_value_without_a_column_are_still_reported(
    world: World, tmp_path: Path
) -> None:
    extra = [[None, None, None], ["J3", dt.date(2023, 1, 4), "jail", None, "stray"]]
    result = _import(world, _workbook(tmp_path, styled=("A12",), extra=extra))
    assert not result.ok
    assert result.report.file_errors == [
        "Row 5 has a value in column E, which has no name in the header row. Name the "
        "column, or clear the cell."
    ]
    extra = [[None, None, None], ["J3", dt.date(2023, 1, 4), "jail"]]
    result = _import(world, _workbook(tmp_path, styled=("A12", "D12"), extra=extra))
    assert [(p.row, p.column) for p in result.report.problems] == [
        (4, "facility_type"),
        (4, "release_date"),
        (4, "source_person_id"),
    ]
