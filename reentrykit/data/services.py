"""Starting imports and linkage: the steps the web upload and the API share.

Both save the file into the coalition's uploads folder, sealed (encrypted,
``reentrykit.data.sealed``), read its headers to see whether the columns resolve, and
hand the work to a ``DataJob`` that the task worker runs through
``reentrykit.data.imports.import_file``; the task deletes the file when it ends. A
file nobody imports (a web upload whose column mapping was never confirmed) is
person-level data too: :func:`stale_uploads_remove` deletes it once it is older than
``DATA_UPLOAD_RETENTION_HOURS``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from reentrykit.coalitions.models import Coalition
from reentrykit.coalitions.services import coalition_hold
from reentrykit.data import sealed, selectors, store
from reentrykit.data.imports import saved_mapping
from reentrykit.data.models import DataJob, JobKind, JobStatus, PersonLevelAccess
from reentrykit.data.reader import (
    FileInfo,
    FileProblem,
    check_workbook_name,
    inspect_file,
)
from reentrykit.data.schema import RECORD_TYPES, ColumnType, Kind, RecordType
from reentrykit.data.suggest import suggest_columns
from reentrykit.data.tasks import enqueue_job
from reentrykit.data.validation import (
    WHOLE_ROW,
    Mapping,
    ambiguous_columns,
    guess_date_format,
    resolve_columns,
)

TOO_LARGE = "The file is larger than the upload limit; split it by year."


@dataclass(frozen=True)
class UploadColumns:
    """What a saved upload's headers give for its kind and mapping."""

    headers: tuple[str, ...]
    problems: list[str]  # empty when every required column resolves
    missing: list[str]  # required canonical columns not found
    # How the file's first rows write dates, where a common way reads them all.
    date_format: str | None = None
    # Whether the mapping reads those dates (False: the rows would be refused).
    dates_fit: bool = True
    # Another kind whose required columns the headers name, when this kind's are missing.
    looks_like: Kind | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def upload_save(*, coalition: Coalition, uploaded: UploadedFile) -> Path:
    """Seal the upload into the coalition's uploads folder under a random name.

    Raises ``FileProblem`` for a file over ``DATA_MAX_UPLOAD_BYTES`` or named as a
    workbook that is not one, before writing.
    """
    if (uploaded.size or 0) > settings.DATA_MAX_UPLOAD_BYTES:
        raise FileProblem(TOO_LARGE)
    # The sealed copy has a random name: the upload's own is checked here (a large
    # upload arrives sealed, and is read by chunks).
    check_workbook_name(uploaded.name or "", next(uploaded.chunks(), b"")[:4])
    stale_uploads_remove(coalition_id=coalition.pk)
    folder = uploads_dir(coalition.pk)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{uuid.uuid4().hex}.sealed"
    sealed.seal(uploaded.chunks(), target, coalition_id=coalition.pk)
    return target


def uploads_dir(coalition_id: int) -> Path:
    return store.coalition_dir(coalition_id) / "uploads"


def stale_uploads_remove(*, coalition_id: int | None = None, every_age: bool = False) -> int:
    """Delete the uploads (of one coalition, else of all) older than
    ``DATA_UPLOAD_RETENTION_HOURS`` (``every_age``: however new) that no queued or
    running import will read, and the scratch folders that old where no import is
    running (a crashed job leaves its sealed workbook CSV there, which nothing can
    open); returns how many were deleted."""
    cutoff = (
        float("inf") if every_age else time.time() - settings.DATA_UPLOAD_RETENTION_HOURS * 3600
    )
    jobs = DataJob.objects.filter(
        kind=JobKind.IMPORT, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    )
    if coalition_id is not None:
        jobs = jobs.filter(coalition_id=coalition_id)
    jobs = list(jobs.only("params", "status", "coalition_id"))
    waiting = {str(Path(job.params.get("path", ""))) for job in jobs}
    reading = {job.coalition_id for job in jobs if job.status == JobStatus.RUNNING}
    ids = (
        [coalition_id]
        if coalition_id is not None
        else Coalition.objects.order_by("pk").values_list("pk", flat=True)
    )
    folders = [uploads_dir(pk) for pk in ids]
    folders += [store.scratch_dir(pk) for pk in ids if pk not in reading]
    removed = 0
    for folder in folders:
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            if str(entry) in waiting or entry.lstat().st_mtime >= cutoff:
                continue
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed += 1
    return removed


def upload_columns(
    *, coalition: Coalition, path: Path, kind: str, source: str, mapping: Mapping | None = None
) -> UploadColumns:
    """Read the saved (sealed) file's headers and resolve them with ``mapping`` (else
    the one saved for the source and kind, else the canonical names).

    Raises ``FileProblem`` when the file cannot be read; the file is deleted then.
    """
    try:
        info = _inspect_sealed(path, coalition_id=coalition.pk)
    except FileProblem:
        path.unlink(missing_ok=True)
        raise
    record_type = RECORD_TYPES[Kind(kind)]
    if mapping is None:
        mapping = saved_mapping(coalition, source, kind) or Mapping()
    resolved, problems, _ = resolve_columns(record_type, info.headers, mapping)
    # A column two headers could be is not missing: the problems say which to choose.
    ambiguous = ambiguous_columns(record_type, info.headers, mapping)
    missing = [n for n in record_type.required_names if n not in resolved and n not in ambiguous]
    date_format = _date_format_of(record_type, info, resolved, mapping)
    return UploadColumns(
        headers=info.headers,
        problems=problems,
        missing=missing,
        date_format=date_format,
        # The guess tries the mapping's way first: another way found means it fails.
        dates_fit=date_format in (None, mapping.date_format),
        looks_like=_other_kind(record_type, info.headers) if missing else None,
    )


