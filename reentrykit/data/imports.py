"""Importing a partner's file: check, validate every row, then write it all or nothing."""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from django.db import transaction
from django.db.models import Q

from reentrykit.coalitions.models import Coalition
from reentrykit.data import store
from reentrykit.data.models import BatchStatus, ColumnMapping, ImportBatch, Source
from reentrykit.data.progress import Progress, no_progress
from reentrykit.data.reader import (
    DataFile,
    FileProblem,
    check_size,
    data_file,
    explain_read_error,
    inspect_file,
    load_staging,
    row_lines,
    scan_file,
)
from reentrykit.data.schema import IDENTITY_COLUMNS, RECORD_TYPES, Kind
from reentrykit.data.validation import (
    Mapping,
    MappingProblem,
    Report,
    data_through_problem,
    validate_staging,
)

SOURCE_NAME_MAX_LENGTH: int = Source._meta.get_field("name").max_length  # type: ignore[assignment]


@dataclass
class ImportResult:
    ok: bool
    report: Report
    batch: ImportBatch | None = None
    messages: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        if self.ok and self.batch is not None:
            return {"batch": self.batch.pk, "kind": self.batch.kind, "rows": self.batch.rows}
        return {"errors": self.report.as_dict()}


def _refuse(report: Report, message: str) -> ImportResult:
    report.file_errors.append(message)
    return ImportResult(ok=False, report=report)


def source_name_problem(name: str) -> str | None:
    """What is wrong with the (stripped) name of a source, or None: checked before the
    first write, as the database would refuse it midway."""
    if not name:
        return "Name the source (the partner agency) of the file."
    if len(name) > SOURCE_NAME_MAX_LENGTH:
        return (
            f"The source's name is {len(name)} characters long; "
            f"at most {SOURCE_NAME_MAX_LENGTH} are allowed."
        )
    return None


def saved_mapping(coalition: Coalition, source_name: str, kind: str) -> Mapping | None:
    mapping = ColumnMapping.objects.filter(
        coalition=coalition, source__name=source_name, kind=kind
    ).first()
    if mapping is None:
        return None
    try:
        return Mapping.from_json(mapping.mapping)
    except MappingProblem:
        # Saved before mappings were checked as they are now: the file's columns are
        # then resolved (or mapped) afresh, as for a new source.
        return None


def _already_imported(coalition: Coalition, digest: str) -> str | None:
    duplicate = ImportBatch.objects.filter(
        coalition=coalition, sha256=digest, status=BatchStatus.IMPORTED
    ).first()
    if duplicate is None:
        return None
    return (
        f"This file was already imported on {duplicate.created_at:%Y-%m-%d} "
        f"({duplicate.kind} from {duplicate.source.name}). "
        "Tick “Replace what was imported before” to import it again in place of the "
        "earlier data."
    )


def import_file(
    *,
    coalition: Coalition,
    kind: str,
    source_name: str,
    path: Path | DataFile,
    file_name: str | None = None,
    mapping: Mapping | None = None,
    replace: bool = False,
    data_through: dt.date | None = None,
    user: Any = None,
    progress: Progress = no_progress,
) -> ImportResult:
    """Validate every row of the file and, only if all pass, add them to the store.

    The same file (by content) is refused unless ``replace`` is set; with it, the
    new file replaces everything imported before from that source and kind.
    """
    record_type = RECORD_TYPES[Kind(kind)]
    file = data_file(path)
    file_name = file_name or file.name
    report = Report(file_name=file_name)
    source_name = source_name.strip()
    refusal = source_name_problem(source_name) or (
        data_through_problem(data_through) if data_through else None
    )
    if refusal:
        return _refuse(report, refusal)
    if mapping is None:
        mapping = saved_mapping(coalition, source_name, kind) or Mapping()
    progress(0.02, "Checking the file")
    try:
        check_size(file)  # before anything reads the file
    except FileProblem as problem:
        return _refuse(report, str(problem))
    except OSError as error:
        return _refuse(report, f"The file could not be opened: {error.strerror}.")
    scratch = store.scratch_dir(coalition.pk) / uuid.uuid4().hex
    scratch.mkdir(parents=True, exist_ok=True)
    # The file's digest (and line count) is computed while DuckDB reads it (hashlib
    # releases the GIL).
    with ThreadPoolExecutor(max_workers=1) as pool:
        scan_job = pool.submit(scan_file, file)
        try:
            with store.open_store(coalition.pk, write=True) as con:
                try:
                    info = inspect_file(file, scratch)
                    load_staging(con, info)  # DuckDB reads a sample of the file here
                except FileProblem as problem:
                    return _refuse(report, str(problem))
                except duckdb.Error as error:
                    return _refuse(report, explain_read_error(error))
                progress(0.1, "Reading and checking every row")
                report = validate_staging(
                    con,
                    record_type=record_type,
                    headers=info.headers,
                    mapping=mapping,
                    file_name=file_name,
                    row_lines=lambda rows: row_lines(info, scan_job.result(), rows),
                    # A Parquet file's date columns reach validation as ISO dates, as a
                    # workbook's date cells do.
                    typed_dates=info.format in ("xlsx", "parquet"),
                )
                if not report.ok:
                    return ImportResult(ok=False, report=report)
                digest = scan_job.result().sha256
                refusal = _already_imported(coalition, digest) if not replace else None
                if refusal:
                    return _refuse(report, refusal)
                progress(0.6, "Saving the rows")
                batch = _write_batch(
                    con,
                    coalition=coalition,
                    kind=Kind(kind),
                    source_name=source_name,
                    file_name=file_name,
                    digest=digest,
                    rows=report.rows,
                    replace=replace,
                    mapping=mapping,
                    data_through=data_through,
                    user=user,
                )
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    progress(1.0, f"Imported {batch.rows} row{'s' if batch.rows != 1 else ''}")
    return ImportResult(ok=True, report=report, batch=batch)


