"""Paper answers from a file on the respondents page: all rows or none, for coordinators."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from reentrykit.assessment import imports, services
from reentrykit.assessment.models import Respondent, Response, Round
from reentrykit.assessment.tests.conftest import HAND_WORKED, hand_worked_csv
from reentrykit.testing import World


def _url(round_: Round, page: str) -> str:
    return f"/c/riverton/assess/rounds/{round_.pk}/{page}"


def _upload(client, round_: Round, text: str, name: str = "answers.csv"):  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")
    return client.post(_url(round_, "respondents/import/"), {"file": upload})


@pytest.fixture
def open_round(world: World, test_instrument: Path) -> Round:
    return services.round_open(coalition=world.coalition, name="Baseline")


def test_a_coordinator_imports_paper_answers(world: World, open_round: Round, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.coordinator)
    response = _upload(client, open_round, hand_worked_csv(world))
    assert response.status_code == 302
    assert response["Location"] == _url(open_round, "respondents/")
    answers = sum(len(by_person) for by_person in HAND_WORKED.values())
    page = client.get(response["Location"]).content.decode()
    assert f"Imported {answers} answers from 4 respondents." in page
    assert Response.objects.filter(round=open_round).count() == answers
    # The viewer and the data steward, who cannot answer on the web, are respondents now.
    emails = set(Respondent.objects.filter(round=open_round).values_list("user__email", flat=True))
    assert {world.viewer.email, world.steward.email} <= emails


def test_one_bad_row_imports_nothing_and_says_where(
    world: World, open_round: Round, signed_in
) -> None:  # type: ignore[no-untyped-def]
    text = hand_worked_csv(world) + f"{world.member.email},1.1.a,7,\nnobody@x.test,9.9.z,1,\n"
    response = _upload(signed_in(world.coordinator), open_round, text)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was imported: 3 problems to fix" in page
    rows = len(hand_worked_csv(world).splitlines())
    bad_rating = "column rating: value &#x27;7&#x27;: use 0, 1, 2, 3 or dont_know"
    assert f"row {rows + 1}, {bad_rating}" in page
    assert f"row {rows + 2}, column respondent_email" in page
    assert f"row {rows + 2}, column item_key" in page
    # The page points to its own answer sheet for the item keys, not to a command.
    assert "the blank answer sheet on this page lists every item" in page
    assert "reentrykit assessment instrument" not in page
    assert not Response.objects.filter(round=open_round).exists()
    assert not Respondent.objects.filter(round=open_round).exists()


def test_a_note_with_a_null_character_imports_nothing_and_says_where(
    world: World, open_round: Round, signed_in
) -> None:  # type: ignore[no-untyped-def]
    text = hand_worked_csv(world) + f"{world.member.email},1.2.a,1,a\x00b\n"
    response = _upload(signed_in(world.coordinator), open_round, text)
    assert response.status_code == 400
    rows = len(hand_worked_csv(world).splitlines())
    assert (
        f"row {rows + 1}, column note: value &#x27;a\\x00b&#x27;: a note cannot hold a null"
        in response.content.decode()
    )
    assert not Response.objects.filter(round=open_round).exists()


def test_a_file_without_the_columns_says_which_it_lacks_and_which_it_has(
    world: World, open_round: Round, signed_in
) -> None:  # type: ignore[no-untyped-def]
    text = f"email,item,score\n{world.member.email},1.1.a,2\n"
    response = _upload(signed_in(world.coordinator), open_round, text)
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        "row 1: the first row names the columns respondent_email, item_key, rating, note; "
        "it has no respondent_email, item_key, rating, note (its columns: email, item, score)"
    ) in page


def test_a_file_that_is_not_text_or_too_large_is_refused(
    world: World, open_round: Round, signed_in, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.coordinator)
    upload = SimpleUploadedFile("answers.xlsx", b"PK\x03\x04\xff\xfe binary", "application/zip")
    response = client.post(_url(open_round, "respondents/import/"), {"file": upload})
    assert response.status_code == 400
    assert "the file is not UTF-8 text" in response.content.decode()
    monkeypatch.setattr(imports, "MAX_FILE_BYTES", 10)
    response = _upload(client, open_round, hand_worked_csv(world))
    assert "the limit is 0 MB" in response.content.decode()
    response = client.post(_url(open_round, "respondents/import/"), {})
    assert response.status_code == 400
    assert "Answers file (CSV): This field is required." in response.content.decode()
    assert not Response.objects.filter(round=open_round).exists()


def test_a_quotation_mark_never_closed_is_a_problem_on_its_row(
    world: World, open_round: Round, signed_in
) -> None:  # type: ignore[no-untyped-def]
    """Everything after the quote is one value; past the CSV reader's size limit that
    must be a row-level problem, not a server error."""
    rows = hand_worked_csv(world)
    unclosed = f'{world.member.email},1.1.a,2,"an unclosed quote\n' + "x" * 140_000 + "\n"
    response = _upload(signed_in(world.coordinator), open_round, rows + unclosed)
    assert response.status_code == 400
    page = response.content.decode()
    assert f"row {len(rows.splitlines()) + 1}: a value runs past 131,072 characters" in page
    assert "quotation mark in it is probably never closed" in page
    assert not Response.objects.filter(round=open_round).exists()


@pytest.mark.parametrize("role", ["member", "steward", "viewer", "coach", "outsider"])
def test_only_the_coordinator_imports(
    role: str, world: World, open_round: Round, signed_in
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(getattr(world, role))
    response = _upload(client, open_round, hand_worked_csv(world))
    assert response.status_code in (403, 404)
    assert client.get(_url(open_round, "answer-sheet.csv")).status_code in (403, 404)
    assert not Response.objects.filter(round=open_round).exists()


def test_a_closed_round_takes_no_answers(world: World, open_round: Round, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.coordinator)
    Round.objects.filter(pk=open_round.pk).update(status="closed", closed_at=timezone.now())
    response = _upload(client, open_round, hand_worked_csv(world))
    assert response.status_code == 400
    assert "“Baseline” is closed; its answers can no longer change." in response.content.decode()
    assert not Response.objects.filter(round=open_round).exists()


def test_the_answer_sheet_lists_every_item_and_imports_once_filled(
    world: World, open_round: Round, signed_in
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.coordinator)
    response = client.get(_url(open_round, "answer-sheet.csv"))
    assert response.status_code == 200
    assert 'filename="baseline-answer-sheet.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    keys = [row["item_key"] for row in rows]
    assert keys == [item.key for item in open_round.instrument.items()]
    first = open_round.instrument.items()[0]
    assert rows[0]["statement"] == first.statement
    # Filled in for the viewer, it imports as it is.
    for row in rows:
        row["respondent_email"], row["rating"] = world.viewer.email, "2"
    filled = io.StringIO()
    writer = csv.DictWriter(filled, fieldnames=list(imports.SHEET_COLUMNS))
    writer.writeheader()
    writer.writerows(rows)
    assert _upload(client, open_round, filled.getvalue()).status_code == 302
    ratings = set(Response.objects.filter(round=open_round).values_list("rating", flat=True))
    assert ratings == {2}
    assert Response.objects.filter(round=open_round).count() == len(keys)
