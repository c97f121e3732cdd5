"""Background jobs: imports and linkage run in the task worker and report progress."""

from __future__ import annotations

import datetime as dt
import traceback
from pathlib import Path

from django.db import transaction
from django_tasks import task

from reentrykit.core import queues
from reentrykit.core.audit import audit_actor
from reentrykit.data.models import DataJob, JobKind, JobStatus
from reentrykit.data.progress import Progress


def job_progress(job: DataJob) -> Progress:
    def report(fraction: float, message: str) -> None:
        DataJob.objects.filter(pk=job.pk).update(
            percent=int(round(max(0.0, min(1.0, fraction)) * 100)), message=message[:300]
        )

    return report


def _via(job: DataJob) -> str:
    """How the job was started ("web" or "api"), for the audit trail."""
    return str(job.params.get("via") or "web")


def _sweep_uploads() -> None:
    """Every coalition's abandoned uploads go when the worker next runs a job, so that
    a coalition that never uploads again does not keep them."""
    from reentrykit.data.services import stale_uploads_remove

    stale_uploads_remove()


def _finish(job: DataJob, *, ok: bool, result: dict, message: str) -> None:
    from reentrykit.data.sealed import seal_job_result

    job.status = JobStatus.DONE if ok else JobStatus.FAILED
    # A failure's report quotes the file's cells: kept sealed (a success only counts).
    job.result = (
        result if ok else seal_job_result(result, coalition_id=job.coalition_id, job_id=job.pk)
    )
    job.message = message[:300]
    job.percent = 100
    job.save()


# A job that finds the store busy (another job holds it: a linkage, a refresh, a fit)
# tries again a minute later (``queues.retry_later``), this many times at most.
BUSY_ATTEMPTS = 60


def _wait_for_the_store(job: DataJob) -> bool:
    """Queue ``job`` again a minute from now, keeping its upload; False when it has
    waited long enough already, or the task backend cannot wait."""
    runner = run_import_job if job.kind == JobKind.IMPORT else run_link_job
    waited = int(job.params.get("busy_attempts", 0))
    if waited >= BUSY_ATTEMPTS or not runner.get_backend().supports_defer:
        return False
    job.params = {**job.params, "busy_attempts": waited + 1}
    job.status = JobStatus.QUEUED
    # The page puts the status ("Waiting") before the message.
    job.message = "Another job is using the coalition's data; trying again in a minute."
    job.save(update_fields=["params", "status", "message", "updated_at"])
    return queues.retry_later(runner, job.pk)


@task()
def run_import_job(job_id: int) -> None:
    from reentrykit.data import sealed
    from reentrykit.data.imports import import_file
    from reentrykit.data.reader import FileProblem
    from reentrykit.data.store import StoreBusy, StoreError
    from reentrykit.data.validation import Mapping

    job = DataJob.objects.select_related("coalition", "created_by").get(pk=job_id)
    job.status = JobStatus.RUNNING
    job.save(update_fields=["status", "updated_at"])
    _sweep_uploads()
    params = job.params
    path = Path(params["path"])
    keep_upload = False
    try:
        with audit_actor(job.created_by, _via(job)):
            result = import_file(
                coalition=job.coalition,
                kind=params["kind"],
                source_name=params["source"],
                # Read in place, sealed: its plain text is never written out.
                path=sealed.SealedFile.of_upload(path, coalition_id=job.coalition_id),
                file_name=params.get("file_name"),
                mapping=Mapping.from_json(params["mapping"]) if params.get("mapping") else None,
                replace=bool(params.get("replace")),
                data_through=dt.date.fromisoformat(params["data_through"])
                if params.get("data_through")
                else None,
                user=job.created_by,
                progress=job_progress(job),
            )
        message = (
            f"Imported {result.batch.rows} row{'s' if result.batch.rows != 1 else ''}."
            if result.ok and result.batch
            else "Nothing was imported."
        )
        _finish(job, ok=result.ok, result=result.as_dict(), message=message)
    except StoreBusy as error:  # another job holds the store
        keep_upload = _wait_for_the_store(job)
        if not keep_upload:
            _finish(job, ok=False, result={"error": str(error)}, message="Nothing was imported.")
    except StoreError as error:
        _finish(job, ok=False, result={"error": str(error)}, message="Nothing was imported.")
    except FileProblem as problem:  # the saved upload could not be opened
        # The message may quote the file (a header cell): sealed in the result alone.
        _finish(
            job, ok=False, result={"error": str(problem)}, message="The file could not be read."
        )
    except Exception as error:  # the page must say what happened, whatever it was
        _finish(
            job,
            ok=False,
            result=_unexpected(error, "Nothing was imported."),
            message="The import failed.",
        )
        raise JobFailed.of(job, error) from None
    finally:
        if not keep_upload:
            path.unlink(missing_ok=True)


@task()
def run_link_job(job_id: int) -> None:
    from reentrykit.data.linkage import LinkageError
    from reentrykit.data.linking import link_coalition
    from reentrykit.data.store import StoreBusy, StoreError

    job = DataJob.objects.select_related("coalition", "created_by").get(pk=job_id)
    job.status = JobStatus.RUNNING
    job.save(update_fields=["status", "updated_at"])
    _sweep_uploads()
    try:
        with audit_actor(job.created_by, _via(job)):
            run = link_coalition(
                coalition=job.coalition, user=job.created_by, progress=job_progress(job)
            )
        _finish(
            job,
            ok=True,
            result={"run": run.pk, "records": run.records, "people": run.people},
            message=f"Linked {run.records} records into {run.people} people.",
        )
    except StoreBusy as error:
        if not _wait_for_the_store(job):
            _finish(job, ok=False, result={"error": str(error)}, message=str(error))
    except (LinkageError, StoreError) as error:
        _finish(job, ok=False, result={"error": str(error)}, message=str(error))
    except Exception as error:
        _finish(
            job,
            ok=False,
            result=_unexpected(error, "The last linkage's results stay in place."),
            message="Linkage failed.",
        )
        raise JobFailed.of(job, error) from None


class JobFailed(Exception):
    """What the task runner logs and keeps (as plain text) for a job that crashed: the
    kind of error and where its details are, never its text, which may quote the
    file's cells (those are sealed in the job's result)."""

    @classmethod
    def of(cls, job: DataJob, error: Exception) -> JobFailed:
        return cls(
            f"{job.get_kind_display()} job {job.pk} stopped on {type(error).__name__}; "
            "its message and traceback are sealed in the job's result."
        )


def _unexpected(error: Exception, outcome: str) -> dict[str, str]:
    """A job's result after an error nobody foresaw: the page says what it means for
    the user; the exception's own text (it may quote the file) and the traceback are
    kept, sealed, for the operator, and never shown (``selectors.job_result``)."""
    return {
        "error": f"The job stopped on an error in ReentryKit. {outcome} "
        "Try again; if it happens again, tell the server's operator.",
        "detail": str(error)[:2000],
        "trace": traceback.format_exc()[-2000:],
    }


def enqueue_job(job: DataJob) -> None:
    runner = run_import_job if job.kind == JobKind.IMPORT else run_link_job
    transaction.on_commit(lambda: runner.enqueue(job.pk))
