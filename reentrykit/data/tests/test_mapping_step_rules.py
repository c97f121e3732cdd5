"""The column-mapping step does what the steward chose: a column left out stays out,
and a file value given two codes is refused on the form."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reentrykit.data.models import DataJob, ImportBatch
from reentrykit.testing import World

# The partner's "race" column holds its own codes, which the steward leaves out.
OWN_CODES = b"Inmate ID,Released,Facility,race\nA1,2024-03-31,jail,W-NH\n"
MAPPED = {
    "col__source_person_id": "Inmate ID",
    "col__release_date": "Released",
    "col__facility_type": "Facility",
    "col__race": "",
    "date_format": "%Y-%m-%d",
}


def _mapping_page(client, content: bytes) -> str:  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile("odd.csv", content, content_type="text/csv")
    return client.post(
        "/c/riverton/data/upload/", {"kind": "releases", "source": "Jail", "file": upload}
    )["Location"]


def test_it_leaves_out_a_column_the_steward_marks_not_in_this_file(
    world: World, signed_in, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.steward)
    page = _mapping_page(client, OWN_CODES)
    assert 'value="race" selected' in client.get(page).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        job_page = client.post(page, MAPPED)["Location"]
    job = DataJob.objects.get()
    assert job.status == "done", client.get(job_page).content.decode()
    assert ImportBatch.objects.get().rows == 1
    # Kept for the source: its next file goes straight to import, the column left out.
    upload = SimpleUploadedFile(
        "next.csv", OWN_CODES.replace(b"A1", b"A2"), content_type="text/csv"
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/c/riverton/data/upload/", {"kind": "releases", "source": "Jail", "file": upload}
        )
    assert ImportBatch.objects.filter(status="imported").count() == 2


def test_it_refuses_a_file_value_given_two_codes(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.steward)
    page = _mapping_page(client, OWN_CODES)
    answer = client.post(
        page, {**MAPPED, "col__race": "race", "val__race": "W-NH = white\nw-nh = black"}
    )
    assert answer.status_code == 200
    assert "W-NH" in answer.content.decode() or "w-nh" in answer.content.decode()
    assert not DataJob.objects.exists()


def test_it_refuses_a_code_not_in_the_columns_list(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.steward)
    page = _mapping_page(client, OWN_CODES)
    answer = client.post(page, {**MAPPED, "col__race": "race", "val__race": "W-NH = whit"})
    assert answer.status_code == 200
    assert "whit" in answer.content.decode()
    assert not DataJob.objects.exists()


def test_two_file_values_may_share_one_code(
    world: World, signed_in, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.steward)
    content = OWN_CODES + b"A2,2024-04-01,jail,W-H\n"
    page = _mapping_page(client, content)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page, {**MAPPED, "col__race": "race", "val__race": "W-NH = white\nW-H = white"})
    assert DataJob.objects.get().status == "done"
    assert ImportBatch.objects.get().rows == 2


@pytest.mark.parametrize("imported", [False, True])
def test_a_mapping_sent_twice_at_once_starts_one_import(
    imported: bool, world: World, signed_in, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    """A double click: the second request read the session before the first had saved
    the import it started there, and must still lead to that one import (also once the
    worker has imported the file and deleted it)."""
    from django.contrib.sessions.backends.db import SessionStore

    client = signed_in(world.steward)
    page = _mapping_page(client, OWN_CODES)
    key = client.cookies["sessionid"].value
    before = SessionStore(session_key=key).load()
    with django_capture_on_commit_callbacks(execute=imported):
        first = client.post(page, MAPPED)
    session = SessionStore(session_key=key)
    session.update(before)
    session.save()
    second = client.post(page, MAPPED)
    job = DataJob.objects.get()
    assert first["Location"] == second["Location"] == f"/c/riverton/data/jobs/{job.pk}/"
