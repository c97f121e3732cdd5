"""The coalition's analytic store: one encrypted DuckDB file per coalition.

This module is the only way to the person-level data. It opens an in-memory
DuckDB connection, loads the httpfs extension from the ``duckdb-ext-httpfs``
package (DuckDB refuses to write encrypted files without it, and nothing may be
downloaded at run time), and attaches the coalition's file as ``store`` with a
key derived from the master key. A copied file is unreadable without that key.

Tables in the store:
- ``raw_<kind>``: uploaded rows without identity fields, with ``batch_id``;
- ``identity_records``: names, dates of birth and identifiers, kept apart for
  linkage and removed by ``purge_identities``; one row per distinct identity of a
  source person in a batch, with ``row_count`` (the rows it stood on) and
  ``row_number`` (the first of them); read them through ``IDENTITY_ROWS``;
- ``person_map``: (source, source_person_id) -> person_key, from linkage;
- ``review_pairs`` / ``review_decisions``: the clerical review of linkage;
- ``a_<kind>``: the analytic tables (person_key, no names or birth dates).
"""

from __future__ import annotations

import glob
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from django.conf import settings

from reentrykit.data.keys import store_key
from reentrykit.data.schema import IDENTITY_COLUMNS, RECORD_TYPES, ColumnType, Kind

ANALYTIC_PREFIX = "a_"
RAW_PREFIX = "raw_"


# The identity records as one row per uploaded row, so that a name seen on ten
# bookings outweighs a typo seen on one (``mode()`` counts rows).
IDENTITY_ROWS = "(SELECT i.* EXCLUDE (row_count) FROM store.identity_records i, range(i.row_count))"


def identity_mode(expression: str) -> str:
    """The most frequent value of an identity field, ties going to the earliest row."""
    return f"mode({expression} ORDER BY batch_id, row_number)"


class StoreError(Exception):
    pass


class StoreBusy(StoreError):
    """Another job (or connection) holds the store: the same work can succeed later."""


def sql_literal(value: str) -> str:
    # ATTACH, LOAD and views take no bound parameters: text goes in as a quoted literal.
    return "'" + value.replace("'", "''") + "'"


def httpfs_extension_path() -> str:
    site = Path(duckdb.__file__).resolve().parent.parent
    pattern = str(
        site
        / "duckdb_ext"
        / "extensions"
        / f"v{duckdb.__version__}"
        / "*"
        / "httpfs.duckdb_extension"
    )
    matches = glob.glob(pattern)
    if not matches:
        raise StoreError(
            f"The httpfs extension for DuckDB {duckdb.__version__} is missing; install the "
            f"duckdb-ext-httpfs package of the same version."
        )
    return matches[0]


def coalition_dir(coalition_id: int) -> Path:
    return Path(settings.DATA_DIR) / "coalitions" / str(int(coalition_id))


def scratch_dir(coalition_id: int) -> Path:
    """Where the coalition's files live while a job reads them (each reader removes its own)."""
    return coalition_dir(coalition_id) / "scratch"


def store_path(coalition_id: int) -> Path:
    return coalition_dir(coalition_id) / "store.duckdb"


def _sql_type(column_type: ColumnType) -> str:
    return {ColumnType.DATE: "DATE", ColumnType.BOOL: "BOOLEAN"}.get(column_type, "VARCHAR")


