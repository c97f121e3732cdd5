from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from reentrykit.core.models import AuditEntry
from reentrykit.data.models import (
    BatchStatus,
    DataJob,
    ImportBatch,
    LinkageRun,
    PersonLevelAccess,
    Source,
)
from reentrykit.data.reader import UNREADABLE_WORKBOOK
from reentrykit.data.tests import damaged_workbook
from reentrykit.testing import World

STEWARD_ONLY = ["upload/", "linkage/", "linkage/review/", "settings/"]

RELEASES = (
    b"source_person_id,first_name,last_name,date_of_birth,release_date,facility_type\n"
    b"J1,Ann,Lee,1990-01-02,2023-02-01,jail\n"
)


@pytest.mark.parametrize("role", ["coordinator", "member", "viewer", "coach"])
@pytest.mark.parametrize("page", STEWARD_ONLY)
def test_it_keeps_other_roles_out_of_person_level_pages(
    role: str, page: str, world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    assert signed_in(getattr(world, role)).get(f"/c/riverton/data/{page}").status_code == 403


@pytest.mark.parametrize("role", ["member", "viewer", "coach"])
def test_only_stewards_and_coordinators_read_the_access_log(
    role: str, world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    assert signed_in(getattr(world, role)).get("/c/riverton/data/access-log/").status_code == 403
    assert signed_in(world.coordinator).get("/c/riverton/data/access-log/").status_code == 200


def test_a_coordinator_reads_small_row_counts_in_the_access_log_hidden(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    """How many rows a steward saw is a count of person-level data: hidden below k for a
    coordinator, as on the data home page; the steward reads it."""
    from reentrykit.data.models import PersonLevelAccess

    for rows in (4, 0, 250):
        PersonLevelAccess.objects.create(
            coalition=world.coalition, user=world.steward, action="export", what="clusters",
            rows=rows, reason="Annual report",
        )  # fmt: skip
    page = "/c/riverton/data/access-log/"
    cells = re.findall(
        r'<td class="text-right">([^<]*)</td>', _page(signed_in(world.coordinator), page)
    )
    assert cells == ["250", "0", "&lt;11"]
    cells = re.findall(
        r'<td class="text-right">([^<]*)</td>', _page(signed_in(world.steward), page)
    )
    assert cells == ["250", "0", "4"]


def _page(client, url: str) -> str:  # type: ignore[no-untyped-def]
    return client.get(url).content.decode()


def test_a_member_cannot_upload_or_link(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.member)
    upload = SimpleUploadedFile("r.csv", RELEASES, content_type="text/csv")
    response = client.post(
        "/c/riverton/data/upload/", {"kind": "releases", "source": "County Jail", "file": upload}
    )
    assert response.status_code == 403
    assert client.post("/c/riverton/data/link/").status_code == 403
    assert not ImportBatch.objects.exists()
    assert not DataJob.objects.exists()


def test_a_steward_uploads_and_sees_the_job_finish(
    world: World, signed_in, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.steward)
    upload = SimpleUploadedFile("releases.csv", RELEASES, content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/c/riverton/data/upload/",
            {"kind": "releases", "source": "County Jail", "file": upload},
        )
    assert response.status_code == 302
    job = DataJob.objects.get()
    assert response["Location"] == f"/c/riverton/data/jobs/{job.pk}/"
    page = client.get(response["Location"])
    assert b"Imported 1 row." in page.content
    assert b'id="job-bar"' in page.content
    assert b"hx-trigger" not in page.content  # finished: no more polling
    assert ImportBatch.objects.get().rows == 1


def test_a_bad_upload_shows_the_problems(
    world: World, signed_in, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.steward)
    bad = SimpleUploadedFile("bad.csv", RELEASES.replace(b"jail", b"camp"), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/c/riverton/data/upload/", {"kind": "releases", "source": "Jail", "file": bad}
        )
    page = client.get(response["Location"]).content.decode()
    assert "Nothing was imported" in page
    assert "camp" in page
    assert "bad.csv (1 row): 1 problem found. Fix it in the file" in page
    assert "<caption>The problem</caption>" in page
    assert 'id="job-bar"' not in page  # no full progress bar under a failure
    # The data page's recent jobs tell the imports apart.
    home = client.get("/c/riverton/data/").content.decode()
    assert "Import of “bad.csv”, releases from Jail," in home
    # The fix may be in how the file is read, not in the file: the page says where.
    assert "with “Check the column mapping before importing” ticked" in page
    twice = RELEASES + RELEASES.split(b"\n", 1)[1]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/c/riverton/data/upload/",
            {"kind": "releases", "source": "Jail", "file": SimpleUploadedFile("t.csv", twice)},
        )
    page = client.get(response["Location"]).content.decode()
    assert "<td>3</td><td>(whole row)</td><td>—</td><td>duplicate of row 2</td>" in page
    assert not ImportBatch.objects.exists()


def test_purging_identities_deletes_the_failed_imports_quoted_cells(
    world: World, signed_in, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.data.services import identities_purge

    client = signed_in(world.steward)
    good = SimpleUploadedFile("good.csv", RELEASES, content_type="text/csv")
    bad = SimpleUploadedFile("bad.csv", RELEASES.replace(b"1990-01-02", b"1990-02-31"))
    upload = "/c/riverton/data/upload/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(upload, {"kind": "releases", "source": "Jail", "file": good})
        failed = client.post(upload, {"kind": "releases", "source": "Jail", "file": bad})
    failed = failed["Location"]
    assert "1990-02-31" in client.get(failed).content.decode()

    assert identities_purge(coalition=world.coalition) == {
        "identity_records_removed": 1,
        "import_reports_removed": 1,
    }
    page = client.get(failed).content.decode()
    assert "1990-02-31" not in page
    assert "it was deleted with the coalition&#x27;s identities" in page


def test_an_unforeseen_error_is_explained_without_its_own_text(
    world: World, signed_in, django_capture_on_commit_callbacks, monkeypatch, caplog
) -> None:  # type: ignore[no-untyped-def]
    """The exception's text may quote the file: kept, sealed, for the operator only;
    nor does the task runner's log."""
    from reentrykit.data import imports
    from reentrykit.data.sealed import open_job_result

    def crash(**kwargs: object) -> None:
        raise RuntimeError("cannot parse 'Ann Lee 1990-01-02'")

    monkeypatch.setattr(imports, "import_file", crash)
    client = signed_in(world.steward)
    upload = SimpleUploadedFile("releases.csv", RELEASES, content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/c/riverton/data/upload/",
            {"kind": "releases", "source": "County Jail", "file": upload},
        )
    job = DataJob.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "The job stopped on an error in ReentryKit. Nothing was imported." in page
    assert "Ann Lee" not in page
    from django.test import Client

    from reentrykit.testing import api_headers

    answer = Client().get(
        f"/api/v1/coalitions/riverton/data/jobs/{job.pk}", headers=api_headers(world.steward)
    )
    assert "Ann Lee" not in answer.content.decode()
    kept = open_job_result(job.result, coalition_id=job.coalition_id, job_id=job.pk)
    assert "Ann Lee" in kept["detail"] and "RuntimeError" in kept["trace"]
    logged = caplog.text + "".join(str(record.exc_info) for record in caplog.records)
    assert f"job {job.pk} stopped on RuntimeError" in logged
    assert "Ann Lee" not in logged


def test_the_task_runner_keeps_no_trace_of_a_crashed_jobs_text(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The database task backend stores a failed task's traceback in plain text."""
    from reentrykit.data import imports
    from reentrykit.data.tasks import run_import_job

    def crash(**kwargs: object) -> None:
        raise RuntimeError("cannot parse 'Ann Lee 1990-01-02'")

    monkeypatch.setattr(imports, "import_file", crash)
    job = DataJob.objects.create(
        coalition=world.coalition,
        kind="import",
        params={"path": "/nonexistent.csv", "kind": "releases", "source": "Jail"},
        created_by=world.steward,
    )
    (error,) = run_import_job.enqueue(job.pk).errors
    assert error.exception_class_path == "reentrykit.data.tasks.JobFailed"
    assert "RuntimeError" in error.traceback
    assert "Ann Lee" not in error.traceback


def test_unknown_headers_lead_to_the_mapping_step(
    world: World, signed_in, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.steward)
    content = b"Inmate ID,Released,Facility\nA1,2024-03-31,jail\n"
    upload = SimpleUploadedFile("odd.csv", content, content_type="text/csv")
    response = client.post(
        "/c/riverton/data/upload/", {"kind": "releases", "source": "Jail", "file": upload}
    )
    assert "/columns/" in response["Location"]
    # The session is plain text in the database: the headers wait there sealed.
    from django.contrib.sessions.models import Session

    assert all("Inmate ID" not in str(s.get_decoded()) for s in Session.objects.all())
    form = client.get(response["Location"]).content.decode()
    # Suggested from the header similarity: "Inmate ID" for source_person_id.
    assert 'value="Inmate ID" selected' in form
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            response["Location"],
            {
                "col__source_person_id": "Inmate ID",
                "col__release_date": "Released",
                "col__facility_type": "Facility",
                "date_format": "%Y-%m-%d",
            },
        )
    assert done.status_code == 302
    assert ImportBatch.objects.get().rows == 1


def test_the_progress_fragment_polls_while_running(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    job = DataJob.objects.create(
        coalition=world.coalition,
        kind="link",
        status="running",
        percent=40,
        message="Comparing records",
    )
    client = signed_in(world.steward)
    fragment = client.get(
        f"/c/riverton/data/jobs/{job.pk}/", headers={"HX-Request": "true"}
    ).content.decode()
    assert "<html" not in fragment
    assert 'hx-trigger="every 1s"' in fragment
    assert 'value="40"' in fragment
    assert "Nothing has moved" not in fragment


def test_a_job_without_news_for_half_an_hour_says_its_worker_may_have_stopped(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    job = DataJob.objects.create(coalition=world.coalition, kind="link", status="queued")
    page = signed_in(world.steward).get(f"/c/riverton/data/jobs/{job.pk}/")
    assert "Nothing has moved" not in page.content.decode()
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    DataJob.objects.filter(pk=job.pk).update(updated_at=an_hour_ago)
    page = signed_in(world.steward).get(f"/c/riverton/data/jobs/{job.pk}/").content.decode()
    assert "check that its task worker is running" in page
    DataJob.objects.filter(pk=job.pk).update(status="done")
    page = signed_in(world.steward).get(f"/c/riverton/data/jobs/{job.pk}/").content.decode()
    assert "Nothing has moved" not in page


def test_viewing_review_pairs_is_logged(world: World, signed_in, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.data.tests.test_steward_review import _store_pairs

    client = signed_in(world.steward)
    page = client.get("/c/riverton/data/linkage/review/").content.decode()
    # No pairs yet: nobody's details shown, nothing logged, and the page does not say so.
    assert "No pairs to review" in page and "access log" not in page
    assert not PersonLevelAccess.objects.exists()
    _store_pairs(world, tmp_path, 0.95)
    page = client.get("/c/riverton/data/linkage/review/").content.decode()
    assert "Your view was recorded in the access log" in page
    entry = PersonLevelAccess.objects.get()
    assert (entry.user, entry.action, entry.rows) == (world.steward, "view", 4)


def test_viewing_a_failed_imports_quoted_cells_is_logged(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    from reentrykit.data.models import JobKind, JobStatus
    from reentrykit.data.sealed import seal_job_result
    from reentrykit.testing import api_headers

    job = DataJob.objects.create(
        coalition=world.coalition, kind=JobKind.IMPORT, status=JobStatus.FAILED
    )
    problem = {"row": 2, "column": "date_of_birth", "value": "ANN LEE 1985", "rule": "a date"}
    report = {"errors": {"file": "r.csv", "file_errors": [], "problems": [problem]}}
    job.result = seal_job_result(report, coalition_id=world.coalition.pk, job_id=job.pk)
    job.save()
    page = signed_in(world.steward).get(f"/c/riverton/data/jobs/{job.pk}/").content.decode()
    answer = Client().get(
        f"/api/v1/coalitions/riverton/data/jobs/{job.pk}", headers=api_headers(world.steward)
    )
    assert "ANN LEE 1985" in page and "ANN LEE 1985" in answer.content.decode()
    logged = PersonLevelAccess.objects.order_by("pk")
    assert [(e.user, e.action, e.rows, e.via) for e in logged] == [
        (world.steward, "view", 1, "web"),
        (world.steward, "view", 1, "api"),
    ]


def test_the_data_home_shows_no_steward_actions_to_members(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    page = signed_in(world.member).get("/c/riverton/data/").content.decode()
    assert "Link all sources now" not in page
    assert "/data/upload/" not in page


def test_a_steward_is_offered_linkage_once_there_is_something_to_link(
    world: World, signed_in, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.steward)
    page = client.get("/c/riverton/data/").content.decode()
    assert "Nothing to link yet" in page and "Link all sources now" not in page
    upload = SimpleUploadedFile("releases.csv", RELEASES, content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/c/riverton/data/upload/", {"kind": "releases", "source": "Jail", "file": upload}
        )
    page = client.get("/c/riverton/data/").content.decode()
    assert "Link all sources now" in page and "Nothing to link yet" not in page


def _small_linkage(world: World) -> None:
    """4 jail records form 3 people: counts of person-level data."""
    source = Source.objects.create(coalition=world.coalition, name="County Jail")
    ImportBatch.objects.create(
        coalition=world.coalition, source=source, kind="releases", file_name="r.csv",
        sha256="0" * 64, rows=4, status=BatchStatus.IMPORTED,
    )  # fmt: skip
    LinkageRun.objects.create(
        coalition=world.coalition, threshold=0.9, records=4, people=3, finished_at=timezone.now(),
        by_source={"County Jail": {"records": 4, "linked_to_other_sources": 2}},
    )  # fmt: skip


def _source_row(page: str) -> str:
    return page[page.index("County Jail") : page.index("</tr>", page.index("County Jail"))]


@pytest.mark.parametrize("role", ["coordinator", "member", "viewer", "coach"])
def test_the_data_home_hides_small_counts_of_person_level_data(
    role: str, world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    _small_linkage(world)
    page = signed_in(getattr(world, role)).get("/c/riverton/data/").content.decode()
    assert "&lt;11 source records form &lt;11 people" in page
    assert "&lt;11" in _source_row(page)
    steward = signed_in(world.steward).get("/c/riverton/data/").content.decode()
    assert "4 source records form 3 people" in steward
    assert ">4<" in _source_row(steward)


def test_the_data_home_says_when_a_declared_date_is_not_the_files_latest(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    _small_linkage(world)
    source = Source.objects.get(name="County Jail")
    source.latest_date = dt.date(2025, 3, 31)
    source.declared_data_through = dt.date(2024, 6, 30)
    source.save()
    row = _source_row(signed_in(world.member).get("/c/riverton/data/").content.decode())
    assert "Jun 30, 2024 (declared; its files reach Mar 31, 2025)" in re.sub(r"<[^>]+>", "", row)
    source.declared_data_through = source.latest_date
    source.save()
    row = _source_row(signed_in(world.member).get("/c/riverton/data/").content.decode())
    assert "Mar 31, 2025</span> (declared)</td>" in row


def test_the_audit_trail_leaves_out_counts_of_person_level_data(world: World) -> None:
    _small_linkage(world)
    changes = {
        entry.model: entry.changes
        for entry in AuditEntry.objects.filter(model__in=["data.LinkageRun", "data.ImportBatch"])
    }
    assert set(changes) == {"data.LinkageRun", "data.ImportBatch"}
    assert changes["data.LinkageRun"]["threshold"] == [None, 0.9]
    assert not {"records", "people", "by_source"} & set(changes["data.LinkageRun"])
    assert "rows" not in changes["data.ImportBatch"]
    assert changes["data.ImportBatch"]["file_name"] == [None, "r.csv"]


def test_an_export_asks_a_reason_logs_it_and_escapes_formulas(
    world: World, signed_in, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.data import store

    with store.open_store(world.coalition.pk, write=True) as con:
        con.execute(
            "INSERT INTO store.person_map VALUES ('Jail', '=HYPERLINK(\"x\")', 'abc', NULL)"
        )
    client = signed_in(world.steward)
    refused = client.post("/c/riverton/data/linkage/export/", {"reason": ""})
    assert refused.status_code == 200 and b"error-summary" in refused.content
    assert not PersonLevelAccess.objects.exists()
    response = client.post(
        "/c/riverton/data/linkage/export/", {"reason": "Annual report to the sheriff"}
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK" in response.content.decode()
    entry = PersonLevelAccess.objects.get()
    assert (entry.action, entry.reason, entry.rows) == ("export", "Annual report to the sheriff", 1)
    assert (
        signed_in(world.member)
        .post("/c/riverton/data/linkage/export/", {"reason": "x"})
        .status_code
        == 403
    )


@pytest.mark.parametrize(
    "content",
    [damaged_workbook(), b"source_person_id,release_date\nJ1,2023-01-01\n"],
    ids=["damaged", "text-named-xlsx"],
)
def test_a_damaged_workbook_is_refused_on_the_upload_form_and_not_kept(
    content: bytes, world: World, signed_in, data_dir
) -> None:  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile("jail.xlsx", content)
    response = signed_in(world.steward).post(
        "/c/riverton/data/upload/", {"kind": "releases", "source": "Jail", "file": upload}
    )
    assert response.status_code == 200
    assert UNREADABLE_WORKBOOK in response.content.decode()
    assert not DataJob.objects.exists()
    assert not [p for p in data_dir.rglob("*") if p.is_file()]


def test_a_data_through_date_in_the_future_is_refused_on_the_upload_form(
    world: World, signed_in, data_dir
) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    upload = SimpleUploadedFile("releases.csv", RELEASES, content_type="text/csv")
    response = signed_in(world.steward).post(
        "/c/riverton/data/upload/",
        {"kind": "releases", "source": "Jail", "file": upload, "data_through": "2099-12-31"},
    )
    assert response.status_code == 200
    assert (
        "The date the data is complete through must be between 1900-01-01 and today "
        f"({timezone.localdate().isoformat()}); 2099-12-31 is not."
    ) in response.content.decode()
    assert not DataJob.objects.exists() and not Source.objects.exists()
    assert not [p for p in data_dir.rglob("*") if p.is_file()]


def test_a_date_format_duckdb_cannot_read_is_refused_on_the_mapping_form(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.steward)
    content = b"Inmate ID,Released,Facility\nA1,31/03/2024,jail\n"
    upload = SimpleUploadedFile("odd.csv", content, content_type="text/csv")
    mapping = client.post(
        "/c/riverton/data/upload/", {"kind": "releases", "source": "Jail", "file": upload}
    )["Location"]
    response = client.post(
        mapping,
        {
            "col__source_person_id": "Inmate ID",
            "col__release_date": "Released",
            "col__facility_type": "Facility",
            "date_format": "%Q/%m",
        },
    )
    assert response.status_code == 200
    assert (
        "The date format is not usable: %Q is not a date code. Use %Y (year), %m (month), "
        "%d (day), %b (month name) and the like, for example %m/%d/%Y."
    ) in response.content.decode()
    assert not DataJob.objects.exists()


def test_those_who_do_not_bring_the_data_in_are_told_who_does(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.testing import page_words

    member = page_words(signed_in(world.member).get("/c/riverton/data/"))
    assert "The coalition's data steward, Dana Steward, uploads the partners' extracts" in member
    measures = page_words(signed_in(world.member).get("/c/riverton/measures/"))
    assert "The coalition's data steward, Dana Steward, uploads" in measures
    # Without one, the coordinator is sent to appoint one; others are told who does.
    world.steward.is_active = False
    world.steward.save()
    coordinator = signed_in(world.coordinator).get("/c/riverton/data/").content.decode()
    assert "no data steward yet" in coordinator
    assert 'on the <a href="/c/riverton/members/">Members page</a>' in coordinator
    assert "a coordinator appoints one" in page_words(
        signed_in(world.member).get("/c/riverton/data/")
    )