def _other_kind(record_type: RecordType, headers: tuple[str, ...]) -> Kind | None:
    """The first other kind whose required columns ``headers`` all name as they are."""
    for other in RECORD_TYPES.values():
        if other.kind != record_type.kind:
            resolved, _, _ = resolve_columns(other, headers, Mapping())
            if all(name in resolved for name in other.required_names):
                return other.kind
    return None


def _date_format_of(
    record_type: RecordType, info: FileInfo, resolved: dict[str, str], mapping: Mapping
) -> str | None:
    """How the sample rows write their dates: the mapping's way if it reads them all,
    else the first common way that does (``guess_date_format``)."""
    headers = {**suggest_columns(record_type, info.headers), **resolved}
    at = {header: index for index, header in enumerate(info.headers)}
    dated = [
        at[headers[column.name]]
        for column in record_type.columns
        if column.type == ColumnType.DATE and column.name in headers
    ]
    values = [row[index] for row in info.sample for index in dated if index < len(row)]
    return guess_date_format(values, first=mapping.date_format)


def _inspect_sealed(path: Path, *, coalition_id: int) -> FileInfo:
    """The sealed upload's format and headers, read in place: a CSV's first bytes, a
    Parquet file's footer, or a workbook turned into sealed CSV in a scratch folder
    that goes when this returns."""
    scratch = store.scratch_dir(coalition_id)
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch) as folder:
        return inspect_file(
            sealed.SealedFile.of_upload(path, coalition_id=coalition_id), Path(folder)
        )


def import_params(
    *,
    path: Path,
    file_name: str,
    kind: str,
    source: str,
    replace: bool,
    data_through: dt.date | None,
    mapping: Mapping | None = None,
    via: str = "web",
) -> dict[str, Any]:
    """The parameters ``run_import_job`` reads from an import job."""
    params: dict[str, Any] = {
        "path": str(path),
        "file_name": file_name,
        "kind": kind,
        "source": source.strip(),
        "replace": replace,
        "data_through": data_through.isoformat() if data_through else None,
        "via": via,
    }
    if mapping is not None:
        params["mapping"] = mapping.to_json()
    return params


@transaction.atomic
def data_job_start(
    *, coalition: Coalition, kind: str, user: Any, params: dict[str, Any] | None = None
) -> DataJob:
    """Record an import or linkage job and queue it for the worker (after commit); for
    an upload that already has its import (a form sent twice at once), that one."""
    if kind not in JobKind.values:
        raise ValueError(f"Unknown job kind: {kind}")
    if kind == JobKind.IMPORT and params and params.get("path"):
        # Of two requests at once, the second looks once the first's job is saved.
        coalition_hold(coalition_id=coalition.pk)
        started = selectors.upload_import_job(coalition=coalition, path=params["path"])
        if started is not None:
            return started
        # The upload is fresh again: a sweep that listed the waiting imports just before
        # this one was recorded (or committed) would otherwise delete it if it had
        # waited nearly the retention time for its column mapping.
        with contextlib.suppress(OSError):
            os.utime(params["path"])
    job = DataJob.objects.create(
        coalition=coalition, kind=kind, params=params or {}, created_by=user
    )
    enqueue_job(job)
    return job


def job_problems_viewed(*, job: DataJob, user: Any, result: dict[str, Any], via: str) -> None:
    """Logs a view of a failed import's problem table: it quotes the file's cells
    (names, birth dates), so it is person-level data like the review pairs."""
    problems = (result.get("errors") or {}).get("problems") or []
    # The rows of the file whose cells the table quotes: a row breaking three rules is
    # one row, and a duplicate row is named by its number alone.
    rows = {p.get("row") for p in problems if p.get("column") != WHOLE_ROW}
    if rows:
        PersonLevelAccess.objects.create(
            coalition_id=job.coalition_id,
            user=user,
            action="view",
            what=f"problems of import job {job.pk} (the file's cells)",
            rows=len(rows),
            reason="checking a failed import",
            via=via,
        )


PURGED_REPORT = (
    "This report quoted cells of the file, names and birth dates among them; it was "
    "deleted with the coalition's identities."
)


def identities_purge(*, coalition: Coalition) -> dict[str, int]:
    """Delete every name, birth date and identifier of the coalition (``store``), the
    failed imports' reports, which quote such cells from their files, and the uploads no
    import is waiting to read (those left at the column-mapping step hold them too)."""
    removed = store.purge_identities(coalition.pk)
    stale_uploads_remove(coalition_id=coalition.pk, every_age=True)
    reports = DataJob.objects.filter(
        coalition=coalition, kind=JobKind.IMPORT, status=JobStatus.FAILED
    ).update(result={"error": PURGED_REPORT})
    return {"identity_records_removed": removed, "import_reports_removed": reports}