def _create_tables(con: duckdb.DuckDBPyConnection) -> None:
    for kind, record_type in RECORD_TYPES.items():
        columns = ", ".join(
            f"{column.name} {_sql_type(column.type)}" for column in record_type.analytic_columns
        )
        con.execute(
            f"CREATE TABLE IF NOT EXISTS store.{RAW_PREFIX}{kind} ("
            f"batch_id BIGINT NOT NULL, source VARCHAR NOT NULL, row_number BIGINT NOT NULL, "
            f"source_person_id VARCHAR NOT NULL, {columns})"
        )
    identity = ", ".join(f"{c.name} {_sql_type(c.type)}" for c in IDENTITY_COLUMNS)
    con.execute(
        "CREATE TABLE IF NOT EXISTS store.identity_records ("
        "batch_id BIGINT NOT NULL, kind VARCHAR NOT NULL, source VARCHAR NOT NULL, "
        f"row_number BIGINT NOT NULL, source_person_id VARCHAR NOT NULL, {identity}, "
        "residence_zip VARCHAR, row_count BIGINT NOT NULL DEFAULT 1)"
    )
    # Stores written before identities were stored once per distinct identity.
    con.execute(
        "ALTER TABLE store.identity_records ADD COLUMN IF NOT EXISTS row_count BIGINT DEFAULT 1"
    )
    con.execute(
        "CREATE TABLE IF NOT EXISTS store.person_map ("
        "source VARCHAR NOT NULL, source_person_id VARCHAR NOT NULL, person_key VARCHAR NOT NULL, "
        "age_reference_dob DATE, PRIMARY KEY (source, source_person_id))"
    )
    con.execute(
        "CREATE TABLE IF NOT EXISTS store.review_pairs ("
        "source_l VARCHAR, source_person_id_l VARCHAR, "
        "source_r VARCHAR, source_person_id_r VARCHAR, "
        "match_probability DOUBLE, match_weight DOUBLE)"
    )
    con.execute(
        "CREATE TABLE IF NOT EXISTS store.review_decisions ("
        "source_l VARCHAR, source_person_id_l VARCHAR, "
        "source_r VARCHAR, source_person_id_r VARCHAR, "
        "decision VARCHAR NOT NULL, decided_by VARCHAR, decided_at TIMESTAMP, "
        "PRIMARY KEY (source_l, source_person_id_l, source_r, source_person_id_r))"
    )
    con.execute("CREATE TABLE IF NOT EXISTS store.meta (key VARCHAR PRIMARY KEY, value VARCHAR)")


