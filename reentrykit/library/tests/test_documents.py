"""Document templates: filled in from the coalition's record, edited, downloaded."""

from __future__ import annotations

import io

import pytest

from reentrykit.library.merge import blocks, merged, unknown_fields
from reentrykit.library.models import CoalitionDocument
from reentrykit.library.starting_texts import TEMPLATES
from reentrykit.metrics.models import MetricSnapshot
from reentrykit.metrics.tests.builders import dashboard_payload, rate_row
from reentrykit.testing import World

DOCS = "/c/riverton/library/documents/"


def _preview(html: str) -> str:
    start = html.index('id="preview"')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.kind)
def test_every_starting_text_fills_in_completely(template, world: World) -> None:  # type: ignore[no-untyped-def]
    assert unknown_fields(template.body) == []
    text = merged(template.body, world.coalition)
    assert "[[" not in text and "]]" not in text
    assert blocks(text)[0].kind == "heading"


def test_the_list_shows_every_template(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    html = signed_in(world.viewer).get(DOCS).content.decode()
    for template in TEMPLATES:
        assert template.title in html
    assert html.count("<td>Starting text</td>") == len(TEMPLATES)


def test_the_charter_fills_in_the_coalitions_record(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    preview = _preview(signed_in(world.member).get(f"{DOCS}charter/").content.decode())
    assert "<h2>Charter of Riverton County Reentry Coalition</h2>" in preview
    assert "<li>Second Chance Works</li>" in preview  # a partner, as a list item
    assert "Casey Coordinator coordinates the coalition" in preview
    assert "organizations of our county that" in preview


@pytest.mark.parametrize("role", ["member", "steward"])
def test_the_rearrest_rate_is_filled_in_suppressed_for_everyone(
    role: str, world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(getattr(world, role))
    page = client.get(f"{DOCS}mission/").content.decode()
    assert "not yet measured" in _preview(page)
    # Said above the text too, before it is handed out as it stands.
    assert 'id="not-yet"' in page and "Some figures are not measured yet" in page
    MetricSnapshot.objects.create(coalition=world.coalition, payload=dashboard_payload())
    page = client.get(f"{DOCS}mission/").content.decode()
    preview = _preview(page)
    assert "released in 2023, 45% were rearrested within a year" in preview
    assert 'id="not-yet"' not in page
    small = dashboard_payload()
    small["rates"] = [rate_row("all", "all", 7, 3)]
    MetricSnapshot.objects.create(coalition=world.coalition, payload=small)
    preview = _preview(client.get(f"{DOCS}mission/").content.decode())
    assert "a share withheld to protect small counts were rearrested" in preview
    assert "42.9%" not in preview and "43%" not in preview


def test_a_member_changes_the_text_and_goes_back(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.member)
    body = "# Our mission\n\n[[coalition_name]] helps people home.\n\n- Housing\n- Work"
    client.post(f"{DOCS}mission/", {"title": "Mission, 2027", "body": body})
    saved = CoalitionDocument.objects.get(coalition=world.coalition, kind="mission")
    assert (saved.title, saved.body, saved.updated_by) == ("Mission, 2027", body, world.member)
    html = client.get(f"{DOCS}mission/").content.decode()
    assert "<p>Riverton County Reentry Coalition helps people home.</p>" in _preview(html)
    assert "<ul><li>Housing</li><li>Work</li></ul>" in _preview(html)
    assert "Yours, changed" in client.get(DOCS).content.decode()
    client.post(f"{DOCS}mission/", {"reset": "yes"})
    assert not CoalitionDocument.objects.exists()


def test_an_unknown_merge_field_is_refused_and_nothing_saved(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(world.member).post(
        f"{DOCS}mission/", {"title": "T", "body": "Hello [[coalition]] and [[mayor_name]]"}
    )
    html = response.content.decode()
    assert "[[coalition]], [[mayor_name]] are not merge fields" in html
    assert not CoalitionDocument.objects.exists()


def test_a_body_is_never_run_as_a_template(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.member)
    client.post(f"{DOCS}mission/", {"title": "T", "body": "{{ request.user.email }} {% now 'Y' %}"})
    preview = _preview(client.get(f"{DOCS}mission/").content.decode())
    assert "{{ request.user.email }} {% now &#x27;Y&#x27; %}" in preview
    assert world.member.email not in preview


@pytest.mark.parametrize("role", ["viewer", "steward"])
def test_readers_cannot_change_documents(role: str, world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(getattr(world, role))
    assert "Change the text" not in client.get(f"{DOCS}mission/").content.decode()
    assert client.post(f"{DOCS}mission/", {"title": "T", "body": "B"}).status_code == 403
    assert not CoalitionDocument.objects.exists()


def test_downloads_as_word_and_pdf(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    from docx import Document
    from pypdf import PdfReader

    client = signed_in(world.viewer)
    word = client.get(f"{DOCS}charter/download/?format=docx")
    assert word["Content-Disposition"] == 'attachment; filename="riverton-charter.docx"'
    paragraphs = Document(io.BytesIO(word.content)).paragraphs
    styled = [(p.style.name, p.text) for p in paragraphs]
    assert styled[0] == ("Heading 1", "Charter of Riverton County Reentry Coalition")
    assert ("Heading 2", "Members") in styled
    assert ("List Bullet", "Second Chance Works") in styled
    pdf = client.get(f"{DOCS}charter/download/?format=pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Riverton County Reentry Coalition" in text


def test_a_title_fills_in_on_the_page_the_list_and_the_downloads(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    from docx import Document
    from pypdf import PdfReader

    client = signed_in(world.member)
    client.post(f"{DOCS}mission/", {"title": "Mission of [[coalition_name]]", "body": "# Why"})
    filled = "Mission of Riverton County Reentry Coalition"
    page = client.get(f"{DOCS}mission/").content.decode()
    assert f"<h1>{filled}</h1>" in page
    assert f"<title>{filled} ·" in page
    assert f">{filled}</a>" in client.get(DOCS).content.decode()
    word = client.get(f"{DOCS}mission/download/?format=docx").content
    assert Document(io.BytesIO(word)).core_properties.title == filled
    pdf = PdfReader(io.BytesIO(client.get(f"{DOCS}mission/download/?format=pdf").content))
    assert pdf.metadata.title == filled


def test_an_unknown_merge_field_in_a_title_is_refused(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(world.member).post(
        f"{DOCS}mission/", {"title": "Mission of [[coalition]]", "body": "B"}
    )
    assert "[[coalition]] is not a merge field" in response.content.decode()
    assert not CoalitionDocument.objects.exists()


def test_an_unknown_document_is_not_found(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.member)
    assert client.get(f"{DOCS}budget/").status_code == 404
    assert client.get(f"{DOCS}budget/download/").status_code == 404


def test_the_resource_guide_lists_the_service_directory(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.resources.models import Service

    Service.objects.create(
        coalition=world.coalition,
        name="Bridge housing",
        provider="Second Chance Works",
        need="housing",
        phone="555-0100",
    )
    Service.objects.create(
        coalition=world.other, name="Their shelter", provider="P", need="housing"
    )
    html = signed_in(world.viewer).get(f"{DOCS}resource_guide/").content.decode()
    assert "<li>Housing: Bridge housing (Second Chance Works), 555-0100</li>" in html
    assert "Their shelter" not in html


def test_a_download_in_an_unknown_format_is_refused(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    """A PDF link mistyped as ?format=PDF must not send a Word file named as asked."""
    client = signed_in(world.viewer)
    refused = client.get(f"{DOCS}charter/download/?format=PDF")
    assert refused.status_code == 400
    assert "'docx' or 'pdf'" in refused.content.decode()
    plain = client.get(f"{DOCS}charter/download/")
    assert plain["Content-Disposition"] == 'attachment; filename="riverton-charter.docx"'


def test_the_partner_count_reads_as_words_for_one_and_for_many(world: World) -> None:
    organizations = world.coalition.organizations
    count = organizations.count()
    assert count > 1
    assert merged("[[partners]]", world.coalition) == f"{count} partner organizations"
    organizations.exclude(pk=organizations.first().pk).delete()
    assert merged("[[partners]]", world.coalition) == "1 partner organization"
    talking_points = next(t for t in TEMPLATES if t.kind == "talking_points")
    assert "brings together 1 partner organization to help" in merged(
        talking_points.body, world.coalition
    )


def test_the_reconviction_and_reincarceration_rates_are_filled_in_as_a_viewer_sees_them(
    world: World,
) -> None:
    """Each one-year headline rate has its merge field: suppressed where its cohort is
    small, flagged with its own events when unstable, worded before it is measured."""
    body = "[[one_year_reconviction]] / [[one_year_reincarceration]] ([[rearrest_cohort_year]])"
    assert merged(body, world.coalition) == (
        "a share not yet measured / a share not yet measured (the latest year)"
    )
    payload = dashboard_payload()
    payload.pop("headline", None)
    payload["rates"] = [
        {**rate_row("all", "all", 300, 19), "measure": "reconviction"},  # 19 events: unstable
        {**rate_row("all", "all", 7, 3), "measure": "reincarceration"},  # a cohort under k
    ]
    MetricSnapshot.objects.create(coalition=world.coalition, payload=payload)
    assert merged(body, world.coalition) == (
        "6% (unstable: fewer than 20 reconvictions) / "
        "a share withheld to protect small counts (2023)"
    )
