"""A file read lean (once) and the same file read the detailed way give the same report
and store the same rows: the lean read only decides whether the detailed one is needed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest

from reentrykit.coalitions.models import Coalition
from reentrykit.data import store, validation
from reentrykit.data.imports import import_file
from reentrykit.data.schema import Kind
from reentrykit.data.validation import Mapping
from reentrykit.testing import World

RELEASES = (
    "source_person_id,first_name,last_name,date_of_birth,sex,release_date,facility_type,"
    "admission_date,race,release_type,residence_zip"
)
ROW = "J1,Ann,Lee,1990-01-02,female,2023-02-01,jail,2023-01-01,white,,"
EVENTS = "source_person_id,event_date,event_type,event_id,offense_category,source_agency"


def _text(text: str) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(text.encode())


def _workbook(path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["source_person_id", "date_of_birth", "release_date", "facility_type", "race"])
    # Date-time cells as a workbook holds them: without a time zone.
    born, released = dt.datetime(1990, 1, 2), dt.datetime(2023, 2, 1, 10, 30)  # noqa: DTZ001
    sheet.append(["J1", born, released, "jail", "White"])
    sheet.append(["J2", "05/06/1985", dt.date(2023, 3, 1), "Jail", None])
    sheet.append(["J2", "05/06/1985", dt.date(2023, 3, 1), "Jail", ""])
    workbook.save(path)


def _parquet(path: Path) -> None:
    duckdb.sql(
        "SELECT * FROM (VALUES ('P1', DATE '2024-01-05', 'arrest', 'E1', ''), "
        "('P2', DATE '2024-01-06', 'Arrest', '', NULL), "
        "('P2', DATE '2024-01-06', 'arrest', NULL, '  '), "
        "('P2', DATE '2024-01-06', 'arrest', NULL, '')) "
        "t(source_person_id, event_date, event_type, event_id, source_agency)"
    ).write_parquet(str(path))


MAPPING = {
    "columns": {"source_person_id": "ID", "release_date": "Out", "facility_type": "Fac"},
    "values": {"facility_type": {"J": "jail"}},
    "date_format": "%m/%d/%y",
}
CASES: dict[str, tuple[str, str, Callable[[Path], None], dict[str, Any] | None]] = {
    "good, mixed case and spaces": (
        "releases",
        "r.csv",
        _text(
            f"{RELEASES}\n{ROW}\nJ2, Bob ,Ray,1985-05-06,MALE,2023-03-01, Jail ,,,Bond, 12345 \n"
        ),
        None,
    ),
    "BOM, CRLF, blank lines, quoted newline": (
        "releases",
        "r.csv",
        _text(f'\ufeff{RELEASES}\r\n\r\n{ROW}\r\nJ2,"Bo\r\nb",Ray,,,2023-03-01,prison,,,,\r\n\r\n'),
        None,
    ),
    "lone CR, semicolons, bad rows": (
        "releases",
        "r.csv",
        _text(
            "\r".join((RELEASES, ROW, "", ROW.replace("jail", "camp"), ROW + "1234")).replace(
                ",", ";"
            )
        ),
        None,
    ),
    "spaces only, quoted empties": (
        "releases",
        "r.csv",
        _text(f'{RELEASES}\n{ROW}\n"",A,B,"",  ,2023-02-01,jail,"  ",,"",\nJ3,,,,,  ,jail,,,,\n'),
        None,
    ),
    "dates with times and bad dates, ZIPs": (
        "releases",
        "r.csv",
        _text(
            f"{RELEASES}\n"
            "J1,A,B,1990-01-02,,2023-02-01 10:00,jail,2023-01-01T08:30:00,,,12345-6789\n"
            "J2,A,B,1899-12-31,,2023-02-01 garbage,jail,2023-1-5,,,1234\n"
            "J3,A,B,epoch,,2999-01-01,jail,2023-02-30,,,\n"
            "J4,A,B,1990-01-02,,2023-02-01,jail,2023-03-01,,,\n"
        ),
        None,
    ),
    "duplicates exact, by case, by spaces, blank and unknown": (
        "releases",
        "r.csv",
        _text(
            f"{RELEASES}\n{ROW}\n{ROW}\n{ROW.replace('female', 'Female')}\n"
            f"{ROW.replace('Ann', ' Ann ')}\n{ROW[:-1]}unknown,\n{ROW[:-1]} ,\n"
        ),
        None,
    ),
    "a column and code mapping with two-digit years": (
        "releases",
        "r.csv",
        _text("ID,Out,Fac\nJ1,02/01/23,J\nJ2,03/01/23, j \nJ3,03/01/23,jail\nJ3,03/01/23,JAIL\n"),
        MAPPING,
    ),
    "events told apart by ids, or not": (
        "events",
        "e.csv",
        _text(
            f"{EVENTS}\nP1,2024-01-05,arrest,E1,drug,PD\nP1,2024-01-05,arrest,E2,drug,PD\n"
            "P1,2024-01-05,Arrest,E1,drug,PD\nP2,2024-01-05,arrest,,,\n"
            "P2,2024-01-05,arrest,,unknown,\n"
        ),
        None,
    ),
    "events repeated": (
        "events",
        "e.csv",
        _text(f"{EVENTS}\nP1,2024-01-05,arrest, E1 ,drug,PD\nP1,2024-01-05,arrest,E1,drug,PD \n"),
        None,
    ),
    "programs out of order": (
        "programs",
        "p.csv",
        _text(
            "source_person_id,program_type,status,phase,start_date,end_date\n"
            "P1,Housing,Enrolled,,2023-01-01,2023-06-01\n"
            "P2,housing,completed,Pre_Release,2023-01-01,2022-06-01\n"
        ),
        None,
    ),
    "assessment flags": (
        "assessments",
        "a.csv",
        _text(
            "source_person_id,assessment_date,risk_level,need_housing,need_family\n"
            "P1,2023-01-01,High,Yes,n\nP2,2023-01-01,low, true ,\nP2,2023-01-01,low,true,\n"
        ),
        None,
    ),
    "outcomes": (
        "outcomes",
        "o.csv",
        _text(
            "source_person_id,outcome_date,outcome_type\n"
            "P1,2023-01-01,employed\nP1,2023-01-02,Housed\n"
        ),
        None,
    ),
    "workbook": ("releases", "r.xlsx", _workbook, {"date_format": "%m/%d/%Y"}),
    "parquet": ("events", "e.parquet", _parquet, None),
}


def _outcome(coalition: Coalition, kind: str, path: Path, mapping: Mapping | None) -> dict:
    result = import_file(
        coalition=coalition, kind=kind, source_name="Partner", path=path, mapping=mapping
    )
    outcome: dict[str, Any] = {"ok": result.ok, "report": result.report.as_dict()}
    if store.store_exists(coalition.pk):
        with store.open_store(coalition.pk) as con:
            for table in (store.raw_table(Kind(kind)), "identity_records"):
                outcome[table] = con.execute(
                    f"SELECT * EXCLUDE (batch_id) FROM store.{table} ORDER BY row_number"  # noqa: S608
                ).fetchall()
    return outcome


@pytest.mark.parametrize("case", list(CASES))
def test_the_lean_read_and_the_detailed_one_agree(
    case: str, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kind, name, write, mapping = CASES[case]
    path = tmp_path / name
    write(path)
    parsed = Mapping.from_json(mapping) if mapping else None
    lean = _outcome(world.coalition, kind, path, parsed)

    lean_query = validation.lean_checked_query

    def every_row_flagged(*args: Any, **kwargs: Any) -> tuple[str, dict[str, str]]:
        sql, params = lean_query(*args, **kwargs)
        assert " AS flagged," in sql
        return sql.replace(" AS flagged,", " OR true AS flagged,"), params

    monkeypatch.setattr(validation, "lean_checked_query", every_row_flagged)
    detailed = _outcome(world.other, kind, path, parsed)
    assert lean == detailed