@contextmanager
def open_store(
    coalition_id: int, *, write: bool = False, threads: int | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection with the coalition's encrypted store attached as ``store``,
    using ``threads`` threads (by default ``settings.DATA_THREADS``; 0: every core).

    Readers of a store that does not exist yet get a clear StoreError. Writers
    create it. The default catalog stays in memory, so scratch tables (linkage,
    staging) reach the disk only when DuckDB spills them, encrypted, into a folder
    inside the coalition's folder that is removed afterwards.
    """
    path = store_path(coalition_id)
    if not write and not path.exists():
        raise StoreError("No data has been imported for this coalition yet.")
    path.parent.mkdir(parents=True, exist_ok=True)
    spill = path.parent / "spill"
    config: dict[str, str | bool | int] = {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "temp_directory": str(spill),
        # What DuckDB spills there (scratch tables, large sorts and joins) is
        # encrypted too: without this it would reach the disk as plain text.
        "temp_file_encryption": True,
    }
    threads = settings.DATA_THREADS if threads is None else threads
    if threads:
        config["threads"] = threads
    con = duckdb.connect(":memory:", config=config)
    try:
        con.execute(f"LOAD {sql_literal(httpfs_extension_path())}")
        options = f"ENCRYPTION_KEY {sql_literal(store_key(coalition_id))}"
        if not write:
            options += ", READ_ONLY"
        try:
            con.execute(f"ATTACH {sql_literal(str(path))} AS store ({options})")
        except (duckdb.IOException, duckdb.BinderException) as error:
            if "encryption key" in str(error).lower():
                raise StoreError(
                    "The coalition's data store was written under another master key: set "
                    "REENTRYKIT_MASTER_KEY (or _FILE) back to the key it was written with."
                ) from error
            # IOException: another process holds the file; BinderException "Unique file
            # handle conflict": another connection of this one (a thread of the web
            # server) has it attached. Other binder errors are not a busy store.
            if isinstance(error, duckdb.BinderException) and "conflict" not in str(error):
                raise
            raise StoreBusy(
                "The coalition's data store is busy with another job; try again in a minute."
            ) from error
        if write:
            _create_tables(con)
        yield con
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


@contextmanager
def uploaded_rows_compression(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Write uploaded rows with zstd rather than DuckDB's default string compression.

    Choosing the default (DICT_FSST) for millions of distinct ids costs more than
    reading the file; zstd writes the same rows in less than half the time, into a
    file about 2.6 times larger. Only the raw and identity tables, written once per
    upload, use it; the analytic tables read by every refresh keep the default.
    """
    con.execute("SET force_compression = 'zstd'")
    try:
        yield
    finally:
        con.execute("RESET force_compression")


def store_exists(coalition_id: int) -> bool:
    return store_path(coalition_id).exists()


def table_count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM store.{table}").fetchone()  # noqa: S608 - fixed names
    return int(row[0]) if row else 0


def raw_table(kind: Kind | str) -> str:
    return f"{RAW_PREFIX}{Kind(kind)}"


def analytic_table(kind: Kind | str) -> str:
    return f"{ANALYTIC_PREFIX}{Kind(kind)}"


def purge_identities(coalition_id: int) -> int:
    """Delete every name, birth date and identifier; linkage can no longer be redone."""
    with open_store(coalition_id, write=True) as con:
        removed = table_count(con, "identity_records")
        con.execute("DELETE FROM store.identity_records")
        con.execute("DELETE FROM store.review_pairs")
        # Linkage keeps each person's birth date for the age at release: an identity too.
        con.execute("UPDATE store.person_map SET age_reference_dob = NULL")
        # The batches whose identities are gone: a batch imported later brings its own.
        maxima = " UNION ALL ".join(
            f"SELECT max(batch_id) AS batch_id FROM store.{raw_table(kind)}"  # noqa: S608 - fixed names
            for kind in RECORD_TYPES
        )
        last = con.execute(f"SELECT max(batch_id) FROM ({maxima})").fetchone()  # noqa: S608
        con.execute(
            "INSERT OR REPLACE INTO store.meta "
            "VALUES ('identities_purged_at', CAST(now() AS VARCHAR))"
        )
        con.execute(
            "INSERT OR REPLACE INTO store.meta VALUES ('identities_purged_through_batch', ?)",
            [str(last[0] if last and last[0] is not None else 0)],
        )
    _rewrite(coalition_id)
    return removed


def _rewrite(coalition_id: int) -> None:
    """Copy the store into a fresh file, so deleted rows leave no blocks behind."""
    import os

    path = store_path(coalition_id)
    fresh = path.with_name("store.rewrite.duckdb")
    fresh.unlink(missing_ok=True)
    key = sql_literal(store_key(coalition_id))
    con = duckdb.connect(
        ":memory:",
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False},
    )
    try:
        con.execute(f"LOAD {sql_literal(httpfs_extension_path())}")
        con.execute(f"ATTACH {sql_literal(str(path))} AS old (ENCRYPTION_KEY {key}, READ_ONLY)")
        con.execute(f"ATTACH {sql_literal(str(fresh))} AS fresh (ENCRYPTION_KEY {key})")
        con.execute("COPY FROM DATABASE old TO fresh")
        con.execute("DETACH old")
        con.execute("DETACH fresh")
    finally:
        con.close()
    os.replace(fresh, path)
    path.with_name(path.name + ".wal").unlink(missing_ok=True)


def identities_purged(con: duckdb.DuckDBPyConnection, batch_ids: list[int] | None = None) -> bool:
    """Whether identities were purged; given ``batch_ids``, whether any of those
    batches lost its identities (a batch imported after the purge has its own)."""
    row = con.execute("SELECT value FROM store.meta WHERE key = 'identities_purged_at'").fetchone()
    if row is None or batch_ids is None:
        return row is not None
    through = con.execute(
        "SELECT value FROM store.meta WHERE key = 'identities_purged_through_batch'"
    ).fetchone()
    if through is None:  # purged before the batches were recorded
        return True
    return any(batch_id <= int(through[0]) for batch_id in batch_ids)


def delete_store(coalition_id: int) -> None:
    shutil.rmtree(coalition_dir(coalition_id), ignore_errors=True)
