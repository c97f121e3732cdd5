"""The column-mapping step: in words a steward reads, sent twice (a double click) it
leads to the one import it started, and what it saves comes back at the next file."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reentrykit.data.models import DataJob
from reentrykit.testing import World

ODD = b"Inmate ID,Released,Facility\nA1,2024-03-31,jail\n"
MAPPED = {
    "col__source_person_id": "Inmate ID",
    "col__release_date": "Released",
    "col__facility_type": "Facility",
    "date_format": "%Y-%m-%d",
}


def test_the_mapping_sent_twice_shows_the_import_it_started(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.steward)
    upload = SimpleUploadedFile("odd.csv", ODD, content_type="text/csv")
    mapping_page = client.post(
        "/c/riverton/data/upload/", {"kind": "releases", "source": "Jail", "file": upload}
    )["Location"]
    first = client.post(mapping_page, MAPPED)
    # The second click arrives while the worker has not yet taken the job: the browser
    # shows its answer, which must be the import's page, not "page not found".
    second = client.post(mapping_page, MAPPED)
    job = DataJob.objects.get()
    assert first.status_code == 302
    assert second.status_code == 302
    assert first["Location"] == second["Location"] == f"/c/riverton/data/jobs/{job.pk}/"
    assert client.get(mapping_page)["Location"] == first["Location"]


def test_a_mapping_token_sent_to_another_coalition_is_not_found(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.coalitions.models import Role
    from reentrykit.coalitions.services import membership_create

    membership_create(coalition=world.other, user=world.steward, role=Role.DATA_STEWARD)
    client = signed_in(world.steward)
    upload = SimpleUploadedFile("odd.csv", ODD, content_type="text/csv")
    mapping_page = client.post(
        "/c/riverton/data/upload/", {"kind": "releases", "source": "Jail", "file": upload}
    )["Location"]
    client.post(mapping_page, MAPPED)
    elsewhere = mapping_page.replace("/c/riverton/", "/c/elsewhere/")
    assert client.get(elsewhere).status_code == 404
    assert client.post(elsewhere, MAPPED).status_code == 404
    assert DataJob.objects.count() == 1


MDY = b"Inmate ID,Released,Facility\nA1,03/31/2024,jail\n"
ISO = b"Inmate ID,Released,Facility\nA2,2024-04-30,jail\n"


def test_a_saved_date_format_can_be_changed_at_the_next_upload(
    world: World, signed_in, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    """The partner now writes ISO dates under the same headers: the mapping saved for the
    source (with %m/%d/%Y) would refuse every row, and the columns resolve, so the steward
    asks for the mapping step, finds what was saved, and changes the date format."""
    from reentrykit.data.models import ImportBatch

    client = signed_in(world.steward)
    first = SimpleUploadedFile("mdy.csv", MDY, content_type="text/csv")
    mapping_page = client.post(
        "/c/riverton/data/upload/", {"kind": "releases", "source": "Jail", "file": first}
    )["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            mapping_page,
            {**MAPPED, "date_choice": "%m/%d/%Y", "val__facility_type": "J = jail"},
        )
    assert ImportBatch.objects.count() == 1

    second = SimpleUploadedFile("iso.csv", ISO, content_type="text/csv")
    response = client.post(
        "/c/riverton/data/upload/",
        {"kind": "releases", "source": "Jail", "file": second, "check_columns": "on"},
    )
    assert "/columns/" in response["Location"]
    form = client.get(response["Location"]).content.decode()
    # What was saved for the source would refuse the file's dates; the way the file
    # writes them is offered instead.
    assert _chosen_date(form) == "%Y-%m-%d"
    assert "Chosen as the file&#x27;s first rows write dates; change it if wrong." in form
    assert "j = jail</textarea>" in form
    assert 'value="Released" selected' in form
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], MAPPED)
    assert ImportBatch.objects.count() == 2


def _chosen_date(form: str) -> str:
    """The value of the date format's radio button that is checked."""
    checked = re.findall(
        r'<input type="radio" name="date_choice" value="([^"]+)"[^>]*checked', form
    )
    assert len(checked) == 1, checked
    return checked[0]


def _mapping_page(client, content: bytes, **extra: str) -> str:  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile("file.csv", content, content_type="text/csv")
    response = client.post(
        "/c/riverton/data/upload/",
        {"kind": "releases", "source": "Jail", "file": upload, **extra},
    )
    return response["Location"]


