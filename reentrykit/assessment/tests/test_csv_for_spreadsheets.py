"""The assessment's CSV downloads open in a spreadsheet with their accents and dashes
as written: Excel reads a CSV file as UTF-8 only when it starts with a byte order mark."""

from __future__ import annotations

import csv
import io

from reentrykit.assessment import services
from reentrykit.testing import World

BOM = b"\xef\xbb\xbf"


def test_the_responses_download_keeps_accents_in_a_spreadsheet(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    world.member.full_name = "José Núñez"
    world.member.save()
    round_ = services.round_open(coalition=world.coalition, name="Évaluation de base")
    respondent = services.respondent_add(round_=round_, user=world.member)
    item = round_.instrument.items()[0]
    note = "Depends on the “housing first” pilot, doesn't it?"
    services.response_save(
        round_=round_, respondent=respondent, item_key=item.key, answer=1, note=note
    )
    response = signed_in(world.coordinator).get(
        f"/c/riverton/assess/rounds/{round_.pk}/responses.csv"
    )
    assert response.content.startswith(BOM)
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert (rows[0]["round"], rows[0]["respondent_name"]) == ("Évaluation de base", "José Núñez")
    assert rows[0]["note"] == note


def test_the_answer_sheet_keeps_the_statements_dashes_in_a_spreadsheet(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    round_ = services.round_open(coalition=world.coalition, name="Baseline")
    services.local_item_add(round_=round_, statement="Peer mentors — people with lived experience")
    response = signed_in(world.coordinator).get(
        f"/c/riverton/assess/rounds/{round_.pk}/answer-sheet.csv"
    )
    assert response.content.startswith(BOM)
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[-1]["statement"] == "Peer mentors — people with lived experience"
