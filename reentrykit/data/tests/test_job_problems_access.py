"""A failed import's problem table, on the job page and in the API's job answer: logged
once per view, with the rows of the file whose cells it quotes."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from reentrykit.data.models import DataJob, PersonLevelAccess
from reentrykit.testing import World, api_headers

HEADER = b"source_person_id,first_name,last_name,date_of_birth,release_date,facility_type\n"
# Row 2 breaks two rules; row 4 repeats row 3, a problem that quotes no cell.
BAD = (
    HEADER
    + b"J1,Ann,Lee,1990-13-02,2023-02-01,camp\n"
    + b"J2,Bo,Ray,1985-05-06,2023-03-01,jail\n"
    + b"J2,Bo,Ray,1985-05-06,2023-03-01,jail\n"
)
TWICE = HEADER + b"J2,Bo,Ray,1985-05-06,2023-03-01,jail\n" * 2


def _failed_job(client: Client, content: bytes, capture) -> DataJob:  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile("bad.csv", content, content_type="text/csv")
    with capture(execute=True):
        client.post(
            "/c/riverton/data/upload/", {"kind": "releases", "source": "Jail", "file": upload}
        )
    job = DataJob.objects.get()
    assert job.status == "failed"
    return job


def test_a_view_of_the_problems_logs_the_rows_whose_cells_it_quotes(
    world: World, signed_in, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.steward)
    job = _failed_job(client, BAD, django_capture_on_commit_callbacks)
    page = client.get(f"/c/riverton/data/jobs/{job.pk}/").content.decode()
    assert "camp" in page and "1990-13-02" in page
    answer = Client().get(
        f"/api/v1/coalitions/riverton/data/jobs/{job.pk}", headers=api_headers(world.steward)
    )
    assert answer.status_code == 200
    logged = PersonLevelAccess.objects.order_by("pk")
    assert [(e.rows, e.via) for e in logged] == [(1, "web"), (1, "api")]


def test_problems_that_quote_no_cell_are_no_access_to_log(
    world: World, signed_in, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.steward)
    job = _failed_job(client, TWICE, django_capture_on_commit_callbacks)
    page = client.get(f"/c/riverton/data/jobs/{job.pk}/").content.decode()
    assert "duplicate of row 2" in page
    assert not PersonLevelAccess.objects.exists()


def test_a_job_waiting_for_a_busy_store_says_so_once(
    world: World, tmp_path, settings, signed_in
) -> None:  # type: ignore[no-untyped-def]
    """Its status is "Waiting", and its message says why, without saying it twice."""
    from reentrykit.data import tasks
    from reentrykit.data.services import data_job_start
    from reentrykit.data.tests.test_steward_busy import DEFERRING, _held, _imported

    _imported(world, tmp_path)
    settings.TASKS = DEFERRING
    job = data_job_start(coalition=world.coalition, kind="link", user=world.steward)
    with _held(world):
        tasks.run_link_job.call(job.pk)
    page = signed_in(world.steward).get(f"/c/riverton/data/jobs/{job.pk}/").content.decode()
    assert "Waiting: Another job is using the coalition" in page
    assert "Waiting: Waiting" not in page
    assert 'hx-trigger="every 1s"' in page  # still polled: it runs when the store is free
