"""The `reentrykit data` command line: exit codes and JSON lines are a contract."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from reentrykit.data.models import ImportBatch, Source
from reentrykit.data.reader import UNREADABLE_WORKBOOK
from reentrykit.data.tests import damaged_workbook
from reentrykit.testing import World

RELEASES = (
    "source_person_id,first_name,last_name,date_of_birth,release_date,facility_type\n"
    "J1,Ann,Lee,1990-01-02,2023-02-01,jail\n"
    "J2,Bo,Ray,1991-01-02,2023-03-01,prison\n"
)


def _data(*args: str) -> dict:
    out = StringIO()
    call_command("data", *args, stdout=out, stderr=StringIO())
    return json.loads(out.getvalue().strip().splitlines()[-1])


def test_import_prints_one_json_line(world: World, tmp_path: Path) -> None:
    path = tmp_path / "releases.csv"
    path.write_text(RELEASES)
    result = _data(
        "import",
        "--coalition",
        "riverton",
        "--kind",
        "releases",
        "--source",
        "County Jail",
        str(path),
    )
    batch = ImportBatch.objects.get()
    assert result == {"batch": batch.pk, "kind": "releases", "rows": 2}


def test_import_of_a_bad_file_fails_with_the_report_and_writes_nothing(
    world: World, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "releases.csv"
    path.write_text(RELEASES.replace("prison", "camp"))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "data",
            "import",
            "--coalition",
            "riverton",
            "--kind",
            "releases",
            "--source",
            "Jail",
            str(path),
            stderr=err,
        )
    assert "row 3, column facility_type: 'camp'" in capsys.readouterr().err
    assert not ImportBatch.objects.exists()


def test_import_takes_a_mapping_file(world: World, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("ID,Out,Where\nX1,2023-01-01,J\n")
    mapping = tmp_path / "map.json"
    mapping.write_text(
        json.dumps(
            {
                "columns": {
                    "source_person_id": "ID",
                    "release_date": "Out",
                    "facility_type": "Where",
                },
                "values": {"facility_type": {"J": "jail"}},
            }
        )
    )
    result = _data(
        "import",
        "--coalition",
        "riverton",
        "--kind",
        "releases",
        "--source",
        "Jail",
        str(path),
        "--mapping",
        str(mapping),
    )
    assert result["rows"] == 1


def test_unknown_coalition_is_an_error(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "r.csv"
    path.write_text(RELEASES)
    with pytest.raises(CommandError, match="No coalition"):
        call_command(
            "data",
            "import",
            "--coalition",
            "nope",
            "--kind",
            "releases",
            "--source",
            "J",
            str(path),
        )


def test_the_console_script_exits_2_on_a_usage_error() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "reentrykit.core.cli", "data", "import", "--kind", "nonsense"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"DJANGO_SETTINGS_MODULE": "config.test_settings", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 2, result.stderr


def test_purge_identities_removes_every_name(world: World, tmp_path: Path) -> None:
    from reentrykit.data import store

    path = tmp_path / "releases.csv"
    path.write_text(RELEASES)
    _data(
        "import",
        "--coalition",
        "riverton",
        "--kind",
        "releases",
        "--source",
        "County Jail",
        str(path),
    )
    result = _data("purge-identities", "--coalition", "riverton")
    assert result == {
        "coalition": "riverton",
        "identity_records_removed": 2,
        "import_reports_removed": 0,
    }
    with store.open_store(world.coalition.pk) as con:
        assert store.table_count(con, "identity_records") == 0
        assert store.table_count(con, "raw_releases") == 2


def _refused(  # type: ignore[no-untyped-def]
    tmp_path: Path, capsys, *args: str, file: str = "releases.csv", code: int = 1
) -> tuple[str, str]:
    """Import ``file`` (in ``tmp_path``) with ``args``: the error and what went to stderr;
    the command exits ``code``."""
    with pytest.raises(CommandError) as refused:
        call_command(
            "data",
            "import",
            "--coalition",
            "riverton",
            "--kind",
            "releases",
            str(tmp_path / file),
            *args,
            stdout=StringIO(),
            stderr=StringIO(),
        )
    assert refused.value.returncode == code
    assert not ImportBatch.objects.exists() and not Source.objects.exists()
    return str(refused.value), capsys.readouterr().err


def test_a_damaged_workbook_is_refused_with_the_reason(
    world: World, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "jail.xlsx").write_bytes(damaged_workbook())
    error, err = _refused(tmp_path, capsys, "--source", "Jail", file="jail.xlsx")
    assert error == "The file was not imported."
    assert err.splitlines()[-2:] == [  # after the progress lines
        "jail.xlsx: 1 problem(s) in 0 row(s); nothing was imported.",
        f"  {UNREADABLE_WORKBOOK}",
    ]


@pytest.mark.parametrize(
    ("mapping", "says"),
    [
        (
            '{"values": {"sex": ["m"]}}',
            """'values' → 'sex' must be a JSON object, like {"M": "male"}.""",
        ),
        ('{"date_format": "%Q/%m"}', "'date_format': %Q is not a date code."),
        ("{not json", "It is not JSON: expecting property name enclosed in double quotes"),
        (b'{"date_format": "%d\xe9%m"}', "It is not UTF-8 text."),
    ],
)
def test_a_mapping_file_that_cannot_be_used_is_an_error_naming_the_key(
    mapping: str | bytes, says: str, world: World, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "releases.csv").write_text(RELEASES)
    path = tmp_path / "map.json"
    path.write_bytes(mapping.encode() if isinstance(mapping, str) else mapping)
    error, _ = _refused(tmp_path, capsys, "--source", "Jail", "--mapping", str(path))
    assert error.startswith(f"The mapping file {path} is not valid. {says}")


def test_a_missing_mapping_file_is_an_error(world: World, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "releases.csv").write_text(RELEASES)
    path = tmp_path / "none.json"
    error, _ = _refused(tmp_path, capsys, "--source", "Jail", "--mapping", str(path), code=2)
    assert error == f"The mapping file {path} could not be read: No such file or directory."


def test_a_file_that_does_not_exist_is_a_usage_error(world: World, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    error, _ = _refused(tmp_path, capsys, "--source", "Jail", file="missing.csv", code=2)
    assert error == f"FILE: {tmp_path / 'missing.csv'} names no file."
    (tmp_path / "folder").mkdir()
    error, _ = _refused(tmp_path, capsys, "--source", "Jail", file="folder", code=2)
    assert error == f"FILE: {tmp_path / 'folder'} is a folder, not a file."


def test_a_source_longer_than_the_database_takes_is_refused(
    world: World, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "releases.csv").write_text(RELEASES)
    _, err = _refused(tmp_path, capsys, "--source", "x" * 500)
    assert err.splitlines() == [
        "releases.csv: 1 problem(s) in 0 row(s); nothing was imported.",
        "  The source's name is 500 characters long; at most 120 are allowed.",
    ]


@pytest.mark.parametrize("day", ["2099-12-31", "0001-01-01"])
def test_a_data_through_date_outside_1900_to_today_is_refused(
    day: str, world: World, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "releases.csv").write_text(RELEASES)
    _, err = _refused(tmp_path, capsys, "--source", "Jail", "--data-through", day)
    assert err.splitlines() == [
        "releases.csv: 1 problem(s) in 0 row(s); nothing was imported.",
        "  The date the data is complete through must be between 1900-01-01 and today "
        f"({timezone.localdate().isoformat()}); {day} is not.",
    ]


def test_importing_a_file_again_says_to_add_replace(world: World, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "releases.csv"
    path.write_text(RELEASES)
    args = ("import", "--coalition", "riverton", "--kind", "releases", "--source", "Jail")
    _data(*args, str(path))
    with pytest.raises(CommandError):
        call_command("data", *args, str(path), stdout=StringIO(), stderr=StringIO())
    said = capsys.readouterr().err
    assert "This file was already imported on" in said
    assert "(releases from Jail). Add --replace to import it again in place of the" in said
    assert "Tick" not in said