def _write_batch(
    con: duckdb.DuckDBPyConnection,
    *,
    coalition: Coalition,
    kind: Kind,
    source_name: str,
    file_name: str,
    digest: str,
    rows: int,
    replace: bool,
    mapping: Mapping,
    data_through: dt.date | None,
    user: Any,
) -> ImportBatch:
    # The batch row is committed first as "loading"; analytic steps only ever read
    # batches marked "imported", so a crash between the two commits leaves nothing
    # visible, and the store's rows of an unfinished batch are ignored and cleaned up.
    _remove_unfinished(con, coalition)
    with transaction.atomic():
        source, created = Source.objects.get_or_create(coalition=coalition, name=source_name)
        batch = ImportBatch.objects.create(
            coalition=coalition,
            source=source,
            kind=kind,
            file_name=file_name[:255],
            sha256=digest,
            rows=rows,
            created_by=user if getattr(user, "pk", None) else None,
        )
    # With replace: every imported batch of this source and kind, and the same file
    # (by content) wherever it was imported before, under any source name.
    replaced = (
        dict(
            ImportBatch.objects.filter(coalition=coalition, status=BatchStatus.IMPORTED)
            .filter(Q(source=source, kind=kind) | Q(sha256=digest))
            .values_list("pk", "kind")
        )
        if replace
        else {}
    )
    # Large inserts are compressed as their row groups are flushed, small ones at the
    # checkpoint: both inside the scope.
    with store.uploaded_rows_compression(con):
        try:
            con.execute("BEGIN TRANSACTION")
            insert_batch_rows(con, kind=kind, batch_id=batch.pk, source=source_name, replaced=[])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            _forget_batch(batch, source if created else None)
            raise
        try:
            con.execute("CHECKPOINT store")
        except BaseException:
            _undo_written(con, batch, kind, source if created else None)
            raise
    # The replaced rows stay in the store until Django has switched the batches: a
    # failure before that leaves the old file in force, whole, and this batch's rows
    # are taken out again (nothing of a failed import stays).
    try:
        # The latest date of what each source holds once the batches switch: this one
        # (a replacement may lower it), and any other that loses the same file.
        latest = _latest_held(con, source.pk, dropped=replaced, added=batch)
        others = {
            other_id: _latest_held(con, other_id, dropped=replaced)
            for other_id in ImportBatch.objects.filter(pk__in=replaced)
            .exclude(source=source)
            .values_list("source_id", flat=True)
            .distinct()
        }
        with transaction.atomic():
            for old in ImportBatch.objects.filter(pk__in=replaced):
                old.status = BatchStatus.REPLACED
                old.save()
            for other in Source.objects.filter(pk__in=list(others)):
                other.latest_date = others[other.pk]
                other.save()
            batch.status = BatchStatus.IMPORTED
            batch.save()
            source.latest_date = latest
            if data_through:
                source.declared_data_through = data_through
            source.save()
            if mapping.columns or mapping.values or mapping.date_format != "%Y-%m-%d":
                ColumnMapping.objects.update_or_create(
                    coalition=coalition,
                    source=source,
                    kind=kind,
                    defaults={"mapping": mapping.to_json()},
                )
    except BaseException:
        _undo_written(con, batch, kind, source if created else None)
        raise
    if replaced:
        # Rows of replaced batches are never read again; removing them is tidying. Every
        # replaced batch of the coalition is taken: rows a failed tidying left go now.
        by_kind: dict[Kind, list[int]] = {}
        for pk, batch_kind in ImportBatch.objects.filter(
            coalition=coalition, status=BatchStatus.REPLACED
        ).values_list("pk", "kind"):
            by_kind.setdefault(Kind(batch_kind), []).append(pk)
        try:
            con.execute("BEGIN TRANSACTION")
            for batch_kind, pks in by_kind.items():
                _delete_batches(con, batch_kind, pks)
            con.execute("COMMIT")
        except duckdb.Error:
            con.execute("ROLLBACK")  # left for the next replacement; nothing reads them
    return batch


