"""The PDF report and the response exports."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from reentrykit.assessment import exports, services
from reentrykit.assessment.models import Respondent, Round
from reentrykit.testing import World


def _closed_round(world: World) -> Round:
    round_ = services.round_open(coalition=world.coalition, name="Baseline")
    for user, base in ((world.member, 0), (world.coordinator, 1)):
        respondent = services.respondent_add(round_=round_, user=user)
        for index, item in enumerate(round_.instrument.items()):
            services.response_save(
                round_=round_, respondent=respondent, item_key=item.key, answer=(base + index) % 4
            )
    services.round_close(round_=round_)
    return round_


def test_it_reports_the_results_as_a_pdf_with_the_section_charts(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    round_ = _closed_round(world)
    response = signed_in(world.member).get(f"/c/riverton/assess/rounds/{round_.pk}/report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="rpca-baseline.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for title in (
        "Driving Systems Change",
        "Reducing Recidivism",
        "Enabling Personal and Community Transformation",
    ):
        assert title in text
    assert "2 of 2 invited respondents answered" in " ".join(text.split())
    # The charts are vector drawings (form XObjects) whose axis titles are real text.
    assert text.count("Percent of the maximum score") == 3
    drawings = 0
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject", {})
        drawings += sum(1 for ref in xobjects.values() if ref.get_object()["/Subtype"] == "/Form")
    assert drawings >= 3


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2 points", "'-2 points"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tindent", "'\tindent"),
        ("plain", "plain"),
        (2, 2),
    ],
)
def test_it_escapes_spreadsheet_formulas(value: object, safe: object) -> None:
    assert exports.safe_cell(value) == safe


def _round_with_a_dangerous_note(world: World) -> Round:
    round_ = services.round_open(coalition=world.coalition, name="Baseline")
    respondent = services.respondent_add(round_=round_, user=world.member)
    services.response_save(
        round_=round_, respondent=respondent, item_key="1.1.a", answer=2, note="=cmd|' /C calc'!A0"
    )
    services.response_save(
        round_=round_, respondent=respondent, item_key="1.1.b", answer="dont_know"
    )
    return round_


def test_it_exports_responses_as_csv_without_formulas(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    round_ = _round_with_a_dangerous_note(world)
    response = signed_in(world.coordinator).get(
        f"/c/riverton/assess/rounds/{round_.pk}/responses.csv"
    )
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(row["item_key"], row["rating"], row["answer"]) for row in rows] == [
        ("1.1.a", "2", "Established"),
        ("1.1.b", "", "Don't know"),
    ]
    assert rows[0]["note"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["sector"] == "Community reentry provider"


def test_it_exports_responses_as_xlsx_without_formulas(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    round_ = _round_with_a_dangerous_note(world)
    response = signed_in(world.coordinator).get(
        f"/c/riverton/assess/rounds/{round_.pk}/responses.xlsx"
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    note = sheet.cell(row=2, column=header.index("note") + 1)
    assert note.value == "'=cmd|' /C calc'!A0" and note.data_type == "s"
    assert sheet.cell(row=2, column=header.index("rating") + 1).value == 2


@pytest.mark.parametrize("role", ["member", "viewer", "steward"])
def test_it_keeps_named_responses_from_members(role: str, world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    round_ = _round_with_a_dangerous_note(world)
    client = signed_in(getattr(world, role))
    for name in ("responses.csv", "responses.xlsx"):
        assert client.get(f"/c/riverton/assess/rounds/{round_.pk}/{name}").status_code == 403
    assert Respondent.objects.count() == 1


def test_the_report_counts_the_respondents_who_answered(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    round_ = services.round_open(coalition=world.coalition, name="Baseline")
    for user in (world.member, world.coordinator, world.steward):
        services.respondent_add(round_=round_, user=user)
    respondent = Respondent.objects.get(round=round_, user=world.member)
    item = round_.instrument.items()[0]
    services.response_save(round_=round_, respondent=respondent, item_key=item.key, answer=2)
    services.round_close(round_=round_)
    response = signed_in(world.member).get(f"/c/riverton/assess/rounds/{round_.pk}/report.pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "1 of 3 invited respondents answered" in " ".join(text.split())
