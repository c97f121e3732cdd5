"""Uploads and linkage for data stewards: the web's path (save, check the columns,
queue a job for the worker), answered in JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from reentrykit.api.schemas import COALITION, ERRORS, FORBIDDEN, Detail
from reentrykit.core.access import Capability, get_coalition_for, get_object_in
from reentrykit.data import selectors, services
from reentrykit.data.imports import source_name_problem
from reentrykit.data.models import DataJob, JobKind
from reentrykit.data.reader import FileProblem
from reentrykit.data.schema import Kind
from reentrykit.data.validation import Mapping, MappingProblem, data_through_problem

router = Router(tags=["data"])


class JobStarted(Schema):
    job: int
    status: str
    status_url: str


class JobState(Schema):
    job: int
    kind: str
    status: str
    percent: int
    message: str
    result: dict[str, Any]


class Unmapped(Schema):
    detail: str
    missing: list[str]
    headers: list[str]


def _started(request: HttpRequest, job: DataJob) -> Status:
    url = reverse("api:data_job", kwargs={"coalition_slug": job.coalition.slug, "job_id": job.pk})
    return Status(
        202, {"job": job.pk, "status": job.status, "status_url": request.build_absolute_uri(url)}
    )


def _mapping(text: str | None) -> Mapping | None:
    if not text or not text.strip():
        return None
    try:
        return Mapping.from_text(text)
    except MappingProblem as problem:
        raise HttpError(422, f"The mapping is not valid. {problem}") from None


@router.post(
    COALITION + "/data/imports",
    response={202: JobStarted, 413: Detail, 422: Unmapped | Detail, **ERRORS, **FORBIDDEN},
    url_name="data_import",
    operation_id="data_import",
    summary="Upload a partner's file and queue its import",
)
def data_import(
    request: HttpRequest,
    coalition_slug: str,
    file: File[UploadedFile],
    kind: Form[Kind],
    source: Form[str],
    replace: Form[bool] = False,
    data_through: Form[dt.date | None] = None,
    mapping: Form[str | None] = None,
) -> Any:
    """Like `reentrykit data import`: `kind`, `source` (the partner agency), `replace`,
    `data_through` (YYYY-MM-DD) and `mapping` (the JSON of the command line's
    `--mapping` file). The import runs in the background; poll `status_url`. A file
    whose columns do not resolve is refused (422) with the missing columns and the
    headers found; nothing is kept."""
    access = get_coalition_for(request, coalition_slug, need=Capability.PERSON_LEVEL)
    source = source.strip()
    refusal = source_name_problem(source)
    if refusal:
        raise HttpError(422, refusal)
    if data_through and (refusal := data_through_problem(data_through)):
        raise HttpError(422, f"data_through: {refusal}")
    parsed = _mapping(mapping)
    try:
        path = services.upload_save(coalition=access.coalition, uploaded=file)
    except FileProblem as problem:
        raise HttpError(413, str(problem)) from None
    try:
        columns = services.upload_columns(
            coalition=access.coalition, path=path, kind=kind.value, source=source, mapping=parsed
        )
    except FileProblem as problem:
        raise HttpError(422, str(problem)) from None
    if not columns.ok:
        path.unlink(missing_ok=True)
        return Status(422, _unmapped(kind.value, columns))
    params = services.import_params(
        path=path,
        file_name=file.name or "upload",
        kind=kind.value,
        source=source,
        replace=replace,
        data_through=data_through,
        mapping=parsed,
        via="api",
    )
    job = services.data_job_start(
        coalition=access.coalition, kind=JobKind.IMPORT, user=request.user, params=params
    )
    return _started(request, job)


def _unmapped(kind: str, columns: services.UploadColumns) -> dict[str, Any]:
    detail = " ".join(columns.problems)
    if columns.missing:
        detail = (
            f"The file's columns do not give every required column of {kind}: missing "
            f"{', '.join(columns.missing)}. Rename the file's columns, or send a mapping "
            "naming the file's column for each."
        )
    return {"detail": detail, "missing": columns.missing, "headers": list(columns.headers)}


@router.get(
    COALITION + "/data/jobs/{int:job_id}",
    response={200: JobState, **ERRORS, **FORBIDDEN},
    url_name="data_job",
    operation_id="data_job",
    summary="The progress and result of an import or linkage job",
)
def data_job(request: HttpRequest, coalition_slug: str, job_id: int) -> dict[str, Any]:
    access = get_coalition_for(request, coalition_slug, need=Capability.PERSON_LEVEL)
    job = get_object_in(access, DataJob.objects, pk=job_id)
    result = selectors.job_result(job)
    services.job_problems_viewed(job=job, user=request.user, result=result, via="api")
    return {
        "job": job.pk,
        "kind": job.kind,
        "status": job.status,
        "percent": job.percent,
        "message": job.message,
        "result": result,
    }


@router.post(
    COALITION + "/data/link",
    response={202: JobStarted, **ERRORS, **FORBIDDEN},
    url_name="data_link",
    operation_id="data_link",
    summary="Link every source's records into people (queued)",
)
def data_link(request: HttpRequest, coalition_slug: str) -> Any:
    access = get_coalition_for(request, coalition_slug, need=Capability.PERSON_LEVEL)
    job = services.data_job_start(
        coalition=access.coalition, kind=JobKind.LINK, user=request.user, params={"via": "api"}
    )
    return _started(request, job)