def _remove_unfinished(con: duckdb.DuckDBPyConnection, coalition: Coalition) -> None:
    """Take out the batches an import left "loading" when its process died after the
    store committed their rows (no handler ran): only an import holding the store
    writes such a batch, so while this one holds it, any other is unfinished for good.
    Their rows go, and their source if no other file came from it."""
    for batch in ImportBatch.objects.filter(
        coalition=coalition, status=BatchStatus.LOADING
    ).select_related("source"):
        _undo_written(con, batch, Kind(batch.kind), batch.source)


def _undo_written(
    con: duckdb.DuckDBPyConnection, batch: ImportBatch, kind: Kind, new_source: Source | None
) -> None:
    """Take a batch whose rows the store committed back out, after a later step failed."""
    try:
        _delete_batches(con, Kind(kind), [batch.pk])
    finally:
        _forget_batch(batch, new_source)


def _forget_batch(batch: ImportBatch, new_source: Source | None) -> None:
    """Undo the batch row committed before a write that failed, and its source if this
    import made it: a source with no batch is one no file came from."""
    with transaction.atomic():
        batch.delete()
        if new_source is not None and not new_source.batches.exists():
            new_source.delete()


def insert_batch_rows(
    con: duckdb.DuckDBPyConnection, *, kind: Kind, batch_id: int, source: str, replaced: list[int]
) -> None:
    """Copy the validated rows into the store: descriptors and identities apart."""
    record_type = RECORD_TYPES[kind]
    raw = store.raw_table(kind)
    if replaced:
        _delete_batches(con, kind, replaced)
    analytic = ", ".join(c.name for c in record_type.analytic_columns)
    con.execute(
        f"INSERT INTO store.{raw} (batch_id, source, row_number, source_person_id, {analytic}) "  # noqa: S608
        f"SELECT ?, ?, file_line(rowid), source_person_id, {analytic} FROM checked",
        [batch_id, source],
    )
    identity = ", ".join(c.name for c in IDENTITY_COLUMNS)
    zip_column = "residence_zip" if kind == Kind.RELEASES else "CAST(NULL AS VARCHAR)"
    # A person's identity repeats on each of their rows; it is stored once, with a count.
    con.execute(
        "INSERT INTO store.identity_records (batch_id, kind, source, row_number, "  # noqa: S608
        f"source_person_id, {identity}, residence_zip, row_count) "
        f"SELECT ?, ?, ?, min(file_line(rowid)), source_person_id, {identity}, {zip_column}, "
        "count(*) "
        f"FROM checked GROUP BY source_person_id, {identity}, {zip_column}",
        [batch_id, kind.value, source],
    )


def _delete_batches(con: duckdb.DuckDBPyConnection, kind: Kind, batch_ids: list[int]) -> None:
    placeholders = ", ".join("?" for _ in batch_ids)
    raw = store.raw_table(kind)
    con.execute(f"DELETE FROM store.{raw} WHERE batch_id IN ({placeholders})", batch_ids)  # noqa: S608
    con.execute(
        f"DELETE FROM store.identity_records WHERE batch_id IN ({placeholders})",  # noqa: S608
        batch_ids,
    )


def _latest_held(
    con: duckdb.DuckDBPyConnection,
    source_id: int,
    *,
    dropped: Iterable[int],
    added: ImportBatch | None = None,
) -> dt.date | None:
    """The latest date among a source's imported batches, less ``dropped`` and with
    ``added`` (not imported yet)."""
    batches: dict[Kind, list[int]] = {Kind(added.kind): [added.pk]} if added else {}
    for pk, kind in (
        ImportBatch.objects.filter(source_id=source_id, status=BatchStatus.IMPORTED)
        .exclude(pk__in=list(dropped))
        .values_list("pk", "kind")
    ):
        batches.setdefault(Kind(kind), []).append(pk)
    return _latest_date(con, batches)


def _latest_date(con: duckdb.DuckDBPyConnection, batches: dict[Kind, list[int]]) -> dt.date | None:
    """The latest date, each kind by its date column, of the rows of ``batches``."""
    latest: dt.date | None = None
    for kind, batch_ids in batches.items():
        column = RECORD_TYPES[kind].date_column
        placeholders = ", ".join("?" for _ in batch_ids)
        row = con.execute(
            f"SELECT max({column}) FROM store.{store.raw_table(kind)} "  # noqa: S608
            f"WHERE batch_id IN ({placeholders})",
            batch_ids,
        ).fetchone()
        if row and row[0] and (latest is None or row[0] > latest):
            latest = row[0]
    return latest
