"""A workbook's date cells are dates whatever the mapping's date format says of text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reentrykit.data import store
from reentrykit.data.imports import import_file
from reentrykit.data.validation import Mapping
from reentrykit.testing import World

MAPPING = Mapping(
    columns={"source_person_id": "Inmate", "release_date": "Released", "facility_type": "Facility"},
    date_format="%m/%d/%Y",
)


def _workbook(tmp_path: Path, *rows: list[object]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Inmate", "Released", "Facility"])
    for row in rows:
        sheet.append(row)
    path = tmp_path / "releases.xlsx"
    workbook.save(path)
    return path


def test_a_workbooks_date_cells_are_read_under_a_date_format_for_its_text(
    world: World, tmp_path: Path
) -> None:
    """Excel shows the date cell as 03/31/2023, so the steward names %m/%d/%Y: the cell
    is a date (not text) and is read as one, as is text written in that format."""
    path = _workbook(tmp_path, ["J1", dt.date(2023, 3, 31), "jail"], ["J2", "04/15/2023", "jail"])
    result = import_file(
        coalition=world.coalition, kind="releases", source_name="Jail", path=path,
        mapping=MAPPING,
    )  # fmt: skip
    assert result.ok, result.report.as_text()
    with store.open_store(world.coalition.pk) as con:
        dates = con.execute(
            "SELECT release_date FROM store.raw_releases ORDER BY row_number"
        ).fetchall()
    assert dates == [(dt.date(2023, 3, 31),), (dt.date(2023, 4, 15),)]


def test_a_csv_keeps_to_the_date_format_it_names(world: World, tmp_path: Path) -> None:
    path = tmp_path / "releases.csv"
    path.write_text("Inmate,Released,Facility\nJ1,2023-03-31,jail\n")
    result = import_file(
        coalition=world.coalition, kind="releases", source_name="Jail", path=path,
        mapping=MAPPING,
    )  # fmt: skip
    assert not result.ok
    assert "not a valid date written like 03/31/2024" in result.report.as_text()
