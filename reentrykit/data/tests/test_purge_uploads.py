"""Purging identities leaves no names or birth dates behind: not in the store, not in a
failed import's report, not in an upload still waiting at the column-mapping step."""

from __future__ import annotations

import json
from io import StringIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from reentrykit.data.models import DataJob
from reentrykit.data.services import uploads_dir
from reentrykit.testing import World

RELEASES = (
    b"source_person_id,first_name,last_name,date_of_birth,release_date,facility_type\n"
    b"J1,Ann,Lee,1990-01-02,2023-02-01,jail\n"
)


def test_purging_deletes_an_upload_waiting_for_its_column_mapping(
    world: World, signed_in, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.steward)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/c/riverton/data/upload/",
            {"kind": "releases", "source": "Jail", "file": SimpleUploadedFile("r.csv", RELEASES)},
        )
    waiting = client.post(
        "/c/riverton/data/upload/",
        {
            "kind": "releases",
            "source": "Police",
            "check_columns": "on",
            "file": SimpleUploadedFile("p.csv", RELEASES.replace(b"J1", b"P1")),
        },
    )["Location"]
    assert "/columns/" in waiting
    assert list(uploads_dir(world.coalition.pk).iterdir())

    out = StringIO()
    call_command("data", "purge-identities", "--coalition", "riverton", stdout=out)
    assert json.loads(out.getvalue()) == {
        "coalition": "riverton",
        "identity_records_removed": 1,
        "import_reports_removed": 0,
    }
    assert not list(uploads_dir(world.coalition.pk).iterdir())
    assert client.get(waiting).status_code == 404  # "upload the file again"
    assert DataJob.objects.count() == 1
