"""A store another process holds (a job writing it) gets a clear answer, not a crash."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from reentrykit.data import store
from reentrykit.data.imports import import_file
from reentrykit.data.models import DataJob, ImportBatch, PersonLevelAccess
from reentrykit.testing import World

RELEASES = (
    "source_person_id,first_name,last_name,date_of_birth,release_date,facility_type\n"
    "J1,Ann,Lee,1980-01-02,2024-03-01,jail\n"
)
BUSY = "The coalition&#x27;s data store is busy with another job; try again in a minute."

# Another process (the worker) holding the store as DuckDB does: a lock on the file.
HOLD = (
    "import fcntl, sys\n"
    "handle = open(sys.argv[1], 'r+b')\n"
    "fcntl.lockf(handle, fcntl.LOCK_EX)\n"
    "print('held', flush=True)\n"
    "sys.stdin.read()\n"
)


@contextmanager
def _held(world: World) -> Iterator[None]:
    path = store.store_path(world.coalition.pk)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        yield
    finally:
        holder.communicate("")


def _imported(world: World, tmp_path: Path) -> None:
    path = tmp_path / "releases.csv"
    path.write_text(RELEASES)
    assert import_file(coalition=world.coalition, kind="releases", source_name="Jail", path=path).ok


def test_the_review_page_says_the_store_is_busy(world: World, tmp_path: Path, signed_in) -> None:  # type: ignore[no-untyped-def]
    _imported(world, tmp_path)
    client = signed_in(world.steward)
    with _held(world):
        page = client.get("/c/riverton/data/linkage/review/")
    assert page.status_code == 200
    assert BUSY in page.content.decode()
    # Nothing was read, so nothing is logged, and the page does not say it was.
    assert "access log" not in page.content.decode()
    assert not PersonLevelAccess.objects.exists()


def test_a_review_decision_while_the_store_is_busy_says_so(
    world: World, tmp_path: Path, signed_in
) -> None:  # type: ignore[no-untyped-def]
    _imported(world, tmp_path)
    client = signed_in(world.steward)
    with _held(world):
        response = client.post(
            "/c/riverton/data/linkage/review/decide/",
            {"decision": "reject", "source_l": "Jail", "id_l": "J1", "source_r": "Jail",
             "id_r": "J2"},
        )  # fmt: skip
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert BUSY in page


def test_an_import_while_the_store_is_busy_says_so(
    world: World, tmp_path: Path, signed_in, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    _imported(world, tmp_path)
    client = signed_in(world.steward)
    upload = SimpleUploadedFile(
        "more.csv", RELEASES.replace("J1,Ann", "J2,Bo").encode(), content_type="text/csv"
    )
    with _held(world), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/c/riverton/data/upload/", {"kind": "releases", "source": "Jail", "file": upload}
        )
    job = DataJob.objects.get()
    assert job.status == "failed"
    page = client.get(response["Location"]).content.decode()
    assert BUSY in page
    assert "error in ReentryKit" not in page
    assert ImportBatch.objects.count() == 1


def test_the_review_page_says_the_store_is_busy_with_a_request_of_this_process(
    world: World, tmp_path: Path, signed_in
) -> None:  # type: ignore[no-untyped-def]
    """The web server's threads share one process: a decision being written while the
    page is read is the same busy store, not a server error."""
    _imported(world, tmp_path)
    client = signed_in(world.steward)
    with store.open_store(world.coalition.pk, write=True):
        page = client.get("/c/riverton/data/linkage/review/")
    assert page.status_code == 200
    assert BUSY in page.content.decode()


DEFERRING = {
    "default": {
        "BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "QUEUES": ["default", "analysis"],
    }
}


def test_an_import_that_finds_the_store_busy_waits_and_keeps_its_upload(
    world: World, tmp_path: Path, settings
) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.data import tasks
    from reentrykit.data.models import JobStatus
    from reentrykit.data.services import data_job_start, upload_save

    _imported(world, tmp_path)
    settings.TASKS = DEFERRING
    upload = SimpleUploadedFile("more.csv", RELEASES.replace("J1,Ann", "J2,Bo").encode())
    path = upload_save(coalition=world.coalition, uploaded=upload)
    job = data_job_start(
        coalition=world.coalition,
        kind="import",
        user=world.steward,
        params={"path": str(path), "kind": "releases", "source": "Jail", "file_name": "more.csv"},
    )
    with _held(world):
        tasks.run_import_job.call(job.pk)
    job.refresh_from_db()
    assert (job.status, job.params["busy_attempts"]) == (JobStatus.QUEUED, 1)
    assert "trying again in a minute" in job.message
    assert path.exists()  # the upload waits with the job
    queued = tasks.run_import_job.get_backend().results
    assert [(r.task.name, r.args) for r in queued][-1] == ("run_import_job", [job.pk])
    assert queued[-1].task.run_after is not None

    tasks.run_import_job.call(job.pk)  # a minute later, the store is free
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.result
    assert ImportBatch.objects.count() == 2
    assert not path.exists()


def test_an_import_stops_waiting_for_a_store_busy_for_an_hour(
    world: World, tmp_path: Path, settings
) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.data import tasks
    from reentrykit.data.models import JobStatus
    from reentrykit.data.services import data_job_start, upload_save

    _imported(world, tmp_path)
    settings.TASKS = DEFERRING
    path = upload_save(coalition=world.coalition, uploaded=SimpleUploadedFile("m.csv", b"x"))
    job = data_job_start(
        coalition=world.coalition,
        kind="import",
        user=world.steward,
        params={"path": str(path), "kind": "releases", "source": "Jail",
                "busy_attempts": tasks.BUSY_ATTEMPTS},
    )  # fmt: skip
    with _held(world):
        tasks.run_import_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert not path.exists()


def test_a_linkage_that_finds_the_store_busy_waits(world: World, tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.data import tasks
    from reentrykit.data.models import JobStatus
    from reentrykit.data.services import data_job_start

    _imported(world, tmp_path)
    settings.TASKS = DEFERRING
    job = data_job_start(coalition=world.coalition, kind="link", user=world.steward)
    with _held(world):
        tasks.run_link_job.call(job.pk)
    job.refresh_from_db()
    assert (job.status, job.params["busy_attempts"]) == (JobStatus.QUEUED, 1)
    queued = tasks.run_link_job.get_backend().results
    assert [(r.task.name, r.args) for r in queued][-1] == ("run_link_job", [job.pk])
