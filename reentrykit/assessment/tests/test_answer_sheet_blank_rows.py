"""The blank answer sheet, partly filled: the rows left as they came are items the
person did not answer, not problems."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reentrykit.assessment import imports, services
from reentrykit.assessment.models import Response, Round
from reentrykit.testing import World


def _url(round_: Round, page: str) -> str:
    return f"/c/riverton/assess/rounds/{round_.pk}/{page}"


@pytest.fixture
def open_round(world: World, test_instrument: Path) -> Round:
    return services.round_open(coalition=world.coalition, name="Baseline")


def _sheet(client, round_: Round) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    response = client.get(_url(round_, "answer-sheet.csv"))
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _upload(client, round_: Round, rows: list[dict[str, str]]):  # type: ignore[no-untyped-def]
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(imports.SHEET_COLUMNS))
    writer.writeheader()
    writer.writerows(rows)
    upload = SimpleUploadedFile("sheet.csv", text.getvalue().encode(), content_type="text/csv")
    return client.post(_url(round_, "respondents/import/"), {"file": upload})


def test_it_imports_a_sheet_whose_unanswered_rows_were_left_blank(
    world: World, open_round: Round, signed_in
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.coordinator)
    rows = _sheet(client, open_round)
    for row in rows[:2]:
        row["respondent_email"], row["rating"] = world.viewer.email, "1"
    response = _upload(client, open_round, rows)
    assert response.status_code == 302
    assert sorted(Response.objects.values_list("item_key", flat=True)) == sorted(
        row["item_key"] for row in rows[:2]
    )


def test_a_row_begun_but_not_finished_is_still_a_problem(
    world: World, open_round: Round, signed_in
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.coordinator)
    rows = _sheet(client, open_round)
    rows[0]["respondent_email"], rows[0]["rating"] = world.viewer.email, "1"
    rows[1]["rating"] = "2"  # whose answer?
    rows[2]["note"] = "asked to talk about it"  # a note on an item left unrated
    response = _upload(client, open_round, rows)
    assert response.status_code == 400
    page = response.content.decode()
    assert "row 3, column respondent_email" in page
    assert "row 4, column respondent_email" in page and "row 4, column rating" in page
    assert not Response.objects.exists()


def test_a_sheet_left_blank_has_no_answers(world: World, open_round: Round, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.coordinator)
    response = _upload(client, open_round, _sheet(client, open_round))
    assert response.status_code == 400
    assert "the file has no answers" in response.content.decode()
