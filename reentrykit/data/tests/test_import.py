"""Imports: every bad input gets a clear error and writes nothing; good files go in whole."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import duckdb
import pytest
from django.utils import timezone

from reentrykit.data import linkage, store
from reentrykit.data.imports import import_file
from reentrykit.data.models import BatchStatus, ImportBatch, Source
from reentrykit.data.reader import (
    UNREADABLE_WORKBOOK,
    _LineCounter,
    explain_read_error,
    inspect_file,
    load_staging,
)
from reentrykit.data.schema import RECORD_TYPES, Kind
from reentrykit.data.tests import damaged_workbook
from reentrykit.data.validation import (
    Mapping,
    MappingProblem,
    _rules,
    checked_query,
    date_format_problem,
    lean_checked_query,
)
from reentrykit.testing import World

GOOD_RELEASES = (
    "source_person_id,first_name,last_name,date_of_birth,sex,release_date,facility_type,admission_date,race\n"
    "J1,Ann,Lee,1990-01-02,female,2023-02-01,jail,2023-01-01,white\n"
    "J2,Bob,Ray,1985-05-06,male,2023-03-01,JAIL,,black\n"
    "J3,Cy,Zed,1970-07-07,male,2023-05-01,jail,2023-04-01,\n"
)


def _import(world: World, path: Path, kind: str = "releases", **kwargs):  # type: ignore[no-untyped-def]
    return import_file(
        coalition=world.coalition, kind=kind, source_name="County Jail", path=path, **kwargs
    )


def _raw_rows(world: World, kind: str = "releases") -> int:
    if not store.store_exists(world.coalition.pk):
        return 0
    with store.open_store(world.coalition.pk) as con:
        return store.table_count(con, store.raw_table(kind))


def _nothing_written(world: World) -> bool:
    return (
        _raw_rows(world) == 0 and not ImportBatch.objects.exists() and not Source.objects.exists()
    )


def test_it_imports_a_good_file_whole(world: World, write_csv) -> None:  # type: ignore[no-untyped-def]
    result = _import(world, write_csv("releases.csv", GOOD_RELEASES))
    assert result.ok, result.report.as_text()
    assert result.as_dict() == {"batch": result.batch.pk, "kind": "releases", "rows": 3}
    assert _raw_rows(world) == 3
    with store.open_store(world.coalition.pk) as con:
        codes = con.execute(
            "SELECT facility_type, race FROM store.raw_releases ORDER BY row_number"
        ).fetchall()
        names = con.execute(
            "SELECT count(*) FROM store.identity_records WHERE first_name = 'Ann'"
        ).fetchone()
    # Codes are stored lower-case; an empty optional code becomes "unknown".
    assert codes == [("jail", "white"), ("jail", "black"), ("jail", "unknown")]
    assert names == (1,)
    source = Source.objects.get(coalition=world.coalition, name="County Jail")
    assert str(source.data_through) == "2023-05-01"


def test_it_keeps_names_out_of_the_raw_tables(world: World, write_csv) -> None:  # type: ignore[no-untyped-def]
    _import(world, write_csv("releases.csv", GOOD_RELEASES))
    with store.open_store(world.coalition.pk) as con:
        columns = {row[0] for row in con.execute("DESCRIBE store.raw_releases").fetchall()}
    assert not columns & {"first_name", "last_name", "middle_name", "date_of_birth", "state_id"}


def test_it_stores_each_identity_once_and_linkage_counts_its_rows(  # type: ignore[no-untyped-def]
    world: World, write_csv
) -> None:
    events = (
        "source_person_id,first_name,last_name,date_of_birth,event_date,event_type\n"
        "P1,Anne,Lee,1990-01-02,2023-02-01,arrest\n"
        "P1,Ann,Lee,1990-01-02,2023-03-01,arrest\n"
        "P2,Bo,Ray,1985-05-06,2023-03-02,arrest\n"
        "P1,Ann,Lee,1990-01-02,2023-04-01,booking\n"
    )
    result = _import(world, write_csv("events.csv", events), kind="events")
    assert result.ok, result.report.as_text()
    with store.open_store(world.coalition.pk) as con:
        identities = con.execute(
            "SELECT source_person_id, first_name, row_count, row_number "
            "FROM store.identity_records ORDER BY row_number"
        ).fetchall()
        expanded = con.execute(f"SELECT count(*) FROM {store.IDENTITY_ROWS}").fetchone()  # noqa: S608
        linkage.build_records(con, [result.batch.pk])
        first_names = con.execute(
            "SELECT source_person_id, first_norm FROM records ORDER BY source_person_id"
        ).fetchall()
    # Row numbers count the header as row 1; each identity keeps its first row.
    assert identities == [("P1", "Anne", 1, 2), ("P1", "Ann", 2, 3), ("P2", "Bo", 1, 4)]
    assert expanded == (4,)
    # "Ann" stands on two rows and "Anne" on one: the linkage record takes "Ann".
    assert first_names == [("P1", "ann"), ("P2", "bo")]


def test_uploaded_rows_are_written_with_zstd_and_the_setting_is_restored(  # type: ignore[no-untyped-def]
    world: World, write_csv
) -> None:
    _import(world, write_csv("releases.csv", GOOD_RELEASES))
    with store.open_store(world.coalition.pk, write=True) as con:
        with store.uploaded_rows_compression(con):
            inside = con.execute("SELECT current_setting('force_compression')").fetchone()
        after = con.execute("SELECT current_setting('force_compression')").fetchone()
        con.execute("CREATE TABLE store.later AS SELECT 'x' || range AS s FROM range(3)")
        con.execute("CHECKPOINT store")
        methods = dict(
            con.execute(
                "SELECT column_name || ' ' || table_name, compression "
                "FROM (SELECT 'raw_releases' AS table_name, * "
                "      FROM pragma_storage_info('store.raw_releases') "
                "      UNION ALL SELECT 'identity_records', * "
                "      FROM pragma_storage_info('store.identity_records') "
                "      UNION ALL SELECT 'later', * FROM pragma_storage_info('store.later')) "
                "WHERE column_name IN ('source_person_id', 's') AND segment_type = 'VARCHAR'"
            ).fetchall()
        )
    assert inside[0].lower() == "zstd" and after[0].lower() != "zstd"
    assert methods["source_person_id raw_releases"] == "ZSTD"
    assert methods["source_person_id identity_records"] == "ZSTD"
    assert methods["s later"] != "ZSTD"


def test_it_detects_delimiter_and_bom(world: World, write_csv) -> None:  # type: ignore[no-untyped-def]
    text = "\ufeff" + GOOD_RELEASES.replace(",", ";")
    assert _import(world, write_csv("semi.csv", text)).ok


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "The file is empty"),
        (b"source_person_id,release_date,facility_type\n", "no data rows"),
        (b"\x00\x01\x02\x03binary\x00stuff", "not a CSV, XLSX or Parquet"),
        (
            "source_person_id,release_date,facility_type\nJ1,2023-01-01,jäil\n".encode("cp1252"),
            "not UTF-8: line 2 has a character",
        ),
        (b"%PDF-1.4\nreleases\n", "This is a PDF, which holds pages rather than rows"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "This is an older Excel (.xls)"),
        (
            b"release_date,facility_type\n2023-01-01,jail\n",
            "Required column(s) missing: source_person_id",
        ),
        (b"a,a\n1,2\n", "appears twice"),
        # No header row: the first release is taken for column names.
        (
            b"A Lee,3/2/1984,2023-01-05,jail\nB Cho,1/1/1970,2023-02-01,jail\n",
            "looks like data, not column names: column 2, 3 holds",
        ),
        # A quotation mark never closed in the first row: the rest is one long value.
        (
            b'source_person_id,"release_date' + b"x" * 140_000 + b"\nJ1,2023-01-01,jail\n",
            "The first row cannot be read: a value in it runs past 131,072 characters",
        ),
    ],
)
def test_it_refuses_unreadable_files_and_writes_nothing(
    content: bytes, expected: str, world: World, tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    result = _import(world, path)
    assert not result.ok
    assert expected in result.report.as_text()
    assert "Lee" not in result.report.as_text()  # a person's details are not quoted back
    assert _nothing_written(world)


def test_text_named_as_a_workbook_is_refused_as_a_workbook(world: World, tmp_path: Path) -> None:
    path = tmp_path / "releases.xlsx"
    path.write_bytes(b"source_person_id,release_date,facility_type\nJ1,2023-01-01,jail\n")
    result = _import(world, path)
    assert not result.ok
    assert UNREADABLE_WORKBOOK in result.report.as_text()
    assert _nothing_written(world)


def test_it_reports_every_bad_row_with_row_column_value_and_rule(world: World, write_csv) -> None:  # type: ignore[no-untyped-def]
    text = (
        "source_person_id,release_date,facility_type,admission_date,sex\n"
        "J1,2023-02-30,jail,2023-01-01,female\n"  # impossible date
        "J2,2023-03-01,camp,2023-01-01,male\n"  # unknown code
        "J3,2023-03-01,jail,2023-04-01,male\n"  # released before admitted
        ",2023-03-01,jail,,female\n"  # missing id
        "J5,1850-01-01,jail,,female\n"  # before 1900
        "J6,2999-01-01,jail,,f\n"  # future date and an unmapped code
        "J2,2023-03-01,camp,2023-01-01,male\n"  # duplicate of row 3
    )
    result = _import(world, write_csv("bad.csv", text))
    assert not result.ok
    found = {
        (p.row, p.column, p.value, p.rule.split(";")[0].split(" (")[0])
        for p in result.report.problems
    }
    assert (2, "release_date", "2023-02-30", "not a valid date written like 2024-03-31") in found
    assert (3, "facility_type", "camp", "unknown code") in found
    out_of_order = "the admission date is after the release date"
    assert (4, "admission_date", "2023-04-01", out_of_order) in found
    assert (5, "source_person_id", None, "a value is required") in found
    assert (6, "release_date", "1850-01-01", "date must be between 1900-01-01 and today") in found
    assert (7, "release_date", "2999-01-01", "date must be between 1900-01-01 and today") in found
    assert (7, "sex", "f", "unknown code") in found
    assert (8, "(whole row)", None, "duplicate of row 3") in found
    assert "row 2, column release_date: '2023-02-30'" in result.report.as_text()
    assert "\n  row 8: duplicate of row 3" in result.report.as_text()
    assert _nothing_written(world)


def test_it_caps_the_listed_problems_but_counts_them_all(world: World, write_csv) -> None:  # type: ignore[no-untyped-def]
    rows = "".join(f"J{i},2023-01-01,nowhere\n" for i in range(500))
    result = _import(
        world, write_csv("many.csv", "source_person_id,release_date,facility_type\n" + rows)
    )
    assert result.report.error_count == 500
    assert len(result.report.problems) == 200
    assert result.report.totals == {"facility_type: unknown code; allowed: jail, prison": 500}


def test_it_applies_a_column_and_code_mapping(world: World, write_csv) -> None:  # type: ignore[no-untyped-def]
    text = "Inmate ID,Released,Facility,Gender,DOB\nA1,03/31/2024,J,M,02/01/1990\n"
    mapping = Mapping.from_json(
        {
            "columns": {
                "source_person_id": "Inmate ID",
                "release_date": "Released",
                "facility_type": "Facility",
                "sex": "Gender",
                "date_of_birth": "DOB",
            },
            "values": {"facility_type": {"J": "jail"}, "sex": {"M": "male"}},
            "date_format": "%m/%d/%Y",
        }
    )
    result = _import(world, write_csv("mapped.csv", text), mapping=mapping)
    assert result.ok, result.report.as_text()
    with store.open_store(world.coalition.pk) as con:
        row = con.execute("SELECT release_date, facility_type FROM store.raw_releases").fetchone()
        identity = con.execute("SELECT sex, date_of_birth FROM store.identity_records").fetchone()
    assert (str(row[0]), row[1]) == ("2024-03-31", "jail")
    assert (identity[0], str(identity[1])) == ("male", "1990-02-01")
    # The mapping is remembered for the next file from this source.
    again = write_csv("mapped2.csv", text.replace("A1", "A2"))
    assert _import(world, again).ok


def test_two_digit_years_are_never_after_today(world: World, write_csv) -> None:  # type: ignore[no-untyped-def]
    # %y reads 00-68 as 2000-2068: born "03/15/55" is 1955 (not 2055, which the range
    # rule would refuse without saying why), released "01/05/24" is 2024.
    text = "Inmate ID,Released,Facility,DOB\nA1,01/05/24,jail,03/15/55\nA2,07/04/99,jail,12/31/68\n"
    mapping = Mapping.from_json(
        {
            "columns": {
                "source_person_id": "Inmate ID",
                "release_date": "Released",
                "facility_type": "Facility",
                "date_of_birth": "DOB",
            },
            "date_format": "%m/%d/%y",
        }
    )
    result = _import(world, write_csv("two-digit.csv", text), mapping=mapping)
    assert result.ok, result.report.as_text()
    with store.open_store(world.coalition.pk) as con:
        released = con.execute(
            "SELECT CAST(release_date AS VARCHAR) FROM store.raw_releases ORDER BY 1"
        ).fetchall()
        born = con.execute(
            "SELECT CAST(date_of_birth AS VARCHAR) FROM store.identity_records ORDER BY 1"
        ).fetchall()
    assert released == [("1999-07-04",), ("2024-01-05",)]
    assert born == [("1955-03-15",), ("1968-12-31",)]


def test_code_translations_are_data_not_sql(world: World, write_csv) -> None:  # type: ignore[no-untyped-def]
    # A translation's text goes into the query as a quoted literal; quotes stay text.
    text = "source_person_id,release_date,facility_type\n J1 ,2024-03-31,  county's \n"
    mapping = Mapping.from_json({"values": {"facility_type": {"county's": "jail"}}})
    result = _import(world, write_csv("quoted.csv", text), mapping=mapping)
    assert result.ok, result.report.as_text()
    with store.open_store(world.coalition.pk) as con:
        row = con.execute(
            "SELECT source_person_id, facility_type FROM store.raw_releases"
        ).fetchone()
    assert row == ("J1", "jail")  # spaces around values are trimmed


def test_it_refuses_the_same_file_twice_unless_replacing(world: World, write_csv) -> None:  # type: ignore[no-untyped-def]
    path = write_csv("releases.csv", GOOD_RELEASES)
    first = _import(world, path)
    second = _import(world, path)
    assert not second.ok
    assert "already imported" in second.report.as_text()
    assert _raw_rows(world) == 3
    third = _import(world, path, replace=True)
    assert third.ok
    assert _raw_rows(world) == 3
    first.batch.refresh_from_db()
    assert first.batch.status == BatchStatus.REPLACED


def test_it_stores_formulas_as_text(world: World, write_csv) -> None:  # type: ignore[no-untyped-def]
    text = 'source_person_id,first_name,release_date,facility_type\nJ1,"=HYPERLINK(""http://x"")",2023-01-01,jail\n'
    assert _import(world, write_csv("formula.csv", text)).ok
    with store.open_store(world.coalition.pk) as con:
        name = con.execute("SELECT first_name FROM store.identity_records").fetchone()
    assert name == ('=HYPERLINK("http://x")',)


def test_it_reads_xlsx_and_keeps_cell_formulas_as_text(world: World, tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["source_person_id", "first_name", "release_date", "facility_type"])
    sheet.append(["J1", '=HYPERLINK("http://x","y")', "2023-01-01", "jail"])
    path = tmp_path / "releases.xlsx"
    workbook.save(path)
    result = _import(world, path)
    assert result.ok, result.report.as_text()
    with store.open_store(world.coalition.pk) as con:
        assert (
            con.execute("SELECT first_name FROM store.identity_records")
            .fetchone()[0]
            .startswith("=HYPERLINK")
        )


def test_it_refuses_a_zip_bomb_renamed_xlsx(world: World, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(buffer.getvalue())
    result = _import(world, path)
    assert not result.ok
    assert "expands to far more data" in result.report.as_text()
    assert _nothing_written(world)


def test_it_refuses_a_file_over_the_size_limit_without_reading_it(
    world: World, tmp_path: Path, settings
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:  # a sparse 2 GB file: no disk, and nothing read into memory
        handle.truncate(2 * 1024 * 1024 * 1024)
    result = _import(world, path)
    assert not result.ok
    assert "the limit is 1.0 GB" in result.report.as_text()
    assert _nothing_written(world)


def test_it_reads_parquet(world: World, tmp_path: Path) -> None:
    import duckdb

    path = tmp_path / "events.parquet"
    duckdb.sql(
        "SELECT 'P1' AS source_person_id, DATE '2024-01-05' AS event_date, 'arrest' AS event_type"
    ).write_parquet(str(path))
    result = import_file(
        coalition=world.coalition, kind="events", source_name="City Police", path=path
    )
    assert result.ok, result.report.as_text()


def test_an_empty_or_blank_parquet_value_is_a_missing_one(world: World, tmp_path: Path) -> None:
    path = tmp_path / "events.parquet"
    duckdb.sql(
        "SELECT * FROM (VALUES ('P1', '2024-01-05', 'arrest'), ('', '2024-01-06', 'arrest'), "
        "('P3', '  ', 'arrest')) t(source_person_id, event_date, event_type)"
    ).write_parquet(str(path))
    result = import_file(
        coalition=world.coalition, kind="events", source_name="City Police", path=path
    )
    assert [(p.row, p.column, p.rule) for p in result.report.problems] == [
        (3, "source_person_id", "a value is required"),
        (4, "event_date", "a value is required"),
    ]


def test_an_import_is_atomic_when_the_write_fails_midway(
    world: World, write_csv, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.data import imports

    real = imports.insert_batch_rows

    def fail_after_raw_rows(con, **kwargs):  # type: ignore[no-untyped-def]
        real(con, **kwargs)  # the raw and identity rows are written ...
        raise RuntimeError("disk full")  # ... and then the write fails

    monkeypatch.setattr(imports, "insert_batch_rows", fail_after_raw_rows)
    with pytest.raises(RuntimeError):
        _import(world, write_csv("releases.csv", GOOD_RELEASES))
    assert _raw_rows(world) == 0
    with store.open_store(world.coalition.pk) as con:
        assert store.table_count(con, "identity_records") == 0
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("kind", [kind.value for kind in RECORD_TYPES])
def test_the_typed_table_is_a_plain_projection_of_the_file(kind: str, tmp_path: Path) -> None:
    # Row numbers are the typed table's rowids; a join in its query (for example an
    # IN list that DuckDB turns into one) would shuffle them on a large file.
    record_type = RECORD_TYPES[Kind(kind)]
    headers = tuple(column.name for column in record_type.columns)
    (tmp_path / "empty.csv").write_text(",".join(headers) + "\n")
    codes = {
        column.name: {f"x{i}": code for i, code in enumerate(column.codes * 4)}
        for column in record_type.columns
        if column.codes
    }
    for date_format in ("%Y-%m-%d", "%m/%d/%Y"):
        mapping = Mapping(values=codes, date_format=date_format)
        resolved = {name: name for name in headers}
        rules = _rules(record_type, resolved, mapping, dt.date(2026, 1, 1))
        hint = record_type.required_names
        con = duckdb.connect()
        load_staging(con, inspect_file(tmp_path / "empty.csv", tmp_path))
        for sql, params in (
            checked_query(record_type, resolved, mapping),
            lean_checked_query(record_type, resolved, mapping, rules, hint),
        ):
            plan = "\n".join(row[1] for row in con.execute("EXPLAIN " + sql, params).fetchall())
            assert "JOIN" not in plan.upper(), plan


# -- Bad input: what the file gets told, and that nothing is written -----------------------

HEAD = "source_person_id,release_date,facility_type\n"


def _file_errors(world: World, path: Path, **kwargs) -> list[str]:  # type: ignore[no-untyped-def]
    result = _import(world, path, **kwargs)
    assert not result.ok
    assert _nothing_written(world)
    return result.report.file_errors


@pytest.mark.parametrize(
    "workbook",
    [
        damaged_workbook(),  # XMLSyntaxError from openpyxl
        damaged_workbook("<workbook/>"),  # KeyError: no [Content_Types] entry for it
    ],
)
def test_a_damaged_workbook_is_refused_and_leaves_nothing_behind(
    workbook: bytes, world: World, tmp_path: Path
) -> None:
    path = tmp_path / "jail.xlsx"
    path.write_bytes(workbook)
    assert _file_errors(world, path) == [UNREADABLE_WORKBOOK]
    scratch = store.scratch_dir(world.coalition.pk)
    assert not scratch.exists() or not any(scratch.iterdir())


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            HEAD + "A1,2024-03-31,jail\nA2,2024-03-31\n",
            "Line 3 has 2 values, but the header row names 3 columns. Each row needs a place "
            "for every column: leave a value empty, not out.",
        ),
        (
            HEAD + "A1,2024-03-31,jail,extra\n",
            "Line 2 has more values than the 3 columns the header row names. A value that "
            "holds the delimiter must be in quotation marks; otherwise there is a delimiter "
            "too many.",
        ),
        (
            HEAD + "A1,2024-03-31,jail\n\nA2,2024-03-31,jail\nA3,2024,03,31,jail\n",
            "Line 5 has more values than the 3 columns the header row names. A value that "
            "holds the delimiter must be in quotation marks; otherwise there is a delimiter "
            "too many.",
        ),
        (
            HEAD + 'A1,2024-03-31,jail\nA2,"2024-03-31,jail\n',
            "Line 3 has a quotation mark that is not closed, or text after a closing one. "
            "A value in quotation marks must end with one, and a quotation mark inside it "
            'must be doubled ("").',
        ),
    ],
    ids=["short", "long", "long-after-a-blank-line", "open-quote"],
)
def test_a_row_that_does_not_fit_the_header_is_named_by_its_line(
    body: str, expected: str, world: World, write_csv
) -> None:  # type: ignore[no-untyped-def]
    assert _file_errors(world, write_csv("rows.csv", body)) == [expected]


def test_what_duckdb_says_is_never_shown() -> None:
    error = duckdb.BinderException('Binder Error: Referenced column "x" not found in FROM clause!')
    assert explain_read_error(error) == (
        "The file could not be read. Save it as “CSV UTF-8” and upload it again."
    )


BLANK_AND_MULTILINE = (
    HEAD  # line 1
    + "A1,2024-03-31,jail\n"  # line 2
    + "\n"  # line 3: blank
    + "A2,2024-02-30,jail\n"  # line 4: no such date
    + 'A3,2024-03-31,"jail\n'  # lines 5 and 6: a value over two lines
    + '"\n'
    + "A4,2024-02-31,jail\n"  # line 7: no such date
    + "\n\n"  # blank lines at the end
)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_rows_are_numbered_by_their_line_in_the_file(newline: str, world: World, write_csv) -> None:  # type: ignore[no-untyped-def]
    text = BLANK_AND_MULTILINE.replace("\n", newline)
    result = _import(world, write_csv("r.csv", text))
    assert [(p.row, p.column, p.value) for p in result.report.problems] == [
        (4, "release_date", "2024-02-30"),
        (5, "facility_type", f"jail{newline}"),  # a row is numbered by its first line
        (7, "release_date", "2024-02-31"),
    ]


EVENTS_HEAD = "source_person_id,event_date,event_type,event_id,sex\n"


@pytest.mark.parametrize(
    ("rows", "duplicate_rows"),
    [
        # The event ids tell the rows apart: no further check.
        ("P1,2024-01-05,arrest,E1,male\nP1,2024-01-05,arrest,E2,male\n", []),
        # The same event twice, with its id or without one.
        ("P1,2024-01-05,arrest,E1,male\nP1,2024-01-05,arrest,E1,male\n", [3]),
        ("P1,2024-01-05,arrest,,male\nP1,2024-01-05,arrest,,male\n", [3]),
        # Equal once read ('Male' is male), but not the same text: not a duplicate.
        ("P1,2024-01-05,arrest,E1,Male\nP1,2024-01-05,arrest,E1,male\n", []),
        ("P1,2024-01-05,arrest,,male\nP1,2024-01-05,arrest,,MALE\n", []),
        # The id repeats but the rows differ.
        ("P1,2024-01-05,arrest,E1,male\nP1,2024-01-06,arrest,E1,male\n", []),
    ],
)
def test_a_row_is_a_duplicate_only_when_its_text_is_the_same(
    rows: str, duplicate_rows: list[int], world: World, write_csv
) -> None:  # type: ignore[no-untyped-def]
    result = _import(world, write_csv("events.csv", EVENTS_HEAD + rows), kind="events")
    assert [p.row for p in result.report.problems] == duplicate_rows
    assert result.ok is not duplicate_rows
    assert _raw_rows(world, "events") == (0 if duplicate_rows else 2)


def test_duplicates_and_the_store_name_rows_by_their_line(world: World, write_csv) -> None:  # type: ignore[no-untyped-def]
    twice = HEAD + "A1,2024-03-31,jail\n\nA2,2024-03-30,jail\nA2,2024-03-30,jail\n"
    result = _import(world, write_csv("twice.csv", twice))
    assert [(p.row, p.rule) for p in result.report.problems] == [(5, "duplicate of row 4")]
    valid = (
        "source_person_id,first_name,release_date,facility_type\n"
        "A1,Ann,2024-03-31,jail\n"  # line 2
        "\n"
        'A2,"Bo\nBob",2024-03-30,jail\n'  # lines 4 and 5
        "A3,Cy,2024-03-29,jail\n"  # line 6
        "\n"
        "A4,Di,2024-03-28,jail\n"  # line 8
    )
    assert _import(world, write_csv("valid.csv", valid)).ok
    with store.open_store(world.coalition.pk) as con:
        rows = con.execute(
            "SELECT source_person_id, row_number FROM store.raw_releases ORDER BY 2"
        ).fetchall()
        identities = con.execute(
            "SELECT source_person_id, row_number FROM store.identity_records ORDER BY 2"
        ).fetchall()
    assert rows == identities == [("A1", 2), ("A2", 4), ("A3", 6), ("A4", 8)]


def test_a_file_of_one_line_a_row_is_not_read_again_to_number_its_rows(
    world: World, write_csv, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    # Numbering by lines reads the file a second time: only a file that needs it pays.
    from reentrykit.data import reader

    def refuse(info):  # type: ignore[no-untyped-def]
        raise AssertionError("read again")

    monkeypatch.setattr(reader, "_record_lines", refuse)
    text = HEAD + "A1,2024-03-31,jail\nA2,2024-02-30,jail\n\n\n"  # blank lines at the end
    result = _import(world, write_csv("r.csv", text.replace("\n", "\r\n")))
    assert [p.row for p in result.report.problems] == [3]


@pytest.mark.parametrize(
    ("blocks", "lines"),
    [
        ([b"a\nb\n"], 2),
        ([b"a\nb"], 2),
        ([b"a\r\nb\r\n\r\n"], 2),
        ([b"a\r", b"\nb\r", b"\n"], 2),  # CRLF cut between blocks
        ([b"a\r", b"\r", b"b"], 3),  # CR line ends: a blank line between
        ([b"a\n\n", b"\n\n", b"b\n", b"\n"], 5),
        ([b"a\n", b"\n\n", b"\r\n"], 1),
        ([b"\n\n"], 0),
    ],
)
def test_lines_are_counted_to_the_last_text_across_blocks(blocks: list[bytes], lines: int) -> None:
    counter = _LineCounter()
    for block in blocks:
        counter.add(block)
    assert counter.lines() == lines


def test_two_headers_for_one_column_are_refused_unless_the_mapping_chooses(
    world: World, write_csv
) -> None:  # type: ignore[no-untyped-def]
    text = "source_person_id,release_date,Release Date,facility_type\nA1,2024-03-31,,jail\n"
    path = write_csv("two.csv", text)
    assert _file_errors(world, path) == [
        "The columns “release_date” and “Release Date” both mean release_date. Keep one "
        "(rename or remove the others), or choose which to use in the column-mapping step."
    ]
    chosen = Mapping(columns={"release_date": "release_date"})
    assert _import(world, path, mapping=chosen).ok


@pytest.mark.parametrize(
    ("day", "says"),
    [
        ("2099-12-31", "2099-12-31 is not."),
        ("1899-12-31", "1899-12-31 is not."),
        ("0001-01-01", "0001-01-01 is not."),
    ],
)
def test_a_data_through_date_outside_1900_to_today_is_refused(
    day: str, says: str, world: World, write_csv
) -> None:  # type: ignore[no-untyped-def]
    path = write_csv("r.csv", GOOD_RELEASES)
    today = timezone.localdate().isoformat()
    assert _file_errors(world, path, data_through=dt.date.fromisoformat(day)) == [
        "The date the data is complete through must be between 1900-01-01 and today "
        f"({today}); {says}"
    ]
    assert _import(world, path, data_through=timezone.localdate()).ok


def test_a_source_name_longer_than_the_database_takes_is_refused(world: World, write_csv) -> None:  # type: ignore[no-untyped-def]
    path = write_csv("r.csv", GOOD_RELEASES)
    result = import_file(
        coalition=world.coalition, kind="releases", source_name="x" * 121, path=path
    )
    assert result.report.file_errors == [
        "The source's name is 121 characters long; at most 120 are allowed."
    ]
    assert _nothing_written(world)
    assert import_file(
        coalition=world.coalition, kind="releases", source_name=" " + "x" * 120 + " ", path=path
    ).ok


def test_a_failed_write_leaves_no_source_it_made_and_keeps_one_it_found(
    world: World, write_csv, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.data import imports

    def fail(con, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports, "insert_batch_rows", fail)
    with pytest.raises(RuntimeError):
        _import(world, write_csv("releases.csv", GOOD_RELEASES))
    assert _nothing_written(world)
    monkeypatch.undo()
    first = _import(world, write_csv("first.csv", GOOD_RELEASES))
    monkeypatch.setattr(imports, "insert_batch_rows", fail)
    with pytest.raises(RuntimeError):
        _import(world, write_csv("second.csv", GOOD_RELEASES.replace("J1", "J9")))
    assert list(ImportBatch.objects.all()) == [first.batch]
    assert list(Source.objects.values_list("name", flat=True)) == ["County Jail"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (["x"], "A mapping is a JSON object with 'columns', 'values' and 'date_format'."),
        (
            {"columns": ["Released"]},
            """'columns' must be a JSON object, like {"release_date": "Released"}.""",
        ),
        (
            {"columns": {"release_date": 5}},
            "'columns' → 'release_date' must be text, in double quotes.",
        ),
        ({"columns": {"released": "Out"}}, "'columns' names no such column: released."),
        ({"values": ["m"]}, """'values' must be a JSON object, like {"sex": {"M": "male"}}."""),
        (
            {"values": {"sex": ["m"]}},
            """'values' → 'sex' must be a JSON object, like {"M": "male"}.""",
        ),
        ({"values": {"sex": {"M": 1}}}, "'values' → 'sex' → 'M' must be text, in double quotes."),
        ({"values": {"release_date": {}}}, "'values' names no column with codes: release_date."),
        ({"date_format": 5}, """'date_format' must be text, like "%m/%d/%Y"."""),
        (
            {"date_format": "%Q/%m"},
            "'date_format': %Q is not a date code. Use %Y (year), %m (month), %d (day), "
            "%b (month name) and the like, for example %m/%d/%Y.",
        ),
    ],
)
def test_a_mapping_of_the_wrong_shape_is_refused_naming_the_key(data, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(MappingProblem) as refused:
        Mapping.from_json(data)
    assert str(refused.value) == message


def test_mapping_text_that_is_not_json_is_refused_saying_where() -> None:
    with pytest.raises(MappingProblem) as refused:
        Mapping.from_text('{"columns":\n {not json}')
    assert str(refused.value) == (
        "It is not JSON: expecting property name enclosed in double quotes (line 2, column 3)."
    )


@pytest.mark.parametrize(
    "date_format", ["%Y-%m-%d", "%m/%d/%Y", "%-m/%-d/%y", "%d %b %Y", "%Y%m%d", "%j/%Y", "%%%Y"]
)
def test_date_formats_duckdb_reads_are_taken(date_format: str) -> None:
    assert date_format_problem(date_format) is None


@pytest.mark.parametrize(
    ("date_format", "problem"),
    [
        ("%Y-%", "it ends with a lone %; write %% for a percent sign."),
        ("%Y-%m-%d %z", "%z (a time zone) cannot be used: it would move dates to another day."),
        (
            "%-b %Y",
            "%-b is not a date code. Use %Y (year), %m (month), %d (day), "
            "%b (month name) and the like, for example %m/%d/%Y.",
        ),
        ("  ", "give the format, for example %m/%d/%Y for 03/31/2024."),
    ],
)
def test_date_formats_duckdb_cannot_read_are_refused(date_format: str, problem: str) -> None:
    assert date_format_problem(date_format) == problem


def test_the_date_codes_taken_are_those_duckdbs_strptime_reads() -> None:
    import string

    con = duckdb.connect()

    def duckdb_reads(directive: str) -> bool:
        try:
            con.execute("SELECT try_strptime('1', ?)", [directive])
        except duckdb.InvalidInputException:
            return False
        return True

    for prefix in ("%", "%-"):
        for letter in string.ascii_letters + "%":
            directive = prefix + letter
            taken = date_format_problem(directive) is None
            assert taken == (duckdb_reads(directive) and directive not in ("%z", "%Z")), directive


def test_a_saved_mapping_that_is_no_longer_taken_is_set_aside(world: World, write_csv) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.data.models import ColumnMapping

    source = Source.objects.create(coalition=world.coalition, name="County Jail")
    ColumnMapping.objects.create(
        coalition=world.coalition,
        source=source,
        kind="releases",
        mapping={"columns": {}, "values": {}, "date_format": "%Y-%m-%d %z"},
    )
    assert _import(world, write_csv("r.csv", GOOD_RELEASES)).ok
