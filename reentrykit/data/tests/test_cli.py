"""The `reentrykit data` command line: exit codes and JSON lines are a contract."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reentrykit.data.models import ImportBatch
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
    assert result == {"coalition": "riverton", "identity_records_removed": 2}
    with store.open_store(world.coalition.pk) as con:
        assert store.table_count(con, "identity_records") == 0
        assert store.table_count(con, "raw_releases") == 2
