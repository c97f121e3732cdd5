"""The API's upload checks a mapping's code translations before anything is kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from reentrykit.data.models import DataJob
from reentrykit.testing import World, api_headers

URL = "/api/v1/coalitions/riverton/data/imports"
RELEASES = (
    b"source_person_id,sex,release_date,facility_type\n"
    b"J1,M,2023-02-01,jail\n"
    b"J2,m,2023-03-01,prison\n"
)


@pytest.mark.parametrize(
    ("values", "says"),
    [
        ({"sex": {"M": "male", "m": "female"}}, "two codes"),
        ({"sex": {"M": "mal"}}, "“mal” is not a code of sex"),
    ],
)
def test_a_mapping_with_codes_that_cannot_be_right_is_refused(
    values: dict, says: str, world: World, client: Client, data_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    data = {
        "kind": "releases",
        "source": "County Jail",
        "mapping": json.dumps({"values": values}),
        "file": SimpleUploadedFile("releases.csv", RELEASES, content_type="text/csv"),
    }
    response = client.post(URL, data, headers=api_headers(world.steward))
    assert response.status_code == 422
    assert says in response.json()["detail"]
    assert not DataJob.objects.exists()


def test_a_column_mapped_to_nothing_is_left_out(
    world: World, client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    """The partner's own race codes: mapped to "" the column is not read, though its
    header names it."""
    from reentrykit.data.models import ImportBatch

    content = b"source_person_id,race,release_date,facility_type\nJ1,W-NH,2023-02-01,jail\n"
    data = {
        "kind": "releases",
        "source": "County Jail",
        "mapping": json.dumps({"columns": {"race": ""}}),
        "file": SimpleUploadedFile("releases.csv", content, content_type="text/csv"),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, data, headers=api_headers(world.steward))
    assert response.status_code == 202, response.content
    assert DataJob.objects.get().status == "done"
    assert ImportBatch.objects.get().rows == 1
