"""Documents leave the coalition: their figures are suppressed whoever exports them,
say so when they rest on few events or on no measures yet, name people only as they
chose to be named, and keep the text as it was written."""

from __future__ import annotations

import html
import io
import re

import pytest

from reentrykit.library.merge import half_fields, merged
from reentrykit.library.models import CoalitionDocument
from reentrykit.library.starting_texts import BY_KIND, TEMPLATES
from reentrykit.metrics.models import MetricSnapshot
from reentrykit.metrics.tests.builders import dashboard_payload, rate_row
from reentrykit.testing import World

DOCS = "/c/riverton/library/documents/"


def _preview(page: str) -> str:
    start = page.index('id="preview"')
    return page[start : page.index("</section>", start)]


def _word_text(content: bytes) -> str:
    from docx import Document

    return "\n".join(paragraph.text for paragraph in Document(io.BytesIO(content)).paragraphs)


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _everywhere(client, kind: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The document as the page previews it and as the Word and PDF files hold it."""
    page = client.get(f"{DOCS}{kind}/").content.decode()
    word = client.get(f"{DOCS}{kind}/download/?format=docx").content
    pdf = client.get(f"{DOCS}{kind}/download/?format=pdf").content
    return {
        "page": html.unescape(_preview(page)),
        "docx": _word_text(word),
        "pdf": " ".join(_pdf_text(pdf).split()),
    }


def _headline(cohort: int, recidivists: int) -> dict:
    payload = dashboard_payload()
    payload["rates"] = [rate_row("all", "all", cohort, recidivists)]
    payload.pop("headline", None)
    return payload


@pytest.mark.parametrize(
    ("cohort", "recidivists", "raw"),
    [(7, 3, "42.9%"), (100, 95, "95.0%"), (100, 4, "4.0%")],
    ids=["small-cohort", "small-complement", "small-count"],
)
def test_it_suppresses_the_rate_in_a_stewards_page_word_and_pdf(
    cohort: int, recidivists: int, raw: str, world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    MetricSnapshot.objects.create(coalition=world.coalition, payload=_headline(cohort, recidivists))
    for where, text in _everywhere(signed_in(world.steward), "talking_points").items():
        assert raw not in text, where
        assert "a share withheld to protect small counts" in text, where


def test_it_words_the_rate_sensibly_before_any_measures(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.member)
    MetricSnapshot.objects.create(coalition=world.coalition, payload={"empty": True})
    for where, text in _everywhere(client, "talking_points").items():
        assert "the latest year, not yet measured were rearrested" not in text, where
        assert "the latest year, a share not yet measured were rearrested" in text, where


def test_it_flags_a_rate_resting_on_few_rearrests_as_unstable(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.steward)
    MetricSnapshot.objects.create(coalition=world.coalition, payload=_headline(100, 15))
    for where, text in _everywhere(client, "talking_points").items():
        assert "15% (unstable: fewer than 20 rearrests) were rearrested" in text, where
    MetricSnapshot.objects.create(coalition=world.coalition, payload=_headline(200, 90))
    for where, text in _everywhere(client, "talking_points").items():
        assert "45% were rearrested" in text, where


def test_it_gives_the_rate_to_a_whole_percent_as_pages_outside_the_coalition_do(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    # To one decimal, the three rates together fit so few cohorts that they could give
    # back the people who left the denominators; a document is written to go out.
    MetricSnapshot.objects.create(coalition=world.coalition, payload=_headline(300, 100))
    for where, text in _everywhere(signed_in(world.steward), "talking_points").items():
        assert "33% were rearrested" in text, where
        assert "33.3" not in text, where


def test_it_does_not_print_a_coordinators_email_address(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    # An account made on the command line without --name has only its e-mail address.
    world.coordinator.full_name = ""
    world.coordinator.save()
    for where, text in _everywhere(signed_in(world.viewer), "press_release").items():
        assert "coordinator@riverton.test" not in text, where
        assert "contact the coalition's coordinator." in text, where


@pytest.mark.parametrize("typed", ["[[coalition_name]", "coalition_name]]", "[[ today ]"])
def test_it_refuses_a_merge_field_missing_a_bracket(typed: str, world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(world.member).post(
        f"{DOCS}mission/", {"title": "Mission", "body": f"# Mission\n\n{typed} helps people."}
    )
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert f"{typed.strip()} is missing a bracket" in text
    assert not CoalitionDocument.objects.exists()


def test_it_finds_no_bracket_missing_in_the_starting_texts() -> None:
    for template in TEMPLATES:
        assert half_fields(template.title) == half_fields(template.body) == [], template.kind


def test_it_keeps_line_breaks_within_a_paragraph(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    from docx import Document
    from pypdf import PdfReader

    client = signed_in(world.member)
    body = "# Signatures\n\nFor [[coalition_name]]:\nCasey Coordinator\nDate: ________"
    client.post(f"{DOCS}mou/", {"title": "MOU", "body": body})
    page = client.get(f"{DOCS}mou/").content.decode()
    assert (
        "<p>For Riverton County Reentry Coalition:<br>Casey Coordinator<br>Date: ________</p>"
        in _preview(page)
    )
    word = Document(io.BytesIO(client.get(f"{DOCS}mou/download/?format=docx").content))
    assert word.paragraphs[1].text == (
        "For Riverton County Reentry Coalition:\nCasey Coordinator\nDate: ________"
    )
    pdf = PdfReader(io.BytesIO(client.get(f"{DOCS}mou/download/?format=pdf").content))
    lines = pdf.pages[0].extract_text().splitlines()
    assert "Casey Coordinator" in lines


def test_it_keeps_quotes_ampersands_accents_and_formulas_as_written(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.member)
    world.coalition.name = "Ríos & Peña “Second Chance” Coalition"
    world.coalition.save()
    line = "=SUM(A1:A2) +1 @everyone -5 'quoted' \"double\" <b>not bold</b> ñ é ü"
    body = f'# [[coalition_name]]\n\n{line}\n\n- =HYPERLINK("x")\n- Résumé & jobs'
    client.post(f"{DOCS}press_release/", {"title": "Press", "body": body})
    for where, text in _everywhere(client, "press_release").items():
        assert "Ríos & Peña “Second Chance” Coalition" in text, where
        assert line in text, where
        assert '=HYPERLINK("x")' in text, where
        assert "Résumé & jobs" in text, where


def _seen(page: str) -> dict[str, str]:
    """The hidden version of the document the edit form was opened on, as a browser
    posts it back (none before the form carries one)."""
    found = re.search(r'<input type="hidden" name="seen" value="([^"]*)"', page)
    return {"seen": found.group(1)} if found else {}


def test_it_does_not_overwrite_a_document_changed_meanwhile(world: World) -> None:
    from django.test import Client

    from reentrykit.testing import sign_in

    member, coordinator = sign_in(Client(), world.member), sign_in(Client(), world.coordinator)
    opened = _seen(member.get(f"{DOCS}press_release/").content.decode())
    theirs = {"title": "Press", "body": "# News\n\nThe coordinator's careful wording."}
    coordinator.post(f"{DOCS}press_release/", {**theirs, **opened})
    mine = {"title": "Press", "body": "# News\n\nMy quick draft."}
    response = member.post(f"{DOCS}press_release/", {**mine, **opened})
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Someone else changed this document while you had it open" in page
    assert "The coordinator's careful wording." in _preview(page)  # theirs, to compare
    assert CoalitionDocument.objects.get().body == theirs["body"]
    # Saving again, having seen their version, replaces it.
    member.post(f"{DOCS}press_release/", {**mine, **_seen(page)})
    assert CoalitionDocument.objects.get().body == mine["body"]


def test_the_agenda_reads_as_a_sentence_before_there_are_measures(world: World) -> None:
    agenda = merged(BY_KIND["agenda"].body, world.coalition)
    assert (
        "What the data shows: of the people released in the latest year, a share not yet "
        "measured were rearrested within a year (of state prisoners released nationally in "
        "2005, 43.4%)"
    ) in agenda
