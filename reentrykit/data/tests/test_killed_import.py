"""An import killed after the store committed its rows, before the batch switched to
"imported": the next import (which holds the store alone) takes what it left out."""

from __future__ import annotations

from pathlib import Path

import pytest

from reentrykit.data import imports, store
from reentrykit.data.imports import import_file
from reentrykit.data.models import BatchStatus, ImportBatch, Source
from reentrykit.testing import World

RELEASES = (
    "source_person_id,first_name,last_name,date_of_birth,sex,release_date,facility_type\n"
    "J1,Ann,Lee,1990-01-02,female,2023-02-01,jail\n"
    "J2,Bob,Ray,1985-05-06,male,2023-03-01,jail\n"
)
OTHER = (
    "source_person_id,first_name,last_name,date_of_birth,sex,release_date,facility_type\n"
    "P1,Dee,Fox,1980-03-04,female,2023-06-01,prison\n"
)


def _rows_of(world: World, batch_id: int) -> tuple[int, int]:
    with store.open_store(world.coalition.pk) as con:
        raw = con.execute(
            "SELECT count(*) FROM store.raw_releases WHERE batch_id = ?", [batch_id]
        ).fetchone()[0]
        identities = con.execute(
            "SELECT count(*) FROM store.identity_records WHERE batch_id = ?", [batch_id]
        ).fetchone()[0]
    return raw, identities


def test_the_next_import_removes_what_a_killed_import_left(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def killed(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the worker was killed here")

    # The process dies between the store's commit and Django's switch: no handler runs.
    monkeypatch.setattr(imports, "_latest_held", killed)
    monkeypatch.setattr(imports, "_undo_written", lambda *args, **kwargs: None)
    (tmp_path / "a.csv").write_text(RELEASES)
    with pytest.raises(RuntimeError):
        import_file(
            coalition=world.coalition, kind="releases", source_name="Jail", path=tmp_path / "a.csv"
        )
    orphan = ImportBatch.objects.get(status=BatchStatus.LOADING)
    assert _rows_of(world, orphan.pk) == (2, 2)  # names and birth dates in the store
    monkeypatch.undo()

    (tmp_path / "b.csv").write_text(OTHER)
    result = import_file(
        coalition=world.coalition, kind="releases", source_name="Prison", path=tmp_path / "b.csv"
    )
    assert result.ok
    assert _rows_of(world, orphan.pk) == (0, 0)
    assert not ImportBatch.objects.filter(status=BatchStatus.LOADING).exists()
    # The source only the killed import had named goes with it.
    assert list(Source.objects.values_list("name", flat=True)) == ["Prison"]
