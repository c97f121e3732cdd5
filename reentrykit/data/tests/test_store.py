from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from reentrykit.data import store
from reentrykit.data.imports import import_file
from reentrykit.data.keys import person_key, pseudonym_secret, store_key
from reentrykit.testing import World

RELEASES = (
    "source_person_id,first_name,last_name,date_of_birth,release_date,facility_type\n"
    "J1,Annabelle,Leeward,1990-01-02,2023-02-01,jail\n"
)


def _imported(world: World, tmp_path: Path) -> Path:
    path = tmp_path / "r.csv"
    path.write_text(RELEASES)
    assert import_file(coalition=world.coalition, kind="releases", source_name="Jail", path=path).ok
    return store.store_path(world.coalition.pk)


def test_the_store_file_cannot_be_read_without_the_key(world: World, tmp_path: Path) -> None:
    path = _imported(world, tmp_path)
    raw = path.read_bytes()
    assert b"Annabelle" not in raw and b"Leeward" not in raw
    con = duckdb.connect()
    with pytest.raises(duckdb.Error):
        con.execute(f"ATTACH '{path}' AS s")
        con.execute("SELECT * FROM s.identity_records").fetchall()


def test_the_store_cannot_be_read_with_another_coalitions_key(world: World, tmp_path: Path) -> None:
    path = _imported(world, tmp_path)
    con = duckdb.connect(
        config={"autoload_known_extensions": False, "autoinstall_known_extensions": False}
    )
    con.execute(f"LOAD '{store.httpfs_extension_path()}'")
    with pytest.raises(duckdb.Error):
        con.execute(
            f"ATTACH '{path}' AS s (ENCRYPTION_KEY '{store_key(world.other.pk)}', READ_ONLY)"
        )
        con.execute("SELECT * FROM s.identity_records").fetchall()


def test_keys_differ_by_coalition_and_purpose(world: World) -> None:
    assert store_key(world.coalition.pk) != store_key(world.other.pk)
    assert pseudonym_secret(world.coalition.pk) != pseudonym_secret(world.other.pk)
    assert pseudonym_secret(world.coalition.pk).hex() != store_key(world.coalition.pk)
    key = person_key(pseudonym_secret(world.coalition.pk), "Jail\x1fJ1")
    assert len(key) == 64 and "J1" not in key
    assert key != person_key(pseudonym_secret(world.other.pk), "Jail\x1fJ1")


def test_a_reader_of_a_missing_store_gets_a_clear_error(world: World) -> None:
    with (
        pytest.raises(store.StoreError, match="No data has been imported"),
        store.open_store(world.coalition.pk),
    ):
        pass


def test_purging_rewrites_the_file_without_identities(world: World, tmp_path: Path) -> None:
    path = _imported(world, tmp_path)
    assert store.purge_identities(world.coalition.pk) == 1
    with store.open_store(world.coalition.pk) as con:
        assert store.table_count(con, "identity_records") == 0
        assert store.table_count(con, "raw_releases") == 1
        assert store.identities_purged(con)
    assert not path.with_name("store.rewrite.duckdb").exists()


def test_what_duckdb_spills_to_disk_is_encrypted(world: World) -> None:
    spill = store.store_path(world.coalition.pk).parent / "spill"
    with store.open_store(world.coalition.pk, write=True, threads=1) as con:
        con.execute("SET memory_limit = '32MB'")
        # Larger than the memory limit: part of it waits in the spill folder.
        con.execute(
            "CREATE TEMP TABLE scratch AS SELECT 'Annabelle' || i::VARCHAR || md5(i::VARCHAR) "
            "AS name FROM range(1500000) t(i)"
        )
        spilled = [path.read_bytes() for path in spill.iterdir()]
    assert spilled, "nothing was spilled, so the test proves nothing"
    assert not any(b"Annabelle" in data for data in spilled)