def test_the_form_names_fields_in_words_and_offers_dates_by_example(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.steward)
    form = client.get(_mapping_page(client, ODD)).content.decode()
    assert "Person id in this source&#x27;s records (source_person_id)" in form
    assert "Release date (release_date)" in form
    assert "Codes for facility type (facility_type)" in form
    assert "code = ours, e.g. J = jail. Ours: jail, prison." in form
    assert "aian (American Indian or Alaska Native), asian, black (Black or African" in form
    # Each common way is shown as March 31, 2024 written that way; ISO is the default.
    for shown in ("2024-03-31", "03/31/2024", "03/31/24", "31/03/2024", "20240331", "31-Mar-2024"):
        assert f'">{shown}</label>' in form, shown
    assert _chosen_date(form) == "%Y-%m-%d"


def test_a_way_of_writing_dates_not_offered_is_typed_and_comes_back_as_typed(
    world: World, signed_in, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.data.models import ImportBatch

    client = signed_in(world.steward)
    dotted = b"Inmate ID,Released,Facility\nA1,31.03.2024,jail\n"
    page = _mapping_page(client, dotted)
    # "Another way" chosen but nothing typed: said where, and nothing is imported.
    refused = client.post(page, {**MAPPED, "date_choice": "other", "date_format": ""})
    assert "The date format is not usable: give the format" in refused.content.decode()
    assert not DataJob.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page, {**MAPPED, "date_choice": "other", "date_format": "%d.%m.%Y"})
    batch = ImportBatch.objects.get()
    assert batch.rows == 1  # 31.03.2024 read as a date
    again = _mapping_page(client, dotted, check_columns="on")
    form = client.get(again).content.decode()
    assert _chosen_date(form) == "other"
    assert 'name="date_format" value="%d.%m.%Y"' in form


@pytest.mark.parametrize(
    ("dates", "offered"),
    [
        # A day past 12 tells month/day from day/month.
        (["06/01/1979", "12/31/2023"], "%m/%d/%Y"),
        (["06/01/1979", "31/12/2023"], "%d/%m/%Y"),
        # Days of 12 or less read either way: the American order is offered.
        (["06/01/1979", "07/02/2023"], "%m/%d/%Y"),
        (["6/1/79", "12/31/23"], "%m/%d/%y"),
        (["20230131", ""], "%Y%m%d"),  # an empty cell says nothing
        (["2023-01-31 00:00:00"], "%Y-%m-%d"),  # a workbook's date and time
        (["31.12.2023"], "%Y-%m-%d"),  # no common way reads it: the default
    ],
)
def test_the_date_format_offered_is_the_way_the_files_first_rows_write_dates(
    world: World, signed_in, dates: list[str], offered: str
) -> None:  # type: ignore[no-untyped-def]
    rows = "".join(f"A{i},{day},J\n" for i, day in enumerate(dates))
    client = signed_in(world.steward)
    form = client.get(_mapping_page(client, f"Inmate ID,Released,Facility\n{rows}".encode()))
    assert _chosen_date(form.content.decode()) == offered


def test_a_file_of_known_columns_whose_dates_the_import_would_refuse_goes_to_the_form(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.steward)
    canonical = b"source_person_id,release_date,facility_type\nA1,06/01/1979,jail\n"
    page = _mapping_page(client, canonical)
    assert "/columns/" in page and not DataJob.objects.exists()
    form = client.get(page).content.decode()
    assert "dates are not written the way the import would read them" in form
    assert _chosen_date(form) == "%m/%d/%Y"
    # ISO dates, which the import reads, go straight to the import.
    straight = _mapping_page(
        client, b"source_person_id,release_date,facility_type\nA1,1979-06-01,jail\n"
    )
    assert straight == f"/c/riverton/data/jobs/{DataJob.objects.get().pk}/"


def test_a_file_of_another_kind_is_named_as_such(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.steward)
    arrests = b"source_person_id,event_date,event_type\nA1,2024-02-01,arrest\n"
    form = client.get(_mapping_page(client, arrests)).content.decode()
    assert (
        "These columns are those of justice events (arrests, bookings, convictions, "
        "incarcerations, revocations, deaths), not of releases from custody."
    ) in form.replace("&#x27;", "'")
    # A releases file missing a column is not taken for another kind.
    form = client.get(_mapping_page(client, ODD)).content.decode()
    assert "These columns are those of" not in form
