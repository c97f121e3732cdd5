"""Numbers a workbook shows with leading zeros (Excel's Zip Code format, a padded id)
are read as the sheet shows them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from reentrykit.data import store
from reentrykit.data.imports import import_file
from reentrykit.data.reader import _cell_text
from reentrykit.testing import World


def test_a_zip_code_kept_as_a_number_keeps_its_leading_zero(world: World, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["source_person_id", "release_date", "facility_type", "residence_zip"])
    sheet.append([123, dt.date(2023, 1, 2), "jail", 2134])
    sheet.append([124, dt.date(2023, 1, 3), "jail", 21345678])
    sheet.append([125, dt.date(2023, 1, 4), "jail", 98101])
    for row, (id_format, zip_format) in enumerate(
        [("000000", "00000"), ("000000", "00000-0000"), ("General", "General")], start=2
    ):
        sheet.cell(row, 1).number_format = id_format
        sheet.cell(row, 4).number_format = zip_format
    path = tmp_path / "releases.xlsx"
    workbook.save(path)

    result = import_file(coalition=world.coalition, kind="releases", source_name="Jail", path=path)
    assert result.ok, result.report.as_text()
    with store.open_store(world.coalition.pk) as con:
        rows = con.execute(
            "SELECT source_person_id, residence_zip FROM store.raw_releases ORDER BY row_number"
        ).fetchall()
    assert rows == [("000123", "02134"), ("000124", "02134-5678"), ("125", "98101")]


def test_only_whole_numbers_of_zero_formats_are_padded() -> None:
    assert _cell_text(2134, "00000") == "02134"
    assert _cell_text(2134.0, "00000") == "02134"
    assert _cell_text(123456789, "00000-0000") == "12345-6789"
    assert _cell_text(2134.5, "00000") == "2134.5"
    assert _cell_text(-5, "00000") == "-5"
    assert _cell_text(True, "00000") == "True"
    assert _cell_text(2134, "0.00") == "2134"
    assert _cell_text(2134.0, "General") == "2134"
    assert _cell_text(None, None) == ""
