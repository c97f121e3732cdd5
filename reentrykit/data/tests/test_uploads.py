"""Uploaded files that nobody imports do not stay on disk."""

from __future__ import annotations

import json
import os
import time
from io import StringIO
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from reentrykit.data import store
from reentrykit.data.models import DataJob, JobKind, JobStatus
from reentrykit.data.services import stale_uploads_remove, uploads_dir
from reentrykit.testing import World

ODD_HEADERS = b"Inmate ID,Released,Facility\nA1,2024-03-31,jail\n"


def _aged(path: Path, hours: float) -> Path:
    when = time.time() - hours * 3600
    os.utime(path, (when, when))
    return path


def _file(coalition_id: int, name: str, *, hours: float) -> Path:
    folder = uploads_dir(coalition_id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(ODD_HEADERS)
    return _aged(path, hours)


def test_it_removes_uploads_past_the_retention_and_keeps_the_rest(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_UPLOAD_RETENTION_HOURS = 24
    riverton, other = world.coalition.pk, world.other.pk
    old = _file(riverton, "old.csv", hours=25)
    fresh = _file(riverton, "fresh.csv", hours=23)
    queued = _file(riverton, "queued.csv", hours=48)
    DataJob.objects.create(
        coalition=world.coalition,
        kind=JobKind.IMPORT,
        status=JobStatus.QUEUED,
        params={"path": str(queued)},
    )
    elsewhere = _file(other, "elsewhere.csv", hours=25)

    assert stale_uploads_remove(coalition_id=riverton) == 1
    assert not old.exists() and fresh.exists() and queued.exists()
    assert elsewhere.exists()  # another coalition's folder is left to its own sweep

    assert stale_uploads_remove() == 1
    assert not elsewhere.exists()


def test_the_command_sweeps_and_says_how_many(world: World) -> None:
    _file(world.coalition.pk, "abandoned.xlsx", hours=100)
    out = StringIO()
    call_command("data", "sweep-uploads", "--coalition", world.coalition.slug, stdout=out)
    assert json.loads(out.getvalue()) == {"uploads_removed": 1}
    assert list(uploads_dir(world.coalition.pk).iterdir()) == []


def test_an_upload_left_at_the_mapping_step_expires(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.steward)
    upload = SimpleUploadedFile("odd.csv", ODD_HEADERS, content_type="text/csv")
    response = client.post(
        "/c/riverton/data/upload/", {"kind": "releases", "source": "Jail", "file": upload}
    )
    mapping_page = response["Location"]
    (saved,) = uploads_dir(world.coalition.pk).iterdir()
    _aged(saved, 25)
    # The next upload (of anything) sweeps the folder first.
    again = SimpleUploadedFile("odd2.csv", ODD_HEADERS, content_type="text/csv")
    client.post("/c/riverton/data/upload/", {"kind": "releases", "source": "Jail", "file": again})
    assert not saved.exists()
    expired = client.get(mapping_page)
    assert expired.status_code == 404
    assert DataJob.objects.count() == 0


def test_the_worker_sweeps_every_coalition_when_it_runs_a_job(
    world: World, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.data.services import data_job_start

    abandoned = _file(world.other.pk, "abandoned.csv", hours=30)
    with django_capture_on_commit_callbacks(execute=True):
        data_job_start(coalition=world.coalition, kind=JobKind.LINK, user=world.steward)
    assert not abandoned.exists()


def test_it_removes_scratch_left_by_a_crashed_import_unless_one_is_running(
    world: World, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_UPLOAD_RETENTION_HOURS = 24
    scratch = store.scratch_dir(world.coalition.pk)

    def left(name: str, hours: float) -> Path:
        folder = scratch / name
        folder.mkdir(parents=True)
        (folder / "upload").write_bytes(ODD_HEADERS)
        return _aged(folder, hours)

    crashed, current = left("crashed", 30), left("current", 1)
    running = DataJob.objects.create(
        coalition=world.coalition, kind=JobKind.IMPORT, status=JobStatus.RUNNING
    )
    assert stale_uploads_remove(coalition_id=world.coalition.pk) == 0
    assert crashed.exists()  # it may be the running import's
    running.status = JobStatus.FAILED
    running.save()
    assert stale_uploads_remove(coalition_id=world.coalition.pk) == 1
    assert not crashed.exists() and current.exists()


def test_an_upload_is_fresh_again_when_its_import_is_queued(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.data.services import data_job_start

    settings.DATA_UPLOAD_RETENTION_HOURS = 24
    # Mapped after a day at the mapping step, before any sweep ran.
    upload = _file(world.coalition.pk, "mapped.csv", hours=25)
    job = data_job_start(
        coalition=world.coalition,
        kind=JobKind.IMPORT,
        user=world.steward,
        params={"path": str(upload)},
    )
    # A sweep that listed the waiting imports a moment before this one was recorded
    # does not see it: the upload's age alone must keep it.
    DataJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED)
    assert stale_uploads_remove(coalition_id=world.coalition.pk) == 0
    assert upload.exists()
