"""Replacements: by content under another source, the first source keeps the latest date
of what it still holds; rows a failed tidying left behind go with the next one."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from reentrykit.data import imports, store
from reentrykit.data.models import BatchStatus, ImportBatch, Source
from reentrykit.data.tests.test_pipeline_rules import HEADER, RELEASES, _import, _write
from reentrykit.testing import World


def test_the_other_source_latest_date_follows_a_replacement_by_content(
    world: World, tmp_path: Path
) -> None:
    newer = _write(tmp_path, "newer.csv", RELEASES)  # latest release 2023-05-01
    older = _write(tmp_path, "older.csv", HEADER + "J7,Cy,Diaz,1970-01-01,male,2023-02-01,jail\n")
    assert _import(world, newer).ok
    assert _import(world, older).ok
    jail = Source.objects.get(name="County Jail")
    assert str(jail.latest_date) == "2023-05-01"
    # The same file as 'newer.csv' goes under the Sheriff's name, in place of the earlier.
    assert _import(world, newer, source="Sheriff", replace=True).ok
    jail_batches = ImportBatch.objects.filter(source=jail, status=BatchStatus.IMPORTED)
    assert jail_batches.count() == 1  # only older.csv remains under County Jail
    jail.refresh_from_db()
    assert str(jail.latest_date) == "2023-02-01", (
        f"County Jail now holds releases up to 2023-02-01 only, but its latest date "
        f"(its data_through) stays {jail.latest_date}"
    )


def test_rows_a_failed_tidying_left_go_with_the_next_replacement(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _write(tmp_path, "first.csv", RELEASES)
    assert _import(world, first).ok
    original = ImportBatch.objects.get()

    def failing(*args: object, **kwargs: object) -> None:
        raise duckdb.Error("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(imports, "_delete_batches", failing)
        second = _write(tmp_path, "second.csv", RELEASES.replace("2023-05-01", "2023-05-02"))
        assert _import(world, second, replace=True).ok

    def rows_of(batch: ImportBatch) -> int:
        with store.open_store(world.coalition.pk) as con:
            return con.execute(
                "SELECT count(*) FROM store.raw_releases WHERE batch_id = ?", [batch.pk]
            ).fetchone()[0]

    assert rows_of(original) == 2  # the replaced rows stayed (nothing reads them)
    third = _write(tmp_path, "third.csv", RELEASES.replace("2023-05-01", "2023-05-03"))
    assert _import(world, third, replace=True).ok
    assert rows_of(original) == 0
