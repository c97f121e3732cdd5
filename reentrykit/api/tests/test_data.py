"""Uploads and linkage through the API: the web's path, for data stewards only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from reentrykit.core.models import AuditEntry
from reentrykit.data.models import DataJob, ImportBatch, JobKind
from reentrykit.data.reader import UNREADABLE_WORKBOOK
from reentrykit.data.tests import damaged_workbook
from reentrykit.testing import World, api_headers

URL = "/api/v1/coalitions/riverton/data/imports"
RELEASES = (
    b"source_person_id,first_name,last_name,date_of_birth,release_date,facility_type\n"
    b"J1,Ann,Lee,1990-01-02,2023-02-01,jail\n"
    b"J2,Bo,Ray,1985-05-06,2023-03-01,prison\n"
)
ODD_HEADERS = b"Inmate ID,Released,Facility\nA1,2024-03-31,jail\n"


def _upload(
    client: Client, headers: dict[str, str], content: bytes = RELEASES, url: str = URL, **fields
):  # type: ignore[no-untyped-def]
    data = {"kind": "releases", "source": "County Jail", **fields}
    data["file"] = SimpleUploadedFile("releases.csv", content, content_type="text/csv")
    return client.post(url, data, headers=headers)


def _uploads_left(data_dir: Path) -> list[Path]:
    return [p for p in data_dir.rglob("uploads/*") if p.is_file()]


def test_a_steward_uploads_and_polls_the_job_to_done(
    world: World, client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    headers = api_headers(world.steward)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, headers, replace="true", data_through="2023-12-31")
    assert response.status_code == 202, response.content
    answer = response.json()
    job = DataJob.objects.get()
    assert answer["job"] == job.pk
    assert (
        answer["status_url"] == f"http://testserver/api/v1/coalitions/riverton/data/jobs/{job.pk}"
    )
    assert (job.kind, job.created_by, job.coalition) == (
        JobKind.IMPORT,
        world.steward,
        world.coalition,
    )
    assert {
        key: job.params[key] for key in ("kind", "source", "replace", "data_through", "via")
    } == {
        "kind": "releases",
        "source": "County Jail",
        "replace": True,
        "data_through": "2023-12-31",
        "via": "api",
    }
    assert ImportBatch.objects.get().rows == 2
    polled = client.get(answer["status_url"], headers=headers).json()
    assert polled["status"] == "done" and polled["percent"] == 100
    assert polled["result"]["rows"] == 2
    assert list(polled) == ["job", "kind", "status", "percent", "message", "result"]
    # The audit trail says who, and that it came through the API.
    entry = AuditEntry.objects.filter(model="data.ImportBatch").first()
    assert (entry.actor, entry.via) == (world.steward, "api")


def test_an_invalid_file_fails_the_job_with_the_report_and_keeps_nothing(
    world: World, client: Client, django_capture_on_commit_callbacks, data_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    headers = api_headers(world.steward)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, headers, RELEASES.replace(b"jail", b"camp"))
    assert response.status_code == 202
    polled = client.get(response.json()["status_url"], headers=headers).json()
    assert polled["status"] == "failed"
    report = polled["result"]["errors"]
    assert report["error_count"] >= 1
    assert any(problem["value"] == "camp" for problem in report["problems"])
    assert not ImportBatch.objects.exists()
    assert not _uploads_left(data_dir)


def test_unrecognised_columns_are_refused_with_what_is_missing(
    world: World, client: Client, data_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    response = _upload(client, api_headers(world.steward), ODD_HEADERS)
    assert response.status_code == 422
    answer = response.json()
    assert answer["headers"] == ["Inmate ID", "Released", "Facility"]
    assert set(answer["missing"]) >= {"source_person_id", "release_date", "facility_type"}
    assert "release_date" in answer["detail"]
    assert not DataJob.objects.exists()
    assert not _uploads_left(data_dir)


def test_a_mapping_like_the_cli_one_resolves_the_columns(
    world: World, client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    mapping = {
        "columns": {
            "source_person_id": "Inmate ID",
            "release_date": "Released",
            "facility_type": "Facility",
        }
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(
            client, api_headers(world.steward), ODD_HEADERS, mapping=json.dumps(mapping)
        )
    assert response.status_code == 202, response.content
    assert DataJob.objects.get().params["mapping"]["columns"] == mapping["columns"]
    assert ImportBatch.objects.get().rows == 1


@pytest.mark.parametrize(
    ("content", "fields", "status", "says"),
    [
        (b"", {}, 422, "empty"),
        ("id,name\n1,Zoë\n".encode("utf-16"), {}, 422, "UTF-16"),
        (RELEASES, {"mapping": "{not json"}, 422, "mapping is not valid"),
        (RELEASES, {"mapping": '{"colums": {}}'}, 422, "Unknown keys"),
        (RELEASES, {"source": "  "}, 422, "Name the source"),
    ],
)
def test_unreadable_files_and_bad_parameters_are_refused(
    content: bytes, fields: dict, status: int, says: str, world: World, client: Client, data_dir
) -> None:  # type: ignore[no-untyped-def]
    response = _upload(client, api_headers(world.steward), content, **fields)
    assert response.status_code == status
    assert says in response.json()["detail"]
    assert not DataJob.objects.exists()
    assert not _uploads_left(data_dir)


def test_a_damaged_workbook_is_refused_and_not_kept(
    world: World, client: Client, data_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    data = {"kind": "releases", "source": "Jail"}
    data["file"] = SimpleUploadedFile("jail.xlsx", damaged_workbook())  # type: ignore[assignment]
    response = client.post(URL, data, headers=api_headers(world.steward))
    assert response.status_code == 422
    assert response.json() == {"detail": UNREADABLE_WORKBOOK}
    assert not DataJob.objects.exists()
    assert not _uploads_left(data_dir)


@pytest.mark.parametrize(
    ("fields", "detail"),
    [
        (
            {"mapping": '{"values": {"sex": ["m"]}}'},
            "The mapping is not valid. 'values' → 'sex' must be a JSON object, "
            'like {"M": "male"}.',
        ),
        (
            {"mapping": '{"columns": {"release_date": ["Released"]}}'},
            "The mapping is not valid. 'columns' → 'release_date' must be text, in double quotes.",
        ),
        (
            {"mapping": '{"date_format": "%Q/%m"}'},
            "The mapping is not valid. 'date_format': %Q is not a date code. Use %Y (year), "
            "%m (month), %d (day), %b (month name) and the like, for example %m/%d/%Y.",
        ),
        (
            {"source": "x" * 121},
            "The source's name is 121 characters long; at most 120 are allowed.",
        ),
        (
            {"data_through": "2099-12-31"},
            "data_through: The date the data is complete through must be between 1900-01-01 "
            "and today ({today}); 2099-12-31 is not.",
        ),
        (
            {"data_through": "1899-12-31"},
            "data_through: The date the data is complete through must be between 1900-01-01 "
            "and today ({today}); 1899-12-31 is not.",
        ),
    ],
)
def test_bad_parameters_are_refused_naming_what_is_wrong(
    fields: dict, detail: str, world: World, client: Client, data_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    response = _upload(client, api_headers(world.steward), **fields)
    assert response.status_code == 422
    assert response.json() == {"detail": detail.replace("{today}", str(timezone.localdate()))}
    assert not DataJob.objects.exists()
    assert not _uploads_left(data_dir)


def test_two_headers_for_one_column_are_refused_naming_both(
    world: World, client: Client, data_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    content = b"source_person_id,release_date,Release Date,facility_type\nA1,2024-03-31,,jail\n"
    response = _upload(client, api_headers(world.steward), content)
    assert response.status_code == 422
    assert response.json() == {
        "detail": "The columns “release_date” and “Release Date” both mean release_date. "
        "Keep one (rename or remove the others), or choose which to use in the "
        "column-mapping step.",
        "missing": [],
        "headers": ["source_person_id", "release_date", "Release Date", "facility_type"],
    }
    assert not _uploads_left(data_dir)


def test_a_file_over_the_limit_is_refused(world: World, client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_MAX_UPLOAD_BYTES = 50
    response = _upload(client, api_headers(world.steward))
    assert response.status_code == 413
    assert "upload limit" in response.json()["detail"]
    assert not DataJob.objects.exists()


def test_a_steward_starts_linkage(world: World, client: Client) -> None:
    response = client.post(
        "/api/v1/coalitions/riverton/data/link", headers=api_headers(world.steward)
    )
    assert response.status_code == 202
    job = DataJob.objects.get()
    assert (job.kind, job.params, job.created_by) == (JobKind.LINK, {"via": "api"}, world.steward)


@pytest.mark.parametrize("role", ["member", "coordinator", "viewer", "coach"])
def test_other_roles_may_not_upload_link_or_read_jobs(
    role: str, world: World, client: Client, data_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    job = DataJob.objects.create(coalition=world.coalition, kind=JobKind.LINK)
    headers = api_headers(getattr(world, role))
    assert _upload(client, headers).status_code == 403
    link = client.post("/api/v1/coalitions/riverton/data/link", headers=headers)
    assert link.status_code == 403
    assert "does not allow" in link.json()["detail"]
    polled = client.get(f"/api/v1/coalitions/riverton/data/jobs/{job.pk}", headers=headers)
    assert polled.status_code == 403
    assert DataJob.objects.count() == 1
    assert not _uploads_left(data_dir)


def test_outsiders_get_404_whether_or_not_the_coalition_exists(
    world: World, client: Client
) -> None:
    headers = api_headers(world.outsider)
    job = DataJob.objects.create(coalition=world.coalition, kind=JobKind.LINK)
    answers = [
        _upload(client, headers),
        _upload(client, headers, url="/api/v1/coalitions/nowhere/data/imports"),
        client.post("/api/v1/coalitions/riverton/data/link", headers=headers),
        client.get(f"/api/v1/coalitions/riverton/data/jobs/{job.pk}", headers=headers),
    ]
    assert [a.status_code for a in answers] == [404] * 4
    assert {a.content for a in answers} == {b'{"detail": "Not found."}'}
    assert DataJob.objects.count() == 1


def test_a_steward_cannot_read_another_coalitions_job(world: World, client: Client) -> None:
    theirs = DataJob.objects.create(coalition=world.other, kind=JobKind.LINK)
    response = client.get(
        f"/api/v1/coalitions/riverton/data/jobs/{theirs.pk}", headers=api_headers(world.steward)
    )
    assert response.status_code == 404
